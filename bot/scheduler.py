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
from datetime import UTC
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger("nexus.scheduler")

StartupHook = Callable[[], Awaitable[None]]
Owns = Callable[[int], bool]


def _every_guild(guild_id: int) -> bool:
    return True


class NexusScheduler:
    """`owns(guild_id)`: whether this process runs that server's jobs (the server's shard
    is one of this process's; see bot.shards). Each process schedules only its own servers
    in its own in-memory scheduler: APScheduler 3 job stores are never shared."""

    def __init__(self, owns: Owns = _every_guild) -> None:
        self.owns = owns
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

    async def start(self) -> None:
        if not self.aps.running:
            self.aps.start()
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
