"""Full-text search over concept names, aliases, summaries, bodies and track angles.

SQLite: the FTS5 table `concepts_fts` (migrations 0002, 0015: Porter stemming, angle
columns). Member input never reaches MATCH raw: it is cut into word tokens, each a
quoted phrase (with a prefix star past two letters), so `"`, `AND`, `NEAR(`, `-x`, `*`
or emoji can never raise. bm25 weights names highest. When the table (or its triggers,
or FTS5 itself) is missing, a LIKE search over `search_text` is used instead.
PostgreSQL: `plainto_tsquery` per word (never raises) against the GIN-indexed
`to_tsvector('english', search_text)`, ordered by ts_rank with name, aliases, summary
and body-and-angles weighted A to D. The rules: ranking.py and rerank.py.

Scoping is always done on the base table with `visible_clause`.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from sqlalchemy import (
    ColumnElement,
    column,
    literal_column,
    select,
    table,
)
from sqlalchemy import text as sql_text
from sqlalchemy.exc import OperationalError

from bot.db import Database
from bot.db.models import Concept
from bot.services.concepts import entry_text, ranking, rerank
from bot.services.concepts.corpus import CorpusStats, corpus_stats
from bot.services.concepts.guild_index import GuildIndex
from bot.services.concepts.index import index_for
from bot.services.concepts.query_text import PER_PAGE_MAX, clean_query
from bot.services.concepts.types import ConceptBrief, ConceptPage, RelatedRef, to_brief

log = logging.getLogger("nexus.concepts")

SEARCH_QUERY_MAX = 200
TOKENS_MAX = 12
TOKEN_MAX = 40
FTS_OBJECTS = ("concepts_fts", "concepts_fts_ai", "concepts_fts_ad", "concepts_fts_au")
_WORD = re.compile(r"\w+", re.UNICODE)
_FTS = table("concepts_fts", column("rowid"))
_REGCONFIG: ColumnElement[Any] = literal_column("'english'::regconfig")


def search_tokens(text: str) -> list[str]:
    """Word tokens of the member's text: letters/digits only, deduplicated, bounded."""
    words = _WORD.findall(clean_query(text, SEARCH_QUERY_MAX).casefold())
    tokens = [w.strip("_")[:TOKEN_MAX] for w in words]
    return list(dict.fromkeys(t for t in tokens if t))[:TOKENS_MAX]


async def fts_available(db: Database) -> bool:
    """Whether the FTS5 table and its sync triggers exist (checked once per Database)."""
    index = index_for(db)
    if index.fts_available is None:
        names = ", ".join(f"'{n}'" for n in FTS_OBJECTS)
        async with db.reader() as session:
            found = await session.scalar(
                sql_text(f"SELECT count(*) FROM sqlite_master WHERE name IN ({names})")
            )
        index.fts_available = found == len(FTS_OBJECTS)
        if not index.fts_available:
            log.warning("concepts_fts is missing: concept search uses LIKE")
    return index.fts_available


async def search_concepts(
    db: Database,
    guild_id: int,
    query: str,
    *,
    page: int = 0,
    per_page: int = 5,
    backend: str | None = None,
) -> ConceptPage:
    """One page of the server's visible concepts matching `query`, best first (the rules:
    bot/services/concepts/ranking.py).

    Never raises on odd input: text without any word yields an empty page. `backend`
    ("fts", "like", "pg") forces a path; by default it is chosen from the database.
    """
    per_page = max(1, min(per_page, PER_PAGE_MAX))
    page = max(0, page)
    if not search_tokens(query):
        return ConceptPage((), page, per_page, 0)
    if backend is None:
        backend = await backend_of(db)
    # A warm index caches this server's ranked answers until its concepts change (the
    # index is replaced on every write). Merged duplicates' words are looked up in the
    # index, so a search builds it when it is cold (as a lookup or a keystroke would).
    index = index_for(db).cached(guild_id)
    key = (backend, clean_query(query, SEARCH_QUERY_MAX).casefold())
    found = index.searches.get(key) if index is not None else None
    if found is None:
        ranked = await _search(db, guild_id, query, backend, index)
        ranked = await _with_merged(db, guild_id, search_tokens(query), ranked)
        found = ConceptPage(tuple(ranked), 0, ranking.CANDIDATES, len(ranked))
        if index is not None:
            index.searches.put(key, found)
    start = page * per_page
    return ConceptPage(found.items[start : start + per_page], page, per_page, found.total)


