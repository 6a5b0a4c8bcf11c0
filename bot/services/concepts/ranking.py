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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, NamedTuple

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
from bot.services.concepts.index import CorpusStats, GuildIndex, normalise
from bot.services.concepts.types import ConceptBrief, to_brief, visible_clause
from bot.services.search import (
    code_words,
    expand,
    identifiers,
    meaningful,
    singular,
    word_sequence,
    words,
)

CANDIDATES = 40  # a search shows at most this many results (8 pages of 5)
SPELLED_BASE, SPELLED_SHARE = 0.3, 0.7  # a spelled-out name: worth more the more of the query
SPELLED_SHORT_QUERY = 3  # up to this many words, a one-word name spelled out counts fully
COVERAGE_WEIGHT = 0.6  # share of the query's words in the concept's name, aliases, summary
FEW_MATCH_ALL = 3
# Fewer concepts than FEW_MATCH_ALL hold every telling word of the query: any word may
# match, and those that hold every one stay ahead by EVERY_WORD_BONUS.
EVERY_WORD_BONUS = 0.3
ORDINARY_SHARE = 0.1  # a word in more of the concepts than this need not match
CODE_WEIGHT = 2.0  # a word that looks like code (see code_words) tells twice as much
SUMMARY_SHARE = 0.5  # a word in the summary counts half as much as one in a name or alias
STRONG_COVERAGE = 0.999  # a concept whose titles cover the query best is never cut as weak
CLASH_SHARE = 0.5  # a name spelled out, of a concept of the other track than the query's
TRACK_WEIGHT = 0.2  # a tie-break: the query names the tools of this concept's track
# Results scoring below this share of the best one are cut. Scores are not comparable
# across engines: PostgreSQL's ts_rank weighs a name (A) ten times a body word (D), so a
# concept about the query that only mentions it in its body scores ~0.1 of a name match.
WEAK = MappingProxyType({"fts": 0.3, "like": 0.3, "pg": 0.2})
TYPO_SIMILARITY = 0.8  # Damerau-Levenshtein similarity to correct a word (one typo in 5)
TYPO_MIN_LENGTH = 5  # shorter words are other words more often than typos
PREFIX_MIN_LENGTH = 2  # FTS5: longer words also match as a prefix ("cach" -> "caching")
NUMBER_MIN_DIGITS = 3  # "404", "5432" may tell; "1", "0", "2" in an error do not
# name, aliases, summary, body, frontend angle, backend angle (migration 0012)
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


def word_idf(alternative: str, idf: Callable[[str], float]) -> float:
    """An alternative's weight: its rarest word's ("next.js" from the synonym table
    weighs what "next" does)."""
    return max((idf(singular(w)) for w in words(alternative)), default=0.0)


def group_weights(groups: Sequence[Group], idf: Callable[[str], float]) -> list[float]:
    """How telling each group is: its rarest alternative's inverse document frequency
    (a pasted error's identifier outweighs "error", "value", "line")."""
    return [max(word_idf(a, idf) for a in g) for g in groups]


def query_track(groups: Sequence[Group], index: GuildIndex | None) -> str | None:
    """The track whose tools the query names ("react", "django", "js" as javascript),
    if its words name only one track's (GuildIndex.track_words)."""
    if index is None:
        return None
    tracks = index.track_words
    named = {tracks[k] for g in groups for k in {singular(a) for a in g} if k in tracks}
    return named.pop() if len(named) == 1 else None


def telling(groups: Sequence[Group], corpus: CorpusStats) -> list[Group]:
    """The groups that are not ordinary words of the knowledge base (held by more than
    ORDINARY_SHARE of its concepts), or all of them when every one is."""
    limit = ORDINARY_SHARE * corpus.documents
    kept = [g for g in groups if max(corpus.df.get(singular(a), 0) for a in g) <= limit]
    return kept or list(groups)


class Row(NamedTuple):
    """One candidate's score and its parts (the evaluation's --explain shows them)."""

    brief: ConceptBrief
    total: float
    share: float  # the database's relevance, as a share of the best candidate's
    spelled: float  # a name or alias the query spells out
    coverage: float  # the query's telling words in the name, aliases, summary (0-1)
    on_track: float  # the track whose tools the query names
    strong: bool  # never cut as a weak hit


