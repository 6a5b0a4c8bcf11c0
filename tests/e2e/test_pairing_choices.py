"""Pairing choices end to end: the round's day and hour, track edits, skipping, avoiding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.services.pairing.profiles import get_profile
from tests.e2e.harness import Nexus
from tests.e2e.test_pairing import WED, join, round_job_time, settle


async def test_round_weekday_and_hour_are_set_with_setup(nexus: Nexus) -> None:
    await settle(nexus)
    nexus.clock.set(WED)  # Wed 4 Jun 2025 12:00 UTC
    reply = await nexus.sim.command(
        nexus.admin,
        "setup",
        {"timezone": "Europe/Berlin", "pairing_weekday": 3, "pairing_hour": 19},
        channel=nexus.general,
    )
    assert reply.ephemeral and "Thursday 19:00 (Europe/Berlin)" in reply.text, reply.text
    # Thursday 5 Jun 19:00 in Berlin (CEST) is 17:00 UTC: the job moved there.
    due = datetime(2025, 6, 5, 17, tzinfo=UTC)
    assert f"Next round: <t:{int(due.timestamp())}:F>" in reply.text
    moved = round_job_time(nexus)
    assert moved is not None
    assert abs((moved - datetime.now(UTC)) - (due - WED)) < timedelta(minutes=1)
    # The period a manual round belongs to follows the new slot: it ends at that time.
    await join(nexus, nexus.alice, "frontend", "UTC", "mon 19-22")
    await join(nexus, nexus.bob, "backend", "UTC", "mon 19-22")
    started = await nexus.sim.command(nexus.mod, "pair round", channel=nexus.general)
    [summary] = started.followups or await started.wait_followups(1)
    assert f"<t:{int(due.timestamp())}" in summary.text, summary.text


async def test_edit_form_changes_the_track(nexus: Nexus) -> None:
    await settle(nexus)
    await join(nexus, nexus.erin, "frontend", "Europe/Berlin", "sat 10-14")
    shown = await nexus.sim.command(nexus.erin, "pair profile", channel=nexus.general)
    form = await nexus.sim.click(nexus.erin, shown.message.id if shown.message else 0, index=1)
    assert form.modal is not None
    fields = {f.label: f.custom_id for f in form.modal.fields}
    track = fields["Track: frontend, backend or full-stack"]
    bad = await nexus.sim.submit_modal(nexus.erin, form, {track: "designer"})
    assert bad.ephemeral and "Track must be frontend, backend or full-stack" in bad.text
    assert (await get_profile(nexus.db, nexus.guild.id, nexus.erin.id)).track == "frontend"
    ok = await nexus.sim.submit_modal(nexus.erin, form, {track: "Full-stack"})
    assert ok.ephemeral and "Profile saved" in ok.text and "Full-stack" in ok.text
    assert (await get_profile(nexus.db, nexus.guild.id, nexus.erin.id)).track == "fullstack"
