"""Takeaways: sharing, policy, vote toggling (exact counts), listing and the digest helper."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.db.models import Takeaway, TakeawayVote
from bot.errors import Invalid, NotFound
from bot.services.entries.types import TAKEAWAY_MAX, TakeawayKind, TakeawaySort
from bot.services.takeaways import service as svc
from tests.unit.entries_support import ALICE, BOB, CAROL, OTHER, G, add_concept, at, review


async def _share(
    db: Database,
    body: str = "Write tests first.",
    *,
    author: int = ALICE,
    kind: str = "practice",
    minutes: int = 0,
    guild_id: int = G,
) -> int:
    t = await svc.share_takeaway(
        db,
        guild_id,
        author_id=author,
        author_name="Alice",
        kind=kind,
        body=body,
        now=at(minutes),
    )
    return t.id


async def test_share_validates_and_tags(db: Database) -> None:
    cid = await add_concept(db, "Zz Testing")
    t = await svc.share_takeaway(
        db,
        G,
        author_id=ALICE,
        author_name="Alice",
        kind="best practice",
        body="  Small PRs @everyone  ",
        concepts=[str(cid)],
    )
    assert (t.kind, t.body, t.status) == ("practice", "Small PRs @everyone", "published")
    assert t.votes == 0
    assert [c.id for c in t.concepts] == [cid]
    for body in ("", " \n ", "x" * (TAKEAWAY_MAX + 1)):
        with pytest.raises(Invalid):
            await _share(db, body)
    with pytest.raises(Invalid):
        await _share(db, kind="rant")
    async with db.reader() as s:
        assert len((await s.scalars(select(Takeaway))).all()) == 1


async def test_policy_holds_when_reviewing(db: Database) -> None:
    await review(db, review_takeaways=True)
    tid = await _share(db)
    got = await svc.get_takeaway(db, G, tid, viewer_id=ALICE)
    assert got.status == "pending"
    with pytest.raises(NotFound):
        await svc.get_takeaway(db, G, tid, viewer_id=BOB)
    with pytest.raises(NotFound):
        await svc.toggle_vote(db, G, tid, user_id=BOB)
    assert (await svc.list_takeaways(db, G, viewer_id=BOB)).items == ()
    assert [t.id for t in (await svc.list_takeaways(db, G, viewer_id=ALICE)).items] == [tid]


async def test_vote_toggles_and_is_scoped(db: Database) -> None:
    tid = await _share(db)
    v1 = await svc.toggle_vote(db, G, tid, user_id=BOB)
    v2 = await svc.toggle_vote(db, G, tid, user_id=CAROL)
    assert (v1.voted, v1.votes, v2.votes) == (True, 1, 2)
    back = await svc.toggle_vote(db, G, tid, user_id=BOB)
    assert (back.voted, back.votes) == (False, 1)
    with pytest.raises(Invalid):
        await svc.toggle_vote(db, G, tid, user_id=ALICE)  # own takeaway
    with pytest.raises(NotFound):
        await svc.toggle_vote(db, OTHER, tid, user_id=BOB)
    with pytest.raises(NotFound):
        await svc.get_takeaway(db, OTHER, tid, viewer_id=BOB)
    async with db.reader() as s:
        votes = (await s.scalars(select(TakeawayVote.user_id))).all()
    assert votes == [CAROL]


async def test_list_sorting_paging_and_top(db: Database) -> None:
    a = await _share(db, "a", minutes=1)
    b = await _share(db, "b", minutes=2, kind="lesson")
    c = await _share(db, "c", minutes=3)
    await _share(db, "other server", guild_id=OTHER)
    for user in (BOB, CAROL):
        await svc.toggle_vote(db, G, a, user_id=user)
    await svc.toggle_vote(db, G, b, user_id=BOB)
    top = await svc.list_takeaways(db, G, viewer_id=BOB, sort=TakeawaySort.TOP, per_page=2)
    assert [t.id for t in top.items] == [a, b] and top.has_next
    nxt = await svc.list_takeaways(db, G, viewer_id=BOB, page=1, per_page=2)
    assert [t.id for t in nxt.items] == [c] and not nxt.has_next
    new = await svc.list_takeaways(db, G, viewer_id=BOB, sort=TakeawaySort.NEW)
    assert [t.id for t in new.items] == [c, b, a]
    lessons = await svc.list_takeaways(db, G, viewer_id=BOB, kind=TakeawayKind.LESSON)
    assert [t.id for t in lessons.items] == [b]
    assert [t.id for t in await svc.top_takeaways(db, G, at(0), at(3), 5)] == [a, b]


async def test_concurrent_votes_are_exact(db: Database) -> None:
    tid = await _share(db)
    voters = list(range(7000, 7020))
    await asyncio.gather(*(svc.toggle_vote(db, G, tid, user_id=u) for u in voters))
    async with db.reader() as s:
        row = await s.get(Takeaway, tid)
        n = len((await s.scalars(select(TakeawayVote))).all())
    assert row is not None and row.votes == n == len(voters)


async def test_votes_waiting_together_are_one_transaction_with_their_own_answers(
    db: Database,
) -> None:
    from bot.services.takeaways.votes import vote_queue

    tid = await _share(db)
    other = await _share(db, "Name things well.", minutes=1)
    queue = vote_queue(db)
    before = queue.batches
    results = await asyncio.gather(
        svc.toggle_vote(db, G, tid, user_id=BOB),
        svc.toggle_vote(db, G, tid, user_id=CAROL),
        svc.toggle_vote(db, G, tid, user_id=BOB),  # pressed again: withdrawn
        svc.toggle_vote(db, G, tid, user_id=ALICE),  # own takeaway
        svc.toggle_vote(db, OTHER, tid, user_id=CAROL),  # another server's id
        svc.toggle_vote(db, G, other, user_id=CAROL),
        return_exceptions=True,
    )
    assert queue.batches == before + 1
    assert isinstance(results[3], Invalid) and isinstance(results[4], NotFound)
    ok = [r for i, r in enumerate(results) if i not in (3, 4)]
    assert not any(isinstance(r, BaseException) for r in ok)
    assert [r.voted for r in ok] == [True, True, False, True]  # type: ignore[union-attr]
    # Everyone sees the count as committed.
    assert [(r.takeaway.id, r.votes) for r in ok] == [  # type: ignore[union-attr]
        (tid, 1),
        (tid, 1),
        (tid, 1),
        (other, 1),
    ]
    async with db.reader() as s:
        rows = set((await s.execute(select(TakeawayVote.takeaway_id, TakeawayVote.user_id))).all())
        counts = dict((await s.execute(select(Takeaway.id, Takeaway.votes))).all())
    assert rows == {(tid, CAROL), (other, CAROL)}
    assert counts == {tid: 1, other: 1}


async def test_a_vote_arriving_during_a_batch_joins_the_next(db: Database) -> None:
    from bot.services.takeaways.votes import vote_queue

    tid = await _share(db)
    queue = vote_queue(db)
    first = asyncio.ensure_future(svc.toggle_vote(db, G, tid, user_id=BOB))
    await asyncio.sleep(0)  # the batch with BOB's vote is being written
    later = [
        asyncio.ensure_future(svc.toggle_vote(db, G, tid, user_id=u)) for u in range(8000, 8010)
    ]
    before = queue.batches
    await asyncio.gather(first, *later)
    assert queue.batches - before <= 2
    assert (await svc.get_takeaway(db, G, tid, viewer_id=BOB)).votes == 11


async def test_votes_cut_off_by_shutdown_are_answered_and_the_queue_recovers(
    db: Database,
) -> None:
    tid = await _share(db)
    waiting = [asyncio.ensure_future(svc.toggle_vote(db, G, tid, user_id=u)) for u in (BOB, CAROL)]
    await asyncio.sleep(0)  # queued; the writer is spawned but has not run
    await db.settle(grace=0)  # shutdown cancels background work at once
    for task in waiting:
        with pytest.raises(RuntimeError, match="shutting down"):
            await task
    again = await svc.toggle_vote(db, G, tid, user_id=BOB)  # a later click is written
    assert (again.voted, again.votes) == (True, 1)


async def test_a_batch_already_sent_at_shutdown_is_finished_and_answered(db: Database) -> None:
    from bot.services.takeaways.votes import vote_queue

    tid = await _share(db)
    queue = vote_queue(db)
    waiting = [asyncio.ensure_future(svc.toggle_vote(db, G, tid, user_id=u)) for u in (BOB, CAROL)]
    for _ in range(50):  # until the writer has sent the batch (on SQLite: with its COMMIT)
        if queue.in_flight:
            break
        await asyncio.sleep(0)
    assert queue.in_flight
    await db.settle(grace=0)  # the writer is cancelled; the batch on its way is not
    results = await asyncio.gather(*waiting)  # what really happened, not "try again"
    assert [(r.voted, r.votes) for r in results] == [(True, 2), (True, 2)]
    assert (await svc.get_takeaway(db, G, tid, viewer_id=BOB)).votes == 2
