"""Challenge search on SQLite: FTS5 (`challenges_fts`, migration 0003), ranked, scoped.

Scaling to a million rows: FTS5's bm25() counts, for every phrase, all rows containing
it, so ranking a very common word costs a scan of its whole doclist. We therefore
  1. count each token's documents up to COUNT_CAP (cheap, bounded);
  2. take the newest WINDOW matches in rowid order (FTS5 walks doclists backwards and
     stops at the LIMIT: no ranking, no sort) and filter them on the base table by
     server, visibility and the caller's scope;
  3. rank those with bm25() over the selective tokens only (their doclists are short),
     restricted to the candidates' rowid range; words matched by almost everything add
     nearly nothing to bm25 anyway and only filter.
If another server's rows crowd the window, step 2 is repeated with the server's id as an
indexed token (and the server goes straight to that for CROWDED_TTL).

Those steps depend on each other's results, so they run as one plain function on the
connection's thread (`sqlite_driver.run_on_thread`): one hand-off per search instead of
one per statement, and no SQLAlchemy statement building on the event loop for them. The
function sees only its request (a frozen copy) and returns plain values; the caches are
read before and updated after, on the event loop.
"""

from __future__ import annotations

import functools
import sqlite3
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, bindparam, literal_column, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Challenge
from bot.db.sqlite_driver import run_on_thread
from bot.services.challenges.search_query import Mode, Rule, Scope, fts_expression

WINDOW = 600
COUNT_CAP = 10_000
RANK_BUDGET = 6_000
# bm25 weights: title, tried, problem, guild_id (the guild token never scores).
BM25 = "bm25(challenges_fts, 8.0, 2.0, 3.0, 0.0)"

COUNT_TTL = 30.0
COUNT_CACHE_MAX = 4096
CROWDED_TTL = 60.0


@dataclass
class FtsMemo:
    """What FTS search remembers about one database (held by its challenge SearchCache):
    whether the FTS5 table exists, recent capped document counts per word (token ->
    (expires, count)), and the servers whose newest matches were recently crowded out by
    other servers' rows (guild_id -> until)."""

    present: bool | None = None
    counts: dict[str, tuple[float, int]] = field(default_factory=dict)
    crowded: dict[int, float] = field(default_factory=dict)


@functools.lru_cache(maxsize=32)
def _filter_sql(shape: tuple[Rule, bool, bool]) -> tuple[str, dict[str, Any]]:
    """The base-table filter for one scope shape, compiled once: which of the window's
    rowids (the CTE `w(r)`) are this server's (`:guild`) and in scope. Named parameters;
    the dict holds the constants SQLAlchemy bound (statuses, `+ 0`)."""
    rule, open_only, exclude = shape
    scope = Scope(rule, viewer_id=0, open_only=open_only, exclude_id=0 if exclude else None)
    window: Select[Any] = select(literal_column("r")).select_from(text("w"))
    # `+ 0` keeps SQLite from scanning the (guild_id, ...) indexes: the candidates are a
    # few hundred primary keys, so rowid lookups are what we want.
    stmt = select(Challenge.id).where(
        Challenge.id.in_(window),
        (Challenge.guild_id + 0) == bindparam("guild"),
        *scope.clauses(viewer=bindparam("viewer"), exclude=bindparam("exclude")),
    )
    compiled = stmt.compile(dialect=sqlite.dialect(paramstyle="named"))
    own = ("guild", "viewer", "exclude")
    return compiled.string, {k: v for k, v in compiled.params.items() if k not in own}


@functools.lru_cache(maxsize=64)
def _window_sql(filter_sql: str, ranked: bool) -> str:
    """One statement per attempt: the newest WINDOW matches (w), those in scope (c), their
    bm25 scores if ranked (s: selective words, within c's rowid range), then a row with
    the sizes of w and c, then the page of ids, best first (unscored ones newest first).
    Only the page crosses into Python."""
    score = (
        f"s(id, score) AS MATERIALIZED (SELECT rowid, {BM25} FROM challenges_fts "
        "WHERE challenges_fts MATCH :rank AND rowid BETWEEN (SELECT min(id) FROM c) "
        "AND (SELECT max(id) FROM c)) "
        if ranked
        else "s(id, score) AS (SELECT NULL, NULL WHERE 0) "
    )
    return (
        "WITH w(r) AS MATERIALIZED (SELECT rowid FROM challenges_fts WHERE challenges_fts "
        "MATCH :match ORDER BY rowid DESC LIMIT :window), "
        f"c(id) AS MATERIALIZED ({filter_sql}), {score}"
        "SELECT (SELECT count(*) FROM w), (SELECT count(*) FROM c) "
        # (IN and NOT IN build a temporary index; a LEFT JOIN on s scanned s per row.)
        "UNION ALL SELECT id, NULL FROM (SELECT id, score AS k FROM s WHERE id IN "
        "(SELECT id FROM c) UNION ALL SELECT id, 0.0 FROM c WHERE id NOT IN "
        "(SELECT id FROM s) ORDER BY k, id DESC LIMIT :limit OFFSET :offset)"
    )


