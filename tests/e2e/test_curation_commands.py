"""/curate edit, feature, merge, hide, restore, log and autocomplete through the real bot."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.db.models import Challenge, Concept, Solution, SolutionHelped, Takeaway
from tests.e2e.curation_helpers import last_audit, mirrored, row
from tests.e2e.harness import Nexus
from tests.unit import curation_factory as f


async def test_edit_command_prefills_and_verifies_concept(nexus: Nexus) -> None:
    g = nexus.guild.id
    kid = await f.concept(nexus.db, g, slug="ours", name="Our concept", author=nexus.alice.id)
    form = await nexus.sim.command(
        nexus.mod, "curate edit", {"kind": "concept", "id": kid}, channel=nexus.general
    )
    assert form.modal is not None
    assert {fl.custom_id: fl.value for fl in form.modal.fields} == {
        "name": "Our concept",
        "summary": "Our concept summary",
        "body": "Our concept body",
    }
    assert all(fl.max_length for fl in form.modal.fields)
    assert form.modal.field("summary").max_length == 200
    blank = await nexus.sim.submit_modal(nexus.mod, form, {"name": "   "})
    assert blank.ephemeral and "can't be empty" in blank.content
    assert (await row(nexus, Concept, kid)).name == "Our concept"
    done = await nexus.sim.submit_modal(nexus.mod, form, {"summary": "Clearer summary"})
    assert done.ephemeral and "Edited concept" in done.content
    concept = await row(nexus, Concept, kid)
    assert concept.summary == "Clearer summary"
    assert concept.verified_by_name == "Moe Moderator" and concept.verified_at is not None
    assert (await last_audit(nexus)).after == {"summary": "Clearer summary"}


async def test_feature_hide_restore(nexus: Nexus) -> None:
    g = nexus.guild.id
    tid = await f.takeaway(nexus.db, g, author=nexus.carol.id)
    opts = {"kind": "takeaway", "id": tid}
    on = await nexus.sim.command(nexus.mod, "curate feature", opts, channel=nexus.general)
    assert on.ephemeral and "Featured" in on.content
    assert (await row(nexus, Takeaway, tid)).featured
    assert (await last_audit(nexus)).action == "feature"
    await mirrored(nexus, f"Featured takeaway #{tid}")
    hidden = await nexus.sim.command(
        nexus.mod, "curate hide", {**opts, "reason": "Outdated"}, channel=nexus.general
    )
    assert "Hidden takeaway" in hidden.content
    assert (await row(nexus, Takeaway, tid)).status == "hidden"
    audit = await last_audit(nexus)
    assert (audit.action, audit.reason, audit.after) == ("hide", "Outdated", {"status": "hidden"})
    again = await nexus.sim.command(
        nexus.mod, "curate hide", {**opts, "reason": "x"}, channel=nexus.general
    )
    assert again.ephemeral and "already hidden" in again.content
    back = await nexus.sim.command(nexus.mod, "curate restore", opts, channel=nexus.general)
    assert "Restored takeaway" in back.content
    assert (await row(nexus, Takeaway, tid)).status == "published"
    assert (await last_audit(nexus)).action == "restore"


async def test_merge_challenges_command(nexus: Nexus) -> None:
    g = nexus.guild.id
    src = await f.challenge(nexus.db, g, title="CORS broken", author=nexus.alice.id)
    dst = await f.challenge(nexus.db, g, title="CORS error", author=nexus.bob.id)
    sol = await f.solution(nexus.db, src, g, author=nexus.carol.id)
    await f.add(nexus.db, SolutionHelped(solution_id=sol, user_id=nexus.dave.id))
    reply = await nexus.sim.command(
        nexus.mod,
        "curate merge",
        {"kind": "challenge", "source": src, "target": dst, "reason": "Same question"},
        channel=nexus.general,
    )
    assert reply.ephemeral
    text = reply.followups[0].content if reply.followups else reply.text
    assert f"Merged challenge #{src}" in text and "1 solutions" in text
    assert (await row(nexus, Solution, sol)).challenge_id == dst
    dup = await row(nexus, Challenge, src)
    assert (dup.status, dup.merged_into_id) == ("hidden", dst)
    audit = await last_audit(nexus)
    assert (audit.action, audit.reason) == ("merge", "Same question")
    async with nexus.db.reader() as s:
        assert await s.scalar(select(func.count()).select_from(SolutionHelped)) == 1
    await mirrored(nexus, f"Merged challenge #{src}")


async def test_log_is_paginated_and_filtered(nexus: Nexus) -> None:
    g = nexus.guild.id
    ids = [await f.takeaway(nexus.db, g) for _ in range(5)]
    for tid in ids:
        for _ in range(2):  # feature + unfeature: 10 actions
            await nexus.sim.command(
                nexus.mod, "curate feature", {"kind": "takeaway", "id": tid}, channel=nexus.general
            )
    log = await nexus.sim.command(nexus.mod, "curate log", channel=nexus.general)
    assert log.ephemeral and "Page 1 of 2" in log.text
    assert log.message is not None
    first_names = [fl["name"] for fl in log.embeds[0]["fields"]]
    assert first_names[0].startswith(f"unfeature takeaway #{ids[-1]}")  # newest first
    older = await nexus.sim.click(nexus.mod, log.message, "nexus:curate:log:next:1::")
    assert "Page 2 of 2" in older.text
    await nexus.restart()
    newer = await nexus.sim.click(nexus.mod, log.message, "nexus:curate:log:prev:0::")
    assert "Page 1 of 2" in newer.text
    only = await nexus.sim.command(
        nexus.mod, "curate log", {"action": "feature"}, channel=nexus.general
    )
    names = [fl["name"] for fl in only.embeds[0]["fields"]]
    assert len(names) == 5 and all(n.startswith("feature ") for n in names)


async def test_autocomplete_is_scoped_and_other_server_ids_are_unknown(nexus: Nexus) -> None:
    g = nexus.guild.id
    mine = await f.challenge(nexus.db, g, title="Docker cache misses")
    theirs = await f.challenge(nexus.db, nexus.other.id, title="Docker cache misses too")
    choices = await nexus.sim.autocomplete(
        nexus.mod,
        "curate hide",
        {"kind": "challenge", "id": "docker"},
        focused="id",
        channel=nexus.general,
    )
    assert [c["value"] for c in choices] == [mine]
    assert all(1 <= len(c["name"]) <= 100 for c in choices)
    for name, opts in (
        ("curate hide", {"kind": "challenge", "id": theirs, "reason": "spam"}),
        ("curate feature", {"kind": "challenge", "id": theirs}),
        ("curate restore", {"kind": "challenge", "id": theirs}),
        ("curate edit", {"kind": "challenge", "id": theirs}),
        ("curate merge", {"kind": "challenge", "source": theirs, "target": mine}),
    ):
        reply = await nexus.sim.command(nexus.mod, name, opts, channel=nexus.general)
        text = reply.followups[0].content if reply.followups else reply.content
        assert "can't find" in text, name
    other = await row(nexus, Challenge, theirs)
    assert (other.status, other.featured, other.merged_into_id) == ("published", False, None)
