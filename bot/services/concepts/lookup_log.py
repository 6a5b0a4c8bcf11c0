"""Lookup statistics (ConceptLookup / MissedLookup rows), written in batches.

A /concept lookup used to write its statistics row in its own BEGIN IMMEDIATE
transaction (an fsync per lookup with synchronous=FULL), which serialised every lookup
behind the SQLite write lock. These rows are statistics, not member-confirmed writes, so
they are buffered in-process and written in one transaction every FLUSH_SECONDS or
FLUSH_ROWS rows, whichever comes first, and on bot close (the concepts cog's
cog_unload). `created_at` is taken when the lookup happens, so weekly counts are exact.

Readers in this process call `flush(db)` before counting (top_lookups, top_misses, the
digest, merges), so they never miss a pending row. Trade-off (RELIABILITY.md, known
limits): a crash loses at most the last second of lookup statistics.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.exc import SQLAlchemyError

from bot.db import Database
from bot.db.models import ConceptLookup, MissedLookup
from bot.db.types import utcnow

log = logging.getLogger("nexus.concepts")

FLUSH_SECONDS = 1.0
FLUSH_ROWS = 200
# Core executemany on the tables, built once: the ORM bulk insert spent about 1 ms more of
# the event loop per 200 rows, once a second under load (no cache watches these tables).
_ADD_HITS = cast(Table, ConceptLookup.__table__).insert()
_ADD_MISSES = cast(Table, MissedLookup.__table__).insert()


@dataclass
class LookupBuffer:
    """Lookups counted since the last flush (one per database, wired by `bot.wiring`)."""

    hits: list[dict[str, Any]] = field(default_factory=list)
    misses: list[dict[str, Any]] = field(default_factory=list)
    task: asyncio.Task[None] | None = None
    full: asyncio.Event = field(default_factory=asyncio.Event)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def __len__(self) -> int:
        return len(self.hits) + len(self.misses)


def _buffer(db: Database) -> LookupBuffer:
    return db.part(LookupBuffer)


def record_hit(db: Database, guild_id: int, concept_id: int, user_id: int) -> None:
    """Count a successful lookup (written within FLUSH_SECONDS)."""
    buf = _buffer(db)
    buf.hits.append(
        {"guild_id": guild_id, "concept_id": concept_id, "user_id": user_id, "created_at": utcnow()}
    )
    _schedule(db, buf)


def record_miss(db: Database, guild_id: int, query: str, user_id: int) -> None:
    """Count a lookup that matched nothing (written within FLUSH_SECONDS)."""
    buf = _buffer(db)
    buf.misses.append(
        {"guild_id": guild_id, "query": query, "user_id": user_id, "created_at": utcnow()}
    )
    _schedule(db, buf)


def _schedule(db: Database, buf: LookupBuffer) -> None:
    if len(buf) >= FLUSH_ROWS:
        buf.full.set()
    if buf.task is None or buf.task.done():
        # Interruptible: it only waits, and flushes when cancelled.
        buf.task = db.spawn(_later(db, buf), name="nexus-lookup-log", interruptible=True)


async def _later(db: Database, buf: LookupBuffer) -> None:
    try:
        await asyncio.wait_for(buf.full.wait(), FLUSH_SECONDS)
    except TimeoutError:
        pass
    finally:
        # Also when cancelled by Database.dispose(): write what is pending first.
        buf.task = None
        await flush(db)


async def flush(db: Database) -> int:
    """Write every pending row now, in one transaction; returns how many were pending."""
    buf = _buffer(db)
    async with buf.lock:
        hits, misses = buf.hits, buf.misses
        buf.hits, buf.misses = [], []
        buf.full.clear()
        if not hits and not misses:
            return 0
        try:
            async with db.sessions.begin() as s:
                if hits:
                    await s.execute(_ADD_HITS, hits)
                if misses:
                    await s.execute(_ADD_MISSES, misses)
        except SQLAlchemyError:
            # Statistics only: log and drop rather than retry forever.
            log.exception("dropped %d lookup statistic row(s)", len(hits) + len(misses))
        return len(hits) + len(misses)
