"""Shared plumbing for the digest's queries: bind parameters and statement reuse.

Statements are built once with bind parameters and reused for every server: building
and cache-keying a large SQLAlchemy statement costs more than running it on SQLite.
Every statement filters on guild_id (and status='published' for entries) and ranges over
the existing (guild_id, status, created_at) indexes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, and_, bindparam, or_
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.types import Status, UTCDateTime
from bot.services.consent import reuse_allowed

# Activity this week on older entries (an accepted solution, a vote, a "helped me") counts
# for entries created within LOOKBACK, which keeps every scan a bounded index range.
LOOKBACK = timedelta(weeks=12)
OPEN_LOOKBACK = timedelta(weeks=4)
PUBLISHED = Status.PUBLISHED.value

_GID = bindparam("gid", type_=BigInteger())
_START = bindparam("start", type_=UTCDateTime())
_END = bindparam("end", type_=UTCDateTime())
_SINCE = bindparam("since", type_=UTCDateTime())
_OPEN_SINCE = bindparam("open_since", type_=UTCDateTime())


class DigestStatements:
    """The digest's statements, each built on first use and kept: one per database, wired
    by `bot.wiring` (building ~20 statements per digest cost more than running them)."""

    def __init__(self) -> None:
        self.built: dict[str, Any] = {}


class Query:
    guild_id, start, end, since, open_since = _GID, _START, _END, _SINCE, _OPEN_SINCE

    def __init__(
        self,
        s: AsyncSession,
        guild_id: int,
        start: datetime,
        end: datetime,
        statements: DigestStatements,
    ) -> None:
        self.s = s
        self.statements = statements.built
        self.params: dict[str, Any] = {
            "gid": guild_id,
            "start": start,
            "end": end,
            "since": start - LOOKBACK,
            "open_since": start - OPEN_LOOKBACK,
        }

    async def _execute(self, key: str, build: Callable[[], Any], **extra: Any) -> Any:
        stmt = self.statements.get(key)
        if stmt is None:
            stmt = self.statements[key] = build()
        # Core execution on the session's connection: the statements select columns, not
        # entities, so the ORM's per-execution compile state (a fifth of a small server's
        # digest) buys nothing here.
        conn = await self.s.connection()
        return await conn.execute(stmt, {**self.params, **extra})

    async def _rows(self, key: str, build: Callable[[], Any], **extra: Any) -> list[Any]:
        return list((await self._execute(key, build, **extra)).all())

    def _recent(self, model: Any) -> Any:
        """Published rows of this server created in [start - LOOKBACK, end), by members
        who let their words be reused (bot/services/consent)."""
        return and_(
            model.guild_id == self.guild_id,
            model.status == PUBLISHED,
            model.created_at >= self.since,
            model.created_at < self.end,
            self._consenting(model),
        )

    def _consenting(self, model: Any) -> Any:
        """The row's author did not opt out of reuse (/privacy)."""
        return reuse_allowed(model.author_id, self.guild_id)

    def _touched(self, model: Any) -> Any:
        # Created this week, or featured (edited) this week.
        return or_(
            model.created_at >= self.start,
            and_(model.updated_at >= self.start, model.updated_at < self.end),
        )

    def _week(self, column: Any) -> Any:
        return and_(column >= self.start, column < self.end)
