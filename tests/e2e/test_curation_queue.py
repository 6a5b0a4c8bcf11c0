"""The review queue through the real bot: approve, reject (+DM), edit, flags, restarts."""

from __future__ import annotations

import discord

from bot.db.models import Challenge, Concept, ConceptEdit, Flag, Takeaway
from bot.services.moderation.notify import get_dm_notifications
from bot.ui.flag import FlagButton
from tests.e2e.curation_helpers import audit_count, dms_to, last_audit, mirrored, queue, row
from tests.e2e.harness import Nexus
from tests.unit import curation_factory as f


async def test_approve_from_queue(nexus: Nexus) -> None:
    g = nexus.guild.id
    cid = await f.challenge(nexus.db, g, status="pending", author=nexus.alice.id, age_hours=2)
    tid = await f.takeaway(nexus.db, g, status="pending", author=nexus.bob.id, age_hours=1)
    reply = await queue(nexus)
    assert reply.message is not None
    assert "challenge #" in reply.embeds[0]["title"] and "Item 1 of 2" in reply.text
    approved = await nexus.sim.click(
        nexus.mod, reply.message, f"nexus:curate:approve:challenge:{cid}"
    )
    assert "Approved challenge" in approved.content
    assert f"takeaway #{tid}" in approved.embeds[0]["title"]  # the next entry is shown
    assert (await row(nexus, Challenge, cid)).status == "published"
    audit = await last_audit(nexus)
    assert (audit.action, audit.actor_id, audit.entry_id) == ("approve", nexus.mod.id, cid)
    assert "Moe Moderator" in await mirrored(nexus, f"Approved challenge #{cid}")


async def test_reject_from_queue_dms_author(nexus: Nexus) -> None:
    g = nexus.guild.id
    tid = await f.takeaway(nexus.db, g, status="pending", author=nexus.alice.id)
    reply = await queue(nexus)
    assert reply.message is not None
    form = await nexus.sim.click(nexus.mod, reply.message, f"nexus:curate:reject:takeaway:{tid}")
    assert form.modal is not None
    field = form.modal.fields[0]
    assert field.required and field.max_length == 300
    blank = await nexus.sim.submit_modal(nexus.mod, form, {field.custom_id: "   "})
    assert blank.ephemeral and "reason" in blank.content.lower()
    assert (await row(nexus, Takeaway, tid)).status == "pending"
    done = await nexus.sim.submit_modal(nexus.mod, form, {field.custom_id: "Too vague, add detail"})
    assert "Rejected takeaway" in done.content
    assert (await row(nexus, Takeaway, tid)).status == "rejected"
    audit = await last_audit(nexus)
    assert (audit.action, audit.reason) == ("reject", "Too vague, add detail")
    await mirrored(nexus, f"Rejected takeaway #{tid}")
    dms = dms_to(nexus, nexus.alice)
    assert len(dms) == 1 and "Too vague, add detail" in dms[0]


async def test_rejection_dm_opt_out_and_closed_dms(nexus: Nexus) -> None:
    g = nexus.guild.id
    off = await nexus.sim.command(
        nexus.alice, "notifications", {"dms": False}, channel=nexus.general
    )
    assert off.ephemeral and "won't DM" in off.content
    assert not await get_dm_notifications(nexus.db, g, nexus.alice.id)
    quiet = await f.challenge(nexus.db, g, status="pending", author=nexus.alice.id)
    closed = await f.challenge(nexus.db, g, status="pending", author=nexus.bob.id)
    nexus.world.users[nexus.bob.id].dms_open = False  # DM answers 403
    for cid in (quiet, closed):
        shown = await queue(nexus)
        assert shown.message is not None
        form = await nexus.sim.click(
            nexus.mod, shown.message, f"nexus:curate:reject:challenge:{cid}"
        )
        assert form.modal is not None
        done = await nexus.sim.submit_modal(
            nexus.mod, form, {form.modal.fields[0].custom_id: "Duplicate"}
        )
        assert "Rejected challenge" in done.content  # a DM failure is not an error
        await mirrored(nexus, f"Rejected challenge #{cid}")
        assert (await row(nexus, Challenge, cid)).status == "rejected"
    assert dms_to(nexus, nexus.alice) == [] and dms_to(nexus, nexus.bob) == []


