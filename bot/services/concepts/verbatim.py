"""A pasted error that an entry quotes (step 4 of ranking.py, for pasted text only).

Learners paste error messages; entries quote the errors learners meet (their "Common
errors" lists). Word by word the pasted text shares its words with many concepts
("module", "named", "server", "connection"), but only the entry that quotes the error
shares its phrases: "no module named", "connection refused", "port 5432". So, for a
query that looks pasted (see `looks_pasted`), what each candidate's body quotes (its
inline code: the messages of its "Common errors" list, names, commands) is read for the
query's two-word phrases, and the share of the query's words such phrases cover,
weighted by how rare each word is in the knowledge base, adds to its score (rerank.py).
A phrase of two stop words ("on the", "in a") covers nothing on its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bot.services.search import STOPWORDS, code_words, singular, word_sequence

PASTED_MIN_WORDS = 4  # shorter texts are names or questions, not pasted output
# How a question or a sentence typed by hand begins; error output does not.
TYPED_OPENINGS = frozenset(
    "why how what when where which who can could should does do did is are am i im my".split()
)
BODY_MAX = 20_000  # characters of a body read (bodies are at most a few thousand)
# Punctuation that prose typed into a search box rarely has and error output always
# does: "Error: ...", quoted names, (errno), paths, user@host.
_PASTED = re.compile(r"""[:"'()@/\\<>{}\[\]=]""")
# What an entry quotes: its inline code (an error message, a name, a command), never
# the prose around it.
_CODE_SPAN = re.compile(r"`([^`\n]+)`")


def looks_pasted(text: str) -> bool:
    """Whether `text` reads like pasted output (an error message) rather than words or a
    question typed by hand: long enough, with code-looking words or error punctuation,
    and not begun as a question or a sentence of one's own ("why does my setTimeout ...",
    "my cookie isn't sent ...")."""
    sequence = word_sequence(text)
    if len(sequence) < PASTED_MIN_WORDS or sequence[0] in TYPED_OPENINGS:
        return False
    return bool(code_words(text)) or bool(_PASTED.search(text))


Quotes = frozenset[tuple[str, str]]  # the two-word phrases an entry's inline code holds


def quotes_in(body: str) -> Quotes:
    """The two-word phrases (words in the singular) of `body`'s inline code spans."""
    pairs: set[tuple[str, str]] = set()
    for span in _CODE_SPAN.findall(body[:BODY_MAX]):
        tokens = [singular(w) for w in word_sequence(span)]
        pairs.update(zip(tokens, tokens[1:], strict=False))
    return frozenset(pairs)


def quoted_share(query: Sequence[str], quotes: Quotes, idf: Callable[[str], float]) -> float:
    """The share (0-1) of the query's words (in the singular), each weighted by `idf`,
    that stand in a two-word phrase the entry quotes (`quotes_in`); stop words weigh
    nothing but may form a phrase with a word that does."""
    if len(query) < 2 or not quotes:
        return 0.0
    weight = {w: (0.0 if w in STOPWORDS else idf(w)) for w in query}
    covered: set[int] = set()
    for i in range(len(query) - 1):
        a, b = query[i], query[i + 1]
        if (a, b) in quotes and (weight[a] > 0 or weight[b] > 0):
            covered.update((i, i + 1))
    # Each distinct word counts once, however often the error repeats it.
    total = sum(weight[w] for w in set(query)) or 1.0
    return sum(weight[w] for w in {query[i] for i in covered}) / total


def query_words(text: str) -> list[str]:
    """A pasted text's words in order, in the singular (as `quoted_share` reads them)."""
    return [singular(w) for w in word_sequence(text)]
