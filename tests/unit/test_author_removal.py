"""Authors remove their entries and answer consent requests (services on a real database)."""

from __future__ import annotations

import pytest

from bot.db import Database
from bot.db.models import Challenge, Flag, Solution
from bot.errors import Conflict, NotFound
from bot.services import challenges
from bot.services.guilds import settings as guilds
from bot.services.moderation import Actor, consent, own_entries, withdraw
from tests.unit import curation_factory as f

ALICE, BOB = Actor(f.ALICE, "Alice"), Actor(f.BOB, "Bob")


async def _get(db: Database, model: type, entry_id: int) -> object:
    async with db.reader() as s:
        return await s.get(model, entry_id)


async def test_removing_the_accepted_solution_reopens_the_challenge(db: Database) -> None:
    cid = await f.challenge(db, author=f.ALICE)
    sid = await f.solution(db, cid, author=f.BOB)
    await challenges.accept_solution(db, f.G1, sid, actor_id=f.ALICE, actor_is_moderator=False)
    async with db.sessions.begin() as s:
        s.add(
            Flag(
                guild_id=f.G1, entry_kind="solution", entry_id=sid, user_id=f.CAROL, reason="wrong"
            )
        )
    with pytest.raises(NotFound):  # not Alice's solution
        await withdraw(db, f.G1, ALICE, "solution", sid)
    with pytest.raises(NotFound):  # not in that server
        await withdraw(db, f.G2, BOB, "solution", sid)
    result = await withdraw(db, f.G1, BOB, "solution", sid)
    assert (result.previous, result.status) == ("published", "withdrawn")
    sol = await _get(db, Solution, sid)
    assert isinstance(sol, Solution) and sol.body == "" and not sol.accepted
    ch = await _get(db, Challenge, cid)
    assert isinstance(ch, Challenge) and not ch.solved and ch.accepted_solution_id is None
    async with db.reader() as s:
        flag = await s.get(Flag, 1)
    assert flag is not None and flag.resolved
    with pytest.raises(NotFound):  # twice: nothing of yours left there
        await withdraw(db, f.G1, BOB, "solution", sid)
    assert await own_entries(db, f.G1, "solution", f.BOB, "") == []


async def test_consent_follows_the_review_policy_and_is_answered_once(db: Database) -> None:
    await guilds.update_settings(db, f.G1, review_challenges=True)
    cid = await f.challenge(db, author=f.BOB, status="awaiting_author", title="Secret key leak")
    assert await own_entries(db, f.G1, "challenge", f.BOB, "secret") == [
        (cid, f"#{cid} Secret key leak [waiting for its author's consent]")
    ]
    with pytest.raises(NotFound):
        await consent(db, f.G1, ALICE, "challenge", cid, approve=True)
    result = await consent(db, f.G1, BOB, "challenge", cid, approve=True)
    assert result.status == "pending"  # the server holds challenges for review
    with pytest.raises(Conflict):
        await consent(db, f.G1, BOB, "challenge", cid, approve=False)
    declined = await f.challenge(db, author=f.BOB, status="awaiting_author")
    gone = await consent(db, f.G1, BOB, "challenge", declined, approve=False)
    assert (gone.action, gone.previous, gone.status) == ("withdraw", "awaiting_author", "withdrawn")
