"""Jobs exactly once across processes: each process schedules and catches up only the
servers of its own shards; the DigestPost row stays the backstop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.db import Database
from bot.scheduler import NexusScheduler
from bot.services.digest import service as digest
from bot.services.digest.schedule import DigestScheduler, job_id
from bot.services.guilds import settings as guilds
from bot.shards import ShardPlan
from tests.unit.test_digest_support import FakePublisher, add, backdate, takeaway

GRACE = timedelta(hours=24)
FIRE = datetime(2024, 5, 20, 17, tzinfo=UTC)  # Monday 17:00 UTC
ON_0, ON_1 = (4 << 22) + 1, (5 << 22) + 1  # shard 0 and shard 1 of 2
PROCESS_0, PROCESS_1 = ShardPlan(2, (0,)), ShardPlan(2, (1,))


async def _two_servers(db: Database) -> None:
    for gid, channel in ((ON_0, 11), (ON_1, 12)):
        await guilds.update_settings(
            db, gid, digest_channel_id=channel, digest_weekday=0, digest_hour=17
        )
        await backdate(db, gid, FIRE - timedelta(days=30))
        await add(db, takeaway(gid, FIRE - timedelta(days=1)))


async def test_each_process_schedules_only_its_servers(db: Database) -> None:
    await _two_servers(db)
    scheds = [NexusScheduler(owns=PROCESS_0.owns), NexusScheduler(owns=PROCESS_1.owns)]
    try:
        for sched in scheds:
            jobs = DigestScheduler(
                sched.aps, db, FakePublisher(), lambda: FIRE - timedelta(days=1), GRACE, sched.owns
            )
            sched.on_start("digest", jobs.start)
            await sched.start()
            await jobs.idle()
        assert {j.id for j in scheds[0].aps.get_jobs()} == {job_id(ON_0)}
        assert {j.id for j in scheds[1].aps.get_jobs()} == {job_id(ON_1)}
    finally:
        for sched in scheds:
            await sched.shutdown()


async def test_a_process_down_at_the_slot_catches_up_its_servers_once(db: Database) -> None:
    await _two_servers(db)
    pub = FakePublisher()
    # Process 1 was down at 17:00: process 0 posts only its own server.
    assert (await digest.run_due(db, pub, ON_0, now=FIRE, grace=GRACE)).outcome == "posted"
    late = FIRE + timedelta(hours=2)
    survivors = await digest.catch_up(db, pub, now=late, grace=GRACE, owns=PROCESS_0.owns)
    assert survivors == []
    assert pub.in_channel(12) == []
    # Process 1 comes back: its catch-up posts its server's missed digest, once.
    back = await digest.catch_up(db, pub, now=late, grace=GRACE, owns=PROCESS_1.owns)
    assert [(r.guild_id, r.outcome) for r in back] == [(ON_1, "posted")]
    again = await digest.catch_up(db, pub, now=late, grace=GRACE, owns=PROCESS_1.owns)
    assert again == []
    assert len(pub.in_channel(11)) == 1 and len(pub.in_channel(12)) == 1


async def test_takeover_posts_an_orphaned_servers_digest_once(db: Database) -> None:
    """JOB_TAKEOVER: process 0 is alive, nobody runs shard 1; its due digest is posted by
    process 0's takeover, once, and not at all while shard 1 has a live process."""
    from bot.shard_coordination import ShardRegistry

    await _two_servers(db)
    pub = FakePublisher()
    alive = ShardRegistry(db, PROCESS_0)
    await alive.register()
    sched = NexusScheduler(owns=PROCESS_0.owns)
    sched.orphans = alive.orphaned
    jobs = DigestScheduler(sched.aps, db, pub, lambda: FIRE + timedelta(hours=1), GRACE, sched.owns)
    sched.on_takeover("digest", jobs.take_over)
    try:
        other = ShardRegistry(db, PROCESS_1)
        await other.register()
        await sched.take_over()
        assert pub.in_channel(12) == []  # shard 1 has its own process
        await other.unregister()
        await sched.take_over()
        await sched.take_over()
        assert len(pub.in_channel(12)) == 1 and pub.in_channel(11) == []
    finally:
        await alive.unregister()
