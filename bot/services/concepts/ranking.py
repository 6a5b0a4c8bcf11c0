"""How `/concept search` ranks: the same rules on every database.

1. The query's meaningful words (a question's scaffolding dropped: "why does my ... not
   work"), each with its alternatives: its singular and the synonym table's words
   (data/synonyms.yaml: "k8s" also means "kubernetes").
2. Candidates from the database's text search: every word (one of its alternatives)
   must match; when nothing does, any word may. SQLite FTS5 bm25 (names weigh most),
   PostgreSQL ts_rank, or a LIKE count where full-text search is missing.
3. When nothing matches, misspelled words are corrected against the words of concept
   names and aliases (a one-letter typo still finds the concept) and the search runs
   again.
4. Reranked: a concept whose name or alias the query spells out (as a phrase of its
   words) comes first; then relevance. Weak hits (below WEAK of the best) are cut, so a
   natural question is answered by a few concepts, not dozens.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from rapidfuzz.distance import DamerauLevenshtein
from sqlalchemy import ColumnElement, and_, bindparam, case, func, literal_column, or_, select
from sqlalchemy import text as sql_text

from bot.db import Database
from bot.db.models import Concept
from bot.services.concepts.index import GuildIndex, normalise
from bot.services.concepts.types import ConceptBrief, to_brief, visible_clause
from bot.services.search import expand, meaningful, singular, words

CANDIDATES = 40  # a search shows at most this many results (8 pages of 5)
SPELLED_BASE, SPELLED_SHARE = 0.3, 0.7  # a spelled-out name: worth more the more of the query
COVERAGE_WEIGHT = 0.6  # share of the query's words in the concept's name, aliases, summary
# Results scoring below this share of the best one are cut. Scores are not comparable
# across engines: PostgreSQL's ts_rank weighs a name (A) ten times a body word (D), so a
# concept about the query that only mentions it in its body scores ~0.1 of a name match.
WEAK = MappingProxyType({"fts": 0.3, "like": 0.3, "pg": 0.08})
# Concepts proposed for a piece of writing must spell out their name, so their relevance
# may be lower than a search result's (a challenge names several things at once).
SUGGEST_WEAK = MappingProxyType({"fts": 0.2, "like": 0.2, "pg": 0.05})
TYPO_SIMILARITY = 0.8  # Damerau-Levenshtein similarity to correct a word (one typo in 5)
TYPO_MIN_LENGTH = 5  # shorter words are other words more often than typos
BM25 = "bm25(concepts_fts, 10.0, 6.0, 3.0, 1.0)"  # name, aliases, summary, body
_REGCONFIG: ColumnElement[Any] = literal_column("'english'::regconfig")
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
    """The meaningful words of `text`, each with its singular and its synonyms' words."""
    out: list[Group] = []
    for word in meaningful(words(text))[:12]:
        alts = [word, singular(word)]
        alts += [w for w in expand([word]) if w != word]
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
        return '"' + word.replace('"', "") + '"*'

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
    db: Database, guild_id: int, groups: Sequence[Group], any_group: bool
) -> list[Scored]:
    haystack, name = func.lower(Concept.search_text), func.lower(Concept.name)
    hits = [or_(*[haystack.like(_like(w), escape="\\") for w in g]) for g in groups]
    in_name = [or_(*[name.like(_like(w), escape="\\") for w in g]) for g in groups]
    score: ColumnElement[Any] = sum(
        (case((h, 1.0), else_=0.0) for h in hits), start=literal_column("0.0")
    )
    score = score + sum((case((n, 2.0), else_=0.0) for n in in_name), start=literal_column("0.0"))
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
    vector = func.to_tsvector(_REGCONFIG, Concept.search_text)
    named = func.setweight(func.to_tsvector(_REGCONFIG, Concept.name), literal_column("'A'"))
    rank = func.ts_rank(named.op("||")(vector), tsq)
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


def _score(
    found: list[Scored], text: str, index: GuildIndex | None
) -> list[tuple[float, float, float, ConceptBrief]]:
    """(total, relevance share, spelled-out bonus, concept) for each of `found`, best
    first: relevance, plus what the concept's own name, aliases and summary say about the
    text (see rerank)."""
    if not found:
        return []
    best = max(s.score for s in found) or 1.0
    all_words = [singular(w) for w in words(text)]
    core = {singular(w) for w in meaningful(words(text))}
    query = f" {' '.join(all_words)} "

    def names_of(brief: ConceptBrief) -> list[str]:
        names = [brief.name]
        if index is not None and brief.id in index.by_id:
            names += list(index.by_id[brief.id].aliases)
        return names

    def spelled(names: list[str]) -> float:
        longest = 0
        for name in names:
            key = [singular(w) for w in words(normalise(name))]
            if key and f" {' '.join(key)} " in query:
                longest = max(longest, len(key))
        if not longest:
            return 0.0
        return min(1.0, SPELLED_BASE + SPELLED_SHARE * longest / max(1, len(core)))

    def covered(brief: ConceptBrief, names: list[str]) -> float:
        own = {singular(w) for text in (*names, brief.summary) for w in words(text)}
        return len(core & own) / len(core) if core else 0.0

    scored = []
    for s in found:
        names = names_of(s.brief)
        share = s.score / best if best > 0 else 1.0
        bonus = spelled(names)
        total = share + bonus + COVERAGE_WEIGHT * covered(s.brief, names)
        scored.append((total, share, bonus, s.brief))
    scored.sort(key=lambda t: -t[0])
    return scored


def rerank(
    found: list[Scored], text: str, index: GuildIndex | None, backend: str = "fts"
) -> list[ConceptBrief]:
    """Relevance, plus what the concept's own name, aliases and summary say about the
    query: a name or alias the query spells out (worth more the more of the query it
    is), and the share of the query's meaningful words its name, aliases and summary
    hold. Weak hits (by relevance, and spelling out nothing) are cut."""
    weak = WEAK.get(backend, WEAK["fts"])
    scored = _score(found, text, index)
    kept = [brief for _total, share, bonus, brief in scored if bonus > 0 or share >= weak]
    return kept[:CANDIDATES]


def standalone(name: str, raw: str) -> bool:
    """`name` (any case, a plural allowed) stands as words of its own in `raw`: not part
    of a longer hyphenated or joined token ("access-control-allow-origin" does not name
    Access Control)."""
    key = " ".join(name.casefold().split())
    return bool(key) and re.search(rf"(?<![\w-]){re.escape(key)}(?:e?s)?(?![\w-])", raw) is not None


def spelled_out(
    found: list[Scored], text: str, index: GuildIndex | None, backend: str = "fts"
) -> list[ConceptBrief]:
    """The good matches for a piece of writing (not a query): concepts whose name or an
    alias the text spells out as words of their own AND whose relevance is not weak,
    best first. A word that merely appears in a concept's explanation proposes nothing."""
    weak = SUGGEST_WEAK.get(backend, SUGGEST_WEAK["fts"])
    raw = " ".join(text.casefold().split())
    out = []
    for _total, share, bonus, brief in _score(found, text, index):
        if bonus <= 0 or share < weak:
            continue
        names = [brief.name]
        if index is not None and brief.id in index.by_id:
            names += list(index.by_id[brief.id].aliases)
        if any(standalone(name, raw) for name in names):
            out.append(brief)
    return out
