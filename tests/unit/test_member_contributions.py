"""/me's service on a real migrated database: counts per server, removed entries left out."""

from __future__ import annotations

from bot.db import Database
from bot.services import members
from tests.unit import curation_factory as f


async def test_counts_are_per_server_and_skip_withdrawn(db: Database) -> None:
    mine = await f.challenge(db, f.G1, author=f.BOB, title="Mine")
    await f.challenge(db, f.G1, author=f.BOB, title="Gone", status="withdrawn")
    await f.challenge(db, f.G1, author=f.BOB, title="Held", status="pending")
    await f.challenge(db, f.G2, author=f.BOB, title="Elsewhere")
    other = await f.challenge(db, f.G1, author=f.ALICE)
    await f.solution(db, other, author=f.BOB, accepted=True)
    await f.solution(db, other, author=f.BOB, status="withdrawn")
    await f.takeaway(db, f.G1, author=f.BOB)
    found = await members.contributions(db, f.G1, f.BOB)
    assert (found.challenges, found.solutions, found.accepted, found.takeaways) == (2, 1, 1, 1)
    assert [c.title for c in found.recent_challenges] == ["Held", "Mine"]
    assert found.recent_challenges[1].id == mine
    assert found.recent_challenges[0].status == "pending"
    assert found.recent_solutions[0].accepted and found.rounds == 0
    assert (await members.contributions(db, f.G2, f.BOB)).challenges == 1
    assert (await members.contributions(db, f.G1, f.CAROL)).empty
