"""Pairing choices end to end: the round's day and hour, track edits, skipping, avoiding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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
