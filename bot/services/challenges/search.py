"""Full-text search over challenges: safe queries, ranked, scoped to one server.

The query becomes quoted word tokens (bot.services.challenges.search_query), so user text can never
raise. SQLite: FTS5, ranked with bm25 over a window of the newest matches
(bot.services.challenges.search_fts). PostgreSQL: websearch_to_tsquery (never raises) on the
GIN index. Without FTS5 (exotic SQLite builds) a LIKE scan is the fallback.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, bindparam, func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.db.models import Challenge
from bot.services.challenges.search_fts import WINDOW, FtsMemo, fts_ids
from bot.services.challenges.search_query import (
    MAX_TOKENS,
    Mode,
    Scope,
    fts_expression,
    pg_websearch,
    phrase,
    tokenize,
)

__all__ = ["Mode", "Scope", "fts_expression", "phrase", "ranked_challenge_ids", "tokenize"]


async def has_fts(session: AsyncSession, memo: FtsMemo) -> bool:
    if memo.present is None:
        found = await session.scalar(
            text("SELECT count(*) FROM sqlite_master WHERE name = 'challenges_fts'")
        )
        memo.present = bool(found)
    return memo.present


async def ranked_challenge_ids(
    session: AsyncSession,
    guild_id: int,
    query: str,
    *,
    scope: Scope = Scope(),
    mode: Mode = "all",
    limit: int = 10,
    offset: int = 0,
    max_tokens: int = MAX_TOKENS,
    memo: FtsMemo | None = None,
) -> list[int]:
    """Ids of the server's challenges matching `query` and in `scope`, best first.

    `memo`: the database's FtsMemo (its SearchCache's); None remembers nothing."""
    tokens = tokenize(query, max_tokens)
    if not tokens or limit <= 0:
        return []
    dialect = session.get_bind().dialect.name
    memo = memo if memo is not None else FtsMemo()
    if dialect == "sqlite" and await has_fts(session, memo):
        return await fts_ids(session, guild_id, tokens, mode, scope, limit, offset, memo)
    filters = [Challenge.guild_id == guild_id, *scope.clauses()]
    if dialect == "postgresql":
        if await _pg_query_is_empty(session, tokens, mode):
            # Only stop words ("very", "how to"): the English tsquery matches nothing,
            # but a member typing them still expects their challenge to be found.
            return await _like_ids(session, tokens, mode, filters, limit, offset)
        return await _pg_ids(session, tokens, mode, filters, limit, offset)
    return await _like_ids(session, tokens, mode, filters, limit, offset)


async def _pg_query_is_empty(session: AsyncSession, tokens: list[str], mode: Mode) -> bool:
    query = func.websearch_to_tsquery("english", bindparam("q", pg_websearch(tokens, mode)))
    return bool(await session.scalar(select(func.numnode(query) == 0)))


async def _pg_ids(
    session: AsyncSession,
    tokens: list[str],
    mode: Mode,
    filters: list[ColumnElement[bool]],
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
    filters: list[ColumnElement[bool]],
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
