"""The questions an entry says it answers (step 4 of ranking.py).

Entries end with a "Learners ask:" line: two or three questions in a beginner's words
from someone who has the problem but not yet the concept's name ("why does my page
still show old data after I updated it?"). A member's question rarely shares telling
words with the entry's technical prose, but often with one of those questions. So each
candidate's questions are read (once per index: they change only when the entry does),
and the best share of the query's words one of them holds, weighted as the rerank
weighs them, adds to the candidate's score (rerank.py). Only for what reads as a
sentence (it has the words a question is built with, "how", "my", "the"): keywords
("slow query database index") are matched by names and prose, not by questions.
"""

from __future__ import annotations

import re

from bot.services.search import STOPWORDS, meaningful, singular, words

Questions = tuple[frozenset[str], ...]  # each question's meaningful words, singular

_LINE = re.compile(r"^Learners ask:[ \t]*(.+)$", re.MULTILINE)
_QUESTION = re.compile(r"[^?]+\?")
QUESTIONS_MAX = 5  # per entry: more is a list, not what learners ask


def reads_as_sentence(text: str) -> bool:
    """Whether `text` is words in a sentence (it has stop words), not keywords."""
    return any(w in STOPWORDS for w in words(text))


def questions_in(body: str) -> Questions:
    """The questions of `body`'s "Learners ask:" line(s), as sets of meaningful words."""
    out: list[frozenset[str]] = []
    for line in _LINE.findall(body or ""):
        for question in _QUESTION.findall(line):
            kept = frozenset(singular(w) for w in meaningful(words(question)))
            if kept:
                out.append(kept)
    return tuple(out[:QUESTIONS_MAX])
