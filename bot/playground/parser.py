"""The playground's line language: one line = one thing a member does (or a REPL command).

    [as MEMBER] [in #CHANNEL] ACTION        # a trailing "# ..." is a comment
    /cmd [sub ...] [key:value ...]           slash command (key=value works too)
    complete /cmd [sub ...] [key:value ...]  autocomplete choices for the LAST option given
    click N | click "Label"                  a button on the last message with buttons
    select V ... [from N]                    pick option(s) of a select menu (N = which menu)
    modal key="value" ...                    fill and submit the open modal
    menu "Name" [on last|on N|on @member]    a context-menu (app) command on a message or user
    say TEXT                                 post TEXT in the channel (taken literally)
    post "TITLE" [tags:"A, B"] TEXT          start a post in the forum (#help-forum)
    wait 7d | wait 2h30m | wait until mon 09:00   let time pass: scheduled digests,
                                             pairing rounds and check-ins happen on the way
    (a line with an open ``` fence, or ending in a backslash, goes on on the next line)
    as MEMBER / in #CHANNEL                  alone: switch the default member / channel
    help [/cmd] | members | channels | posts | history [N] | quit

Values may be quoted ("two words" or 'two words'; backslash escapes a quote). An unquoted
number after `click`/`select` is a position (1-based); a quoted one is a label or value.
Parsing is pure: names are resolved against the world when the line runs. This module
holds the parsing (`parse_line`); the lexing is in lexer.py, the parsed forms (`Line` and
its actions) in lines.py.
"""

from __future__ import annotations

import re

from bot.playground.lexer import ParseError, Token, _read_quoted, _word, tokenize
from bot.playground.lines import (
    MENU_TARGET_LAST,
    Action,
    Channels,
    Click,
    Complete,
    Help,
    History,
    Line,
    Members,
    Menu,
    Meta,
    ModalFill,
    Option,
    Post,
    Posts,
    Quit,
    Say,
    Select,
    Slash,
    Wait,
)

# ---- parsing --------------------------------------------------------------------------


def parse_line(raw: str) -> Line:
    """Parse one line; raises ParseError with a message written for the person typing."""
    text = raw.strip()
    if not text or text.startswith("#"):
        return Line(text=raw)  # blank or a comment
    actor: str | None = None
    channel: str | None = None
    rest = text
    while True:
        head, _, tail = rest.partition(" ")
        word = head.lower()
        if word == "as":
            name, rest = _prefix_arg(tail, "as", "as bob")
            if actor is not None:
                raise ParseError("give `as MEMBER` only once per line")
            actor = name.removeprefix("@")
        elif word == "in":
            name, rest = _prefix_arg(tail, "in", "in #pairing")
            if channel is not None:
                raise ParseError("give `in #CHANNEL` only once per line")
            channel = name.removeprefix("#")
        else:
            break
        if not rest.strip() or rest.strip().startswith("# ") or rest.strip() == "#":
            return Line(None, actor, channel, raw)
    return Line(_action(rest.strip()), actor, channel, raw)


def _prefix_arg(tail: str, word: str, example: str) -> tuple[str, str]:
    tail = tail.lstrip()
    if not tail or tail.startswith("# "):
        raise ParseError(f"`{word}` needs a name, e.g. `{example}`")
    if tail[0] in "\"'":
        name, end = _read_quoted(tail, 0)
        return name, tail[end:]
    name, _, rest = tail.partition(" ")
    return name, rest


