"""Several processes, one PostgreSQL: identify concurrency and agreement on the shard count.

IdentifyGate: Discord lets shards of one bucket (`shard_id % max_concurrency`) identify
once per 5 s, across every process of the bot; discord.py only sleeps 5 s between its own
shards. Before each identify the gate takes a PostgreSQL advisory lock for the bucket and
keeps it for the window (plus a margin) after the identify: processes queue on the lock,
and a crashed process's lock is released with its connection. No table is needed.

ShardRegistry: each live process writes a `bot_state` row (`shards:<process id>`) with its
shard count and ids, refreshed every HEARTBEAT seconds and deleted on a clean stop. A
process starting with another SHARD_COUNT than a live one, or a shard a live process
already owns, is refused with one line.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import socket
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select, text

from bot.db import Database
from bot.db.models import BotState
from bot.db.types import utcnow
from bot.settings import SettingsError
from bot.shards import ShardPlan

log = logging.getLogger("nexus.shards")

IDENTIFY_LOCK_NAMESPACE = 0x4E58  # "NX": pg_advisory_lock(namespace, bucket)
IDENTIFY_WINDOW = 5.0
IDENTIFY_MARGIN = 0.25
HEARTBEAT = 15.0
STALE_AFTER = timedelta(seconds=3 * HEARTBEAT)
KEY_PREFIX = "shards:"


class IdentifyGate:
    def __init__(
        self,
        db: Database,
        max_concurrency: Callable[[], Awaitable[int]],
        *,
        window: float = IDENTIFY_WINDOW,
    ) -> None:
        self.db = db
        self._max_concurrency = max_concurrency
        self._concurrency: int | None = None
        self.window = window

    async def wait(self, shard_id: int) -> None:
        if self._concurrency is None:
            self._concurrency = max(1, await self._max_concurrency())
        bucket = shard_id % self._concurrency
        conn = await self.db.engine.connect()
        try:
            await conn.execute(
                text("SELECT pg_advisory_lock(:ns, :bucket)"),
                {"ns": IDENTIFY_LOCK_NAMESPACE, "bucket": bucket},
            )
            await conn.commit()
        except BaseException:
            await conn.close()
            raise
        self.db.spawn(self._release(conn, bucket), name=f"identify-bucket-{bucket}")

    async def _release(self, conn: Any, bucket: int) -> None:
        try:
            await asyncio.sleep(self.window + IDENTIFY_MARGIN)
        finally:
            with contextlib.suppress(Exception):
                await conn.execute(
                    text("SELECT pg_advisory_unlock(:ns, :bucket)"),
                    {"ns": IDENTIFY_LOCK_NAMESPACE, "bucket": bucket},
                )
                await conn.commit()
            await conn.close()


class ShardRegistry:
    def __init__(self, db: Database, plan: ShardPlan, *, host: str | None = None) -> None:
        self.db = db
        self.plan = plan
        # One row per shard set: a process restarted after a crash (same shards, same
        # host: a StatefulSet pod keeps its name) takes over its predecessor's row instead
        # of being refused for 45 s; the same shards on another host are a duplicate.
        ids = ",".join(map(str, plan.shard_ids or ()))
        digest = hashlib.sha256(f"{plan.shard_count}:{ids}".encode()).hexdigest()[:24]
        self.key = KEY_PREFIX + digest
        self.host = host if host is not None else socket.gethostname()
        self._task: asyncio.Task[None] | None = None

    def _value(self) -> str:
        ids = list(self.plan.shard_ids or ())
        return json.dumps({"count": self.plan.shard_count, "ids": ids, "host": self.host})

    async def register(self) -> None:
        """Check against the live processes and announce this one; SettingsError if not."""
        async with self.db.sessions.begin() as session:
            stale = utcnow() - STALE_AFTER
            await session.execute(
                delete(BotState).where(
                    BotState.key.startswith(KEY_PREFIX), BotState.updated_at < stale
                )
            )
            rows = (
                await session.scalars(select(BotState).where(BotState.key.startswith(KEY_PREFIX)))
            ).all()
            mine = set(self.plan.shard_ids or ())
            own: BotState | None = None
            for row in rows:
                other = json.loads(row.value)
                if row.key == self.key and other.get("host") == self.host:
                    own = row  # this process's predecessor, gone without unregistering
                    continue
                if other["count"] != self.plan.shard_count:
                    raise SettingsError(
                        f"SHARD_COUNT={self.plan.shard_count} disagrees with SHARD_COUNT="
                        f"{other['count']} of a running process (every process must use one count)"
                    )
                if taken := sorted(mine & set(other["ids"])):
                    raise SettingsError(
                        f"SHARD_IDS: shard {taken[0]} is already owned by a running process"
                    )
            if own is None:
                session.add(BotState(key=self.key, value=self._value()))
            else:
                own.value, own.updated_at = self._value(), utcnow()
        self._task = self.db.spawn(self._heartbeat(), name="shard-registry", interruptible=True)

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT)
            try:
                async with self.db.sessions.begin() as session:
                    row = await session.get(BotState, self.key)
                    if row is None:
                        session.add(BotState(key=self.key, value=self._value()))
                    else:
                        row.updated_at = utcnow()
            except Exception:
                log.warning("could not refresh this process's shard registration", exc_info=True)

    async def orphaned(self) -> Callable[[int], bool] | None:
        """Which servers no live process owns now (None: every shard has a process)."""
        count = self.plan.shard_count or 1
        async with self.db.reader() as session:
            rows = (
                await session.scalars(
                    select(BotState).where(
                        BotState.key.startswith(KEY_PREFIX),
                        BotState.updated_at >= utcnow() - STALE_AFTER,
                    )
                )
            ).all()
        live: set[int] = set(self.plan.shard_ids or range(count))
        for row in rows:
            live.update(json.loads(row.value)["ids"])
        orphans = frozenset(range(count)) - live
        if not orphans:
            return None
        return lambda guild_id: (guild_id >> 22) % count in orphans

    async def unregister(self) -> None:
        if self._task is not None:
            self._task.cancel()
        with contextlib.suppress(Exception):
            async with self.db.sessions.begin() as session:
                await session.execute(delete(BotState).where(BotState.key == self.key))