@dataclass(frozen=True)
class _Ask:
    """Everything the connection's thread needs (copied: it runs off the event loop)."""

    tokens: tuple[str, ...]
    known: tuple[tuple[str, int], ...]  # counts still fresh in the cache
    mode: Mode
    guild_id: int
    crowded: bool
    filter_sql: str
    params: tuple[tuple[str, Any], ...]
    limit: int
    offset: int
    window: int
    count_cap: int
    rank_budget: int


@dataclass(frozen=True)
class _Found:
    ids: list[int]
    counted: dict[str, int]  # counts made on this trip
    crowded: bool  # the server's newest matches turned out crowded by others


async def fts_ids(
    session: AsyncSession,
    guild_id: int,
    tokens: list[str],
    mode: Mode,
    scope: Scope,
    limit: int,
    offset: int,
    memo: FtsMemo,
) -> list[int]:
    conn = await session.connection()
    now = time.monotonic()
    cache, crowded = memo.counts, memo.crowded
    known = tuple((t, hit[1]) for t in tokens if (hit := cache.get(t)) and hit[0] > now)
    sql, constants = _filter_sql(scope.shape)
    ask = _Ask(
        tuple(tokens),
        known,
        mode,
        guild_id,
        crowded.get(guild_id, 0.0) > now,
        sql,
        tuple({**constants, **scope.params()}.items()),
        limit,
        offset,
        WINDOW,
        COUNT_CAP,
        RANK_BUDGET,
    )
    found = await run_on_thread(conn, functools.partial(_search, ask=ask))
    # Counts only steer which words rank and which act as stop words, so a positive count
    # is reused for COUNT_TTL seconds. A zero is never cached: a challenge shared a moment
    # ago must be findable.
    if found.counted and len(cache) >= COUNT_CACHE_MAX:
        cache.clear()
    for token, count in found.counted.items():
        if count > 0:
            cache[token] = (now + COUNT_TTL, count)
    if found.crowded:
        crowded[guild_id] = now + CROWDED_TTL
    return found.ids


# --- on the connection's thread --------------------------------------------------------


def _search(conn: sqlite3.Connection, ask: _Ask) -> _Found:
    known = dict(ask.known)
    missing = [t for t in ask.tokens if t not in known]
    counted = _count(conn, missing, ask.count_cap) if missing else {}
    counts = [{**known, **counted}[t] for t in ask.tokens]
    if ask.mode == "all" and min(counts) == 0:
        return _Found([], counted, False)
    present = [(t, c) for t, c in zip(ask.tokens, counts, strict=True) if c > 0]
    if not present:
        return _Found([], counted, False)
    selective = _selective(present, ask.count_cap, ask.rank_budget)
    # Words found in COUNT_CAP or more rows behave like stop words (as in Lucene's
    # "common terms" query): they neither filter nor rank, unless every word is common.
    # "any": match on the selective words only, so a common word cannot flood the
    # window with weak matches.
    if ask.mode == "all":
        match_tokens = [t for t, c in zip(ask.tokens, counts, strict=True) if c < ask.count_cap]
        match_tokens = match_tokens or list(ask.tokens)
    else:
        match_tokens = selective or [t for t, _ in present]
    match = fts_expression(match_tokens, ask.mode)
    scoped = f'guild_id : "{int(ask.guild_id)}" AND ({match})'
    rank = fts_expression(selective, "all" if ask.mode == "all" else "any") if selective else ""
    if ask.crowded:  # this server's searches were crowded out a moment ago
        return _Found(_page(conn, scoped, rank, ask)[0], counted, False)
    ids, window, in_scope = _page(conn, match, rank, ask)
    if window >= ask.window and in_scope < ask.offset + ask.limit:
        # Other servers (or hidden rows) crowd the newest matches: intersect with this
        # server's rows inside the index.
        return _Found(_page(conn, scoped, rank, ask)[0], counted, True)
    return _Found(ids, counted, False)


def _count(conn: sqlite3.Connection, tokens: list[str], cap: int) -> dict[str, int]:
    """Each token's document count, capped (a bounded doclist scan)."""
    parts = [
        f"(SELECT count(*) FROM (SELECT 1 FROM challenges_fts WHERE challenges_fts MATCH ? "
        f"LIMIT {int(cap)}))"
        for _ in tokens
    ]
    params = [fts_expression([t], "all") for t in tokens]
    row = conn.execute("SELECT " + ", ".join(parts), params).fetchone()
    return {t: int(v) for t, v in zip(tokens, row, strict=True)}


def _selective(present: list[tuple[str, int]], cap: int, budget: int) -> list[str]:
    chosen: list[str] = []
    spent = 0
    for token, count in sorted(present, key=lambda p: (p[1], p[0])):
        if count >= cap or spent + count > budget:
            break
        chosen.append(token)
        spent += count
    return chosen


def _page(conn: sqlite3.Connection, match: str, rank: str, ask: _Ask) -> tuple[list[int], int, int]:
    """The page of ids for `match` (ranked with `rank` if any), the window's size and how
    many of it are in scope."""
    params = {
        **dict(ask.params),
        "match": match,
        "window": ask.window,
        "guild": ask.guild_id,
        "limit": ask.limit,
        "offset": ask.offset,
    }
    if rank:
        params["rank"] = rank
    rows = conn.execute(_window_sql(ask.filter_sql, bool(rank)), params).fetchall()
    (window, in_scope), page = rows[0], rows[1:]
    return [int(i) for i, _ in page], int(window), int(in_scope)
