"""Pairing services on a real migrated database: profiles, rounds, follow-ups, stats."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.db import Database
from bot.db.models import Pair, PairMember, PairRound, PairUnmatched, Takeaway
from bot.errors import Conflict, Invalid, NotAllowed, NotFound
from bot.services.guilds import settings as guilds
from bot.services.pairing.followups import (
    IGNORE_LIMIT,
    claim_followup,
    close_round,
    record_answer,
    save_learning,
)
from bot.services.pairing.profiles import get_profile, join, leave, pause, resume, update_profile
from bot.services.pairing.rounds import preview_round, start_round
from bot.services.pairing.spaces import (
    finish_announcement,
    mark_unmatched_notified,
    pending_spaces,
    pending_unmatched,
    set_pair_thread,
)
from bot.services.pairing.stats import pairing_outcomes, pairing_stats

G = 1001
OTHER = 2002
NOW = datetime(2025, 6, 4, 12, tzinfo=UTC)  # a Wednesday; weekly rounds start Mondays


async def add(
    db: Database,
    uid: int,
    track: str,
    *,
    guild: int = G,
    zone: str = "UTC",
    avail: str = "weekdays 18-21",
    stack: str = "python django",
) -> None:
    await join(
        db,
        guild,
        uid,
        display_name=f"user{uid}",
        track=track,
        timezone=zone,
        availability=avail,
        stack=stack,
        goals="build an api",
    )


async def pair_count(db: Database) -> int:
    async with db.reader() as s:
        return int(await s.scalar(select(func.count()).select_from(Pair)) or 0)


# -- profiles -------------------------------------------------------------------------------


async def test_join_view_edit_pause_resume_leave(db: Database) -> None:
    p = await join(
        db,
        G,
        1,
        display_name="Alice",
        track="Full-stack",
        timezone="Europe/Berlin",
        availability="mon,wed 19-22",
        stack="react",
    )
    assert p.track == "fullstack" and p.availability_text == "Mon 19-22, Wed 19-22"
    with pytest.raises(Conflict):
        await add(db, 1, "backend")
    p = await update_profile(db, G, 1, availability="sat 10-14", goals="learn redis")
    assert p.availability == ((5, 10, 14),) and p.goals == "learn redis"
    p = await pause(db, G, 1, "2", NOW)
    assert p.status == "paused" and p.paused_until == NOW + timedelta(weeks=2)
    p = await resume(db, G, 1)
    assert p.status == "active" and p.paused_until is None
    await leave(db, G, 1)
    with pytest.raises(NotFound):
        await get_profile(db, G, 1)
    # Re-joining after leaving works.
    await add(db, 1, "backend")
    assert (await get_profile(db, G, 1)).track == "backend"


async def test_profile_validation_writes_nothing(db: Database) -> None:
    with pytest.raises(Invalid):
        await add(db, 1, "frontend", avail="whenever")
    with pytest.raises(Invalid):
        await add(db, 1, "frontend", zone="Mars/Olympus")
    with pytest.raises(Invalid):
        await add(db, 1, "designer")
    with pytest.raises(Invalid):
        await add(db, 1, "frontend", stack="x" * 201)
    with pytest.raises(NotFound):
        await get_profile(db, G, 1)
    await add(db, 1, "frontend")
    with pytest.raises(Invalid):
        await update_profile(db, G, 1, goals="y" * 501)
    with pytest.raises(Invalid):
        await pause(db, G, 1, "2020-01-01", NOW)
    assert (await get_profile(db, G, 1)).status == "active"


async def test_profiles_are_per_server(db: Database) -> None:
    await add(db, 1, "frontend")
    with pytest.raises(NotFound):
        await get_profile(db, OTHER, 1)


# -- rounds ---------------------------------------------------------------------------------


async def test_round_pairs_and_excludes_paused_and_left(db: Database) -> None:
    for uid, track in (
        (1, "frontend"),
        (2, "backend"),
        (3, "frontend"),
        (4, "backend"),
        (5, "frontend"),
        (6, "backend"),
        (7, "frontend"),
    ):
        await add(db, uid, track)
    await pause(db, G, 5, "3", NOW)
    await leave(db, G, 6)
    plan = await preview_round(db, G, NOW)
    planned = {m.user_id for g in plan.groups for m in g.members}
    assert planned | {p.user_id for p, _ in plan.unmatched} == {1, 2, 3, 4, 7}
    assert await pair_count(db) == 0  # preview wrote nothing

    started = await start_round(db, G, NOW, created_by=99)
    assert started is not None and started.pairs == 2 and started.unmatched == 0
    async with db.reader() as s:
        members = set((await s.scalars(select(PairMember.user_id))).all())
    assert members == {1, 2, 3, 4, 7}  # 7 joined as a trio
    assert started.round.ends_at == datetime(2025, 6, 9, 10, tzinfo=UTC)


async def test_round_once_per_period_even_when_racing(db: Database) -> None:
    for uid, track in ((1, "frontend"), (2, "backend")):
        await add(db, uid, track)
    # (Settings rows are created on first use; that race is the settings service's own.)
    await guilds.get_settings(db, G)
    results = await asyncio.gather(
        start_round(db, G, NOW, scheduled=True),
        start_round(db, G, NOW, scheduled=True),
        return_exceptions=True,
    )
    created = [r for r in results if r is not None and not isinstance(r, BaseException)]
    assert not [r for r in results if isinstance(r, BaseException)]
    async with db.reader() as s:
        assert await s.scalar(select(func.count()).select_from(PairRound)) == 1
    # The first call may return a resumable (unannounced) round; finishing it closes that.
    rid = created[0].round.id
    for space in await pending_spaces(db, G, rid):
        await set_pair_thread(db, G, space.pair_id, 5000 + space.pair_id)
    assert await finish_announcement(db, G, rid)
    assert await start_round(db, G, NOW + timedelta(hours=1), scheduled=True) is None
    with pytest.raises(Conflict):
        await start_round(db, G, NOW + timedelta(hours=2))
    # Next period: a new round.
    nxt = await start_round(db, G, NOW + timedelta(days=5), scheduled=True)
    assert nxt is not None and nxt.round.id != rid and nxt.pairs == 1


async def test_manual_round_with_nobody_is_refused(db: Database) -> None:
    with pytest.raises(Invalid):
        await start_round(db, G, NOW)
    assert await start_round(db, G, NOW, scheduled=True) is None
    async with db.reader() as s:
        assert await s.scalar(select(func.count()).select_from(PairRound)) == 0


async def test_pause_ends_before_round(db: Database) -> None:
    await add(db, 1, "frontend")
    await add(db, 2, "backend")
    await pause(db, G, 2, "1", NOW - timedelta(days=8))
    started = await start_round(db, G, NOW)
    assert started is not None and started.pairs == 1
    assert (await get_profile(db, G, 2)).status == "active"


async def test_unmatched_recorded_and_notified(db: Database) -> None:
    await add(db, 1, "frontend")
    await add(db, 2, "frontend")
    started = await start_round(db, G, NOW)
    assert started is not None and started.pairs == 0 and started.unmatched == 2
    notes = await pending_unmatched(db, G, started.round.id)
    assert {n.user_id for n in notes} == {1, 2} and all(n.reason for n in notes)
    await mark_unmatched_notified(db, G, started.round.id, [1, 2])
    assert await pending_unmatched(db, G, started.round.id) == []


async def test_pair_space_shows_overlap_in_both_zones_and_project(db: Database) -> None:
    await add(db, 1, "frontend", zone="Europe/Berlin", avail="tue 18-20", stack="react css")
    await add(
        db, 2, "backend", zone="America/New_York", avail="tue 12-14", stack="redis caching api"
    )
    started = await start_round(db, G, datetime(2025, 2, 3, 12, tzinfo=UTC))
    assert started is not None
    [space] = await pending_spaces(db, G, started.round.id)
    assert [m.user_id for m in space.members] == [1, 2]
    assert space.overlap_hours == 2
    [w] = space.windows
    assert w.local("Europe/Berlin").endswith("18:00–20:00")
    assert w.local("America/New_York").endswith("12:00–14:00")
    assert space.project is not None and space.project.key == "cached-api"
    # Other servers never see this round's spaces.
    assert await pending_spaces(db, OTHER, started.round.id) == []


# -- follow-ups ----------------------------------------------------------------------------


async def _announced_round(db: Database, now: datetime = NOW) -> tuple[int, int]:
    await add(db, 1, "frontend")
    await add(db, 2, "backend")
    started = await start_round(db, G, now)
    assert started is not None
    [space] = await pending_spaces(db, G, started.round.id)
    await set_pair_thread(db, G, space.pair_id, 777)
    assert await finish_announcement(db, G, started.round.id)
    return started.round.id, space.pair_id


async def test_followups_once_and_answers_idempotent(db: Database) -> None:
    rid, pid = await _announced_round(db)
    assert await claim_followup(db, G, rid, "midway", NOW) == []  # not due yet
    later = NOW + timedelta(days=3)
    targets = await claim_followup(db, G, rid, "midway", later)
    assert [(t.pair_id, t.thread_id, sorted(t.member_ids)) for t in targets] == [(pid, 777, [1, 2])]
    assert await claim_followup(db, G, rid, "midway", later) == []
    first = await record_answer(db, G, pid, 1, "met", later)
    again = await record_answer(db, G, pid, 1, "met", later)
    assert first.changed and not again.changed and again.outcome == "met"
    assert (await record_answer(db, G, pid, 2, "notyet", later)).outcome == "met"
    with pytest.raises(NotAllowed):
        await record_answer(db, G, pid, 3, "met", later)
    with pytest.raises(NotFound):
        await record_answer(db, OTHER, pid, 1, "met", later)


async def test_learning_note_becomes_takeaway(db: Database) -> None:
    rid, pid = await _announced_round(db)
    saved = await save_learning(db, G, pid, 2, "Bob", "Cache keys need a version.", NOW)
    again = await save_learning(db, G, pid, 2, "Bob", "Cache keys need a version!", NOW)
    assert saved.created and not again.created and saved.takeaway_id == again.takeaway_id
    async with db.reader() as s:
        row = await s.get(Takeaway, saved.takeaway_id)
        assert row is not None
        assert (row.source, row.pair_id, row.status) == ("pairing", pid, "published")
        assert row.body == "Cache keys need a version!"
    with pytest.raises(Invalid):
        await save_learning(db, G, pid, 1, "Alice", "   ", NOW)
    with pytest.raises(NotAllowed):
        await save_learning(db, G, pid, 9, "Mallory", "spam", NOW)
    await guilds.update_settings(db, G, review_takeaways=True)
    held = await save_learning(db, G, pid, 1, "Alice", "CORS is a browser thing.", NOW)
    assert held.status == "pending"


async def test_ignoring_three_rounds_pauses(db: Database) -> None:
    await add(db, 1, "frontend")
    await add(db, 2, "backend")
    paused: tuple[int, ...] = ()
    for week in range(IGNORE_LIMIT):
        now = NOW + timedelta(weeks=week)
        started = await start_round(db, G, now)
        assert started is not None
        rid = started.round.id
        for space in await pending_spaces(db, G, rid):
            await set_pair_thread(db, G, space.pair_id, 900 + week)
            if week == 0:
                await record_answer(db, G, space.pair_id, 1, "skip", now)
        await finish_announcement(db, G, rid)
        await claim_followup(db, G, rid, "midway", now + timedelta(days=3))
        await claim_followup(db, G, rid, "end", now + timedelta(days=7))
        assert await close_round(db, G, rid, now + timedelta(days=3)) is None  # not yet
        closed = await close_round(db, G, rid, now + timedelta(days=9))
        assert closed is not None
        assert await close_round(db, G, rid, now + timedelta(days=9)) is None  # once
        paused = closed.paused_user_ids
    assert paused == (2,)  # user 2 never answered; user 1 answered in round one
    assert (await get_profile(db, G, 2)).status == "paused"
    assert (await get_profile(db, G, 1)).ignored_rounds == 2


# -- stats ---------------------------------------------------------------------------------


async def test_stats_and_outcomes(db: Database) -> None:
    rid, pid = await _announced_round(db)
    await add(db, 3, "fullstack")
    later = NOW + timedelta(days=3)
    await claim_followup(db, G, rid, "midway", later)
    await record_answer(db, G, pid, 1, "met", later)
    await save_learning(db, G, pid, 1, "Alice", "Indexes matter.", NOW)
    stats = await pairing_stats(db, G)
    assert stats.participants == {"frontend": 1, "backend": 1, "fullstack": 1}
    assert (stats.rounds, stats.pairs_made, stats.met, stats.asked) == (1, 1, 1, 1)
    assert stats.met_rate == 1.0 and stats.repeat_rate == 0.0 and stats.unmatched == 0
    out = await pairing_outcomes(db, G, NOW - timedelta(days=1), NOW + timedelta(days=7))
    assert (out.rounds, out.pairs_made, out.met, out.met_rate) == (1, 1, 1, 1.0)
    assert [n.body for n in out.notes] == ["Indexes matter."]
    empty = await pairing_stats(db, OTHER)
    assert empty.pairs_made == 0 and empty.met_rate is None
    async with db.reader() as s:
        assert await s.scalar(select(func.count()).select_from(PairUnmatched)) == 0