async def _with_merged(
    db: Database, guild_id: int, tokens: list[str], ranked: list[ConceptBrief]
) -> list[ConceptBrief]:
    """Put first the survivors of merged duplicates whose name or an alias matches: a
    duplicate's own words still find the concept it became."""
    index = await index_for(db).get(db, guild_id)
    shown = {c.id for c in ranked}
    extra = [e.id for e in index.merged_matching(tokens) if e.id not in shown]
    if not extra:
        return ranked
    async with db.reader() as session:
        rows = (await session.execute(select(*ranking.BRIEF).where(Concept.id.in_(extra)))).all()
    order = {cid: i for i, cid in enumerate(extra)}
    briefs = sorted((to_brief(r) for r in rows), key=lambda b: order[b.id])
    return [*briefs, *ranked][: ranking.CANDIDATES]


async def _candidates(
    db: Database,
    guild_id: int,
    groups: list[ranking.Group],
    backend: str,
    any_group: bool,
    corpus: CorpusStats | None = None,
) -> list[ranking.Scored]:
    if backend == "fts":
        try:
            return await ranking.fts_candidates(db, guild_id, groups, any_group)
        except OperationalError:  # e.g. a SQLite build without FTS5 reading our table
            log.warning("FTS5 search failed; falling back to LIKE", exc_info=True)
            index_for(db).fts_available = False
    if backend == "pg":
        return await ranking.pg_candidates(db, guild_id, groups, any_group)
    weights = rerank.group_weights(groups, corpus.idf) if corpus is not None else None
    return await ranking.like_candidates(db, guild_id, groups, any_group, weights)


def _share(groups: list[ranking.Group], corpus: CorpusStats) -> float:
    return sum(rerank.group_weights(groups, corpus.idf))


def _union(first: list[ranking.Scored], second: list[ranking.Scored]) -> list[ranking.Scored]:
    """`first`, then what only `second` holds (scored below all of `first`: the rerank
    reads relevance as a share of the best)."""
    seen = {s.brief.id for s in first}
    floor = min((s.score for s in first), default=0.0)
    return first + [ranking.Scored(s.brief, floor) for s in second if s.brief.id not in seen]


async def _search(
    db: Database, guild_id: int, query: str, backend: str, index: GuildIndex | None
) -> list[ConceptBrief]:
    return rerank.cut(await scored(db, guild_id, query, backend, index), backend)


async def scored(
    db: Database, guild_id: int, query: str, backend: str, index: GuildIndex | None = None
) -> list[rerank.Row]:
    """Every candidate for `query` with its score and the score's parts, best first
    (weak hits included: `rerank.cut` removes them)."""
    text = clean_query(query, SEARCH_QUERY_MAX)
    groups = ranking.groups_for(text)
    if not groups:
        return []
    corpus = await corpus_stats(db)
    # Every telling word must match (ordinary words in a long question or a pasted
    # error would leave only concepts that mention everything in passing) ...
    telling = rerank.telling(groups, corpus)
    found = await _candidates(db, guild_id, telling, backend, False, corpus)
    every = frozenset(s.brief.id for s in found)
    if _share(telling, corpus) < rerank.EVERY_MIN_SHARE * _share(groups, corpus):
        # What was left to match all of is the lesser part of the query ("named" of a
        # pasted "No module named 'requests'"): holding it all tells little.
        every = frozenset()
    if (len(found) < ranking.FEW_MATCH_ALL or len(telling) < len(groups)) and len(groups) > 1:
        # ... and when few concepts hold them all, or some words were left out, any
        # word may match: the rerank weighs which ones tell.
        more = await _candidates(db, guild_id, groups, backend, True, corpus)
        found = _union(more, found)
    if not found and backend == "pg":
        # Only English stop words ("when", "how to"): the tsquery is empty and matches
        # nothing, but a member typing them still expects the concepts that say them.
        weights = rerank.group_weights(groups, corpus.idf)
        found = await ranking.like_candidates(db, guild_id, groups, len(groups) > 1, weights)
    if not found:  # a misspelled word: correct it against the names and aliases
        if index is None:
            index = await index_for(db).get(db, guild_id)
        fixed = ranking.correct(groups, index)
        if fixed != groups:
            found = await _candidates(db, guild_id, fixed, backend, len(fixed) > 1, corpus)
            text = " ".join(g[0] for g in fixed)  # rank by what was meant
            groups = fixed
    if index is None:  # the rerank reads the concepts' names and aliases
        index = await index_for(db).get(db, guild_id)
    ids = [s.brief.id for s in found]
    quoted, questions = await entry_text.signals(db, index, ids, text, corpus.idf)
    return rerank.score(found, text, index, groups, every, corpus, quoted, questions)


