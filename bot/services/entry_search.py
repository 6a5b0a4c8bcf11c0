"""Full-text search over challenges: safe queries, ranked, scoped to one server.

SQLite (FTS5 `challenges_fts`, migration 0003). User text never reaches MATCH raw: it
becomes a list of word tokens, each a double-quoted FTS5 string, restricted to the text
columns — so `"`, `AND`, `-x`, `NEAR(`, `*` or emoji can never raise.

Scaling to a million rows: FTS5's bm25() counts, for every phrase, all rows containing
it, so ranking a very common word costs a scan of its whole doclist. We therefore
  1. count each token's documents up to COUNT_CAP (cheap, bounded);
  2. take the newest WINDOW matches in rowid order (FTS5 walks doclists backwards and
     stops at the LIMIT: no ranking, no sort) and filter them on the base table by
     server, visibility and the caller's filters;
  3. rank those with bm25() over the selective tokens only (their doclists are short),
     restricted to the candidates' rowid range; words matched by almost everything add
     nearly nothing to bm25 anyway and only filter.
If another server's rows crowd the window, step 2 is repeated with the server's id as an
indexed token. PostgreSQL uses websearch_to_tsquery (never raises) on the GIN index.
Without FTS5 (exotic SQLite builds) a LIKE scan is the fallback.
"""

from __future__ import annotations

import json
import re
import time
import weakref
from collections.abc import Sequence
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    func,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import aliased

from bot.db.models import Challenge

Mode = Literal["all", "any"]

WINDOW = 600
COUNT_CAP = 10_000
RANK_BUDGET = 6_000
MAX_TOKENS = 8
# bm25 weights: title, tried, problem, guild_id (the guild token never scores).
BM25 = "bm25(challenges_fts, 8.0, 2.0, 3.0, 0.0)"
TEXT_COLUMNS = "{title tried problem}"

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
STOPWORDS = frozenset(
    """a an and are as at be but by can do does for from has have how i if in into is it
    its me my no not of on or our so that the their then there these this to was we were
    what when where which who why will with you your im ive dont cant doesnt didnt
    get got just any some all also been being very""".split()
)

_fts_cache: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()
# Per engine, short-lived: token -> (expires, capped document count), and the servers
# whose newest matches were recently crowded out by other servers' rows.
COUNT_TTL = 30.0
COUNT_CACHE_MAX = 4096
CROWDED_TTL = 60.0
_count_cache: weakref.WeakKeyDictionary[Any, dict[str, tuple[float, int]]] = (
    weakref.WeakKeyDictionary()
)
_crowded: weakref.WeakKeyDictionary[Any, dict[int, float]] = weakref.WeakKeyDictionary()


def tokenize(query: str, limit: int = MAX_TOKENS) -> list[str]:
    """Distinct lower-case word tokens, stop words dropped (unless nothing else is left)."""
    words: list[str] = []
    for word in _WORD.findall((query or "").lower()):
        if len(word) > 40 or (len(word) < 2 and not word.isdigit()):
            continue
        if word not in words:
            words.append(word)
    meaningful = [w for w in words if w not in STOPWORDS]
    return (meaningful or words)[:limit]


