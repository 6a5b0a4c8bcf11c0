"""Concept autocomplete: served by the warm per-server index, or by one bounded SQL query
while a large server's index builds in the background; warm-up after start."""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any

from sqlalchemy import (
    Select,
    Text,
    bindparam,
    case,
    cast,
    false,
    func,
    select,
    true,
    union_all,
)

from bot.db import Database
from bot.db.models import BASE_GUILD_ID, Concept
from bot.services.concepts.guild_index import CHOICES_MAX, _decode_aliases, _label, normalise
from bot.services.concepts.index import WARM_CONCURRENCY, index_for
from bot.services.concepts.types import AutocompleteChoice, visible_parts

log = logging.getLogger(__name__)


async def autocomplete(db: Database, guild_id: int, text: str) -> list[AutocompleteChoice]:
    """Up to 25 choices for the member's partial input; no database access when warm.

    Large server whose concepts just changed: the new index builds in the background and
    this keystroke is answered from the one before the write (ranked, typo-tolerant; the
    change shows once the build lands, ~0.1 s). Cold and large (never built since start):
    the index builds in the background and this keystroke gets the bounded SQL answer of
    `cold_complete` (prefixes only; typos once warm).
    """
    index = index_for(db)
    warm = index.cached(guild_id)
    if warm is not None:
        return warm.complete(text)
    stale = index.stale(guild_id)
    if stale is not None:  # a large server just changed: suggest from before the write
        index.build_in_background(db, guild_id)
        return stale.complete(text)
    if guild_id in index._pending or not await index.is_small(db, guild_id):
        # Answer first, then start the build: the keystroke does not share the event loop
        # and the database with the build's 10,000-row read.
        found = await cold_complete(db, guild_id, text)
        index.build_in_background(db, guild_id)
        return found
    return (await index.get(db, guild_id)).complete(text)


def _like_prefix(q: str) -> str:
    return q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@functools.cache
def _cold_statement(sqlite: bool, matching: bool) -> Select[Any]:
    """The server's rows and the unshadowed base rows as two parts of a UNION ALL, each an
    index range (ix_concepts_complete_cover holds the columns read: no table rows). As
    one OR, SQLite combined two index scans through a row set (10 -> 3 ms at 10,000)."""
    aliases = cast(Concept.aliases, Text)
    by_name: Any = true()
    by_alias: Any = false()
    if matching:
        # SQLite's LIKE already ignores ASCII case (and lower() would cost a call per row);
        # on PostgreSQL lower() LIKE a lowered pattern is a third cheaper than ILIKE.
        def starts(expr: Any, pattern: Any) -> Any:
            return (expr if sqlite else func.lower(expr)).like(pattern, escape="\\")

        by_name = starts(Concept.name, bindparam("name_like"))
        # The aliases' JSON text holds `"<alias>`: a match is re-checked after decoding.
        by_alias = starts(aliases, bindparam("alias_like"))
    rank = case((by_name, 0), else_=1).label("rank")
    parts = [
        select(
            Concept.id,
            Concept.name,
            aliases.label("aliases"),
            rank,
            func.lower(Concept.name).label("key"),
        ).where(part, by_name | by_alias)
        for part in visible_parts(bindparam("guild"))
    ]
    both = union_all(*parts).subquery()
    query = select(both.c.id, both.c.name, both.c.aliases).limit(bindparam("limit"))
    return query.order_by(both.c.rank, both.c.key, both.c.id) if matching else query


async def cold_complete(
    db: Database, guild_id: int, text: str, limit: int = CHOICES_MAX
) -> list[AutocompleteChoice]:
    """Autocomplete without the index, in one bounded query: visible names starting with
    the input, then names of concepts with an alias starting with it (at most `limit`)."""
    q = normalise(text)[:100]
    query = _cold_statement(db.is_sqlite, bool(q))
    params: dict[str, Any] = {"guild": guild_id, "limit": limit}
    if q:
        params |= {"name_like": _like_prefix(q), "alias_like": '%"' + _like_prefix(q)}
    async with db.reader() as session:
        conn = await session.connection()
        rows = list((await conn.execute(query, params)).all())
    if not q:  # any 25 (no sort over the whole server), shown in name order
        rows.sort(key=lambda r: (normalise(r[1]), r[0]))
    out: list[AutocompleteChoice] = []
    for (cid, name, _), values in zip(rows, _decode_aliases([r[2] for r in rows]), strict=True):
        if normalise(name).startswith(q):
            out.append(AutocompleteChoice(_label(name), str(cid)))
            continue
        alias = next((v for v in values if normalise(v).startswith(q)), None)
        if alias is not None:
            out.append(AutocompleteChoice(_label(f"{name} ({alias})"), str(cid)))
    return out


async def warm_indexes(
    db: Database, guild_ids: list[int], *, concurrency: int = WARM_CONCURRENCY
) -> int:
    """Build the indexes of the servers whose cold build a keystroke would not wait for.

    Small servers are only sized (their first keystroke builds in a few ms): warming
    every server would hold one index per server in memory. Failures are logged, never
    raised. Returns how many indexes were built.
    """
    index = index_for(db)
    gate = asyncio.Semaphore(max(1, concurrency))
    built = 0
    try:  # SQLAlchemy compiles the cold query on first use (~5 ms): not on a keystroke
        await cold_complete(db, BASE_GUILD_ID, "a", limit=1)
    except Exception:
        log.warning("preparing the autocomplete query failed", exc_info=True)

    async def one(guild_id: int) -> None:
        nonlocal built
        async with gate:
            try:
                if await index.is_small(db, guild_id) or index.cached(guild_id) is not None:
                    return
                await index.get(db, guild_id)
                built += 1
            except Exception:
                log.warning(
                    "warming the concept index of server %s failed", guild_id, exc_info=True
                )

    await asyncio.gather(*(one(g) for g in dict.fromkeys(guild_ids)))
    return built
