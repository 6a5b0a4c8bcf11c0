"""Authors own their entries: edit (a form with the current text; moderators see before
and after) and remove (after a confirmation) their challenges, solutions and takeaways.
Anyone else gets a clear refusal; removed entries leave lists, search and the digest."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import AuditLog, Challenge, Takeaway
from bot.simulator.models import Member
from bot.simulator.reply import Reply
from tests.e2e.challenges_helpers import add_solution, challenge_id, share, share_takeaway
from tests.e2e.curation_helpers import mirrored, row
from tests.e2e.harness import Nexus


async def _edit_form(nexus: Nexus, who: Member, kind: str, entry_id: int) -> Reply:
    return await nexus.sim.command(who, f"{kind} edit", {"id": entry_id}, channel=nexus.general)


async def _edits(nexus: Nexus, kind: str, entry_id: int) -> list[AuditLog]:
    async with nexus.db.reader() as s:
        rows = await s.scalars(
            select(AuditLog).where(
                AuditLog.action == "edit",
                AuditLog.entry_kind == kind,
                AuditLog.entry_id == entry_id,
            )
        )
        return list(rows)


def _takeaway_id(reply: Reply) -> int:
    title = reply.embeds[0]["title"]
    return int(title.split("#", 1)[1].split(" ", 1)[0].rstrip(":·"))


async def test_author_edits_a_challenge_and_moderators_see_the_history(nexus: Nexus) -> None:
    cid = challenge_id(await share(nexus, nexus.alice, "Redis timeout", "Connection drops", "ping"))
    form = await _edit_form(nexus, nexus.alice, "challenge", cid)
    assert form.modal is not None, form.text
    assert form.modal.field("title").value == "Redis timeout"
    assert form.modal.field("problem").value == "Connection drops"
    assert form.modal.field("tried").value == "ping"
    done = await nexus.sim.submit_modal(
        nexus.alice, form, {"title": "Redis pool exhausted", "problem": "Every 5 minutes"}
    )
    assert done.ephemeral and "Saved" in done.content and f"challenge #{cid}" in done.content
    stored = await row(nexus, Challenge, cid)
    assert (stored.title, stored.problem, stored.tried) == (
        "Redis pool exhausted",
        "Every 5 minutes",
        "ping",
    )
    [audit] = await _edits(nexus, "challenge", cid)
    assert audit.actor_id == nexus.alice.id
    assert audit.before == {"title": "Redis timeout", "problem": "Connection drops"}
    assert audit.after == {"title": "Redis pool exhausted", "problem": "Every 5 minutes"}
    await mirrored(nexus, f"Edited by its author: challenge #{cid}")
    log = await nexus.sim.command(nexus.mod, "curate log", {"action": "edit"})
    assert log.ephemeral and f"edit challenge #{cid} · Alice" in log.text
    assert "Redis timeout" in log.text and "Redis pool exhausted" in log.text
    found = await nexus.sim.command(nexus.bob, "challenge search", {"query": "pool exhausted"})
    assert f"#{cid}" in found.text


async def test_edit_refusals_lose_nothing(nexus: Nexus) -> None:
    cid = challenge_id(await share(nexus, nexus.alice, "Nginx 413", "upload too large"))
    theirs = await _edit_form(nexus, nexus.bob, "challenge", cid)
    assert theirs.ephemeral and theirs.modal is None and "of yours" in theirs.content
    page = await add_solution(nexus, nexus.bob, cid, "client_max_body_size 20m")
    sid = 1
    not_mine = await _edit_form(nexus, nexus.alice, "solution", sid)
    assert not_mine.ephemeral and not_mine.modal is None and "of yours" in not_mine.content
    assert not page.ephemeral
    form = await _edit_form(nexus, nexus.bob, "solution", sid)
    assert form.modal is not None and form.modal.field("body").value == "client_max_body_size 20m"
    blank = await nexus.sim.submit_modal(nexus.bob, form, {"body": "   "})
    assert blank.ephemeral and "can't be empty" in blank.content
    same = await nexus.sim.submit_modal(nexus.bob, form, {"body": "client_max_body_size 20m"})
    assert same.ephemeral and "Nothing changed" in same.content
    assert await _edits(nexus, "solution", sid) == []
    ok = await nexus.sim.submit_modal(nexus.bob, form, {"body": "client_max_body_size 50m;"})
    assert ok.ephemeral and "Saved" in ok.content
    view = await nexus.sim.command(nexus.carol, "challenge view", {"id": cid})
    assert "50m" in view.text and "20m" not in view.text
    other = await nexus.sim.command(
        nexus.other_member, "challenge edit", {"id": cid}, channel=nexus.other.general
    )
    assert other.ephemeral and other.modal is None


async def test_takeaway_edit_and_confirmed_removal(nexus: Nexus) -> None:
    shared = await share_takeaway(nexus, nexus.carol, "Pin your Node version with .nvmrc")
    async with nexus.db.reader() as s:
        tid = await s.scalar(select(Takeaway.id))
    assert tid is not None and not shared.ephemeral
    form = await _edit_form(nexus, nexus.carol, "takeaway", tid)
    assert form.modal is not None and "nvmrc" in (form.modal.field("body").value or "")
    await nexus.sim.submit_modal(nexus.carol, form, {"body": "Pin Node with .nvmrc and engines"})
    assert (await row(nexus, Takeaway, tid)).body == "Pin Node with .nvmrc and engines"
    refused = await nexus.sim.command(nexus.bob, "takeaway remove", {"id": tid})
    assert refused.ephemeral and not refused.buttons and "of yours" in refused.content
    ask = await nexus.sim.command(nexus.carol, "takeaway remove", {"id": tid})
    assert ask.ephemeral and "can't be undone" in ask.content
    assert [b.label for b in ask.buttons] == ["Remove it", "Keep it"]
    kept = await nexus.sim.click(nexus.carol, ask, ask.buttons[1].custom_id)
    assert "Kept" in kept.text and (await row(nexus, Takeaway, tid)).status == "published"
    ask = await nexus.sim.command(nexus.carol, "takeaway remove", {"id": tid})
    gone = await nexus.sim.click(nexus.carol, ask, ask.buttons[0].custom_id)
    assert "Removed" in gone.text and not gone.buttons
    stored = await row(nexus, Takeaway, tid)
    assert stored.status == "withdrawn" and stored.body == ""
    listed = await nexus.sim.command(nexus.dave, "takeaway list", {})
    assert "nvmrc" not in listed.text
    view = await nexus.sim.command(nexus.dave, "takeaway view", {"id": tid})
    assert view.ephemeral and "nvmrc" not in view.text
    preview = await nexus.sim.command(nexus.mod, "digest preview", channel=nexus.general)
    assert all("nvmrc" not in m.text for m in await preview.wait_followups(1))
    await mirrored(nexus, f"takeaway #{tid}")
    again = await nexus.sim.command(nexus.carol, "takeaway edit", {"id": tid})
    assert again.ephemeral and again.modal is None