def score(
    found: list[Scored],
    text: str,
    index: GuildIndex | None,
    groups: Sequence[Group] | None = None,
    every: frozenset[int] = frozenset(),
    corpus: CorpusStats | None = None,
) -> list[Row]:
    """The candidates scored, best first (see `rerank`)."""
    if not found:
        return []
    groups = list(groups) if groups is not None else groups_for(text)

    def idf(word: str) -> float:
        return corpus.idf(word) if corpus is not None else 1.0

    code = {singular(w) for w in code_words(text)}
    rarest = group_weights(groups, idf)
    # What a group's words are worth, matched: their idf, doubled for code.
    boost = [CODE_WEIGHT if g[0] in code else 1.0 for g in groups]
    weights = [r * b for r, b in zip(rarest, boost, strict=True)]
    total_weight = sum(weights) or 1.0
    track = query_track(groups, index)
    best = max(s.score for s in found) or 1.0
    core = {singular(w) for w in meaningful(words(text))}
    pieces = identifiers(text)  # "JSONDecodeError" spells out "json" too
    sequence = [p for w in word_sequence(text) for p in (w, *pieces.get(w, ()))]
    query = f" {' '.join(singular(w) for w in sequence)} "
    keys = [{singular(a) for a in g} for g in groups]

    def names_of(brief: ConceptBrief) -> list[str]:
        names = [brief.name]
        if index is not None and brief.id in index.by_id:
            names += list(index.by_id[brief.id].aliases)
        return names

    def spelled(names: list[str]) -> float:
        longest, as_code = 0, False
        for name in names:
            key = [singular(w) for w in words(normalise(name))]
            if key and f" {' '.join(key)} " in query:
                longest = max(longest, len(key))
                as_code = as_code or (len(key) == 1 and key[0] in code)
        if not longest:
            return 0.0
        share = SPELLED_SHARE * longest / max(1, len(core))
        # One word of a long text that happens to be an alias ("log", "git") is a title
        # hit like any other (coverage), not the concept the text is about; unless the
        # text names it as code ("json.decoder", "CORS", "useEffect").
        if longest == 1 and len(core) > SPELLED_SHORT_QUERY and not as_code:
            return share
        return min(1.0, SPELLED_BASE + share)

    def covered(brief: ConceptBrief, names: list[str]) -> float:
        titled = {singular(w) for text in names for w in words(text)}
        summary = {singular(w) for w in words(brief.summary)}
        hit, used = 0.0, set[str]()
        for key, factor in zip(keys, boost, strict=True):
            matched, part = (key & titled) - used, factor
            if not matched:
                matched, part = (key & summary) - used, factor * SUMMARY_SHARE
            if matched:  # a word shared by two groups ("props") counts once
                used |= matched
                hit += part * max(idf(w) for w in matched)
        return hit / total_weight

    def on_track(brief: ConceptBrief) -> float:
        if track is None:
            return 0.0
        if brief.tracks == track:
            return TRACK_WEIGHT
        return TRACK_WEIGHT / 2 if brief.tracks == "both" else -TRACK_WEIGHT

    parts = []
    for s in found:
        names = names_of(s.brief)
        share = s.score / best if best > 0 else 1.0
        parts.append((s.brief, share, spelled(names), covered(s.brief, names)))
    most = max(c for *_, c in parts) or 1.0
    some_hold_all = 0 < len(every) < len(found)
    rows = []
    for brief, share, bonus, coverage in parts:
        if track is not None and brief.tracks not in (track, "both"):
            bonus *= CLASH_SHARE  # "event loop" in a React question: not the Python one
        relative = coverage / most
        track_part = on_track(brief)
        total = share + bonus + COVERAGE_WEIGHT * relative + track_part
        holds_all = some_hold_all and brief.id in every
        if holds_all:
            total += EVERY_WORD_BONUS
        strong = bonus > 0 or relative >= STRONG_COVERAGE or holds_all
        rows.append(Row(brief, total, share, bonus, relative, track_part, strong))
    rows.sort(key=lambda r: -r.total)
    return rows


def rerank(
    found: list[Scored],
    text: str,
    index: GuildIndex | None,
    backend: str = "fts",
    groups: Sequence[Group] | None = None,
    every: frozenset[int] = frozenset(),
    corpus: CorpusStats | None = None,
) -> list[ConceptBrief]:
    """Relevance, plus what the concept's own name, aliases and summary say about the
    query: a name or alias the query spells out (worth more the more of the query it
    is); the query's words its name and aliases (fully) or summary (partly) hold, each
    weighted by how rare the word is in the knowledge base (`corpus`); the concepts
    holding every word, when only some do; and, as a tie-break, the track whose tools
    the query names. Weak hits (by relevance and by those words, and spelling out
    nothing) are cut."""
    weak = WEAK.get(backend, WEAK["fts"])
    rows = score(found, text, index, groups, every, corpus)
    return [r.brief for r in rows if r.strong or r.share >= weak][:CANDIDATES]
