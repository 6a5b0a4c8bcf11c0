"""A scheduled pairing round that raises (a lost database connection) is tried again
within seconds, not at the next week's slot, and its unfinished announcement is resumed;
the weekly job comes back once it succeeds. Jobs on the real AsyncIOScheduler; the
Discord side is a stand-in for the cog's PairingActions (the jobs' injected port)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.db import Database
from bot.scheduler import RETRY_ERROR_FIRST, NexusScheduler
from bot.services.guilds import GuildConfig
from bot.services.guilds import settings as guilds
from bot.services.pairing.jobs import PairingJobs

JOB = "pairing:round:1"


class Actions:
    def __init__(self, failures: int, followup_failures: int = 0) -> None:
        self.failures = failures
        self.rounds = 0
        self.followup_failures = followup_failures
        self.followups: list[str] = []
        self.closed = 0

    async def wait_until_ready(self) -> None:
        return None

    async def run_round(self, guild_id: int, *, scheduled: bool, now: datetime | None) -> Any:
        self.rounds += 1
        if self.failures:
            self.failures -= 1
            raise ConnectionResetError("the database connection was lost")
        return None

    async def resume(self, cfg: GuildConfig, round_id: int) -> None:
        return None

    async def send_followups(self, guild_id: int, round_id: int, kind: str) -> int:
        self.followups.append(kind)
        if self.followup_failures:
            self.followup_failures -= 1
            raise ConnectionResetError("the database connection was lost")
        return 1

    async def close(self, guild_id: int, round_id: int) -> tuple[int, ...]:
        self.closed += 1
        if self.followup_failures:
            self.followup_failures -= 1
            raise ConnectionResetError("the database connection was lost")
        return ()


async def test_a_round_that_raises_is_retried_within_seconds(db: Database) -> None:
    await guilds.update_settings(db, 1, pairing_enabled=True, pairing_channel_id=11)
    actions = Actions(failures=2)
    sched = NexusScheduler()
    jobs = PairingJobs(sched, db, lambda: datetime.now(UTC), actions)
    sched.aps.start()
    try:
        await jobs.scheduled_round(1)
        job = sched.aps.get_job(JOB)
        assert job is not None
        assert job.trigger.run_date - datetime.now(UTC) <= RETRY_ERROR_FIRST
        await job.func(*job.args)  # fails again: the next try waits longer (backoff)
        assert actions.rounds == 2
        job = sched.aps.get_job(JOB)
        assert job is not None
        wait = job.trigger.run_date - datetime.now(UTC)
        assert RETRY_ERROR_FIRST < wait <= 3 * RETRY_ERROR_FIRST
        await job.func(*job.args)  # works: back on the weekly slot
        assert actions.rounds == 3
        job = sched.aps.get_job(JOB)
        assert job is not None
        assert job.trigger.run_date - datetime.now(UTC) > timedelta(minutes=10)
    finally:
        await sched.shutdown()


async def test_check_ins_and_closing_that_raise_are_retried_within_seconds(db: Database) -> None:
    actions = Actions(failures=0, followup_failures=1)
    sched = NexusScheduler()
    jobs = PairingJobs(sched, db, lambda: datetime.now(UTC), actions)
    sched.aps.start()
    try:
        await jobs.job_followup(1, 7, "midway")
        job = sched.aps.get_job("pairing:mid:7")
        assert job is not None, "a failed check-in must be tried again"
        assert job.trigger.run_date - datetime.now(UTC) <= RETRY_ERROR_FIRST
        assert job.args[-1] == 1  # the first retry
        await job.func(*job.args)  # works now: not scheduled again
        assert actions.followups == ["midway", "midway"]
        again = sched.aps.get_job("pairing:mid:7")
        assert again is not None and again.args[-1] == 1
        actions.followup_failures = 1
        await jobs.job_close(1, 7)
        job = sched.aps.get_job("pairing:close:7")
        assert job is not None, "a failed closing must be tried again"
        await job.func(*job.args)
        again = sched.aps.get_job("pairing:close:7")
        assert actions.closed == 2 and again is not None and again.args[-1] == 1
    finally:
        await sched.shutdown()
