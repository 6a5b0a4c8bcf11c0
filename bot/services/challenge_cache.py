"""Ranked /challenge search results, remembered until the server's challenges change.

Ranking is most of a search's cost (bench/README.md), and members of one server ask the
same popular questions. A `SearchCache` is attached to each database engine (no module
state). It keeps the ranked ids of a (server, query, page) — never the challenges
themselves: those are loaded fresh on every search, so titles, solution counts, tags and
statuses shown are always current.

Correctness rests on a per-server generation:
  * every committed ORM write of a Challenge row bumps its server's generation, and every
    bulk UPDATE/DELETE statement on challenges bumps all of them (`bot.db.write_events`,
    so no feature has to remember);
  * an answer is stored under the generation read *before* the search ran, so a search
    that overlapped a write is never served afterwards;
  * a time-to-live heals writes made by another process.
Answers are shared between members: the only member-specific part of a search is a
member's own unpublished challenges, so members who have some get their own entries.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.db.models import Challenge
from bot.db.types import Status
from bot.db.write_events import notify_on_commit
from bot.services.lru import Lru

TTL_SECONDS = 60.0
MAX_ENTRIES = 4096
_ATTR = "_nexus_challenge_search_cache"
_ALL = -1  # "every server" (a bulk statement)

Stamp = tuple[int, int]
# Listed rather than "!= published", and without DISTINCT (deduplicated in Python): the
# (guild_id, status, ...) index then reads only the few unpublished rows; otherwise
# SQLite walked every challenge of a large server (180-240 ms at 100,000).
_UNPUBLISHED = tuple(s.value for s in Status if s is not Status.PUBLISHED)


class SearchCache:
    def __init__(self, *, ttl: float = TTL_SECONDS, clock: Callable[[], float] = time.monotonic
                 ) -> None:  # fmt: skip
        self.ttl = ttl
        self.clock = clock
        self._all = 0
        self._guilds: dict[int, int] = {}
        self._answers: Lru[tuple[Any, ...], tuple[Stamp, float, list[int]]] = Lru(MAX_ENTRIES)
        self._authors: dict[int, tuple[Stamp, float, frozenset[int]]] = {}
        self.hits = 0
        self.misses = 0
        self.keep_rankings = True  # False: rank every search (benchmarks of the search)

    def stamp(self, guild_id: int) -> Stamp:
        return (self._all, self._guilds.get(guild_id, 0))

    def changed(self, guild_id: int) -> None:
        if guild_id == _ALL:
            self._all += 1
        else:
            self._guilds[guild_id] = self._guilds.get(guild_id, 0) + 1

    def _fresh(self, guild_id: int, stamp: Stamp, at: float) -> bool:
        return stamp == self.stamp(guild_id) and self.clock() - at < self.ttl

    async def viewer_key(self, session: AsyncSession, guild_id: int, viewer_id: int | None
                         ) -> int | None:  # fmt: skip
        """The viewer, if their own unpublished challenges can change what they see."""
        if viewer_id is None:
            return None
        known = self._authors.get(guild_id)
        if known is None or not self._fresh(guild_id, known[0], known[1]):
            stamp, at = self.stamp(guild_id), self.clock()
            rows = await session.scalars(
                select(Challenge.author_id).where(
                    Challenge.guild_id == guild_id, Challenge.status.in_(_UNPUBLISHED)
                )
            )
            known = (stamp, at, frozenset(int(a) for a in rows))
            self._authors[guild_id] = known
        return viewer_id if viewer_id in known[2] else None

    async def ranked(
        self, guild_id: int, key: tuple[Any, ...], rank: Callable[[], Awaitable[list[int]]]
    ) -> list[int]:
        """The remembered answer for `key`, or `rank()`'s (then remembered)."""
        full = (guild_id, *key)
        found = self._answers.get(full)
        if found is not None and self._fresh(guild_id, found[0], found[1]):
            self.hits += 1
            return found[2]
        self.misses += 1
        stamp, at = self.stamp(guild_id), self.clock()
        ids = await rank()
        if not self.keep_rankings:
            return ids
        self._answers.put(full, (stamp, at, ids))
        return ids


def search_cache(db: Database) -> SearchCache:
    """The SearchCache of this database's engine (created on first use)."""
    return db.attached(_ATTR, SearchCache)


# Committed ORM writes of challenges bump their server; bulk statements bump every server.
notify_on_commit(Challenge, _ATTR, "changed", missing=_ALL, bulk=_ALL)
