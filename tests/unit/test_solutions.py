"""Solutions: add/capture, accept permissions and switching, helped-me idempotency."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.db.models import Solution, SolutionHelped
from bot.errors import Invalid, NotAllowed, NotFound
from bot.services.challenges import service as csvc
from bot.services.challenges import solutions as svc
from bot.services.challenges.digest_queries import helpful_members, solved_between
from bot.services.entries.types import SOLUTION_MAX
from tests.unit.entries_support import ALICE, BOB, CAROL, MOD, OTHER, G, at, challenge, review


async def _solution(
    db: Database, cid: int, author: int = BOB, body: str = "Do this.", minutes: int = 5
) -> int:
    rec = await svc.add_solution(
        db, G, cid, author_id=author, author_name=f"user{author}", body=body, now=at(minutes)
    )
    return rec.solution.id


async def test_add_validates_and_scopes(db: Database) -> None:
    c = await challenge(db, "q")
    theirs = await challenge(db, "their q", guild_id=OTHER)
    for body in ("", "   ", "x" * (SOLUTION_MAX + 1)):
        with pytest.raises(Invalid):
            await svc.add_solution(db, G, c.id, author_id=BOB, author_name="Bob", body=body)
    for cid in (theirs.id, 999_999):
        with pytest.raises(NotFound):
            await svc.add_solution(db, G, cid, author_id=BOB, author_name="Bob", body="hi")
    async with db.reader() as s:
        assert (await s.scalars(select(Solution))).all() == []


async def test_capture_keeps_author_and_link_once(db: Database) -> None:
    c = await challenge(db, "q")
    kwargs = dict(
        captured_by=CAROL,
        content="Use `--reload` <@1>",
        author_id=BOB,
        author_name="Bob",
        channel_id=7,
        message_id=8,
    )
    first = await svc.capture_solution(db, G, c.id, **kwargs)  # type: ignore[arg-type]
    again = await svc.capture_solution(db, G, c.id, **kwargs)  # type: ignore[arg-type]
    assert first.created and not again.created and first.solution.id == again.solution.id
    sol = first.solution
    assert (sol.author_id, sol.author_name, sol.body) == (BOB, "Bob", "Use `--reload` <@1>")
    assert sol.jump_url == f"https://discord.com/channels/{G}/7/8"
    with pytest.raises(Invalid):
        await svc.capture_solution(db, G, c.id, **{**kwargs, "content": " ", "message_id": 9})  # type: ignore[arg-type]


async def test_accept_permissions_switching_and_idempotency(db: Database) -> None:
    c = await challenge(db, "q", author=ALICE)
    s1 = await _solution(db, c.id, BOB, minutes=1)
    s2 = await _solution(db, c.id, CAROL, minutes=2)
    with pytest.raises(NotAllowed):
        await svc.accept_solution(db, G, s1, actor_id=CAROL, actor_is_moderator=False)
    with pytest.raises(NotFound):
        await svc.accept_solution(db, OTHER, s1, actor_id=ALICE, actor_is_moderator=True)
    r1 = await svc.accept_solution(db, G, s1, actor_id=ALICE, actor_is_moderator=False, now=at(10))
    assert r1.changed and r1.page.challenge.solved
    assert r1.page.challenge.solved_at == at(10)
    assert [s.id for s in r1.page.solutions] == [s1, s2] and r1.page.solutions[0].accepted
    again = await svc.accept_solution(db, G, s1, actor_id=ALICE, actor_is_moderator=False)
    assert not again.changed
    r2 = await svc.accept_solution(db, G, s2, actor_id=MOD, actor_is_moderator=True, now=at(20))
    assert r2.changed and r2.previous_id == s1
    assert [(s.id, s.accepted) for s in r2.page.solutions] == [(s2, True), (s1, False)]
    assert r2.page.challenge.accepted_solution_id == s2
    assert r2.page.challenge.solved_at == at(10)  # first solve time is kept
    async with db.reader() as s:
        accepted = (await s.scalars(select(Solution.id).where(Solution.accepted))).all()
    assert accepted == [s2]
    solved = await solved_between(db, G, at(0), at(15))
    assert [x.id for x in solved] == [c.id]


async def test_pending_solution_cannot_be_accepted_or_helped(db: Database) -> None:
    await review(db, review_solutions=True)
    c = await challenge(db, "q")
    sid = await _solution(db, c.id)
    with pytest.raises(Invalid):
        await svc.accept_solution(db, G, sid, actor_id=ALICE, actor_is_moderator=False)
    with pytest.raises(NotFound):
        await svc.mark_helped(db, G, sid, user_id=CAROL)
    page = await csvc.get_challenge_page(db, G, c.id, viewer_id=CAROL)
    assert page.solutions == ()
    page = await csvc.get_challenge_page(db, G, c.id, viewer_id=BOB)
    assert [s.status for s in page.solutions] == ["pending"]


async def test_helped_once_per_member_and_ordering(db: Database) -> None:
    c = await challenge(db, "q")
    s1 = await _solution(db, c.id, BOB, minutes=1)
    s2 = await _solution(db, c.id, CAROL, minutes=2)
    first = await svc.mark_helped(db, G, s2, user_id=ALICE, now=at(30))
    second = await svc.mark_helped(db, G, s2, user_id=ALICE)
    assert first.counted and first.helped_count == 1
    assert not second.counted and second.helped_count == 1
    assert [s.id for s in second.page.solutions] == [s2, s1]  # more helpful first
    with pytest.raises(Invalid):
        await svc.mark_helped(db, G, s2, user_id=CAROL)  # own solution
    with pytest.raises(NotFound):
        await svc.mark_helped(db, OTHER, s2, user_id=ALICE)
    async with db.reader() as s:
        assert len((await s.scalars(select(SolutionHelped))).all()) == 1
    await svc.accept_solution(db, G, s1, actor_id=ALICE, actor_is_moderator=False, now=at(31))
    page = await csvc.get_challenge_page(db, G, c.id, viewer_id=None)
    assert [s.id for s in page.solutions] == [s1, s2]  # accepted first
    members = await helpful_members(db, G, at(0), at(60))
    assert [(m.user_id, m.accepted, m.helped) for m in members] == [(BOB, 1, 0), (CAROL, 0, 1)]
    assert members[0].name == f"user{BOB}"


async def test_concurrent_helped_counts_are_exact(db: Database) -> None:
    c = await challenge(db, "q")
    sid = await _solution(db, c.id)
    users = list(range(5000, 5012))
    await asyncio.gather(*(svc.mark_helped(db, G, sid, user_id=u) for u in users + users))
    async with db.reader() as s:
        row = await s.get(Solution, sid)
        assert row is not None and row.helped_count == len(users)