async def backend_of(db: Database) -> str:
    """The search path the database offers: "pg", "fts" (SQLite FTS5) or "like"."""
    if not db.is_sqlite:
        return "pg"
    return "fts" if await fts_available(db) else "like"


WRITING_MAX = 1200  # of a challenge's title and problem, the part read for its concepts
CHUNK_WORDS = 24  # words per search over the writing (groups_for keeps 12 meaningful ones)
CHUNKS_MAX = 3


async def concepts_in_text(
    db: Database, guild_id: int, text: str, *, limit: int = 3, exclude: frozenset[int] = frozenset()
) -> list[RelatedRef]:
    """The concepts a piece of writing (a challenge) touches, best first; nothing
    convincing: an empty list. Only concepts the writing NAMES are proposed:

    - its name, as words of their own ("React", "CORS"): a concept's name is distinctive;
    - one of its aliases ("index", "404", "postgres") AND the search ranking finds the
      concept relevant for the writing (rerank.spelled_out): aliases are often common
      words, and the ranking weeds out the ones the writing only brushes. A one-word
      alias ("container") also needs to be in the first line (the title) and the concept
      among the best three; an everyday word ("explain", "post") only counts as code.
    """
    clean = clean_query(text, WRITING_MAX)
    if not search_tokens(clean):
        return []
    index = await index_for(db).get(db, guild_id)
    raw = " ".join(clean.casefold().split())
    named = [e for e in index.entries if ranking.named_in(e.name, clean, raw)]
    ranked: list[ConceptBrief] = []
    if any(any(ranking.named_in(a, clean, raw) for a in e.aliases) for e in index.entries):
        backend = await backend_of(db)
        found = await _writing_candidates(db, guild_id, clean, backend)
        title = clean_query(text.strip().split("\n", 1)[0], WRITING_MAX)
        ranked = rerank.spelled_out(found, clean, index, backend, title)
    seen = set(exclude)
    out: list[RelatedRef] = []
    for ref in [
        *(RelatedRef(b.id, b.name) for b in ranked),
        *(RelatedRef(e.id, e.name) for e in named),
    ]:
        if ref.id not in seen:
            seen.add(ref.id)
            out.append(ref)
    return out[:limit]


async def _writing_candidates(
    db: Database, guild_id: int, text: str, backend: str
) -> list[ranking.Scored]:
    """Candidates for a longer text, read in chunks (groups_for reads 12 meaningful words),
    each scored against its own best candidate, so that a concept named late is found."""
    tokens = _WORD.findall(text.casefold())
    best: dict[int, ranking.Scored] = {}
    for start in range(0, min(len(tokens), CHUNK_WORDS * CHUNKS_MAX), CHUNK_WORDS):
        groups = ranking.groups_for(" ".join(tokens[start : start + CHUNK_WORDS]))
        if not groups:
            continue
        found = await _candidates(db, guild_id, groups, backend, True)
        top = max((f.score for f in found), default=0.0)
        for f in found:
            share = f.score / top if top > 0 else 1.0
            if f.brief.id not in best or best[f.brief.id].score < share:
                best[f.brief.id] = ranking.Scored(f.brief, share)
    return list(best.values())
