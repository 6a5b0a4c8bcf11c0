"""Digest jobs on the bot's AsyncIOScheduler, derived from per-server settings.

One in-memory CronTrigger job per server, id `digest:<guild_id>`, in the server's own
ZoneInfo; `replace_existing=True` so a settings change moves it at once. Nothing is
pickled; exactly-once comes from the DigestPost row, so a repeated fall-back hour or a
second process running the same job is harmless. Discord-free: posting goes through the
injected Publisher.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.jobstores.base import JobLookupError
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from bot.db import Database
from bot.scheduler import ERROR_RETRIES, NexusScheduler, error_delay
from bot.services.digest import service as digest
from bot.services.digest import state as digest_state
from bot.services.digest.period import cron_fields, latest_due
from bot.services.guilds import GuildConfig, all_settings

log = logging.getLogger("nexus.digest")

JOB_TIMEOUT_S = 300.0
RETRY_TRANSIENT = timedelta(minutes=5)
RETRY_FAILED = timedelta(hours=1)


def job_id(guild_id: int) -> str:
    return f"digest:{guild_id}"


def retry_job_id(guild_id: int) -> str:
    return f"digest-retry:{guild_id}"


def trigger_for(cfg: GuildConfig) -> CronTrigger:
    return CronTrigger(timezone=cfg.zone, **cron_fields(cfg.digest_weekday, cfg.digest_hour))


def wants_digest(cfg: GuildConfig) -> bool:
    return cfg.digest_enabled and cfg.digest_channel_id is not None


class DigestScheduler:
    def __init__(
        self,
        aps: Any,
        db: Database,
        publisher: digest.Publisher,
        clock: Callable[[], datetime],
        grace: timedelta,
        owns: Callable[[int], bool] = lambda _guild_id: True,
    ) -> None:
        self.owns = owns
        self.aps = aps
        self.db = db
        self.publisher = publisher
        self.clock = clock
        self.grace = grace
        self._tasks: set[asyncio.Task[Any]] = set()

    # -- jobs ------------------------------------------------------------------------

    def sync_guild(self, cfg: GuildConfig) -> None:
        """(Re)create or remove this server's job to match its settings (and ownership:
        another process runs the servers of the shards it owns)."""
        if not wants_digest(cfg) or not self.owns(cfg.guild_id):
            self._remove(job_id(cfg.guild_id))
            return
        self.aps.add_job(
            self.fire,
            trigger_for(cfg),
            args=[cfg.guild_id],
            id=job_id(cfg.guild_id),
            name=f"weekly digest {cfg.guild_id}",
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=max(1, int(self.grace.total_seconds())),
        )

    def next_run(self, cfg: GuildConfig) -> datetime | None:
        """When this server's next digest is due (None: it is off), from the trigger and the
        bot's clock: the job itself may be pending (a scheduler that has not started, as in
        the playground), and APScheduler 3 gives a pending job no next_run_time."""
        if not wants_digest(cfg):
            return None
        fire: datetime | None = trigger_for(cfg).get_next_fire_time(None, self.clock())
        return fire

    def _remove(self, jid: str) -> None:
        try:
            self.aps.remove_job(jid)
        except JobLookupError:
            pass

    async def start(self) -> None:
        """Scheduler start hook: jobs for every server, then catch-up in the background."""
        configs = await all_settings(self.db)
        for cfg in configs:
            self.sync_guild(cfg)
        mine = sum(1 for c in configs if wants_digest(c) and self.owns(c.guild_id))
        log.info("digest: %d server job(s) scheduled", mine)
        self._spawn(self.catch_up())

    def _spawn(self, coro: Any) -> None:
        task = self.db.spawn(coro, name="digest-background")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def idle(self) -> None:
        """Wait for background work (catch-up, settings-change retries) to finish."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def take_over(self, orphaned: Callable[[int], bool]) -> None:
        """Takeover mode: post the due digests of servers whose process is gone. Two
        survivors doing it at once is harmless: the DigestPost claim lets one post."""
        await self.catch_up(orphaned)

    async def catch_up(
        self, owns: Callable[[int], bool] | None = None
    ) -> list[digest.DeliveryResult]:
        try:
            results = await digest.catch_up(
                self.db, self.publisher, now=self.clock(), grace=self.grace, owns=owns or self.owns
            )
        except Exception:
            log.exception("digest catch-up failed")
            return []
        for result in results:
            self.after(result)
        return results

    # -- runs ------------------------------------------------------------------------

    async def fire(self, guild_id: int) -> digest.DeliveryResult | None:
        """The scheduled job: post the period that just came due (once)."""
        try:
            async with asyncio.timeout(JOB_TIMEOUT_S):
                result = await digest.run_due(
                    self.db, self.publisher, guild_id, now=self.clock(), grace=self.grace
                )
        except Exception:
            # E.g. the database connection was lost, before or after the claim: this
            # week's digest is retried soon, not left to the next start's catch-up.
            log.exception("digest job failed for guild %s", guild_id)
            self._retry_later(guild_id, error_delay(1), None, 1)
            return None
        self.after(result)
        return result

    async def retry(
        self, guild_id: int, period: str | None, errors: int = 0
    ) -> digest.DeliveryResult | None:
        """Try again (`period` None: the one that came due last); `errors`: how many
        exceptions in a row led here."""
        try:
            async with asyncio.timeout(JOB_TIMEOUT_S):
                result = await digest.retry(
                    self.db, self.publisher, guild_id, period, now=self.clock(), grace=self.grace
                )
        except Exception:
            log.exception("digest retry failed for guild %s", guild_id)
            if errors + 1 < ERROR_RETRIES:
                self._retry_later(guild_id, error_delay(errors + 1), period, errors + 1)
            else:
                log.error("digest for guild %s: gave up after %d errors", guild_id, errors + 1)
            return None
        self.after(result)
        return result

    def after(self, result: digest.DeliveryResult) -> None:
        if result.outcome == "retry" and result.error:
            self._retry_later(result.guild_id, error_delay(1), result.period, 1)
        elif result.outcome == "retry":
            self._retry_later(result.guild_id, RETRY_TRANSIENT, result.period)
        elif result.outcome == "failed":
            self._retry_later(result.guild_id, RETRY_FAILED, result.period)

    def _retry_later(
        self, guild_id: int, delay: timedelta, period: str | None = None, errors: int = 0
    ) -> None:
        if not self.aps.running:
            return
        when = datetime.now(self.aps.timezone) + delay
        self.aps.add_job(
            self.retry,
            DateTrigger(run_date=when),
            args=[guild_id, period, errors],
            id=retry_job_id(guild_id),
            replace_existing=True,
            misfire_grace_time=None,
        )

    # -- settings --------------------------------------------------------------------

    async def settings_changed(self, cfg: GuildConfig) -> None:
        """Move the job at once; if this week's digest failed, try again right away (the
        check reads the database: it runs as tracked background work, which shutdown
        lets finish instead of abandoning it with a connection checked out)."""
        self.sync_guild(cfg)
        if not wants_digest(cfg):
            self._remove(retry_job_id(cfg.guild_id))
            return
        self._spawn(self._retry_if_failed(cfg))

    async def _retry_if_failed(self, cfg: GuildConfig) -> None:
        period = latest_due(self.clock(), cfg.digest_weekday, cfg.digest_hour, cfg.zone)
        post = await digest_state.get_post(self.db, cfg.guild_id, period.key)
        if post is not None and post.status == digest_state.FAILED:
            self._remove(retry_job_id(cfg.guild_id))
            self._spawn(self.retry(cfg.guild_id, period.key))


def register_jobs(
    scheduler: NexusScheduler,
    db: Database,
    publisher: digest.Publisher,
    clock: Callable[[], datetime],
    grace: timedelta,
) -> DigestScheduler:
    """The digest's jobs, created when the scheduler starts (the one place they are registered)."""
    jobs = DigestScheduler(scheduler.aps, db, publisher, clock, grace, scheduler.owns)
    scheduler.on_start("digest", jobs.start)
    scheduler.on_takeover("digest", jobs.take_over)
    return jobs


def next_slot(cfg: GuildConfig, after: datetime) -> datetime | None:
    """When this server's weekly digest is next due after `after` (None: no digest)."""
    if not wants_digest(cfg):
        return None
    nxt = trigger_for(cfg).get_next_fire_time(None, after + timedelta(seconds=1))
    return nxt.astimezone(UTC) if nxt is not None else None
