"""Pairing choices end to end: the round's day and hour, track edits, skipping, avoiding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.services.pairing.profiles import get_profile
from tests.e2e.harness import Nexus
from tests.e2e.test_pairing import WED, join, round_job_time, settle, threads


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


def ts(moment: datetime) -> str:
    return f"<t:{int(moment.timestamp())}"


async def test_skip_next_round_and_snooze_until_a_local_date(nexus: Nexus) -> None:
    await settle(nexus)
    nexus.clock.set(WED)  # Wed 4 Jun 12:00 UTC = Thu 5 Jun 00:00 in Auckland
    for member, track, zone in (
        (nexus.alice, "frontend", "UTC"),
        (nexus.bob, "backend", "UTC"),
        (nexus.dave, "frontend", "UTC"),
        (nexus.carol, "backend", "Pacific/Auckland"),
    ):
        await join(nexus, member, track, zone, "mon,wed 19-22")
    mon9, mon16 = datetime(2025, 6, 9, 10, tzinfo=UTC), datetime(2025, 6, 16, 10, tzinfo=UTC)
    skip = await nexus.sim.command(nexus.dave, "pair skip-next", channel=nexus.general)
    assert skip.ephemeral and ts(mon9) in skip.text and ts(mon16) in skip.text, skip.text
    # A date is a day in the member's own time zone; past, today and >1 year are refused.
    for day, fragment in (
        ("2025-06-05", "not in the future"),  # today in Auckland (tomorrow in UTC)
        ("2026-06-06", "at most a year"),
        ("53", "1 to 52 weeks"),
    ):
        bad = await nexus.sim.command(
            nexus.carol, "pair pause", {"until": day}, channel=nexus.general
        )
        assert bad.ephemeral and fragment in bad.text, (day, bad.text)
        assert (await get_profile(nexus.db, nexus.guild.id, nexus.carol.id)).status == "active"
    back = datetime(2025, 6, 19, 12, tzinfo=UTC)  # 20 Jun 00:00 in Auckland
    snooze = await nexus.sim.command(
        nexus.carol, "pair pause", {"until": "2025-06-20"}, channel=nexus.general
    )
    assert snooze.ephemeral and ts(back) in snooze.text, snooze.text
    assert (await get_profile(nexus.db, nexus.guild.id, nexus.carol.id)).paused_until == back
    # Skipping one round never shortens a longer pause.
    kept = await nexus.sim.command(nexus.carol, "pair skip-next", channel=nexus.general)
    assert kept.ephemeral and "already paused" in kept.text
    assert (await get_profile(nexus.db, nexus.guild.id, nexus.carol.id)).paused_until == back

    async def round_at(moment: datetime) -> set[int]:
        nexus.clock.set(moment)
        before = {t.id for t in threads(nexus)}
        reply = await nexus.sim.command(nexus.mod, "pair round", channel=nexus.general)
        reply.followups or await reply.wait_followups(1)
        return {m for t in threads(nexus) if t.id not in before for m in t.thread_members}

    first = await round_at(mon9 + timedelta(minutes=30))
    assert nexus.dave.id not in first and nexus.carol.id not in first
    assert {nexus.alice.id, nexus.bob.id} <= first
    second = await round_at(mon16 + timedelta(minutes=30))
    assert nexus.dave.id in second and nexus.carol.id not in second


async def test_avoid_is_private_obeyed_by_rounds_and_can_be_undone(nexus: Nexus) -> None:
    await settle(nexus)
    nexus.clock.set(WED)
    # Alice and Bob share the most hours: without the avoid they would be paired.
    await join(nexus, nexus.alice, "frontend", "UTC", "mon-fri 9-21")
    await join(nexus, nexus.bob, "backend", "UTC", "mon-fri 9-21")
    await join(nexus, nexus.dave, "frontend", "UTC", "mon 19-20")
    await join(nexus, nexus.carol, "backend", "UTC", "mon 19-20")
    before = len(nexus.world.messages_in(nexus.general.id))
    self_avoid = await nexus.sim.command(
        nexus.alice, "pair avoid", {"member": nexus.alice.id}, channel=nexus.general
    )
    assert self_avoid.ephemeral and "can't avoid yourself" in self_avoid.text
    done = await nexus.sim.command(
        nexus.alice, "pair avoid", {"member": nexus.bob.id}, channel=nexus.general
    )
    assert done.ephemeral and nexus.bob.display_name in done.text, done.text
    assert "only you" in done.text.lower()
    listed = await nexus.sim.command(nexus.alice, "pair avoid", channel=nexus.general)
    assert listed.ephemeral and nexus.bob.display_name in listed.text
    # Nobody else learns of it: nothing public, no DM, Bob's own list is empty.
    assert len(nexus.world.messages_in(nexus.general.id)) == before
    assert nexus.world.dm_channel_of(nexus.bob) is None
    bobs = await nexus.sim.command(nexus.bob, "pair avoid", channel=nexus.general)
    assert bobs.ephemeral and nexus.alice.display_name not in bobs.text

    preview = await nexus.sim.command(
        nexus.mod, "pair round", {"preview": True}, channel=nexus.general
    )
    [shown] = preview.followups or await preview.wait_followups(1)
    assert "avoid" not in shown.text.lower()
    reply = await nexus.sim.command(nexus.mod, "pair round", channel=nexus.general)
    reply.followups or await reply.wait_followups(1)
    groups = [set(t.thread_members) for t in threads(nexus)]
    assert len(groups) == 2
    assert not any({nexus.alice.id, nexus.bob.id} <= g for g in groups), groups

    undo = await nexus.sim.command(
        nexus.alice, "pair unavoid", {"member": nexus.bob.id}, channel=nexus.general
    )
    assert undo.ephemeral and nexus.bob.display_name in undo.text
    again = await nexus.sim.command(
        nexus.alice, "pair unavoid", {"member": nexus.bob.id}, channel=nexus.general
    )
    assert again.ephemeral and "weren't avoiding" in again.text
    # Next week, with the avoid gone, the best pair is made again.
    nexus.clock.set(WED + timedelta(days=7))
    reply = await nexus.sim.command(nexus.mod, "pair round", channel=nexus.general)
    reply.followups or await reply.wait_followups(1)
    newest = [set(t.thread_members) for t in threads(nexus)][2:]
    assert any({nexus.alice.id, nexus.bob.id} <= g for g in newest), newest
