"""How `/concept search` ranks: the same rules on every database.

1. The query's meaningful words (a question's scaffolding dropped: "why does my ... not
   work"), each with its alternatives: its singular and the synonym table's words
   (data/synonyms.yaml: "k8s" also means "kubernetes").
   An identifier from a pasted error ("UndefinedTable", "useEffect") also stands for
   its parts; short numbers in a longer text (line numbers, counts) are dropped.
2. Candidates from the database's text search over name, aliases, summary, body and
   the tracks' angles: every telling word (one of its alternatives; words most
   concepts hold are not telling, corpus.py) must match; when fewer than FEW_MATCH_ALL
   concepts hold them all, or some words were left out, any word may match too.
   SQLite FTS5 bm25 with Porter stemming (name over aliases over summary over body and
   angles), PostgreSQL ts_rank with the same order (A-D), or a LIKE count where
   full-text search is missing.
3. When nothing matches, misspelled words are corrected against the words of concept
   names and aliases (a one-letter typo still finds the concept) and the search runs
   again.
4. Reranked by what the concepts' own names, aliases and summaries say about the
   query's telling words (rerank.py), by the entry's own questions for a question typed
   as a sentence (asked.py) and by the phrases its body quotes for a pasted error
   (verbatim.py); weak hits are cut, so a natural question is answered by a few
   concepts, not dozens.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz.distance import DamerauLevenshtein
from sqlalchemy import (
    ColumnElement,
    Text,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy import text as sql_text

from bot.db import Database
from bot.db.models import Concept
from bot.services.concepts.guild_index import GuildIndex
from bot.services.concepts.types import ConceptBrief, to_brief, visible_clause
from bot.services.search import (
    STOPWORDS,
    expand,
    identifiers,
    meaningful,
    singular,
    words,
)

CANDIDATES = 40  # a search shows at most this many results (8 pages of 5)
FEW_MATCH_ALL = 3
TYPO_SIMILARITY = 0.8  # Damerau-Levenshtein similarity to correct a word (one typo in 5)
TYPO_MIN_LENGTH = 5  # shorter words are other words more often than typos
PREFIX_MIN_LENGTH = 2  # FTS5: longer words also match as a prefix ("cach" -> "caching")
NUMBER_MIN_DIGITS = 3  # "404", "5432" may tell; "1", "0", "2" in an error do not
# name, aliases, summary, body, frontend angle, backend angle (migration 0015)
BM25 = "bm25(concepts_fts, 10.0, 6.0, 3.0, 1.0, 1.0, 1.0)"
_REGCONFIG: ColumnElement[Any] = literal_column("'english'::regconfig")
# ts_rank's weights of D, C, B, A: body and angles, summary, aliases, name.
PG_WEIGHTS = "'{0.2, 0.4, 0.6, 1.0}'::float4[]"
BRIEF = (
    Concept.id,
    Concept.guild_id,
    Concept.slug,
    Concept.name,
    Concept.summary,
    Concept.category,
    Concept.tracks,
    Concept.status,
)

Group = tuple[str, ...]  # one meaningful word and its alternatives


@dataclass(frozen=True)
class Scored:
    brief: ConceptBrief
    score: float  # higher is better; only comparable within one search


def groups_for(text: str) -> list[Group]:
    """The meaningful words of `text`, each with its singular, its synonyms' words and,
    for an identifier from a pasted error ("UndefinedTable", "useEffect"), its parts."""
    parts = identifiers(text)
    kept = meaningful(words(text))
    # Short numbers in a longer text are line numbers, counts, errno codes: noise.
    noise = [w for w in kept if w.isdigit() and len(w) < NUMBER_MIN_DIGITS]
    if len(noise) < len(kept):
        kept = [w for w in kept if w not in noise]
    out: list[Group] = []
    for word in kept[:12]:
        alts = [word, singular(word)]
        alts += [w for w in expand([word]) if w != word]
        for part in parts.get(word, ()):
            alts += [part, singular(part)]
        out.append(tuple(dict.fromkeys(a for a in alts if a)))
    # Two-word synonyms ("env vars"): their words join the first word's group.
    core = [g[0] for g in out]
    extra = [w for w in expand(core) if w not in {a for g in out for a in g}]
    if extra and out:
        out[0] = tuple(dict.fromkeys([*out[0], *extra]))
    return out


def fts5_match(groups: Sequence[Group], *, any_group: bool = False) -> str:
    """A MATCH expression made only of quoted prefix phrases: user text never reaches
    FTS5 syntax raw, so `"`, `AND`, `NEAR(`, `*` or emoji cannot raise."""

    def phrase(word: str) -> str:
        # A prefix of two letters ("re" of "re-renders") matches half the vocabulary.
        star = "*" if len(word) > PREFIX_MIN_LENGTH else ""
        return '"' + word.replace('"', "") + '"' + star

    parts = ["(" + " OR ".join(phrase(w) for w in g) + ")" for g in groups]
    return (" OR " if any_group else " AND ").join(parts)


@functools.cache
def _fts_candidates() -> Any:
    """Built once: the MATCH text, the server and the limit are parameters."""
    from sqlalchemy import column, table

    fts = table("concepts_fts", column("rowid"))
    score: ColumnElement[Any] = literal_column(BM25)
    return (
        select(*BRIEF, score.label("score"))
        .select_from(fts.join(Concept, fts.c.rowid == Concept.id))
        .where(sql_text("concepts_fts MATCH :q"), visible_clause(bindparam("guild")))
        .order_by(score, Concept.id)
        .limit(bindparam("limit"))
    )


async def fts_candidates(
    db: Database, guild_id: int, groups: Sequence[Group], any_group: bool
) -> list[Scored]:
    q = fts5_match(groups, any_group=any_group)
    async with db.reader() as s:
        rows = (
            await s.execute(_fts_candidates(), {"q": q, "guild": guild_id, "limit": CANDIDATES})
        ).all()
    return [Scored(to_brief(r), -float(r.score)) for r in rows]  # bm25: lower is better


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def like_candidates(
    db: Database,
    guild_id: int,
    groups: Sequence[Group],
    any_group: bool,
    weights: Sequence[float] | None = None,
) -> list[Scored]:
    """Concepts whose text holds the words, scored by the words they hold (a word in the
    name counts three times), each word weighted by how telling it is (`weights`, as
    bm25 and ts_rank weigh rare words more)."""
    haystack, name = func.lower(Concept.search_text), func.lower(Concept.name)
    hits = [or_(*[haystack.like(_like(w), escape="\\") for w in g]) for g in groups]
    in_name = [or_(*[name.like(_like(w), escape="\\") for w in g]) for g in groups]
    weights = list(weights) if weights is not None else [1.0] * len(groups)
    score: ColumnElement[Any] = literal_column("0.0")
    for h, n, w in zip(hits, in_name, weights, strict=True):
        score = score + case((h, w), else_=0.0) + case((n, 2.0 * w), else_=0.0)
    stmt = (
        select(*BRIEF, score.label("score"))
        .where((or_ if any_group else and_)(*hits), visible_clause(guild_id))
        .order_by(score.desc(), name, Concept.id)
        .limit(CANDIDATES)
    )
    async with db.reader() as s:
        rows = (await s.execute(stmt)).all()
    return [Scored(to_brief(r), float(r.score)) for r in rows]


async def pg_candidates(
    db: Database, guild_id: int, groups: Sequence[Group], any_group: bool
) -> list[Scored]:
    def word_query(word: str) -> Any:
        return func.plainto_tsquery(_REGCONFIG, word)  # never raises on member text

    def either(group: Group) -> Any:
        out = word_query(group[0])
        for word in group[1:]:
            out = out.op("||")(word_query(word))
        return out

    tsq = either(groups[0])
    for group in groups[1:]:
        tsq = tsq.op("||" if any_group else "&&")(either(group))
    vector = func.to_tsvector(_REGCONFIG, Concept.search_text)  # GIN-indexed (0002)

    def weighted(column: Any, weight: str) -> Any:
        return func.setweight(func.to_tsvector(_REGCONFIG, column), literal_column(f"'{weight}'"))

    # As FTS5's bm25 weights: name (A) over aliases (B) over summary (C) over body and
    # angles (D); computed for the matching rows only.
    rest = func.concat_ws(" ", Concept.body, Concept.frontend_angle, Concept.backend_angle)
    ranked = (
        weighted(Concept.name, "A")
        .op("||")(weighted(cast(Concept.aliases, Text), "B"))
        .op("||")(weighted(Concept.summary, "C"))
        .op("||")(weighted(rest, "D"))
    )
    rank = func.ts_rank(literal_column(PG_WEIGHTS), ranked, tsq)
    stmt = (
        select(*BRIEF, rank.label("score"))
        .where(vector.op("@@")(tsq), visible_clause(guild_id))
        .order_by(rank.desc(), func.lower(Concept.name), Concept.id)
        .limit(CANDIDATES)
    )
    async with db.reader() as s:
        rows = (await s.execute(stmt)).all()
    return [Scored(to_brief(r), float(r.score)) for r in rows]


def correct(groups: Sequence[Group], index: GuildIndex | None) -> list[Group]:
    """Each word that is no word of any concept name or alias, replaced by the closest one
    that is (Damerau-Levenshtein: a swapped pair of letters is one typo)."""
    if index is None:
        return list(groups)
    vocabulary = index.vocabulary
    out = []
    for group in groups:
        word = group[0]
        if word in vocabulary or len(word) < TYPO_MIN_LENGTH:
            out.append(group)
            continue
        best = max(
            vocabulary,
            key=lambda v: DamerauLevenshtein.normalized_similarity(word, v),
            default=None,
        )
        if best and DamerauLevenshtein.normalized_similarity(word, best) >= TYPO_SIMILARITY:
            out.append((best, *group))
        else:
            out.append(group)
    return out


# Keywords that are everyday English words too: "a list of posts" is no HTTP POST.
EVERYDAY_KEYWORDS = frozenset(
    "post put get patch delete head options rest cap explain analyze select join".split()
)


def named_in(name: str, text: str, raw: str) -> bool:
    """`name` stands as words of its own in `text` (`raw`: its words casefolded, one space
    apart; see `standalone`); a name made only of everyday words (EXPLAIN's alias
    "explain", scaffolding of a question: STOPWORDS; EVERYDAY_KEYWORDS) only when written
    as code: in capitals or after a backtick."""
    if any(w not in STOPWORDS and w not in EVERYDAY_KEYWORDS for w in words(name)):
        return standalone(name, raw)
    key = " ".join(name.split())
    capitals = re.search(rf"(?<![\w-]){re.escape(key.upper())}(?![\w-])", text)
    return capitals is not None or f"`{key.casefold()}" in raw


def standalone(name: str, raw: str) -> bool:
    """`name` (any case, a plural allowed) stands as words of its own in `raw`: not part
    of a longer hyphenated or joined token ("access-control-allow-origin" does not name
    Access Control)."""
    key = " ".join(name.casefold().split())
    return bool(key) and re.search(rf"(?<![\w-]){re.escape(key)}(?:e?s)?(?![\w-])", raw) is not None
