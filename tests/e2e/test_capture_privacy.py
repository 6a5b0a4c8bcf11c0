"""Capture privacy: the author of a captured message can remove what was made from it, and
a capture from a private thread waits for its author's consent before anyone else sees it.
Both survive restarts (the buttons are persistent, the state is in the database)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.db.models import AuditLog, Challenge, Solution
from bot.simulator.models import Channel, Member
from bot.simulator.reply import MessageView
from tests.e2e.challenges_helpers import button, challenge_id, share
from tests.e2e.curation_helpers import dms_to, mirrored, queue
from tests.e2e.harness import Nexus
from tests.e2e.notice_helpers import handlers_done


async def _challenge(nexus: Nexus, cid: int) -> Challenge:
    async with nexus.db.reader() as s:
        row = await s.get(Challenge, cid)
    assert row is not None
    return row


async def _dm(nexus: Nexus, member: Member) -> MessageView:
    """The DM the bot sends `member` (after it answered the interaction)."""

    def to_member(m: MessageView) -> bool:
        channel = nexus.world.dm_channel_of(member)
        return channel is not None and m.channel_id == channel.id

    return await nexus.sim.wait_for_message(to_member, include_sent=True)


def _button(message: MessageView, prefix: str) -> str:
    for row in message.components:
        for comp in row.get("components", []):
            if str(comp.get("custom_id", "")).startswith(prefix):
                return str(comp["custom_id"])
    raise AssertionError(f"no {prefix} button on {message.content!r}")


async def _invisible_to_others(nexus: Nexus, cid: int, words: str, who: Member) -> None:
    """Not viewable, listable or searchable by `who`, and not in the digest."""
    view = await nexus.sim.command(who, "challenge view", {"id": cid}, channel=nexus.general)
    assert view.ephemeral and "can't find" in view.content
    listed = await nexus.sim.command(who, "challenge list", {}, channel=nexus.general)
    assert f"#{cid} ·" not in listed.text and words not in listed.text
    found = await nexus.sim.command(who, "challenge search", {"query": words})
    assert f"#{cid} ·" not in found.text
    preview = await nexus.sim.command(who, "digest preview", channel=nexus.general)
    assert all(words not in m.text for m in await preview.wait_followups(1))


def _private_thread(nexus: Nexus, owner: Member, *members: Member) -> Channel:
    thread = nexus.guild.create_thread(
        nexus.pairing, "Pair: bob & carol", owner=owner, private=True
    )
    for member in members:
        nexus.guild.add_thread_member(thread, member.id)
    return thread


async def test_author_removes_a_capture_of_their_message(nexus: Nexus) -> None:
    said = await nexus.sim.say(nexus.bob, nexus.general, "Webpack rebuild loops forever on save")
    saved = await nexus.sim.context_menu(nexus.carol, "Save as challenge", message=said)
    cid = challenge_id(saved)
    assert not saved.ephemeral and "/challenge remove" in saved.content  # the author's way out
    dm = await _dm(nexus, nexus.bob)
    assert "Carol" in dm.content and f"#{cid}" in dm.content and not dm.mention_everyone
    remove = _button(dm, "nexus:author:withdraw:challenge:")
    await nexus.restart()  # the button still works after a restart
    ask = await nexus.sim.click(nexus.bob, dm, remove)
    assert "can't be undone" in ask.text  # asks first
    kept = await nexus.sim.click(nexus.bob, dm, button(ask, "nexus:author:keep:"))
    assert "Kept" in kept.text and [b.label for b in kept.buttons] == ["Remove it"]
    assert (await _challenge(nexus, cid)).status == "published"
    ask = await nexus.sim.click(nexus.bob, dm, remove)
    await nexus.restart()  # the confirmation survives a restart too
    done = await nexus.sim.click(nexus.bob, dm, button(ask, "nexus:author:remove:"))
    assert "Removed" in done.text and not done.buttons
    row = await _challenge(nexus, cid)
    assert row.status == "withdrawn" and "Webpack" not in row.title + row.problem
    await _invisible_to_others(nexus, cid, "Webpack", nexus.dave)
    mine = await nexus.sim.command(nexus.bob, "challenge list", {"filter": "mine"})
    assert "Webpack" not in mine.text
    again = await nexus.sim.context_menu(nexus.dave, "Save as challenge", message=said)
    assert again.ephemeral and "removed" in again.content
    async with nexus.db.reader() as s:
        audit = await s.scalar(select(AuditLog).where(AuditLog.action == "withdraw"))
    assert audit is not None and (audit.actor_id, audit.entry_id) == (nexus.bob.id, cid)
    await mirrored(nexus, f"challenge #{cid}")


async def test_remove_commands_only_for_the_author(nexus: Nexus) -> None:
    cid = challenge_id(await share(nexus, nexus.alice, "Flaky Cypress test", "fails on CI"))
    said = await nexus.sim.say(nexus.bob, nexus.general, "Wait for the network idle event")
    pick = await nexus.sim.context_menu(nexus.alice, "Save as solution", message=said)
    saved = await nexus.sim.select(nexus.alice, pick, pick.selects[0].custom_id, [str(cid)])
    assert "/solution remove" in saved.content
    async with nexus.db.reader() as s:
        sid = await s.scalar(select(Solution.id))
    assert sid is not None
    refused = await nexus.sim.command(nexus.alice, "solution remove", {"id": sid})
    assert refused.ephemeral and "can't find" in refused.content
    choices = await nexus.sim.autocomplete(
        nexus.bob, "solution remove", {"id": ""}, focused="id", channel=nexus.general
    )
    assert [c["value"] for c in choices] == [sid]
    ask = await nexus.sim.command(nexus.bob, "solution remove", {"id": sid})
    assert ask.ephemeral and "can't be undone" in ask.content  # asks first
    gone = await nexus.sim.click(nexus.bob, ask, ask.buttons[0].custom_id)
    assert "Removed" in gone.text
    page = await nexus.sim.command(nexus.dave, "challenge view", {"id": cid})
    assert "network idle" not in page.text
    twice = await nexus.sim.command(nexus.bob, "solution remove", {"id": sid})
    assert twice.ephemeral and "can't find" in twice.content
    other = await nexus.sim.command(nexus.bob, "challenge remove", {"id": cid})
    assert other.ephemeral and "can't find" in other.content
    ask = await nexus.sim.command(nexus.alice, "challenge remove", {"id": cid})
    mine = await nexus.sim.click(nexus.alice, ask, ask.buttons[0].custom_id)
    assert "Removed" in mine.text
    assert (await _challenge(nexus, cid)).status == "withdrawn"


async def test_private_thread_capture_waits_for_consent(nexus: Nexus) -> None:
    thread = _private_thread(nexus, nexus.bob, nexus.carol)
    said = await nexus.sim.say(nexus.bob, thread, "Docker build cache never hits on CI")
    saved = await nexus.sim.context_menu(nexus.carol, "Save as challenge", message=said)
    assert saved.ephemeral and "consent" in saved.content and "Bob" in saved.content
    cid = challenge_id(saved)
    assert (await _challenge(nexus, cid)).status == "awaiting_author"
    await _invisible_to_others(nexus, cid, "Docker build cache", nexus.dave)
    # Not for the moderators either until the author agrees: not queued, not actionable.
    assert "Docker build cache" not in (await queue(nexus)).text
    hide = await nexus.sim.command(
        nexus.mod, "curate hide", {"kind": "challenge", "id": cid, "reason": "x"}
    )
    assert hide.ephemeral and "consent" in hide.content
    dm = await _dm(nexus, nexus.bob)
    assert "Carol" in dm.content and "private" in dm.content
    approve = _button(dm, "nexus:author:approve:challenge:")
    await nexus.restart()
    done = await nexus.sim.click(nexus.bob, dm, approve)
    assert "published" in done.text and not done.buttons
    assert (await _challenge(nexus, cid)).status == "published"
    view = await nexus.sim.command(nexus.dave, "challenge view", {"id": cid})
    assert "Docker build cache" in view.text


async def test_closed_dms_ask_in_the_thread_and_decline_withdraws(nexus: Nexus) -> None:
    nexus.world.users[nexus.bob.id].dms_open = False
    thread = _private_thread(nexus, nexus.bob, nexus.carol)
    said = await nexus.sim.say(nexus.bob, thread, "My JWT secret is in the repo, how to rotate?")
    saved = await nexus.sim.context_menu(nexus.carol, "Save as challenge", message=said)
    cid = challenge_id(saved)
    ask = await nexus.sim.wait_for_message(
        lambda m: "consent" in m.text and not m.ephemeral, channel=thread, include_sent=True
    )
    assert dms_to(nexus, nexus.bob) == []
    assert ask.mentions == [nexus.bob.id] and not ask.mention_roles  # only the author pinged
    decline = _button(ask, "nexus:author:decline:challenge:")
    refused = await nexus.sim.click(nexus.carol, ask, decline)
    # Rendered by Discord as @Bob (an ephemeral answer pings nobody).
    assert refused.ephemeral and f"Only <@{nexus.bob.id}>" in refused.content
    assert (await _challenge(nexus, cid)).status == "awaiting_author"
    done = await nexus.sim.click(nexus.bob, ask, decline)
    assert "Declined" in done.text and not done.buttons
    row = await _challenge(nexus, cid)
    assert row.status == "withdrawn" and "JWT" not in row.title + row.problem
    again = await nexus.sim.context_menu(nexus.carol, "Save as challenge", message=said)
    assert again.ephemeral and "removed" in again.content


async def test_private_thread_solution_waits_for_consent(nexus: Nexus) -> None:
    cid = challenge_id(await share(nexus, nexus.alice, "Celery tasks run twice", "duplicates"))
    thread = _private_thread(nexus, nexus.bob, nexus.carol)
    said = await nexus.sim.say(nexus.bob, thread, "Set acks_late and a visibility timeout")
    pick = await nexus.sim.context_menu(nexus.carol, "Save as solution", message=said)
    saved = await nexus.sim.select(nexus.carol, pick, pick.selects[0].custom_id, [str(cid)])
    assert saved.ephemeral and "consent" in saved.content
    page: Any = await nexus.sim.command(nexus.dave, "challenge view", {"id": cid})
    assert "acks_late" not in page.text
    dm = await _dm(nexus, nexus.bob)
    await handlers_done(nexus)
    assert dms_to(nexus, nexus.alice) == []  # the challenge's author hears of it once public
    done = await nexus.sim.click(nexus.bob, dm, _button(dm, "nexus:author:approve:solution:"))
    assert "published" in done.text
    page = await nexus.sim.command(nexus.dave, "challenge view", {"id": cid})
    assert "acks_late" in page.text
    await handlers_done(nexus)
    [posted] = dms_to(nexus, nexus.alice)
    assert "Bob posted solution" in posted and "Celery tasks run twice" in posted
