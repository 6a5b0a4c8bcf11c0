"""Digest jobs on the real AsyncIOScheduler: ids, local fire times, moves, catch-up, runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.db import Database
from bot.scheduler import RETRY_ERROR_FIRST, NexusScheduler
from bot.services.digest import state as digest_state
from bot.services.digest.schedule import DigestScheduler, job_id, retry_job_id
from bot.services.guilds import settings as guilds
from tests.unit.test_digest_support import FakePublisher, add, backdate, takeaway

GRACE = timedelta(hours=24)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _next(sched: NexusScheduler, guild_id: int, after: datetime) -> datetime:
    job = sched.aps.get_job(job_id(guild_id))
    assert job is not None
    fire = job.trigger.get_next_fire_time(None, after)
    assert fire is not None
    return fire.astimezone(UTC)


async def test_jobs_derived_from_db_in_each_time_zone(db: Database) -> None:
    await guilds.update_settings(
        db, 1, digest_channel_id=11, timezone="UTC", digest_weekday=0, digest_hour=17
    )
    await guilds.update_settings(
        db, 2, digest_channel_id=12, timezone="America/New_York", digest_weekday=6, digest_hour=2
    )
    await guilds.update_settings(
        db, 3, digest_channel_id=13, timezone="Asia/Kolkata", digest_weekday=4, digest_hour=9
    )
    await guilds.update_settings(db, 4, digest_channel_id=14, digest_enabled=False)
    await guilds.update_settings(db, 5)  # no channel: nothing to schedule
    sched = NexusScheduler()
    jobs = DigestScheduler(
        sched.aps, db, FakePublisher(), Clock(datetime(2024, 3, 1, tzinfo=UTC)), GRACE
    )
    sched.on_start("digest", jobs.start)
    await sched.start()
    try:
        await jobs.idle()
        ids = {j.id for j in sched.aps.get_jobs()}
        assert {job_id(1), job_id(2), job_id(3)} <= ids
        assert job_id(4) not in ids and job_id(5) not in ids
        after = datetime(2024, 3, 1, tzinfo=UTC)
        assert _next(sched, 1, after) == datetime(2024, 3, 4, 17, tzinfo=UTC)
        # Sunday 10 March 2024, 02:00 New York does not exist: runs at 03:00 EDT.
        assert _next(sched, 2, datetime(2024, 3, 9, tzinfo=UTC)) == datetime(
            2024, 3, 10, 7, tzinfo=UTC
        )
        assert _next(sched, 3, after) == datetime(2024, 3, 1, 3, 30, tzinfo=UTC)
        # /setup changes the hour and time zone: the job moves at once, same id.
        cfg = await guilds.update_settings(db, 1, digest_hour=8, timezone="Australia/Sydney")
        await jobs.settings_changed(cfg)
        assert _next(sched, 1, after) == datetime(2024, 3, 3, 21, tzinfo=UTC)  # Mon 08:00 AEDT
        assert len([j for j in sched.aps.get_jobs() if j.id == job_id(1)]) == 1
        cfg = await guilds.update_settings(db, 1, digest_enabled=False)
        await jobs.settings_changed(cfg)
        assert sched.aps.get_job(job_id(1)) is None
    finally:
        await sched.shutdown()


async def test_start_catches_up_and_job_posts_once(db: Database) -> None:
    fire = datetime(2024, 5, 20, 17, tzinfo=UTC)
    await guilds.update_settings(db, 1, digest_channel_id=11)
    await guilds.update_settings(db, 2, digest_channel_id=12)
    await add(db, takeaway(1, fire - timedelta(days=1)), takeaway(2, fire - timedelta(days=1)))
    await backdate(db, 1, fire - timedelta(days=30))
    await backdate(db, 2, fire - timedelta(days=30))
    clock = Clock(fire + timedelta(hours=2))  # the bot was down at 17:00
    pub = FakePublisher()
    sched = NexusScheduler()
    jobs = DigestScheduler(sched.aps, db, pub, clock, GRACE)
    sched.on_start("digest", jobs.start)
    await sched.start()
    try:
        await jobs.idle()
        assert sorted(s.channel_id for s in pub.sent) == [11, 12]
        # The cron job running late for the same period changes nothing.
        assert (await jobs.fire(1)) is not None
        assert len(pub.in_channel(11)) == 1
        # A week later the job posts the next period.
        clock.now = fire + timedelta(days=7)
        result = await jobs.fire(1)
        assert result is not None and result.outcome == "posted" and result.period == "2024-05-27"
        assert len(pub.in_channel(11)) == 2
    finally:
        await sched.shutdown()


async def test_failure_schedules_retry_and_fix_reposts(db: Database) -> None:
    fire = datetime(2024, 5, 20, 17, tzinfo=UTC)
    await guilds.update_settings(db, 1, digest_channel_id=11)
    await add(db, takeaway(1, fire - timedelta(days=1)))
    pub = FakePublisher(faults={11: ["forbidden"]})
    clock = Clock(fire)
    sched = NexusScheduler()
    jobs = DigestScheduler(sched.aps, db, pub, clock, GRACE)
    sched.aps.start()
    try:
        result = await jobs.fire(1)
        assert result is not None and result.outcome == "failed"
        assert sched.aps.get_job(retry_job_id(1)) is not None
        # A moderator fixes the permission and saves settings: retried at once.
        clock.now = fire + timedelta(minutes=10)
        cfg = await guilds.update_settings(db, 1, digest_channel_id=11)
        await jobs.settings_changed(cfg)
        await jobs.idle()
        post = await digest_state.get_post(db, 1, "2024-05-20")
        assert post is not None and post.status == "posted"
        assert len(pub.in_channel(11)) == 1
        assert sched.aps.get_job(retry_job_id(1)) is None
    finally:
        await sched.shutdown()


async def test_an_exception_mid_job_is_retried_within_seconds_not_next_week(db: Database) -> None:
    """A scheduled run that raises (a lost database connection, here the publisher after
    the claim, in the e2e test `mark_posted`) schedules a retry of this week's digest in
    seconds; the retry reposts with the same nonce and the period is posted once. An
    exception before the claim (no row yet) is retried the same way."""
    fire = datetime(2024, 5, 20, 17, tzinfo=UTC)
    await guilds.update_settings(db, 1, digest_channel_id=11)
    await guilds.update_settings(db, 2, digest_channel_id=12)
    await add(db, takeaway(1, fire - timedelta(days=1)), takeaway(2, fire - timedelta(days=1)))
    pub = FakePublisher(crash_after=0)
    sched = NexusScheduler()
    jobs = DigestScheduler(sched.aps, db, pub, Clock(fire), GRACE)
    sched.aps.start()
    try:
        assert await jobs.fire(1) is None  # raised: logged, and...
        job = sched.aps.get_job(retry_job_id(1))
        assert job is not None  # ...retried soon, not at the next start's catch-up
        wait = job.trigger.run_date - datetime.now(UTC)
        assert timedelta(0) < wait <= RETRY_ERROR_FIRST
        pub.crash_after = None
        await job.func(*job.args)
        post = await digest_state.get_post(db, 1, "2024-05-20")
        assert post is not None and post.status == "posted" and post.attempts == 2
        assert len(pub.in_channel(11)) == 1
        # Failed before anything was claimed (the period is not known yet): claimed now.
        assert await digest_state.get_post(db, 2, "2024-05-20") is None
        result = await jobs.retry(2, None, 1)
        assert result is not None and result.outcome == "posted"
        assert len(pub.in_channel(12)) == 1
        # Retrying a period that is already posted posts nothing.
        again = await jobs.retry(2, "2024-05-20")
        assert again is not None and again.outcome == "taken"
        assert len(pub.in_channel(12)) == 1
    finally:
        await sched.shutdown()
