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
