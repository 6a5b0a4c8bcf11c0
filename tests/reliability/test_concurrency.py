"""Concurrency: 50 members voting, marking helpful, accepting and editing the same entries at
once (SQLite, or PostgreSQL when NEXUS_TEST_DATABASE_URL is set): no lock error reaches a
member, and the counts are exact."""

from __future__ import annotations

import asyncio

from sqlalchemy import Select, func, select

from bot.db.models import AuditLog, Solution, SolutionHelped, Takeaway, TakeawayVote
from bot.simulator.models import Member
from tests.e2e.challenges_helpers import add_solution, share, share_takeaway
from tests.e2e.harness import Nexus
from tests.reliability.support import ERROR_REPLY, all_text

CROWD = 50


def _crowd(nexus: Nexus) -> list[Member]:
    return [nexus.guild.add_member(f"crowd{i}", global_name=f"Crowd {i}") for i in range(CROWD)]


async def _scalar(nexus: Nexus, stmt: Select[int]) -> int:
    async with nexus.db.reader() as s:
        return int(await s.scalar(stmt) or 0)


async def test_fifty_members_upvote_and_withdraw_at_once(nexus: Nexus) -> None:
    nexus.sim.reply_timeout = 30.0
    crowd = _crowd(nexus)
    shared = await share_takeaway(nexus, nexus.alice, "Write the test first")
    tid = int(shared.embeds[0]["title"].rsplit("#", 1)[1])
    vote = f"nexus:takeaway:vote:{tid}"
    for expected in (CROWD, 0):  # everyone votes, then everyone withdraws
        replies = await asyncio.gather(*(nexus.sim.click(m, shared, vote) for m in crowd))
        for r in replies:
            assert ERROR_REPLY not in all_text(r) and "locked" not in all_text(r).lower()
            assert r.response_type == 7, r.content
        async with nexus.db.reader() as s:
            row = await s.get(Takeaway, tid)
            rows = await s.scalar(
                select(func.count())
                .select_from(TakeawayVote)
                .where(TakeawayVote.takeaway_id == tid)
            )
        assert row is not None and row.votes == expected and rows == expected


async def test_fifty_members_helped_accept_and_edit_at_once(nexus: Nexus) -> None:
    nexus.sim.reply_timeout = 30.0
    crowd = _crowd(nexus)
    made = await share(nexus, nexus.alice, "Race conditions", "Counts drift under load")
    cid = int(made.embeds[0]["title"].split(" ", 1)[0].lstrip("#"))
    pages = [
        await add_solution(nexus, who, cid, f"Use a transaction ({who.id})")
        for who in (nexus.bob, nexus.carol)
    ]
    sids = [int(p.content.split("#", 1)[1].split(" ", 1)[0]) for p in pages]
    page = pages[-1]
    helped = f"nexus:solution:helped:{sids[0]}"
    clicks = [nexus.sim.click(m, page, helped) for m in crowd]
    # Meanwhile the author and two moderators accept different solutions, and a moderator
    # edits the challenge several times.
    clicks += [
        nexus.sim.click(nexus.alice, page, f"nexus:solution:accept:{sids[0]}"),
        nexus.sim.click(nexus.mod, page, f"nexus:solution:accept:{sids[1]}"),
        nexus.sim.click(nexus.admin, page, f"nexus:solution:accept:{sids[0]}"),
    ]
    forms = await asyncio.gather(
        *(
            nexus.sim.command(
                who, "curate edit", {"kind": "challenge", "id": cid}, channel=nexus.general
            )
            for who in (nexus.mod, nexus.admin) * 3
        )
    )
    edits = [
        nexus.sim.submit_modal(form_owner, form, {"title": f"Race conditions v{i}"})
        for i, (form_owner, form) in enumerate(
            zip((nexus.mod, nexus.admin) * 3, forms, strict=True)
        )
    ]
    replies = await asyncio.gather(*clicks, *edits)
    for r in replies:
        text = all_text(r)
        assert ERROR_REPLY not in text and "locked" not in text.lower(), text
    assert (
        await _scalar(
            nexus,
            select(func.count())
            .select_from(SolutionHelped)
            .where(SolutionHelped.solution_id == sids[0]),
        )
        == CROWD
    )
    async with nexus.db.reader() as s:
        sols = (await s.scalars(select(Solution).where(Solution.challenge_id == cid))).all()
    assert sum(1 for s_ in sols if s_.accepted) == 1
    counted = {s_.id: s_.helped_count for s_ in sols}
    assert counted[sids[0]] == CROWD and counted[sids[1]] == 0
    edit_ok = sum(1 for r in replies[-6:] if "Edited" in all_text(r))
    audits = await _scalar(
        nexus, select(func.count()).select_from(AuditLog).where(AuditLog.action == "edit")
    )
    assert edit_ok >= 1 and audits == edit_ok
