"""/challenge search results, remembered until what they show changes.

Ranking is most of a search's cost (bench/README.md), and members of one server ask the
same popular questions. A `SearchCache` is attached to each database engine (no module
state). It keeps the ranked ids of a (server, query, page), and, separately, the shown
challenges by id (title, status, tags, solution count), so a repeated search costs no
query at all.

Correctness rests on a per-server generation:
  * every committed ORM write of a Challenge row bumps its server's generation, and every
    bulk UPDATE/DELETE statement on challenges bumps all of them (`bot.db.write_events`,
    so no feature has to remember);
  * an answer is stored under the generation read *before* the search ran, so a search
    that overlapped a write is never served afterwards;
  * a time-to-live heals writes made by another process.
The shown challenges have a second generation ("content"), bumped as well by committed
writes of solutions (the count), challenge-concept links and concepts (the tags); a write
to a base concept (shared by every server) bumps every server.
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
from bot.db.models.concepts import BASE_GUILD_ID
from bot.db.types import Status
from bot.services.challenges.search_fts import FtsMemo
from bot.services.entries import ChallengeInfo
from bot.services.search import Lru

TTL_SECONDS = 60.0
MAX_ENTRIES = 4096
MAX_SHOWN = 5000  # challenges kept for display (a few MB)
ALL_SERVERS = -1  # "every server" (a bulk statement)
_ALL = ALL_SERVERS

Stamp = tuple[int, ...]
# Listed rather than "!= published", and without DISTINCT (deduplicated in Python): the
# (guild_id, status, ...) index then reads only the few unpublished rows; otherwise
# SQLite walked every challenge of a large server (180-240 ms at 100,000).
_UNPUBLISHED = tuple(s.value for s in Status if s is not Status.PUBLISHED)


class SearchCache:
    def __init__(
        self, *, ttl: float = TTL_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.clock = clock
        self._all = 0
        self._guilds: dict[int, int] = {}
        self._answers: Lru[tuple[Any, ...], tuple[Stamp, float, list[int]]] = Lru(MAX_ENTRIES)
        self._authors: dict[int, tuple[Stamp, float, frozenset[int]]] = {}
        self._content_all = 0
        self._content: dict[int, int] = {}
        self._shown: Lru[int, tuple[Stamp, float, ChallengeInfo]] = Lru(MAX_SHOWN)
        self.hits = 0
        self.misses = 0
        self.keep_answers = True  # False: rank and load every search (benchmarks of it)
        self.fts = FtsMemo()  # SQLite FTS5: present?, recent word counts, crowded servers

    def stamp(self, guild_id: int) -> Stamp:
        return (self._all, self._guilds.get(guild_id, 0))

    def changed(self, guild_id: int) -> None:
        if guild_id == _ALL:
            self._all += 1
        else:
            self._guilds[guild_id] = self._guilds.get(guild_id, 0) + 1

    def content_stamp(self, guild_id: int) -> Stamp:
        return (*self.stamp(guild_id), self._content_all, self._content.get(guild_id, 0))

    def content_changed(self, guild_id: int) -> None:
        if guild_id in (_ALL, BASE_GUILD_ID):
            self._content_all += 1
        else:
            self._content[guild_id] = self._content.get(guild_id, 0) + 1

    def _fresh(self, guild_id: int, stamp: Stamp, at: float) -> bool:
        return stamp == self.stamp(guild_id) and self.clock() - at < self.ttl

    async def shown(
        self,
        guild_id: int,
        ids: list[int],
        load: Callable[[list[int]], Awaitable[dict[int, ChallengeInfo]]],
    ) -> dict[int, ChallengeInfo]:
        """The challenges `ids` of this server as shown: remembered ones, the rest `load`ed
        (and then remembered under the content generation read before loading)."""
        found: dict[int, ChallengeInfo] = {}
        missing: list[int] = []
        current, now = self.content_stamp(guild_id), self.clock()
        for i in ids:
            kept = self._shown.get(i)
            if kept is not None and kept[0] == current and now - kept[1] < self.ttl:
                found[i] = kept[2]
            else:
                missing.append(i)
        if missing:
            loaded = await load(missing)
            for i, info in loaded.items():
                found[i] = info
                if self.keep_answers and info.guild_id == guild_id:
                    self._shown.put(i, (current, now, info))
        return found

    async def viewer_key(
        self, session: AsyncSession, guild_id: int, viewer_id: int | None
    ) -> int | None:
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
        if not self.keep_answers:
            return ids
        self._answers.put(full, (stamp, at, ids))
        return ids


def search_cache(db: Database) -> SearchCache:
    """This database's SearchCache (wired, with its invalidation, by `bot.wiring`)."""
    return db.part(SearchCache)