def phrase(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def fts_expression(tokens: Sequence[str], mode: Mode) -> str:
    """A MATCH expression that only ever contains quoted strings, over the text columns."""
    joiner = " AND " if mode == "all" else " OR "
    return f"{TEXT_COLUMNS} : ({joiner.join(phrase(t) for t in tokens)})"


def pg_websearch(tokens: Sequence[str], mode: Mode) -> str:
    return (" " if mode == "all" else " or ").join(tokens)


async def has_fts(session: AsyncSession) -> bool:
    engine = session.get_bind()
    cached = _fts_cache.get(engine)
    if cached is None:
        found = await session.scalar(
            text("SELECT count(*) FROM sqlite_master WHERE name = 'challenges_fts'")
        )
        cached = bool(found)
        _fts_cache[engine] = cached
    return cached


async def ranked_challenge_ids(
    session: AsyncSession,
    guild_id: int,
    query: str,
    *,
    where: Sequence[ColumnElement[bool]] = (),
    mode: Mode = "all",
    limit: int = 10,
    offset: int = 0,
    max_tokens: int = MAX_TOKENS,
) -> list[int]:
    """Ids of the server's challenges matching `query`, best first.

    `where` holds extra conditions on Challenge (visibility, open only, exclusions); the
    server filter is always applied here.
    """
    tokens = tokenize(query, max_tokens)
    if not tokens or limit <= 0:
        return []
    filters = [Challenge.guild_id == guild_id, *where]
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        if await _pg_query_is_empty(session, tokens, mode):
            # Only stop words ("very", "how to"): the English tsquery matches nothing,
            # but a member typing them still expects their challenge to be found.
            return await _like_ids(session, tokens, mode, filters, limit, offset)
        return await _pg_ids(session, tokens, mode, filters, limit, offset)
    if dialect == "sqlite" and await has_fts(session):
        # `+ 0` keeps SQLite from scanning the (guild_id, ...) indexes: the candidates are
        # a few hundred primary keys, so rowid lookups are what we want.
        filters[0] = (Challenge.guild_id + 0) == guild_id
        return await _fts_ids(session, guild_id, tokens, mode, filters, limit, offset)
    return await _like_ids(session, tokens, mode, filters, limit, offset)


async def _doc_counts(conn: AsyncConnection, tokens: Sequence[str]) -> list[int]:
    """Each token's document count, capped at COUNT_CAP.

    Counts only steer which words rank and which act as stop words, so a positive count
    is reused for COUNT_TTL seconds (a bounded doclist scan per word saved on every
    search). A zero is never cached: a challenge shared a moment ago must be findable.
    """
    cache = _count_cache.setdefault(conn.sync_engine, {})
    now = time.monotonic()
    known: dict[str, int] = {}
    for t in tokens:
        hit = cache.get(t)
        if hit is not None and hit[0] > now:
            known[t] = hit[1]
    missing = [t for t in tokens if t not in known]
    if missing:
        parts = [
            "(SELECT count(*) FROM (SELECT 1 FROM challenges_fts WHERE challenges_fts MATCH ? "
            f"LIMIT {COUNT_CAP}))"
            for _ in missing
        ]
        params = tuple(fts_expression([t], "all") for t in missing)
        row = (await conn.exec_driver_sql("SELECT " + ", ".join(parts), params)).one()
        if len(cache) >= COUNT_CACHE_MAX:
            cache.clear()
        for t, v in zip(missing, row, strict=True):
            known[t] = int(v)
            if known[t] > 0:
                cache[t] = (now + COUNT_TTL, known[t])
    return [known[t] for t in tokens]


def _selective(tokens: Sequence[str], counts: Sequence[int]) -> list[str]:
    chosen: list[str] = []
    spent = 0
    for count, token in sorted(zip(counts, tokens, strict=True)):
        if count >= COUNT_CAP or spent + count > RANK_BUDGET:
            break
        chosen.append(token)
        spent += count
    return chosen


async def _candidates(
    conn: AsyncConnection, match: str, filters: Sequence[ColumnElement[bool]]
) -> tuple[list[int], bool]:
    """The newest WINDOW matches (no ranking), then the base-table filters."""
    rows = await conn.exec_driver_sql(
        "SELECT rowid FROM challenges_fts WHERE challenges_fts MATCH ? "
        "ORDER BY rowid DESC LIMIT ?",
        (match, WINDOW),
    )
    rids = [int(r) for (r,) in rows.all()]
    if not rids:
        return [], False
    # One JSON parameter instead of hundreds of bound values (and a cached statement).
    listed: Select[Any] = select(literal_column("value")).select_from(
        func.json_each(bindparam("rids"))
    )
    stmt = select(Challenge.id).where(Challenge.id.in_(listed), *filters)
    found = (await conn.execute(stmt, {"rids": json.dumps(rids)})).scalars().all()
    return sorted(found, reverse=True), len(rids) >= WINDOW


async def _scoped_candidates(
    conn: AsyncConnection, match: str, filters: Sequence[ColumnElement[bool]]
) -> list[int]:
    """As `_candidates` for a match already scoped to the server, in one statement: the
    window is a subquery that SQLite reads first and answers with rowid lookups."""
    window: Select[Any] = (
        select(literal_column("rowid"))
        .select_from(text("challenges_fts"))
        .where(text("challenges_fts MATCH :scoped_match").bindparams(scoped_match=match))
        .order_by(literal_column("rowid").desc())
        .limit(WINDOW)
    )
    stmt = select(Challenge.id).where(Challenge.id.in_(window), *filters)
    found = (await conn.execute(stmt)).scalars().all()
    return sorted(found, reverse=True)


async def _fts_ids(
    session: AsyncSession,
    guild_id: int,
    tokens: list[str],
    mode: Mode,
    filters: Sequence[ColumnElement[bool]],
    limit: int,
    offset: int,
) -> list[int]:
    conn = await session.connection()
    counts = await _doc_counts(conn, tokens)
    if mode == "all" and min(counts) == 0:
        return []
    present = [t for t, c in zip(tokens, counts, strict=True) if c > 0]
    if not present:
        return []
    selective = _selective(present, [c for c in counts if c > 0])
    # Words found in COUNT_CAP or more rows behave like stop words (as in Lucene's
    # "common terms" query): they neither filter nor rank, unless every word is common.
    # "any": match on the selective words only, so a common word cannot flood the
    # window with weak matches.
    if mode == "all":
        match_tokens = [t for t, c in zip(tokens, counts, strict=True) if c < COUNT_CAP]
        match_tokens = match_tokens or tokens
    else:
        match_tokens = selective or present
    match = fts_expression(match_tokens, mode)
    scoped = f'guild_id : "{int(guild_id)}" AND ({match})'
    crowded = _crowded.setdefault(conn.sync_engine, {})
    if crowded.get(guild_id, 0.0) > time.monotonic():
        # This server's searches were crowded out a moment ago: go scoped at once.
        ids = await _scoped_candidates(conn, scoped, filters)
    else:
        ids, saturated = await _candidates(conn, match, filters)
        if saturated and len(ids) < offset + limit:
            # Other servers (or hidden rows) crowd the newest matches: intersect with
            # this server's rows inside the index.
            crowded[guild_id] = time.monotonic() + CROWDED_TTL
            ids = await _scoped_candidates(conn, scoped, filters)
    if not ids:
        return []
    scores: dict[int, float] = {}
    if selective:
        rank_match = fts_expression(selective, "all" if mode == "all" else "any")
        rows = await conn.exec_driver_sql(
            f"SELECT rowid, {BM25} FROM challenges_fts WHERE challenges_fts MATCH ? "
            "AND rowid BETWEEN ? AND ?",
            (rank_match, min(ids), max(ids)),
        )
        wanted = set(ids)
        for row in rows.all():
            rowid, score = int(row[0]), float(row[1])  # type: ignore[misc]
            if rowid in wanted:
                scores[rowid] = score
    # bm25() is negative: lower is better. Unscored rows follow, newest first.
    ordered = sorted(ids, key=lambda i: (scores.get(i, 0.0), -i))
    return ordered[offset : offset + limit]


async def _pg_query_is_empty(session: AsyncSession, tokens: list[str], mode: Mode) -> bool:
    query = func.websearch_to_tsquery("english", bindparam("q", pg_websearch(tokens, mode)))
    return bool(await session.scalar(select(func.numnode(query) == 0)))


async def _pg_ids(
    session: AsyncSession,
    tokens: list[str],
    mode: Mode,
    filters: Sequence[ColumnElement[bool]],
    limit: int,
    offset: int,
) -> list[int]:
    query = func.websearch_to_tsquery("english", bindparam("q", pg_websearch(tokens, mode)))
    vector = func.to_tsvector("english", Challenge.search_text)
    # `id + 0`: ordered by the primary key, the planner walks it backwards filtering every
    # row, which reads most of the table when this server's rows are not the newest
    # (433 ms for a common word at 1,000,000 rows); this way the GIN index finds the
    # matches and only they are sorted (67 ms). ts_rank (which re-parses the text) is
    # computed for the WINDOW rows kept, not for every match.
    window = (
        select(Challenge.id.label("cid"))
        .where(vector.op("@@")(query), *filters)
        .order_by((Challenge.id + 0).desc())
        .limit(WINDOW)
        .subquery()
    )
    ranked = aliased(Challenge)
    score = func.ts_rank(func.to_tsvector("english", ranked.search_text), query)
    stmt = (
        select(window.c.cid)
        .join(ranked, ranked.id == window.c.cid)
        .order_by(score.desc(), window.c.cid.desc())
        .limit(limit)
        .offset(offset)
    )
    return [int(i) for i in (await session.scalars(stmt)).all()]


def like_pattern(token: str) -> str:
    escaped = token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def _like_ids(
    session: AsyncSession,
    tokens: list[str],
    mode: Mode,
    filters: Sequence[ColumnElement[bool]],
    limit: int,
    offset: int,
) -> list[int]:
    conds = [func.lower(Challenge.search_text).like(like_pattern(t), escape="\\") for t in tokens]
    match = and_(*conds) if mode == "all" else or_(*conds)
    stmt = (
        select(Challenge.id)
        .where(match, *filters)
        .order_by(Challenge.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [int(i) for i in (await session.scalars(stmt)).all()]
