"""Exactly-once delivery: claims, retries with the same nonce, catch-up, failures, races."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.db import Database
from bot.errors import Invalid
from bot.services.digest import service as digest
from bot.services.digest import state as digest_state
from bot.services.guilds import settings as guilds
from bot.wiring import open_database
from tests.unit.test_digest_support import FakePublisher, add, backdate, challenge, takeaway

G, H = 601, 602
CH_G, CH_H, MODLOG = 7001, 7002, 7009
GRACE = timedelta(hours=24)
FIRE = datetime(2024, 5, 20, 17, tzinfo=UTC)  # Monday 17:00 UTC: period "2024-05-20"
KEY = "2024-05-20"


async def _setup(db: Database, guild_id: int = G, channel: int = CH_G, **extra: object) -> None:
    await guilds.update_settings(
        db, guild_id, digest_channel_id=channel, digest_weekday=0, digest_hour=17, **extra
    )
    await backdate(db, guild_id, FIRE - timedelta(days=30))
    await add(db, takeaway(guild_id, FIRE - timedelta(days=2), "Learned a thing", votes=3))


async def test_scheduled_run_posts_once(db: Database) -> None:
    await _setup(db)
    pub = FakePublisher(parts_per_digest=3)
    first = await digest.run_due(db, pub, G, now=FIRE, grace=GRACE)
    again = await digest.run_due(db, pub, G, now=FIRE + timedelta(minutes=5), grace=GRACE)
    assert first.outcome == "posted" and len(first.message_ids) == 3 and first.period == KEY
    assert again.outcome == "taken"
    assert len(pub.in_channel(CH_G)) == 3
    nonces = [s.nonce for s in pub.sent]
    assert len(set(nonces)) == 3 and all(len(n) <= 25 for n in nonces)
    assert nonces[0] == digest_state.nonce_for(G, KEY, 0)
    post = await digest_state.get_post(db, G, KEY)
    assert post is not None and post.status == "posted" and post.trigger == "schedule"
    # The week covered ends at the scheduled time and starts a week before.
    assert pub.rendered[0].end == FIRE and pub.rendered[0].start == FIRE - timedelta(days=7)


async def test_5xx_after_create_is_retried_with_same_nonce(db: Database) -> None:
    await _setup(db)
    pub = FakePublisher(faults={CH_G: ["5xx-after"]})
    result = await digest.run_due(db, pub, G, now=FIRE, grace=GRACE)
    assert result.outcome == "retry"
    post = await digest_state.get_post(db, G, KEY)
    assert post is not None and post.status == "claimed"
    retried = await digest.resume(db, pub, G, KEY, now=FIRE + timedelta(minutes=5), grace=GRACE)
    assert retried.outcome == "posted"
    assert len(pub.in_channel(CH_G)) == 1  # the same nonce found the first message


async def test_crash_mid_post_resumes_without_duplicates(db: Database) -> None:
    await _setup(db)
    pub = FakePublisher(parts_per_digest=3, crash_after=2)
    with pytest.raises(RuntimeError):
        await digest.run_due(db, pub, G, now=FIRE, grace=GRACE)
    post = await digest_state.get_post(db, G, KEY)
    assert post is not None and post.status == "claimed" and len(post.message_ids) == 2
    pub.crash_after = None
    # "Restart": catch-up finds the unfinished claim and finishes it.
    results = await digest.catch_up(db, pub, now=FIRE + timedelta(minutes=2), grace=GRACE)
    assert [r.outcome for r in results] == ["posted"]
    assert len(pub.in_channel(CH_G)) == 3
    assert len({s.nonce for s in pub.sent}) == 3


async def test_restart_across_digest_time_catches_up_once(db: Database) -> None:
    await _setup(db)
    pub = FakePublisher()
    late = FIRE + timedelta(hours=3)
    results = await digest.catch_up(db, pub, now=late, grace=GRACE)
    assert [(r.guild_id, r.outcome) for r in results] == [(G, "posted")]
    again = await digest.catch_up(db, pub, now=late + timedelta(minutes=1), grace=GRACE)
    assert again == []
    # The scheduled job that APScheduler may still run late changes nothing either.
    assert (await digest.run_due(db, pub, G, now=late, grace=GRACE)).outcome == "taken"
    assert len(pub.in_channel(CH_G)) == 1
    post = await digest_state.get_post(db, G, KEY)
    assert post is not None and post.trigger == "catchup"


async def test_catch_up_ignores_servers_set_up_after_the_fire(db: Database) -> None:
    await _setup(db)
    await backdate(db, G, FIRE + timedelta(hours=1))
    pub = FakePublisher()
    assert await digest.catch_up(db, pub, now=FIRE + timedelta(hours=2), grace=GRACE) == []


async def test_catch_up_outside_grace_is_skipped(db: Database) -> None:
    await _setup(db)
    pub = FakePublisher()
    results = await digest.catch_up(db, pub, now=FIRE + GRACE + timedelta(hours=1), grace=GRACE)
    assert results == [] and pub.sent == []
    assert await digest_state.get_post(db, G, KEY) is None
    skipped = await digest.run_due(db, pub, G, now=FIRE + GRACE + timedelta(hours=1), grace=GRACE)
    assert skipped.outcome == "skipped"


async def test_two_processes_race_one_digest(db: Database) -> None:
    await _setup(db)
    url = db.engine.url.render_as_string(hide_password=False)
    others = [open_database(url) for _ in range(3)]
    pub = FakePublisher()  # one Discord shared by every "process"
    try:
        results = await asyncio.gather(
            *(digest.run_due(d, pub, G, now=FIRE, grace=GRACE) for d in [db, *others]),
            *(digest.catch_up(d, pub, now=FIRE, grace=GRACE) for d in others),
        )
    finally:
        for d in others:
            await d.dispose()
    flat = [r for r in results if isinstance(r, digest.DeliveryResult)]
    flat += [r for rs in results if isinstance(rs, list) for r in rs]
    assert sum(r.outcome == "posted" for r in flat) == 1
    assert len(pub.in_channel(CH_G)) == 1
    post = await digest_state.get_post(db, G, KEY)
    assert post is not None and post.status == "posted" and post.attempts == 1


async def test_deleted_channel_tells_mods_once_and_disables_after_three(db: Database) -> None:
    await _setup(db, mod_log_channel_id=MODLOG)
    await _setup(db, H, CH_H)
    pub = FakePublisher(faults={CH_G: ["gone", "gone", "gone"]})
    outcomes = []
    for week in range(3):
        now = FIRE + timedelta(days=7 * week)
        outcomes.append((await digest.run_due(db, pub, G, now=now, grace=GRACE)).outcome)
        assert (await digest.run_due(db, pub, H, now=now, grace=GRACE)).outcome == "posted"
    assert outcomes == ["failed", "failed", "disabled"]
    assert len(pub.notices) == 1 and pub.notices[0][0] == MODLOG
    assert "no longer exists" in pub.notices[0][1]
    cfg = await guilds.get_settings(db, G)
    assert not cfg.digest_enabled and cfg.digest_disabled_reason
    assert "gone" in cfg.digest_disabled_reason
    assert len(pub.in_channel(CH_H)) == 3 and pub.in_channel(CH_G) == []
    after = await digest.run_due(db, pub, G, now=FIRE + timedelta(days=21), grace=GRACE)
    assert after.outcome == "skipped"
    # Fixing the channel re-enables it and clears the streak.
    cfg = await guilds.update_settings(db, G, digest_channel_id=CH_G + 1, digest_enabled=True)
    assert cfg.digest_failures == 0 and cfg.digest_disabled_reason is None


async def test_failure_streak_resets_on_success(db: Database) -> None:
    await _setup(db)
    pub = FakePublisher(faults={CH_G: ["forbidden"]}, unreachable={MODLOG})
    assert (await digest.run_due(db, pub, G, now=FIRE, grace=GRACE)).outcome == "failed"
    assert (await guilds.get_settings(db, G)).digest_failures == 1
    assert pub.notices == []  # no mod-log: a logged warning instead
    retried = await digest.resume(db, pub, G, KEY, now=FIRE + timedelta(hours=1), grace=GRACE)
    assert retried.outcome == "posted"
    assert (await guilds.get_settings(db, G)).digest_failures == 0


async def test_quiet_week_note_or_nothing(db: Database) -> None:
    await guilds.update_settings(db, G, digest_channel_id=CH_G, digest_hour=17)
    await guilds.update_settings(
        db, H, digest_channel_id=CH_H, digest_hour=17, digest_quiet_note=False
    )
    pub = FakePublisher()
    assert (await digest.run_due(db, pub, G, now=FIRE, grace=GRACE)).outcome == "posted"
    assert (await digest.run_due(db, pub, H, now=FIRE, grace=GRACE)).outcome == "quiet"
    assert [s.part for s in pub.sent] == ["quiet"]
    post = await digest_state.get_post(db, H, KEY)
    assert post is not None and post.status == "posted" and post.message_ids == ()


async def test_post_now_leaves_the_rest_of_the_week_to_the_scheduled_digest(db: Database) -> None:
    await _setup(db)  # "Learned a thing" at FIRE - 2 days
    pub = FakePublisher()
    early = FIRE - timedelta(days=6)
    await add(db, takeaway(G, early - timedelta(hours=2), "Before the manual digest"))
    posted = await digest.post_now(db, pub, G, now=early)
    assert posted.outcome == "posted" and posted.period == f"{KEY}@1"
    assert posted.start == FIRE - timedelta(days=7)
    first = pub.rendered[-1]
    assert (first.start, first.end) == (FIRE - timedelta(days=7), early)
    assert [t.text for t in first.top_takeaways] == ["Before the manual digest"]
    # Again at once: nothing new since, so nothing is posted (and nothing claimed).
    with pytest.raises(Invalid, match="Nothing new since the last digest"):
        await digest.post_now(db, pub, G, now=early + timedelta(minutes=5))
    preview = await digest.preview(db, G, FIRE - timedelta(hours=1))
    assert [t.text for t in preview.top_takeaways] == ["Learned a thing"]
    # The scheduled digest covers from the manual one's end to its slot: nothing twice,
    # nothing lost.
    scheduled = await digest.run_due(db, pub, G, now=FIRE, grace=GRACE)
    assert scheduled.outcome == "posted" and scheduled.period == KEY
    second = pub.rendered[-1]
    assert (second.start, second.end) == (early, FIRE) and second.since_digest == early
    assert [t.text for t in second.top_takeaways] == ["Learned a thing"]
    assert (await digest.run_due(db, pub, G, now=FIRE, grace=GRACE)).outcome == "taken"
    assert await digest.catch_up(db, pub, now=FIRE + timedelta(hours=1), grace=GRACE) == []
    assert len(pub.in_channel(CH_G)) == 2
    manual = await digest_state.get_post(db, G, f"{KEY}@1")
    assert manual is not None and manual.trigger == "manual" and manual.status == "posted"


async def test_a_second_manual_digest_covers_only_what_is_new(db: Database) -> None:
    await _setup(db)
    pub = FakePublisher()
    first_at, second_at = FIRE - timedelta(days=4), FIRE - timedelta(days=1)
    await add(db, takeaway(G, first_at - timedelta(hours=1), "Monday's lesson"))
    await add(db, challenge(G, first_at - timedelta(hours=1), "Still open all week"))
    assert (await digest.post_now(db, pub, G, now=first_at)).period == f"{KEY}@1"
    again = await digest.post_now(db, pub, G, now=second_at)  # "Learned a thing" is new
    assert again.outcome == "posted" and again.period == f"{KEY}@2"
    assert [t.text for t in pub.rendered[-1].top_takeaways] == ["Learned a thing"]
    assert pub.rendered[-1].start == first_at
    # Nothing happened after the second one: the scheduled slot posts nothing at all,
    # not a "quiet week" note (the week was not quiet), nor the open challenges alone.
    last = await digest.run_due(db, pub, G, now=FIRE, grace=GRACE)
    assert last.outcome == "quiet" and len(pub.in_channel(CH_G)) == 2


async def test_manual_digest_retried_after_a_transient_error_keeps_its_window(
    db: Database,
) -> None:
    await _setup(db)
    pub = FakePublisher(faults={CH_G: ["transient"]})
    at = FIRE - timedelta(days=1)
    first = await digest.post_now(db, pub, G, now=at)
    assert first.outcome == "retry" and first.period == f"{KEY}@1"
    # A member adds something before the retry: it belongs to the scheduled digest.
    await add(db, takeaway(G, at + timedelta(minutes=30), "After the manual digest"))
    retried = await digest.resume(db, pub, G, f"{KEY}@1", now=at + timedelta(hours=1), grace=GRACE)
    assert retried.outcome == "posted" and pub.rendered[-1].end == at
    scheduled = await digest.run_due(db, pub, G, now=FIRE, grace=GRACE)
    assert scheduled.outcome == "posted"
    assert [t.text for t in pub.rendered[-1].top_takeaways] == ["After the manual digest"]


async def test_preview_claims_nothing(db: Database) -> None:
    await _setup(db)
    d = await digest.preview(db, G, FIRE - timedelta(days=1))
    assert [t.text for t in d.top_takeaways] == ["Learned a thing"]
    assert await digest_state.get_post(db, G, KEY) is None
