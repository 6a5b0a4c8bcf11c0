"""Takeaways end-to-end: /takeaway share|list|view and the changeable upvote button."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Takeaway
from bot.services.guilds import settings as guilds
from tests.e2e.challenges_helpers import button, share_takeaway
from tests.e2e.harness import Nexus

VOTE = "nexus:takeaway:vote:"


async def _rows(nexus: Nexus) -> list[Takeaway]:
    async with nexus.db.reader() as s:
        return list((await s.scalars(select(Takeaway).order_by(Takeaway.id))).all())


async def test_share_and_upvote_toggle(nexus: Nexus) -> None:
    choices = await nexus.sim.autocomplete(
        nexus.alice,
        "takeaway share",
        {"kind": "practice", "text": "x", "concept1": "git"},
        focused="concept1",
        channel=nexus.general,
    )
    reply = await share_takeaway(
        nexus, nexus.alice, "Small PRs get reviewed @everyone", concept1=choices[0]["value"]
    )
    assert not reply.ephemeral and reply.message is not None and not reply.message.pings
    assert reply.embeds[0]["title"] == "Best practice #1"
    assert "Small PRs get reviewed @everyone" in reply.text
    vote = button(reply, VOTE)
    up = await nexus.sim.click(nexus.bob, reply, vote)
    assert [b.label for b in up.buttons if b.custom_id == vote] == ["Upvote · 1"]
    assert "Upvoted" in (await up.wait_followups(1))[0].content
    up2 = await nexus.sim.click(nexus.carol, reply, vote)
    assert "▲ 2" in up2.text
    back = await nexus.sim.click(nexus.bob, reply, vote)
    assert "▲ 1" in back.text and "withdrawn" in (await back.wait_followups(1))[0].content
    own = await nexus.sim.click(nexus.alice, reply, vote)
    assert own.ephemeral and "your own takeaway" in own.content
    (row,) = await _rows(nexus)
    assert row.votes == 1


async def test_bad_input_and_review_policy(nexus: Nexus) -> None:
    blank = await share_takeaway(nexus, nexus.alice, "   ")
    assert blank.ephemeral and "can't be empty" in blank.content
    assert await _rows(nexus) == []
    await guilds.update_settings(nexus.db, nexus.guild.id, review_takeaways=True)
    held = await share_takeaway(nexus, nexus.alice, "Read the error message", kind="lesson")
    assert held.ephemeral and "Held for review" in held.content and not held.buttons
    others = await nexus.sim.command(nexus.bob, "takeaway list", {}, channel=nexus.general)
    assert "Read the error message" not in others.text
    mine = await nexus.sim.command(nexus.alice, "takeaway list", {}, channel=nexus.general)
    assert "Read the error message" in mine.text and "pending review" in mine.text
    view = await nexus.sim.command(nexus.bob, "takeaway view", {"id": 1}, channel=nexus.general)
    assert view.ephemeral and "can't find" in view.content


async def test_list_sorts_and_paginates(nexus: Nexus) -> None:
    for i in range(6):
        await share_takeaway(nexus, nexus.alice, f"Tip number {i}")
    view = await nexus.sim.command(nexus.bob, "takeaway view", {"id": 3}, channel=nexus.general)
    await nexus.sim.click(nexus.bob, view, button(view, VOTE))
    top = await nexus.sim.command(
        nexus.carol, "takeaway list", {"sort": "top"}, channel=nexus.general
    )
    fields = top.embeds[0]["fields"]
    assert len(fields) == 5 and fields[0]["value"] == "Tip number 2"
    nxt = await nexus.sim.click(nexus.carol, top, index=2)
    assert len(nxt.embeds[0]["fields"]) == 1
    new = await nexus.sim.command(
        nexus.carol, "takeaway list", {"sort": "new"}, channel=nexus.general
    )
    assert new.embeds[0]["fields"][0]["value"] == "Tip number 5"


async def test_upvote_survives_restart_and_other_server(nexus: Nexus) -> None:
    reply = await share_takeaway(nexus, nexus.alice, "Write the test first", kind="lesson")
    await nexus.restart()
    up = await nexus.sim.click(nexus.dave, reply, button(reply, VOTE))
    assert "▲ 1" in up.text
    outsider = await nexus.sim.command(
        nexus.other_member, "takeaway view", {"id": 1}, channel=nexus.other.general
    )
    assert outsider.ephemeral and "can't find" in outsider.content