async def test_edit_from_queue_is_prefilled(nexus: Nexus) -> None:
    g = nexus.guild.id
    cid = await f.challenge(nexus.db, g, status="pending", author=nexus.alice.id)
    shown = await queue(nexus)
    assert shown.message is not None
    form = await nexus.sim.click(nexus.mod, shown.message, f"nexus:curate:edit:challenge:{cid}")
    assert form.modal is not None
    values = {fld.custom_id: fld.value for fld in form.modal.fields}
    assert values == {
        "title": "CORS error on fetch",
        "problem": "The browser blocks my request",
        "tried": "Adding headers",
    }
    done = await nexus.sim.submit_modal(nexus.mod, form, {"title": "CORS preflight @everyone"})
    assert "Edited challenge" in done.content
    updated = await row(nexus, Challenge, cid)
    assert updated.title == "CORS preflight @everyone" and updated.status == "pending"
    audit = await last_audit(nexus)
    assert audit.action == "edit" and audit.before == {"title": "CORS error on fetch"}
    await mirrored(nexus, f"Edited challenge #{cid}")
    assert not any(m.mention_everyone for m in nexus.world.messages_in(nexus.modlog.id))


async def test_apply_concept_edit_from_queue_overrides_base(nexus: Nexus) -> None:
    g = nexus.guild.id
    base = await f.base_concept_id(nexus.db)
    original = await row(nexus, Concept, base)
    eid = await f.concept_edit(
        nexus.db, base, g, proposed={"summary": "A sharper summary"}, author=nexus.alice.id
    )
    reply = await queue(nexus)
    assert reply.message is not None
    assert "A sharper summary" in reply.text
    assert any(b.label == "Apply edit" for b in reply.buttons)
    done = await nexus.sim.click(
        nexus.mod, reply.message, f"nexus:curate:approve:concept_edit:{eid}"
    )
    assert "applied to concept" in done.content
    assert (await row(nexus, ConceptEdit, eid)).status == "published"
    assert (await row(nexus, Concept, base)).summary == original.summary
    async with nexus.db.reader() as s:
        from sqlalchemy import select

        override = await s.scalar(select(Concept).where(Concept.overrides_id == base))
    assert override is not None and override.guild_id == g
    assert override.summary == "A sharper summary"
    assert override.verified_by_id == nexus.mod.id and override.verified_at is not None


async def _post_with_flag(nexus: Nexus, kind: str, entry_id: int) -> int:
    channel = nexus.client.get_channel(nexus.general.id)
    assert isinstance(channel, discord.TextChannel)
    view = discord.ui.View(timeout=None)
    view.add_item(FlagButton(kind, entry_id, label="Flag as outdated"))
    message = await channel.send("An entry", view=view)
    return message.id


async def test_flag_button_then_keep_from_queue(nexus: Nexus) -> None:
    g = nexus.guild.id
    cid = await f.challenge(nexus.db, g, author=nexus.alice.id)
    message_id = await _post_with_flag(nexus, "challenge", cid)
    await nexus.restart()  # the flag button keeps working after a restart
    ask = await nexus.sim.click(nexus.bob, message_id, f"nexus:flag:challenge:{cid}")
    assert ask.ephemeral and ask.selects
    assert ask.message is not None
    picked = await nexus.sim.select(nexus.bob, ask.message, values=["outdated"])
    assert "flagged as **outdated**" in picked.text
    again = await nexus.sim.click(nexus.bob, message_id, f"nexus:flag:challenge:{cid}")
    assert again.ephemeral and "already flagged" in again.content
    assert picked.message is not None and not picked.selects  # the picker is gone
    async with nexus.db.reader() as s:
        from sqlalchemy import func, select

        assert await s.scalar(select(func.count(Flag.id))) == 1
    reply = await queue(nexus)
    assert reply.message is not None
    assert "Open flags (1)" in reply.text and "outdated" in reply.text
    keep = next(b for b in reply.buttons if b.custom_id == f"nexus:curate:approve:challenge:{cid}")
    assert keep.label == "Keep (flags reviewed)"
    done = await nexus.sim.click(nexus.mod, reply.message, keep.custom_id)
    assert "Kept" in done.content and "queue is empty" in done.embeds[0]["title"]
    assert (await last_audit(nexus)).action == "keep"
    assert (await row(nexus, Challenge, cid)).status == "published"


