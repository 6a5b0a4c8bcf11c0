"""Nexus's public messages showing an entry ("cards") follow it: an edit shows on them,
a hidden or removed entry's words leave them (a moderator hiding a pasted API key must
not leave Nexus's own copy of it in the channel), a restore brings them back."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import EntryCard, Takeaway
from bot.simulator.reply import MessageView, Reply
from tests.e2e.challenges_helpers import add_solution, challenge_id, share, share_takeaway
from tests.e2e.harness import Nexus
from tests.e2e.notice_helpers import handlers_done


def _card(nexus: Nexus, reply: Reply) -> MessageView:
    """The channel message a public reply became, as the channel shows it now."""
    assert reply.message is not None and not reply.ephemeral
    [now] = [m for m in nexus.sim.messages_in(nexus.general) if m.id == reply.message.id]
    return now


async def test_hiding_a_challenge_takes_its_words_off_nexuss_cards(nexus: Nexus) -> None:
    shared = await share(nexus, nexus.alice, "My key sk-live-123 fails", "Key sk-live-123")
    cid = challenge_id(shared)
    viewed = await nexus.sim.command(nexus.bob, "challenge view", {"id": cid})
    assert "sk-live-123" in _card(nexus, viewed).embeds[0]["title"]
    hidden = await nexus.sim.command(
        nexus.mod, "curate hide", {"kind": "challenge", "id": cid, "reason": "a secret"}
    )
    assert hidden.ephemeral
    await handlers_done(nexus)
    for reply in (shared, viewed):
        card = _card(nexus, reply)
        assert card.embeds == [] and card.components == [], card
        assert "hidden by the moderators" in card.content and "sk-live" not in card.content
    await nexus.sim.command(nexus.mod, "curate restore", {"kind": "challenge", "id": cid})
    await handlers_done(nexus)
    assert "sk-live-123" in _card(nexus, shared).embeds[0]["title"]


async def test_an_authors_edit_and_a_new_solution_show_on_every_card(nexus: Nexus) -> None:
    shared = await share(nexus, nexus.alice, "Redis timeout", "Connection drops")
    cid = challenge_id(shared)
    answered = await add_solution(nexus, nexus.bob, cid, "Raise the pool size")
    form = await nexus.sim.command(nexus.alice, "challenge edit", {"id": cid})
    assert form.modal is not None
    await nexus.sim.submit_modal(nexus.alice, form, {"title": "Redis pool exhausted"})
    await handlers_done(nexus)
    for reply in (shared, answered):
        assert "Redis pool exhausted" in _card(nexus, reply).embeds[0]["title"]
    # A moderator hides the solution: the challenge's cards no longer show it.
    async with nexus.db.reader() as s:
        assert len((await s.scalars(select(EntryCard))).all()) == 2
    sid = 1
    await nexus.sim.command(
        nexus.mod, "curate hide", {"kind": "solution", "id": sid, "reason": "wrong"}
    )
    await handlers_done(nexus)
    for reply in (shared, answered):
        text = str(_card(nexus, reply).embeds)
        assert "Raise the pool size" not in text and "Redis pool exhausted" in text


async def test_a_removed_takeaways_card_says_so_and_a_deleted_card_is_forgotten(
    nexus: Nexus,
) -> None:
    shared = await share_takeaway(nexus, nexus.carol, "Pin your Node version with .nvmrc")
    async with nexus.db.reader() as s:
        tid = await s.scalar(select(Takeaway.id))
    assert tid is not None
    ask = await nexus.sim.command(nexus.carol, "takeaway remove", {"id": tid})
    await nexus.sim.click(nexus.carol, ask, ask.buttons[0].custom_id)
    await handlers_done(nexus)
    card = _card(nexus, shared)
    assert card.embeds == [] and "nvmrc" not in card.content
    assert "its author removed it" in card.content
    # Someone deleted the other card of a challenge: it is forgotten, nothing fails.
    shared = await share(nexus, nexus.alice, "Vite HMR drops state", "reloads")
    cid = challenge_id(shared)
    assert shared.message is not None
    nexus.world.delete_message(nexus.world.messages[shared.message.id])
    form = await nexus.sim.command(nexus.alice, "challenge edit", {"id": cid})
    assert form.modal is not None
    done = await nexus.sim.submit_modal(nexus.alice, form, {"title": "Vite HMR loses state"})
    assert "Saved" in done.content
    await handlers_done(nexus)
    async with nexus.db.reader() as s:
        left = (
            await s.scalars(select(EntryCard.entry_id).where(EntryCard.kind == "challenge"))
        ).all()
    assert cid not in left


async def test_a_shared_concepts_post_follows_a_moderators_edit_and_hide(nexus: Nexus) -> None:
    reply = await nexus.sim.command(
        nexus.alice, "concept lookup", {"name": "Redis", "share": True}, channel=nexus.general
    )
    assert "Posted" in reply.content
    [post] = [m for m in nexus.sim.messages_in(nexus.general) if m.embeds and not m.ephemeral]
    async with nexus.db.reader() as s:
        [cid] = (
            await s.scalars(select(EntryCard.entry_id).where(EntryCard.kind == "concept"))
        ).all()
    form = await nexus.sim.command(nexus.mod, "curate edit", {"kind": "concept", "id": cid})
    assert form.modal is not None
    await nexus.sim.submit_modal(nexus.mod, form, {"summary": "An in-memory data store."})
    await handlers_done(nexus)
    [now] = [m for m in nexus.sim.messages_in(nexus.general) if m.id == post.id]
    assert "An in-memory data store." in now.embeds[0]["description"]
    assert now.content == post.content  # still says who shared it
    await nexus.sim.command(
        nexus.mod, "curate hide", {"kind": "concept", "id": cid, "reason": "outdated"}
    )
    await handlers_done(nexus)
    [now] = [m for m in nexus.sim.messages_in(nexus.general) if m.id == post.id]
    assert now.embeds == [] and "hidden by the moderators" in now.content
