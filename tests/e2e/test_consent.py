"""Consent (/privacy): a member who opts out of reuse cannot have their messages saved by
others (whoever tries is told why, and nothing is recorded), and nothing they wrote is
in the digest or the export; what they share themselves stays theirs in Discord."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bot.db.models import Challenge, Solution
from bot.services.export.service import export_guild
from tests.e2e.challenges_helpers import (
    add_solution,
    button,
    challenge_id,
    share,
    share_takeaway,
)
from tests.e2e.harness import Nexus


async def _count(nexus: Nexus, model: type[Challenge] | type[Solution]) -> int:
    async with nexus.db.reader() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def _digest_text(nexus: Nexus) -> str:
    preview = await nexus.sim.command(nexus.mod, "digest preview", channel=nexus.general)
    return "\n".join(m.text for m in await preview.wait_followups(1))


async def test_opted_out_messages_cannot_be_saved_by_others(nexus: Nexus) -> None:
    cid = challenge_id(await share(nexus, nexus.alice, "Flaky Jest timers", "fake timers hang"))
    shown = await nexus.sim.command(nexus.dave, "privacy", {})
    assert shown.ephemeral and "Right now others may save" in shown.content
    out = await nexus.sim.command(nexus.dave, "privacy", {"reuse": False})
    assert out.ephemeral and "no longer save your messages" in out.content
    said = await nexus.sim.say(nexus.dave, nexus.general, "Webpack loops on save, why?")
    before = await _count(nexus, Challenge)
    refused = await nexus.sim.context_menu(nexus.carol, "Save as challenge", message=said)
    assert refused.ephemeral and "Dave asked that others don't save" in refused.content
    assert "/challenge share" in refused.content and await _count(nexus, Challenge) == before
    answer = await nexus.sim.say(nexus.dave, nexus.general, "Use jest.useRealTimers() there")
    no_pick = await nexus.sim.context_menu(nexus.carol, "Save as solution", message=answer)
    assert no_pick.ephemeral and "Dave asked" in no_pick.content and not no_pick.selects
    assert await _count(nexus, Solution) == 0
    # The author may still save their own message.
    own = await nexus.sim.context_menu(nexus.dave, "Save as challenge", message=said)
    assert not own.ephemeral and challenge_id(own) > 0
    # Opting out while someone has the challenge picker open: refused when they pick.
    await nexus.sim.command(nexus.dave, "privacy", {"reuse": True})
    pick = await nexus.sim.context_menu(nexus.carol, "Save as solution", message=answer)
    assert pick.selects
    await nexus.sim.command(nexus.dave, "privacy", {"reuse": False})
    late = await nexus.sim.select(nexus.carol, pick, pick.selects[0].custom_id, [str(cid)])
    assert "Dave asked" in late.text and await _count(nexus, Solution) == 0
    status = await nexus.sim.command(nexus.dave, "privacy", {})
    assert "Right now nobody else can save" in status.content
    # Opting in again: others can save again.
    back = await nexus.sim.command(nexus.dave, "privacy", {"reuse": True})
    assert "can save your messages" in back.content
    pick = await nexus.sim.context_menu(nexus.carol, "Save as solution", message=answer)
    saved = await nexus.sim.select(nexus.carol, pick, pick.selects[0].custom_id, [str(cid)])
    assert "New solution" in saved.text and await _count(nexus, Solution) == 1


async def test_opted_out_words_are_left_out_of_digest_and_export(
    nexus: Nexus, tmp_path: Path
) -> None:
    mine = challenge_id(await share(nexus, nexus.dave, "DAVE ASKS about Redis TTLs", "expiry"))
    bobs = challenge_id(await share(nexus, nexus.bob, "BOB ASKS about CORS", "preflight fails"))
    sol = await add_solution(nexus, nexus.dave, bobs, "DAVE ANSWERS: allow the header")
    await nexus.sim.click(nexus.bob, sol, button(sol, "nexus:solution:accept:"))
    await share_takeaway(nexus, nexus.dave, "DAVE NOTES: log request ids")
    await share_takeaway(nexus, nexus.alice, "ALICE NOTES: pin versions")
    before = await _digest_text(nexus)
    assert "DAVE ASKS" in before and "DAVE NOTES" in before and "Dave" in before
    await nexus.sim.command(nexus.dave, "privacy", {"reuse": False})
    digest = await _digest_text(nexus)
    for absent in ("DAVE ASKS", "DAVE ANSWERS", "DAVE NOTES", "Dave"):
        assert absent not in digest, absent
    assert "ALICE NOTES" in digest
    files = await export_guild(nexus.db, nexus.guild.id, tmp_path / "hub")
    hub = "\n".join(f.read_text(encoding="utf-8") for f in files)
    for absent in ("DAVE ASKS", "DAVE ANSWERS", "DAVE NOTES", "Dave"):
        assert absent not in hub, absent
    assert "BOB ASKS" in hub and "ALICE NOTES" in hub
    # Their own entries stay theirs to use in Discord.
    view = await nexus.sim.command(nexus.alice, "challenge view", {"id": mine})
    assert "DAVE ASKS" in view.text
    found = await nexus.sim.command(nexus.alice, "challenge search", {"query": "Redis TTLs"})
    assert f"#{mine}" in found.text
    # Opting in again brings them back.
    await nexus.sim.command(nexus.dave, "privacy", {"reuse": True})
    assert "DAVE NOTES" in await _digest_text(nexus)