def _action(text: str) -> Action | Meta:
    if text.startswith("/"):
        path, options = _command(tokenize(text), "/")
        return Slash(path, options)
    head, _, tail = text.partition(" ")
    word = head.lower()
    if word == "say":
        if not tail.strip():
            raise ParseError("`say` needs the message text, e.g. `say I am stuck on CORS`")
        return Say(tail.strip())
    if word == "post":
        return _post(tail)
    tokens = tokenize(tail)
    if word == "complete":
        return _complete(tokens)
    if word == "click":
        return _click(tokens)
    if word == "select":
        return _select(tokens)
    if word == "modal":
        return _modal(tokens)
    if word in ("menu", "context"):
        return _menu(tokens)
    if word in ("help", "?"):
        return Help(" ".join(_word(t) for t in tokens) if tokens else None)
    if word in ("members", "channels", "posts", "quit", "exit"):
        if tokens:
            raise ParseError(f"`{word}` takes no arguments")
        if word == "members":
            return Members()
        if word == "posts":
            return Posts()
        return Channels() if word == "channels" else Quit()
    if word == "history":
        return History(_count(tokens, "history"))
    if word == "wait":
        return _wait(tail)
    hint = ""
    if word in ("concept", "setup", "challenge", "nexus", "digest", "pair", "curate"):
        hint = f" (slash commands start with /, e.g. `/{text}`)"
    raise ParseError(f"unknown input {head!r}{hint}; type `help` for the line language")


_POST_HELP = 'write e.g. `post "CORS error on fetch" tags:Frontend my fetch is blocked`'
_TAGS = re.compile(r"tags?[:=]", re.IGNORECASE)


def _post(tail: str) -> Post:
    """`post "TITLE" [tags:"A, B"] TEXT`: the text is taken literally, like `say`."""
    rest = tail.strip()
    if not rest:
        raise ParseError(f"`post` needs a title and a message: {_POST_HELP}")
    if rest[0] in "\"'":
        title, end = _read_quoted(rest, 0)
        rest = rest[end:].strip()
    else:
        title, _, rest = rest.partition(" ")
        rest = rest.strip()
    tags: tuple[str, ...] = ()
    if m := _TAGS.match(rest):
        rest = rest[m.end() :]
        if rest[:1] in ('"', "'"):
            value, end = _read_quoted(rest, 0)
        else:
            value = rest.split(" ", 1)[0]
            end = len(value)
        rest = rest[end:].strip()
        tags = tuple(t.strip() for t in value.split(",") if t.strip())
    if not title.strip() or not rest:
        raise ParseError(f"`post` needs a title and a message: {_POST_HELP}")
    if len(title) > 100:
        raise ParseError("a post title is at most 100 characters")
    return Post(title.strip(), rest, tags)


_DURATION = re.compile(r"(\d+)\s*(d|h|m|w)", re.IGNORECASE)
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WAIT_MAX_DAYS = 60
_WAIT_HELP = "write e.g. `wait 7d`, `wait 2h30m` or `wait until mon 09:00`"


def _wait(tail: str) -> Wait:
    text = tail.strip().lower()
    if text.startswith("until "):
        parts = text[6:].split()
        if not parts or parts[0][:3] not in _DAYS or len(parts) > 2:
            raise ParseError(f"`wait until` needs a weekday (and a time): {_WAIT_HELP}")
        hour, minute = 9, 0
        if len(parts) == 2:
            m = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?", parts[1])
            if m is None or int(m[1]) > 23 or int(m[2] or 0) > 59:
                raise ParseError(f"not a time of day: {parts[1]!r}; {_WAIT_HELP}")
            hour, minute = int(m[1]), int(m[2] or 0)
        return Wait(weekday=_DAYS.index(parts[0][:3]), hour=hour, minute=minute)
    compact = text.replace(" ", "")
    found = _DURATION.findall(compact)
    if not found or "".join(n + u for n, u in found) != compact:
        raise ParseError(f"`wait` needs how long: {_WAIT_HELP}")
    unit = {"w": 604800, "d": 86400, "h": 3600, "m": 60}
    seconds = sum(int(n) * unit[u] for n, u in found)
    if not 0 < seconds <= _WAIT_MAX_DAYS * 86400:
        raise ParseError(f"`wait` takes between 1 minute and {_WAIT_MAX_DAYS} days")
    return Wait(seconds=seconds)