async def test_flag_from_other_server_is_unknown(nexus: Nexus) -> None:
    other = await f.challenge(nexus.db, nexus.other.id)
    message_id = await _post_with_flag(nexus, "challenge", other)
    reply = await nexus.sim.click(nexus.bob, message_id, f"nexus:flag:challenge:{other}")
    assert reply.ephemeral and "can't find" in reply.content


async def test_queue_buttons_survive_restart(nexus: Nexus) -> None:
    g = nexus.guild.id
    first = await f.takeaway(nexus.db, g, status="pending", author=nexus.alice.id, age_hours=3)
    second = await f.takeaway(nexus.db, g, status="pending", author=nexus.bob.id, age_hours=2)
    third = await f.takeaway(nexus.db, g, status="pending", author=nexus.carol.id, age_hours=1)
    reply = await queue(nexus)
    assert reply.message is not None
    before = await audit_count(nexus)
    await nexus.restart()
    paged = await nexus.sim.click(nexus.mod, reply.message, "nexus:curate:page:next:1")
    assert f"takeaway #{second}" in paged.embeds[0]["title"]
    done = await nexus.sim.click(
        nexus.mod, reply.message, f"nexus:curate:approve:takeaway:{second}"
    )
    assert "Approved takeaway" in done.content
    assert f"takeaway #{first}" in done.embeds[0]["title"]  # back to the head of the queue
    form = await nexus.sim.click(nexus.mod, reply.message, f"nexus:curate:edit:takeaway:{first}")
    assert form.modal is not None
    edited = await nexus.sim.submit_modal(nexus.mod, form, {"body": "Read the network tab first"})
    assert "Edited takeaway" in edited.content
    form = await nexus.sim.click(nexus.mod, reply.message, f"nexus:curate:reject:takeaway:{first}")
    assert form.modal is not None
    hidden = await nexus.sim.submit_modal(nexus.mod, form, {form.modal.fields[0].custom_id: "x"})
    assert "Rejected takeaway" in hidden.content
    assert (await row(nexus, Takeaway, first)).status == "rejected"
    assert (await row(nexus, Takeaway, second)).status == "published"
    assert (await row(nexus, Takeaway, third)).status == "pending"
    assert await audit_count(nexus) == before + 3


async def test_a_pending_solution_shows_the_challenge_it_answers(nexus: Nexus) -> None:
    g = nexus.guild.id
    cid = await f.challenge(nexus.db, g, title="Docker layer cache misses", author=nexus.bob.id)
    sid = await f.solution(
        nexus.db, cid, g, status="pending", body="Copy the lockfile first", author=nexus.alice.id
    )
    reply = await queue(nexus)
    assert reply.message is not None
    embed = reply.embeds[0]
    assert f"solution #{sid}" in embed["title"].lower()
    fields = {fl["name"]: fl["value"] for fl in embed["fields"]}
    answers = fields["Answers challenge"]
    assert f"#{cid}" in answers and "Docker layer cache misses" in answers
    assert "(https://discord.com/channels/1/5/6)" in answers and "open" in answers


async def test_the_log_shows_a_merge_as_a_moderator_reads_it(nexus: Nexus) -> None:
    g = nexus.guild.id
    src = await f.challenge(nexus.db, g, title="CORS broken", author=nexus.alice.id)
    dst = await f.challenge(nexus.db, g, title="CORS error", author=nexus.bob.id)
    await f.solution(nexus.db, src, g, author=nexus.carol.id)
    merged = await nexus.sim.command(
        nexus.mod,
        "curate merge",
        {"kind": "challenge", "source": src, "target": dst, "reason": "Same question"},
        channel=nexus.general,
    )
    assert merged.ephemeral
    log = await nexus.sim.command(nexus.mod, "curate log", channel=nexus.general)
    (field,) = log.embeds[0]["fields"]
    assert field["name"].startswith(f"merge challenge #{src}")
    value = field["value"]
    assert "{" not in value and '"' not in value, value  # no raw JSON
    assert f"Merged into challenge #{dst}" in value and "1 solution" in value
    assert "Reason: Same question" in value
