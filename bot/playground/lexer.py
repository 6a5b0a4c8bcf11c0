"""Lexing of the playground's line language: when a typed line goes on on the next one
(an open ``` fence, a trailing backslash), and how a line splits into tokens (quotes group
words, key:value / key=value options, a lone `#` starts a comment). `ParseError` is the
error of both this and parser.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KEY = re.compile(r"[A-Za-z_][\w-]*")


FENCE = "```"
CONTINUE = "\\"


def needs_more(text: str) -> bool:
    """A line goes on on the next one while a ``` code fence is open, or when it ends with
    a backslash: how a code block or a multi-line value is typed."""
    return text.count(FENCE) % 2 == 1 or text.rstrip().endswith(CONTINUE)


def continued(text: str, more: str) -> str:
    """`text` (which needs_more) joined with the next physical line."""
    if text.count(FENCE) % 2 == 0 and text.rstrip().endswith(CONTINUE):
        text = text.rstrip()[: -len(CONTINUE)]
    return f"{text}\n{more}"


class ParseError(ValueError):
    """A line that is not in the playground language. The message says what to write."""


@dataclass(frozen=True)
class Token:
    text: str
    quoted: bool = False
    key: str | None = None  # set for key:value / key=value tokens


# ---- lexing ---------------------------------------------------------------------------


def _read_quoted(line: str, i: int) -> tuple[str, int]:
    """The text of a quoted string starting at line[i] (a quote); returns (text, next i)."""
    quote, out, i = line[i], [], i + 1
    while i < len(line):
        ch = line[i]
        if ch == "\\" and i + 1 < len(line) and line[i + 1] in (quote, "\\"):
            out.append(line[i + 1])
            i += 2
            continue
        if ch == quote:
            return "".join(out), i + 1
        out.append(ch)
        i += 1
    raise ParseError(f"unclosed {quote} quote: add the closing {quote}")


def tokenize(line: str) -> list[Token]:
    """Split on blanks; quotes group words; a lone `#` starts a comment."""
    tokens: list[Token] = []
    i, n = 0, len(line)
    while i < n:
        if line[i].isspace():
            i += 1
            continue
        if line[i] == "#" and (i + 1 == n or line[i + 1].isspace()):
            break  # comment
        key: str | None = None
        m = KEY.match(line, i)
        if m and m.end() < n and line[m.end()] in ":=":
            key, i = m.group(0), m.end() + 1
        if i < n and line[i] in "\"'":
            text, i = _read_quoted(line, i)
            if i < n and not line[i].isspace():
                raise ParseError(f"put a space after the closing quote of {text!r}")
            tokens.append(Token(text, True, key))
            continue
        start = i
        while i < n and not line[i].isspace():
            i += 1
        tokens.append(Token(line[start:i], False, key))
    return tokens


def _word(tok: Token) -> str:
    """A token as written (key:value tokens are words too where no key is expected)."""
    if tok.key is None:
        return tok.text
    return f"{tok.key}:{tok.text}"
