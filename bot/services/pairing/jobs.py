"""Pairing's scheduled jobs: rounds, their follow-ups and their closing.

Derived from the database (bot/scheduler.py): on start, every server's next round gets
an in-memory date job `pairing:round:<guild>`, every open round its follow-up and closing
jobs `pairing:{mid,end,close}:<round>`; `/setup` changes move the round job. Exactly-once
comes from the database (a unique period per round, claimed follow-up flags). What a job
does on Discord (threads, messages, DMs) is the cog's `PairingActions`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from bot.db import Database
from bot.errors import Invalid, NotAllowed
from bot.scheduler import ERROR_RETRIES, NexusScheduler, error_delay
from bot.services.guilds import GuildConfig, all_settings, get_settings
from bot.services.pairing.followups import close_at
from bot.services.pairing.rounds import RoundInfo, current_period
from bot.services.pairing.spaces import open_rounds, unannounced_rounds

log = logging.getLogger("nexus.pairing")
CATCHUP = timedelta(hours=12)  # a round whose slot passed less than this ago still runs


class PairingActions(Protocol):
    """What the jobs do on Discord (implemented by the pairing cog)."""

    async def wait_until_ready(self) -> None: ...

    async def run_round(self, guild_id: int, *, scheduled: bool, now: datetime | None) -> Any:
        """Start this period's round (None: it already ran)."""

    async def resume(self, cfg: GuildConfig, round_id: int) -> None:
        """Finish a round's announcement interrupted by a restart."""

    async def send_followups(self, guild_id: int, round_id: int, kind: str) -> int: ...

    async def close(self, guild_id: int, round_id: int) -> tuple[int, ...]: ...