def _command(tokens: list[Token], lead: str) -> tuple[tuple[str, ...], tuple[Option, ...]]:
    if not tokens or tokens[0].quoted or tokens[0].key is not None:
        raise ParseError("write a slash command like `/concept lookup name:caching`")
    first = tokens[0].text.removeprefix(lead)
    if not first:
        raise ParseError("a slash command needs a name right after the /, e.g. `/setup`")
    path = [first]
    options: list[Option] = []
    for tok in tokens[1:]:
        if tok.key is not None:
            options.append(Option(tok.key, tok.text, tok.quoted))
        elif options and not options[-1].quoted and not tok.quoted:
            # Discord's option box takes spaces: the words run on to the next option.
            last = options[-1]
            options[-1] = Option(last.name, f"{last.value} {tok.text}".strip(), False)
        elif options or tok.quoted:
            raise ParseError(
                f"expected an option like name:value, got {tok.text!r} "
                '(quote values with spaces: name:"two words")'
            )
        else:
            path.append(tok.text)
    names = [o.name for o in options]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ParseError(f"option(s) given twice: {', '.join(dupes)}")
    return tuple(p.lower() for p in path), tuple(options)


def _complete(tokens: list[Token]) -> Complete:
    if not tokens or not tokens[0].text.startswith("/") or tokens[0].key is not None:
        raise ParseError(
            "write `complete /command option:partial`, e.g. `complete /concept lookup name:cach`"
        )
    path, options = _command(tokens, "/")
    if not options:
        raise ParseError(
            "`complete` needs the option being typed, e.g. `complete /concept lookup name:cach`"
        )
    return Complete(path, options, options[-1].name)


def _position_or_text(tok: Token) -> int | str:
    if not tok.quoted and tok.key is None and tok.text.isdigit():
        value = int(tok.text)
        if value < 1:
            raise ParseError("positions start at 1")
        return value
    return _word(tok)


def _click(tokens: list[Token]) -> Click:
    if len(tokens) != 1:
        raise ParseError(
            '`click` takes one button: a number (`click 2`) or a label (`click "Next"`)'
        )
    return Click(_position_or_text(tokens[0]))


def _select(tokens: list[Token]) -> Select:
    menu: int | None = None
    if (
        len(tokens) >= 3
        and not tokens[-2].quoted
        and tokens[-2].text.lower() == "from"
        and not tokens[-1].quoted
        and tokens[-1].text.isdigit()
    ):
        menu = int(tokens[-1].text)
        if menu < 1:
            raise ParseError("menus are numbered from 1")
        tokens = tokens[:-2]
    if not tokens:
        raise ParseError('`select` needs option(s): `select 1` or `select "value"`')
    return Select(tuple(_position_or_text(t) for t in tokens), menu)


def _modal(tokens: list[Token]) -> ModalFill:
    values: list[Option] = []
    for tok in tokens:
        if tok.key is None:
            raise ParseError(f'modal fields are written field="value", got {tok.text!r}')
        values.append(Option(tok.key, tok.text, tok.quoted))
    names = [v.name.lower() for v in values]
    if len(set(names)) != len(names):
        raise ParseError("a modal field is given twice")
    return ModalFill(tuple(values))


def _menu(tokens: list[Token]) -> Menu:
    if not tokens:
        raise ParseError('`menu` needs the command name, e.g. `menu "Save as challenge" on last`')
    words = [_word(t) for t in tokens]
    target: str | int = MENU_TARGET_LAST
    split = next(
        (
            i
            for i, t in enumerate(tokens)
            if not t.quoted and t.text.lower() == "on" and t.key is None and i == len(tokens) - 2
        ),
        None,
    )
    if split is not None:
        arg = tokens[split + 1]
        words = words[:split]
        if not arg.quoted and arg.text.isdigit():
            target = int(arg.text)
            if target < 1:
                raise ParseError("`on N`: N = 1 is the most recent message")
        elif arg.text.lower() == MENU_TARGET_LAST:
            target = MENU_TARGET_LAST
        elif arg.text.startswith("@"):
            target = arg.text
        else:
            raise ParseError("write `on last`, `on N` (N-th most recent message) or `on @member`")
    if not words:
        raise ParseError('`menu` needs the command name, e.g. `menu "Save as challenge"`')
    return Menu(" ".join(words), target)


def _count(tokens: list[Token], word: str) -> int:
    if not tokens:
        return 10
    if len(tokens) == 1 and tokens[0].text.isdigit() and int(tokens[0].text) > 0:
        return min(int(tokens[0].text), 50)
    raise ParseError(f"`{word}` takes an optional count, e.g. `{word} 5`")
