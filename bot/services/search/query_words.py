"""Words of what a member typed: the same rules for concepts and challenges.

A question ("why does my ... not work") is mostly scaffolding; its meaningful words are
what the knowledge base can match. Stop words are dropped unless nothing else is left
(a search for "how to" still finds the challenge titled "How to ...").
"""

from __future__ import annotations

import re

WORD = re.compile(r"[^\W_]+", re.UNICODE)
WORD_MAX = 40
STOPWORDS = frozenset(
    """a an and are as at be but by can do does for from has have how i if in into is it
    its me my no not of on or our so that the their then there these this to was we were
    what when where which who why will with you your im ive dont cant doesnt didnt wont
    isnt arent get got just any some all also been being very should would could
    difference between vs versus use using used way ways need needs want wants make
    explain explained meaning mean means instead keep keeps still again one thing things
    work works working happen happens happening help please someone anyone like""".split()
)


def words(text: str) -> list[str]:
    """Distinct lower-case words in order (bounded length; one-letter words only if digits)."""
    out: list[str] = []
    for word in WORD.findall((text or "").casefold()):
        if len(word) > WORD_MAX or (len(word) < 2 and not word.isdigit()):
            continue
        if word not in out:
            out.append(word)
    return out


# A capital inside a word: where an identifier's parts meet ("UndefinedTable",
# "JSONDecodeError", "useEffect", "getServerSideProps").
_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
# The class-name suffixes of errors say only that something went wrong.
IDENTIFIER_NOISE = frozenset({"error", "exception", "warning", "errors", "exceptions"})


def identifier_parts(token: str) -> list[str]:
    """The lower-case parts of a camelCase / PascalCase identifier worth searching for
    ("JSONDecodeError" -> ["json", "decode"]); [] for a plain word. Error-class
    suffixes, stop words and one-letter parts are dropped."""
    if token.islower() or token.isupper() or not any(c.isupper() for c in token[1:]):
        return []
    parts = [p.casefold() for p in _PART.findall(token)]
    keep = [p for p in parts if len(p) > 1 and p not in STOPWORDS and p not in IDENTIFIER_NOISE]
    return list(dict.fromkeys(keep))


def identifiers(text: str) -> dict[str, list[str]]:
    """Each word of `text` (lower case) that is an identifier, with its telling parts
    ("TypeError", "ReferenceError": the one part is the kind of error, not the problem;
    "UndefinedTable", "JSONDecodeError" name the problem)."""
    found = ((raw.casefold(), _telling_parts(raw)) for raw in WORD.findall(text or ""))
    return {word: parts for word, parts in found if parts}


# Code in a pasted error: a dotted or underscored path ("json.decoder", "blog_post",
# "git@github.com"), or a word mixing letters and digits ("psycopg2", "e2e").
_ERROR_CLASS = re.compile(r"(Error|Exception|Warning)$")
_CODE_PATH = re.compile(r"[^\W_]+(?:[._@/][^\W_]+)+")


def _telling_parts(raw: str) -> list[str]:
    parts = identifier_parts(raw)
    if len(parts) == 1 and raw.casefold() != parts[0] and _ERROR_CLASS.search(raw):
        return []
    return parts


def code_words(text: str) -> frozenset[str]:
    """The lower-case words of `text` that look like code rather than prose: camelCase
    or PascalCase identifiers and their parts, ALL-CAPS words (CORS, JSX), the words of
    dotted paths, words mixing letters and digits. In a pasted error they are what
    tells (a module, an exception class, a hook), the prose around them rarely does."""
    out: set[str] = set()
    for raw in WORD.findall(text or ""):
        if identifier_parts(raw):
            out.add(raw.casefold())
            out.update(_telling_parts(raw))
        elif len(raw) > 1 and raw.isupper() and raw.isalpha():
            out.add(raw.casefold())
        elif not raw.isdigit() and any(c.isdigit() for c in raw):
            out.add(raw.casefold())
    for path in _CODE_PATH.findall(text or ""):
        out.update(w.casefold() for w in WORD.findall(path) if not w.isdigit())
    return frozenset(out)


def word_sequence(text: str) -> list[str]:
    """Every word of `text` in order, repeats kept (where a phrase's words must be next
    to each other); same word rules as `words`."""
    return [
        w
        for w in WORD.findall((text or "").casefold())
        if len(w) <= WORD_MAX and (len(w) > 1 or w.isdigit())
    ]


def meaningful(tokens: list[str]) -> list[str]:
    """The tokens that are not stop words, or all of them when that would leave none."""
    kept = [t for t in tokens if t not in STOPWORDS]
    return kept or tokens


def singular(word: str) -> str:
    """A plain English singular ("indexes" -> "index", "queries" -> "query"), or the word."""
    if len(word) <= 3 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("xes", "ches", "shes", "sses")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word