class PairingJobs:
    def __init__(
        self,
        scheduler: NexusScheduler,
        db: Database,
        clock: Callable[[], datetime],
        actions: PairingActions,
    ) -> None:
        self.scheduler = scheduler
        self.db = db
        self.clock = clock
        self.actions = actions
        self._startup: asyncio.Task[None] | None = None

    def _run_date(self, due: datetime) -> datetime:
        # Jobs run on real time; the bot's clock may be shifted (tests), so keep the delay.
        delay = max(timedelta(0), due - self.clock())
        return datetime.now(UTC) + delay

    def _add_job(self, job_id: str, due: datetime, func: Any, *args: object) -> None:
        if not self.scheduler.running:
            return
        self.scheduler.aps.add_job(
            func, "date", run_date=self._run_date(due), args=args, id=job_id, replace_existing=True
        )

    def schedule_guild(self, cfg: GuildConfig) -> None:
        """(Re)create or remove this server's next-round job to match its settings."""
        job_id = f"pairing:round:{cfg.guild_id}"
        owned = self.scheduler.owns(cfg.guild_id)  # another process runs other shards
        if not cfg.pairing_enabled or not cfg.pairing_channel_id or not owned:
            if self.scheduler.running and self.scheduler.aps.get_job(job_id):
                self.scheduler.aps.remove_job(job_id)
            return
        nxt = current_period(cfg, self.clock()).end
        self._add_job(job_id, nxt, self.scheduled_round, cfg.guild_id)

    def schedule_round_jobs(self, r: RoundInfo) -> None:
        if not self.scheduler.owns(r.guild_id):
            return
        if not r.midway_sent:
            self._add_job(
                f"pairing:mid:{r.id}", r.midpoint_at, self.job_followup, r.guild_id, r.id, "midway"
            )
        if not r.end_sent:
            self._add_job(
                f"pairing:end:{r.id}", r.ends_at, self.job_followup, r.guild_id, r.id, "end"
            )
        self._add_job(
            f"pairing:close:{r.id}",
            close_at(r.started_at, r.ends_at),
            self.job_close,
            r.guild_id,
            r.id,
        )

    async def scheduled_round(
        self, guild_id: int, now: datetime | None = None, errors: int = 0
    ) -> None:
        """This period's round; `errors`: how many tries in a row raised before this one."""
        await self.actions.wait_until_ready()
        try:
            if errors:  # an earlier try may have stopped mid-announcement: finish it
                cfg = await get_settings(self.db, guild_id)
                for r in await unannounced_rounds(self.db, guild_id):
                    await self.actions.resume(cfg, r.id)
            report = await self.actions.run_round(guild_id, scheduled=True, now=now)
            if report is not None:
                log.info("pairing round %s in guild %s", report.round_id, guild_id)
        except (Invalid, NotAllowed) as error:
            log.warning("scheduled pairing round skipped in guild %s: %s", guild_id, error.message)
        except Exception:
            # E.g. the database connection was lost: this period's round is tried again
            # soon (its unique row keeps it to one), not left until next week's slot.
            log.exception("scheduled pairing round failed in guild %s", guild_id)
            if errors + 1 < ERROR_RETRIES:
                self._retry_round(guild_id, errors + 1)
                return
        try:
            self.schedule_guild(await get_settings(self.db, guild_id))
        except Exception:  # the next slot is read from the database: try that again too
            log.exception("could not schedule the next pairing round in guild %s", guild_id)
            self._retry_round(guild_id, errors + 1)

    def _retry_round(self, guild_id: int, errors: int) -> None:
        due = self.clock() + error_delay(errors)
        self._add_job(
            f"pairing:round:{guild_id}", due, self.scheduled_round, guild_id, None, errors
        )

    async def job_followup(self, guild_id: int, round_id: int, kind: str, errors: int = 0) -> None:
        """A round's midway or end check-in; one that raised (a lost database connection)
        is tried again with the rounds' backoff (its sent flag keeps it to one)."""
        await self.actions.wait_until_ready()
        try:
            await self.actions.send_followups(guild_id, round_id, kind)
        except Exception:
            log.exception("pairing %s follow-up failed for round %s", kind, round_id)
            if errors + 1 < ERROR_RETRIES:
                job_id = f"pairing:{'mid' if kind == 'midway' else 'end'}:{round_id}"
                due = self.clock() + error_delay(errors + 1)
                self._add_job(job_id, due, self.job_followup, guild_id, round_id, kind, errors + 1)

    async def job_close(self, guild_id: int, round_id: int, errors: int = 0) -> None:
        """Close a round's pair spaces; retried like a check-in when it raised."""
        await self.actions.wait_until_ready()
        try:
            await self.actions.close(guild_id, round_id)
        except Exception:
            log.exception("closing pairing round %s failed", round_id)
            if errors + 1 < ERROR_RETRIES:
                due = self.clock() + error_delay(errors + 1)
                self._add_job(
                    f"pairing:close:{round_id}", due, self.job_close, guild_id, round_id, errors + 1
                )

    async def on_start(self) -> None:
        """Derive every job from the database; catch up once the gateway cache is ready."""
        for cfg in await all_settings(self.db):
            self.schedule_guild(cfg)
        for r in await open_rounds(self.db):
            self.schedule_round_jobs(r)
        self._startup = self.db.spawn(self._catch_up(), name="pairing-catch-up")

    async def started(self) -> None:
        """Wait until the start-up catch-up has finished (tests, tooling)."""
        if self._startup is not None:
            await asyncio.shield(self._startup)

    def stop(self) -> None:
        if self._startup is not None and not self._startup.done():
            self._startup.cancel()

    async def take_over(self, orphaned: Callable[[int], bool]) -> None:
        """Takeover mode: catch up the rounds of servers whose process is gone (the round
        rows keep one round per slot if two survivors try)."""
        await self._catch_up(orphaned)

    async def _catch_up(self, owns: Callable[[int], bool] | None = None) -> None:
        """Finish interrupted announcements; start a round whose slot passed while down."""
        owns = owns or self.scheduler.owns
        await self.actions.wait_until_ready()
        now = self.clock()
        for cfg in await all_settings(self.db):
            if not cfg.pairing_enabled or not cfg.pairing_channel_id:
                continue
            if not owns(cfg.guild_id):
                continue
            for r in await unannounced_rounds(self.db, cfg.guild_id):
                await self.actions.resume(cfg, r.id)
            period = current_period(cfg, now)
            if now - period.start <= CATCHUP:
                await self.scheduled_round(cfg.guild_id, now)


def register_jobs(
    scheduler: NexusScheduler,
    db: Database,
    clock: Callable[[], datetime],
    actions: PairingActions,
) -> PairingJobs:
    """Pairing's jobs, created when the scheduler starts (the one place they are registered)."""
    jobs = PairingJobs(scheduler, db, clock, actions)
    scheduler.on_start("pairing", jobs.on_start)
    scheduler.on_takeover("pairing", jobs.take_over)
    return jobs
