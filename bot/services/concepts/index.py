"""In-memory per-server index of concept names and aliases (autocomplete, name matching).

Autocomplete runs on every keystroke, so it must not query the database when warm. A
`ConceptIndex` is attached to each database engine (no module-level state): it holds
one `GuildIndex` per server, built lazily from the visible concepts (base + server),
dropped on every write to that server, and all dropped on a write to the base.

Invalidation is automatic for ORM writes: Session events (`bot.db.write_events`) note
which servers' Concept rows were flushed, or that a bulk UPDATE/DELETE ran on concepts
(every server), and invalidate after the commit, so other features (curation, seeding)
need not remember to. Core statements on the table outside an ORM Session bypass this:
call `invalidate_concepts` after those. A time-to-live heals writes by another process.

A keystroke never waits for a large build: when a server's index is cold and it has more
than `sync_build_max` visible concepts, the build starts in the background (one per
server) and this keystroke is answered by a bounded SQL prefix query (`cold_complete`).
Small servers build synchronously (a few ms), so their first answer is already ranked.
`warm_indexes` builds the large servers' indexes after start.

This module holds that cache (`ConceptIndex`, `index_for`, `invalidate_concepts`); one
server's index and its matching (exact, loose, typo, prefix) are in guild_index.py.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import partial
from typing import Any

from sqlalchemy import Text, cast, func, select

from bot.db import Database
from bot.db.models import BASE_GUILD_ID, Concept
from bot.db.types import Status
from bot.services.concepts.guild_index import GuildIndex, _make_index
from bot.services.concepts.merged import merged_rows
from bot.services.concepts.types import ConceptDetail, ConceptPage, visible_clause
from bot.services.search import Lru

log = logging.getLogger("nexus.concepts")

INDEX_TTL_SECONDS = 300.0
MAX_CACHED_GUILDS = 2000
# Up to this many visible concepts a cold keystroke builds the index itself (~2 ms per
# 1,000 on SQLite); above it the keystroke is answered by SQL while the index builds.
SYNC_BUILD_MAX = 1000
WARM_CONCURRENCY = 2
# Answers computed from the rows a warm index was built from: keyed by that index's token,
# so a write (which replaces the index) orphans them. Bounded in total, across servers.
DETAILS_MAX = 20_000  # (token, concept id) -> ConceptDetail (lookups, related buttons)
SEARCHES_MAX = 5_000  # (token, search key) -> ConceptPage (/concept search)


class ConceptIndex:
    """Per-Database cache of GuildIndex objects with write invalidation."""

    def __init__(
        self, *, ttl: float = INDEX_TTL_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.clock = clock
        self._guilds: OrderedDict[int, GuildIndex] = OrderedDict()
        self._versions: dict[int, int] = {}
        self._base_version = 0
        self.builds = 0  # how many times an index was loaded from the database
        self.fts_available: bool | None = None  # SQLite search: detected once per process
        self.corpus: Any = None  # corpus.CorpusStats: word statistics for search
        self.corpus_pending: asyncio.Future[Any] | None = None  # its build, shared
        self.corpus_version = 0  # bumped when a write drops it (a build then is stale)
        self.sync_build_max = SYNC_BUILD_MAX
        self._pending: dict[int, tuple[tuple[int, int], asyncio.Future[GuildIndex]]] = {}
        self._sizes: dict[int, int] = {}  # visible concepts per server (upper bound)
        self._rebuild: dict[int, Database] = {}  # a stale build is running: build again after
        self._stale: dict[int, GuildIndex] = {}  # large servers' pre-write indexes
        self._details: Lru[tuple[int, int], ConceptDetail] = Lru(DETAILS_MAX)
        self._searches: Lru[tuple[int, tuple[Any, ...]], ConceptPage] = Lru(SEARCHES_MAX)

    def invalidate(self, guild_id: int) -> None:
        """Drop the index of `guild_id` (BASE_GUILD_ID: all). A large server's dropped index
        is kept as `stale` so autocomplete can answer from it while the new one builds."""
        if guild_id == BASE_GUILD_ID or getattr(self.corpus, "complete", False):
            self.corpus = None  # a sample of a large database stays good until its TTL
            self.corpus_version += 1
        if guild_id == BASE_GUILD_ID:
            self._base_version += 1
            dropped = list(self._guilds.items())
            self._guilds.clear()
        else:
            self._versions[guild_id] = self._versions.get(guild_id, 0) + 1
            old = self._guilds.pop(guild_id, None)
            dropped = [(guild_id, old)] if old is not None else []
        for gid, old in dropped:
            if len(old) > self.sync_build_max:
                self._stale[gid] = old
        while len(self._stale) > MAX_CACHED_GUILDS:
            self._stale.pop(next(iter(self._stale)))

    def forget(self, guild_id: int) -> None:
        """Drop everything held for `guild_id`, as after a restart (the next keystroke is
        cold). Benchmarks and tests use it; writes call `invalidate`."""
        self.invalidate(guild_id)
        self._stale.pop(guild_id, None)

    def stale(self, guild_id: int) -> GuildIndex | None:
        """The index `guild_id` had before its last write (large servers, within the TTL):
        good enough for autocomplete suggestions while the current one builds."""
        old = self._stale.get(guild_id)
        if old is not None and self.clock() - old.built_at < self.ttl:
            return old
        return None

    def _stamp(self, guild_id: int) -> tuple[int, int]:
        return (self._base_version, self._versions.get(guild_id, 0))

    def cached(self, guild_id: int) -> GuildIndex | None:
        """The warm index of `guild_id`, or None (never built, invalidated or expired)."""
        cached = self._guilds.get(guild_id)
        if cached is not None and self.clock() - cached.built_at < self.ttl:
            self._guilds.move_to_end(guild_id)
            return cached
        return None

    def _start(self, db: Database, guild_id: int) -> asyncio.Future[GuildIndex]:
        # Coalesce: keystrokes arriving while the index loads share one database read.
        stamp = self._stamp(guild_id)
        pending = self._pending.get(guild_id)
        if pending is None or pending[0] != stamp:
            task = db.spawn(self._build(db, guild_id, stamp), name=f"concept-index-{guild_id}")
            pending = (stamp, task)
            self._pending[guild_id] = pending
            task.add_done_callback(partial(self._forget, guild_id))
        return pending[1]

    async def get(self, db: Database, guild_id: int) -> GuildIndex:
        cached = self.cached(guild_id)
        if cached is not None:
            return cached
        return await asyncio.shield(self._start(db, guild_id))

    def build_in_background(self, db: Database, guild_id: int) -> None:
        """Start building `guild_id`'s index unless a build of it is already running."""
        pending = self._pending.get(guild_id)
        if pending is None:
            self._start(db, guild_id).add_done_callback(partial(_log_failure, guild_id))
        elif pending[0] != self._stamp(guild_id):
            self._rebuild[guild_id] = db  # one build at a time: the next starts after it

    async def is_small(self, db: Database, guild_id: int) -> bool:
        """Whether a cold build of `guild_id` is cheap enough to wait for (<= sync_build_max)."""
        size = self._sizes.get(guild_id)
        if size is None:
            async with db.reader() as session:
                size = int(await session.scalar(_count_query(guild_id)) or 0)
            self._sizes[guild_id] = size
        return size <= self.sync_build_max

    def _forget(self, guild_id: int, task: asyncio.Future[GuildIndex]) -> None:
        current = self._pending.get(guild_id)
        if current is not None and current[1] is task:
            del self._pending[guild_id]
            db = self._rebuild.pop(guild_id, None)
            if db is not None and self.cached(guild_id) is None:
                self.build_in_background(db, guild_id)
        if not task.cancelled():
            task.exception()  # retrieved: a failed build is reported to its awaiters only

    async def _build(self, db: Database, guild_id: int, stamp: tuple[int, int]) -> GuildIndex:
        now = self.clock()
        # Core rows of plain columns (no ORM entities); aliases come back as JSON text and
        # are decoded in one json.loads below instead of one per row.
        query = select(
            Concept.id,
            Concept.guild_id,
            Concept.slug,
            Concept.name,
            cast(Concept.aliases, Text),
            Concept.tracks,
        ).where(visible_clause(guild_id))
        async with db.reader() as session:
            conn = await session.connection()
            rows = (await conn.execute(query)).all()
            merged = await merged_rows(conn, guild_id, {r[0] for r in rows})
        # Decoding and sorting take tens of ms at 10,000 concepts: off the event loop, so
        # keystrokes answered meanwhile (cold_complete) are not held up behind it.
        built = await asyncio.to_thread(
            _make_index, list(rows), now, self._details, self._searches, merged
        )
        self.builds += 1
        self._sizes[guild_id] = len(built)
        if stamp == self._stamp(guild_id):  # no write happened while we were loading
            self._guilds[guild_id] = built
            self._stale.pop(guild_id, None)
            while len(self._guilds) > MAX_CACHED_GUILDS:
                self._guilds.popitem(last=False)
        return built


def _count_query(guild_id: int) -> Any:
    # Index-only count on (guild_id, status); shadowed base rows are counted (upper bound).
    return (
        select(func.count())
        .select_from(Concept)
        .where(
            Concept.guild_id.in_((BASE_GUILD_ID, guild_id)),
            Concept.status == Status.PUBLISHED.value,
        )
    )


def _log_failure(guild_id: int, task: asyncio.Future[GuildIndex]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("concept index build for server %s failed", guild_id, exc_info=task.exception())


def index_for(db: Database) -> ConceptIndex:
    """This database's ConceptIndex (wired, with its invalidation, by `bot.wiring`)."""
    return db.part(ConceptIndex)


def invalidate_concepts(db: Database, guild_id: int) -> None:
    """Drop the cached index of `guild_id` (BASE_GUILD_ID: every server's)."""
    index_for(db).invalidate(guild_id)
