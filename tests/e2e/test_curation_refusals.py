"""A non-moderator is refused at run time by every /curate command, button and modal."""

from __future__ import annotations

from typing import Any

from bot.db.models import Challenge, Takeaway
from bot.ui.checks import MOD_REFUSAL
from tests.e2e.curation_helpers import audit_count, queue, row
from tests.e2e.harness import Nexus
from tests.unit import curation_factory as f


def _text(reply: Any) -> str:
    return reply.followups[0].content if reply.followups else reply.content


async def test_every_curate_command_refuses_non_moderators(nexus: Nexus) -> None:
    g = nexus.guild.id
    cid = await f.challenge(nexus.db, g, status="pending", author=nexus.alice.id)
    dup = await f.challenge(nexus.db, g, author=nexus.bob.id)
    tid = await f.takeaway(nexus.db, g, status="hidden")
    calls: list[tuple[str, dict[str, Any]]] = [
        ("curate queue", {}),
        ("curate edit", {"kind": "challenge", "id": cid}),
        ("curate feature", {"kind": "challenge", "id": dup}),
        ("curate merge", {"kind": "challenge", "source": dup, "target": cid}),
        ("curate hide", {"kind": "challenge", "id": dup, "reason": "spam"}),
        ("curate restore", {"kind": "takeaway", "id": tid}),
        ("curate log", {}),
    ]
    for member in (nexus.mallory, nexus.alice):
        for name, options in calls:
            reply = await nexus.sim.command(member, name, options, channel=nexus.general)
            assert reply.ephemeral and reply.modal is None, name
            assert _text(reply) == MOD_REFUSAL, name
        choices = await nexus.sim.autocomplete(
            member,
            "curate hide",
            {"kind": "challenge", "id": ""},
            focused="id",
            channel=nexus.general,
        )
        assert choices == []
    assert (await row(nexus, Challenge, cid)).status == "pending"
    dup_row = await row(nexus, Challenge, dup)
    assert (dup_row.status, dup_row.featured, dup_row.merged_into_id) == ("published", False, None)
    assert (await row(nexus, Takeaway, tid)).status == "hidden"
    assert await audit_count(nexus) == 0


async def test_every_queue_button_refuses_non_moderators(nexus: Nexus) -> None:
    g = nexus.guild.id
    pending = await f.challenge(
        nexus.db, g, status="pending", author=nexus.alice.id, age_hours=30
    )  # older than one flag's 24 h weight
    flagged = await f.takeaway(nexus.db, g, author=nexus.bob.id)
    await f.flag(nexus.db, "takeaway", flagged, nexus.carol.id, guild=g)
    reply = await queue(nexus)
    message = reply.message
    assert message is not None
    custom_ids = [b.custom_id for b in reply.buttons if not b.disabled]
    assert f"nexus:curate:approve:challenge:{pending}" in custom_ids
    assert "nexus:curate:page:next:1" in custom_ids
    # Forged custom ids too: buttons carry no access control of their own.
    forged = [
        f"nexus:curate:approve:takeaway:{flagged}",  # flag review: keep
        f"nexus:curate:reject:takeaway:{flagged}",
        f"nexus:curate:edit:takeaway:{flagged}",
    ]
    for member in (nexus.mallory, nexus.alice):
        for custom_id in custom_ids:
            answer = await nexus.sim.click(member, message, custom_id)
            assert answer.ephemeral and answer.modal is None, custom_id
            assert answer.content == MOD_REFUSAL, custom_id
    # The flag-review buttons of the flagged entry (on its own page).
    page2 = await nexus.sim.click(nexus.mod, message, "nexus:curate:page:next:1")
    assert f"takeaway #{flagged}" in page2.embeds[0]["title"]
    for custom_id in forged:
        answer = await nexus.sim.click(nexus.mallory, message, custom_id)
        assert answer.content == MOD_REFUSAL and answer.modal is None
    # A form opened by a moderator and submitted by someone else is refused as well.
    form = await nexus.sim.click(nexus.mod, message, f"nexus:curate:reject:takeaway:{flagged}")
    assert form.modal is not None
    sneaky = await nexus.sim.submit_modal(
        nexus.mallory, form, {form.modal.fields[0].custom_id: "gone"}
    )
    assert sneaky.ephemeral and sneaky.content == MOD_REFUSAL
    assert (await row(nexus, Challenge, pending)).status == "pending"
    assert (await row(nexus, Takeaway, flagged)).status == "published"
    assert await audit_count(nexus) == 0
    # The same buttons work for a moderator (Manage Server) and for the moderator role.
    kept = await nexus.sim.click(nexus.admin, message, f"nexus:curate:approve:takeaway:{flagged}")
    assert "Kept" in kept.content
    assert await audit_count(nexus) == 1


async def test_log_page_buttons_refuse_non_moderators(nexus: Nexus) -> None:
    g = nexus.guild.id
    for _ in range(9):
        tid = await f.takeaway(nexus.db, g)
        await nexus.sim.command(
            nexus.mod, "curate feature", {"kind": "takeaway", "id": tid}, channel=nexus.general
        )
    log = await nexus.sim.command(nexus.mod, "curate log", channel=nexus.general)
    assert log.message is not None
    answer = await nexus.sim.click(nexus.mallory, log.message, "nexus:curate:log:next:1::")
    assert answer.ephemeral and answer.content == MOD_REFUSAL
