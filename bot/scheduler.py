"""APScheduler wiring. Jobs live in memory and are derived from the database.

Nothing is pickled into a persistent job store: each feature registers a startup hook
that reads per-server settings and (re)creates its jobs with fixed ids and
`replace_existing=True`; a settings change calls the same code so a job moves at once.
Exactly-once behaviour comes from unique rows in the database, not from the scheduler.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger("nexus.scheduler")

StartupHook = Callable[[], Awaitable[None]]
Owns = Callable[[int], bool]
TakeoverHook = Callable[[Owns], Awaitable[None]]
OrphanSource = Callable[[], Awaitable[Owns | None]]
TAKEOVER_EVERY_S = 60
# A job that raised (a lost database connection, a server restart or failover) is tried
# again in 10 s, then 30 s, 90 s, 270 s, then every 5 minutes, up to ERROR_RETRIES in a
# row; then the catch-up of the next start (or JOB_TAKEOVER in another process) remains.
RETRY_ERROR_FIRST = timedelta(seconds=10)
RETRY_ERROR_MAX = timedelta(minutes=5)
ERROR_RETRIES = 12


def error_delay(attempt: int) -> timedelta:
    """How long to wait before the `attempt`-th retry after an exception (1, 2, ...)."""
    return min(RETRY_ERROR_FIRST * 3 ** max(0, attempt - 1), RETRY_ERROR_MAX)


def _every_guild(guild_id: int) -> bool:
    return True


class NexusScheduler:
    """`owns(guild_id)`: whether this process runs that server's jobs (the server's shard
    is one of this process's; see bot.shards). Each process schedules only its own servers
    in its own in-memory scheduler: APScheduler 3 job stores are never shared."""

    def __init__(self, owns: Owns = _every_guild) -> None:
        self.owns = owns
        # Takeover mode (JOB_TAKEOVER): where to learn which servers no live process owns.
        self.orphans: OrphanSource | None = None
        self._takeover: list[tuple[str, TakeoverHook]] = []
        self.aps = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
        )
        self._hooks: list[tuple[str, StartupHook]] = []

    @property
    def running(self) -> bool:
        return bool(self.aps.running)

    def on_start(self, name: str, hook: StartupHook) -> None:
        """Register `hook` to run when the scheduler starts (after all cogs are loaded)."""
        self._hooks.append((name, hook))

    def on_takeover(self, name: str, hook: TakeoverHook) -> None:
        """Register `hook(orphaned)`: catch up the due jobs of servers no live process owns."""
        self._takeover.append((name, hook))

    async def take_over(self) -> None:
        if self.orphans is None:
            return
        try:
            orphaned = await self.orphans()
        except Exception:
            log.exception("could not read which shards are orphaned")
            return
        if orphaned is None:
            return
        for name, hook in self._takeover:
            try:
                await hook(orphaned)
            except Exception:
                log.exception("takeover of %s failed", name)

    async def start(self) -> None:
        if not self.aps.running:
            self.aps.start()
        if self.orphans is not None:
            self.aps.add_job(
                self.take_over,
                "interval",
                seconds=TAKEOVER_EVERY_S,
                id="takeover",
                replace_existing=True,
            )
        for name, hook in self._hooks:
            try:
                await hook()
            except Exception:
                # One feature's failure to schedule must not stop the bot or the others.
                log.exception("scheduler startup hook %s failed", name)

    async def shutdown(self, grace: float = 5.0) -> None:
        """Stop scheduling and cancel in-flight jobs, waiting until they have unwound.

        APScheduler's asyncio executor only cancels its job tasks; awaiting them here means
        no job still holds a database connection when the caller disposes the engine.
        """
        if not self.aps.running:
            return
        pending: list[asyncio.Future[Any]] = []
        for executor in self.aps._executors.values():
            pending.extend(getattr(executor, "_pending_futures", ()))
        self.aps.shutdown(wait=False)
        live = [f for f in pending if not f.done()]
        if live:
            await asyncio.wait(live, timeout=grace)
