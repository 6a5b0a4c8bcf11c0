"""Pairing end to end: join, round, private threads, follow-ups, learning notes, refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import cast

from sqlalchemy import func, select

from bot.db.models import PairRound, Takeaway
from bot.services.guilds import settings as guilds
from bot.services.pairing.profiles import get_profile
from bot.simulator.models import Channel, Member, Message
from cogs.pairing.cog import PairingCog
from cogs.pairing.runner import PairingRunner
from tests.e2e.harness import Nexus

WED = datetime(2025, 6, 4, 12, tzinfo=UTC)  # mid-period for the default Monday rounds


def runner(nexus: Nexus) -> PairingRunner:
    cog = nexus.client.get_cog("PairingCog")
    assert cog is not None
    # A cast, not isinstance: discord.py re-imports the extension's modules for every bot.
    return cast(PairingCog, cog).runner


async def join(
    nexus: Nexus, member: Member, track: str, zone: str, avail: str, stack: str = "python"
) -> None:
    reply = await nexus.sim.command(
        member,
        "pair join",
        {"track": track, "timezone": zone, "availability": avail, "stack": stack},
        channel=nexus.general,
    )
    assert reply.ephemeral and "You're in" in reply.text, reply.text


async def settle(nexus: Nexus) -> None:
    """Let the bot's start-up catch-up (which runs on the real clock) finish first."""
    await runner(nexus).jobs.started()


def threads(nexus: Nexus) -> list[Channel]:
    return [t for t in nexus.guild.threads if t.parent_id == nexus.pairing.id]


def messages(nexus: Nexus, channel: Channel) -> list[Message]:
    return nexus.world.messages_in(channel.id)


async def rounds_count(nexus: Nexus) -> int:
    async with nexus.db.reader() as s:
        return int(await s.scalar(select(func.count()).select_from(PairRound)) or 0)


async def test_join_round_thread_followups_and_learning(nexus: Nexus) -> None:
    await settle(nexus)
    nexus.clock.set(WED)
    await join(nexus, nexus.alice, "frontend", "Europe/Berlin", "weekdays 18-20", "react css")
    await join(
        nexus, nexus.bob, "backend", "America/New_York", "weekdays 12-14", "django redis caching"
    )
    reply = await nexus.sim.command(nexus.mod, "pair round", channel=nexus.general)
    [summary] = reply.followups or await reply.wait_followups(1)
    assert summary.ephemeral and "1 pair space" in summary.text

    [thread] = threads(nexus)
    assert thread.type == 12  # private thread
    assert set(thread.thread_members) >= {nexus.alice.id, nexus.bob.id}
    assert nexus.mallory.id not in thread.thread_members
    [starter] = messages(nexus, thread)
    assert {u.id for u in starter.mentions} == {nexus.alice.id, nexus.bob.id}
    assert not starter.mention_roles and not starter.mention_everyone
    text = str(starter.embeds)
    assert "Europe/Berlin" in text and "America/New_York" in text
    assert "18:00–20:00 for Alice" in text and "12:00–14:00 for Bob" in text
    assert "API with caching" in text  # project picked from their interests

    # Midway follow-up, once only.
    nexus.clock.set(WED + timedelta(days=3))
    [r] = [r for r in await _open_rounds(nexus)]
    assert await runner(nexus).send_followups(nexus.guild.id, r, "midway") == 1
    assert await runner(nexus).send_followups(nexus.guild.id, r, "midway") == 0
    followup = messages(nexus, thread)[-1]
    ids = [c["custom_id"] for row in followup.components for c in row["components"]]
    pid = ids[0].rsplit(":", 1)[1]
    assert ids == [f"nexus:pair:{a}:{pid}" for a in ("met", "notyet", "skip", "learn")]

    refused = await nexus.sim.click(nexus.mallory, followup.id, f"nexus:pair:met:{pid}")
    assert refused.ephemeral and "Only the members" in refused.text
    met = await nexus.sim.click(nexus.alice, followup.id, f"nexus:pair:met:{pid}")
    assert met.ephemeral and "met" in met.text
    again = await nexus.sim.click(nexus.alice, followup.id, f"nexus:pair:met:{pid}")
    assert "Already noted" in again.text

    # Buttons survive a restart.
    await nexus.restart()
    nexus.clock.set(WED + timedelta(days=3))
    ask = await nexus.sim.click(nexus.bob, followup.id, f"nexus:pair:learn:{pid}")
    assert ask.modal is not None
    done = await nexus.sim.submit_modal(
        nexus.bob, ask, {ask.modal.fields[0].custom_id: "Cache keys need a version."}
    )
    assert done.ephemeral and "takeaway" in done.text
    nope = await nexus.sim.click(nexus.mallory, followup.id, f"nexus:pair:learn:{pid}")
    assert nope.modal is None and "Only the members" in nope.text
    async with nexus.db.reader() as s:
        [row] = (await s.scalars(select(Takeaway))).all()
    assert (row.source, row.pair_id, row.author_id) == ("pairing", int(pid), nexus.bob.id)

    stats = await nexus.sim.command(nexus.mod, "pair stats", channel=nexus.general)
    assert stats.ephemeral and "100%" in stats.text


async def _open_rounds(nexus: Nexus) -> list[int]:
    async with nexus.db.reader() as s:
        return list((await s.scalars(select(PairRound.id))).all())


async def test_pause_and_leave_are_respected(nexus: Nexus) -> None:
    await settle(nexus)
    nexus.clock.set(WED)
    await join(nexus, nexus.alice, "frontend", "UTC", "mon,wed 19-22")
    await join(nexus, nexus.bob, "backend", "UTC", "mon,wed 19-22")
    await join(nexus, nexus.dave, "frontend", "UTC", "mon,wed 19-22")
    await join(nexus, nexus.carol, "backend", "UTC", "mon,wed 19-22")
    paused = await nexus.sim.command(
        nexus.dave, "pair pause", {"until": "2"}, channel=nexus.general
    )
    assert paused.ephemeral and "Paused" in paused.text
    left = await nexus.sim.command(nexus.carol, "pair leave", channel=nexus.general)
    assert left.ephemeral and "left pairing" in left.text
    bad = await nexus.sim.command(
        nexus.alice, "pair pause", {"until": "2019-01-01"}, channel=nexus.general
    )
    assert bad.ephemeral and "not in the future" in bad.text

    reply = await nexus.sim.command(nexus.mod, "pair round", channel=nexus.general)
    await reply.wait_followups(1)
    [thread] = threads(nexus)
    assert {nexus.alice.id, nexus.bob.id} <= set(thread.thread_members)
    assert nexus.dave.id not in thread.thread_members
    assert nexus.carol.id not in thread.thread_members
    assert (await get_profile(nexus.db, nexus.guild.id, nexus.dave.id)).status == "paused"


async def test_unmatched_learners_get_a_dm(nexus: Nexus) -> None:
    await settle(nexus)
    nexus.clock.set(WED)
    await join(nexus, nexus.alice, "frontend", "UTC", "mon 19-22")
    await join(nexus, nexus.dave, "frontend", "UTC", "mon 19-22")
    reply = await nexus.sim.command(nexus.mod, "pair round", channel=nexus.general)
    [summary] = await reply.wait_followups(1)
    assert "2 learner(s) unmatched" in summary.text
    assert threads(nexus) == []
    for member in (nexus.alice, nexus.dave):
        dm = nexus.world.dm_channel_of(member)
        assert dm is not None
        [note] = messages(nexus, dm)
        assert "No backend" in note.content and "/pair profile" in note.content


async def test_preview_writes_and_posts_nothing(nexus: Nexus) -> None:
    await settle(nexus)
    nexus.clock.set(WED)
    await join(nexus, nexus.alice, "frontend", "UTC", "mon 19-22")
    await join(nexus, nexus.erin, "fullstack", "UTC", "mon 20-23")
    reply = await nexus.sim.command(
        nexus.mod, "pair round", {"preview": True}, channel=nexus.general
    )
    [preview] = await reply.wait_followups(1)
    assert preview.ephemeral and "score" in preview.text and "Alice" in preview.text
    assert await rounds_count(nexus) == 0 and threads(nexus) == []


async def test_non_moderators_are_refused_and_nothing_changes(nexus: Nexus) -> None:
    await settle(nexus)
    nexus.clock.set(WED)
    await join(nexus, nexus.alice, "frontend", "UTC", "mon 19-22")
    await join(nexus, nexus.bob, "backend", "UTC", "mon 19-22")
    for name, options in (
        ("pair round", {}),
        ("pair round", {"preview": True}),
        ("pair stats", {}),
    ):
        reply = await nexus.sim.command(nexus.mallory, name, options, channel=nexus.general)
        assert reply.ephemeral and "moderators" in reply.text.lower()
    assert await rounds_count(nexus) == 0 and threads(nexus) == []


async def test_missing_pairing_channel_is_explained_and_nothing_written(nexus: Nexus) -> None:
    await settle(nexus)
    nexus.clock.set(WED)
    await join(nexus, nexus.alice, "frontend", "UTC", "mon 19-22")
    await join(nexus, nexus.bob, "backend", "UTC", "mon 19-22")
    await guilds.update_settings(nexus.db, nexus.guild.id, pairing_channel_id=None)
    reply = await nexus.sim.command(nexus.mod, "pair round", channel=nexus.general)
    [msg] = reply.followups or await reply.wait_followups(1)
    assert msg.ephemeral and "pairing channel" in msg.text
    assert await rounds_count(nexus) == 0


async def test_bad_profile_input_is_explained(nexus: Nexus) -> None:
    reply = await nexus.sim.command(
        nexus.alice,
        "pair join",
        {"track": "frontend", "timezone": "Europe/Berlin", "availability": "evenings"},
        channel=nexus.general,
    )
    assert reply.ephemeral and "didn't understand" in reply.text
    choices = await nexus.sim.autocomplete(
        nexus.alice,
        "pair join",
        {"timezone": "new_y"},
        focused="timezone",
        channel=nexus.general,
    )
    assert choices[0]["value"] == "America/New_York"
    shown = await nexus.sim.command(nexus.alice, "pair profile", channel=nexus.general)
    assert shown.ephemeral and "/pair join" in shown.text


async def test_profile_edit_with_options_and_modal(nexus: Nexus) -> None:
    await settle(nexus)
    await join(nexus, nexus.erin, "fullstack", "Europe/Berlin", "sat 10-14")
    edited = await nexus.sim.command(
        nexus.erin, "pair profile", {"availability": "mon,wed 19-22"}, channel=nexus.general
    )
    assert edited.ephemeral and "Mon 19-22, Wed 19-22" in edited.text
    shown = await nexus.sim.command(nexus.erin, "pair profile", channel=nexus.general)
    assert shown.ephemeral and [b.label for b in shown.buttons] == ["Edit"]
    form = await nexus.sim.click(nexus.erin, shown.message.id if shown.message else 0, index=1)
    assert form.modal is not None
    fields = {f.label: f.custom_id for f in form.modal.fields}
    bad = await nexus.sim.submit_modal(
        nexus.erin, form, {fields["When you're free (your local time)"]: "sometimes"}
    )
    assert bad.ephemeral and "didn't understand" in bad.text
    ok = await nexus.sim.submit_modal(
        nexus.erin, form, {fields["What you want to build or learn"]: "a GraphQL API"}
    )
    assert ok.ephemeral and "Profile saved" in ok.text
    p = await get_profile(nexus.db, nexus.guild.id, nexus.erin.id)
    assert p.goals == "a GraphQL API" and p.availability_text == "Mon 19-22, Wed 19-22"


async def test_no_thread_permission_is_explained_and_nothing_written(nexus: Nexus) -> None:
    await settle(nexus)
    nexus.clock.set(WED)
    await join(nexus, nexus.alice, "frontend", "UTC", "mon 19-22")
    await join(nexus, nexus.bob, "backend", "UTC", "mon 19-22")
    nexus.guild.deny_bot(nexus.pairing, "CREATE_PRIVATE_THREADS")
    reply = await nexus.sim.command(nexus.mod, "pair round", channel=nexus.general)
    [msg] = reply.followups or await reply.wait_followups(1)
    assert msg.ephemeral and "Create Private Threads" in msg.text
    assert await rounds_count(nexus) == 0 and threads(nexus) == []


def round_job_time(nexus: Nexus) -> datetime | None:
    job = nexus.client.scheduler.aps.get_job(f"pairing:round:{nexus.guild.id}")
    return job.next_run_time if job is not None else None


async def test_round_job_derived_from_settings_and_moved_on_change(nexus: Nexus) -> None:
    await settle(nexus)
    assert round_job_time(nexus) is not None
    nexus.clock.set(WED)
    await nexus.sim.command(nexus.admin, "setup", {"pairing_every_days": 3}, channel=nexus.general)
    moved = round_job_time(nexus)
    # Every 3 days from the anchor: Tue 3 Jun 10:00 UTC, then Fri 6 Jun (not Mon 9 Jun).
    due = datetime(2025, 6, 6, 10, tzinfo=UTC)
    assert moved is not None
    assert abs((moved - datetime.now(UTC)) - (due - WED)) < timedelta(minutes=1)
    await nexus.sim.command(nexus.admin, "setup", {"pairing_enabled": False}, channel=nexus.general)
    assert round_job_time(nexus) is None


async def test_missed_slot_is_caught_up_after_restart(nexus: Nexus) -> None:
    await settle(nexus)
    await join(nexus, nexus.alice, "frontend", "UTC", "mon 19-22")
    await join(nexus, nexus.bob, "backend", "UTC", "mon 19-22")
    nexus.clock.set(datetime(2025, 6, 9, 10, 30, tzinfo=UTC))  # 30 min after Monday's slot
    await nexus.restart()
    await settle(nexus)
    assert await rounds_count(nexus) == 1 and len(threads(nexus)) == 1
    await nexus.restart()  # a second restart does not create another round
    await settle(nexus)
    assert await rounds_count(nexus) == 1 and len(threads(nexus)) == 1


async def test_ignoring_three_rounds_pauses_and_tells(nexus: Nexus) -> None:
    await settle(nexus)
    await join(nexus, nexus.alice, "frontend", "UTC", "mon 19-22")
    await join(nexus, nexus.bob, "backend", "UTC", "mon 19-22")
    run = runner(nexus)
    for week in range(3):
        nexus.clock.set(WED + timedelta(weeks=week))
        reply = await nexus.sim.command(nexus.mod, "pair round", channel=nexus.general)
        await reply.wait_followups(1)
        rid = max(await _open_rounds(nexus))
        nexus.clock.set(WED + timedelta(weeks=week, days=3))
        await run.send_followups(nexus.guild.id, rid, "midway")
        nexus.clock.set(WED + timedelta(weeks=week, days=6))
        await run.send_followups(nexus.guild.id, rid, "end")
        nexus.clock.set(WED + timedelta(weeks=week, days=6, hours=23))
        paused = await run.close(nexus.guild.id, rid)
    assert set(paused) == {nexus.alice.id, nexus.bob.id}
    dm = nexus.world.dm_channel_of(nexus.bob)
    assert dm is not None and "paused" in messages(nexus, dm)[-1].content
    assert (await get_profile(nexus.db, nexus.guild.id, nexus.bob.id)).status == "paused"


async def test_crash_before_thread_id_stored_does_not_duplicate_the_space(nexus: Nexus) -> None:
    """Killed after Discord made the thread but before we stored its id: reuse it."""
    from sqlalchemy import update

    from bot.db.models import Pair

    await settle(nexus)
    nexus.clock.set(WED)
    await join(nexus, nexus.alice, "frontend", "Europe/Berlin", "weekdays 18-20")
    await join(nexus, nexus.bob, "backend", "Europe/Berlin", "weekdays 18-20")
    reply = await nexus.sim.command(nexus.mod, "pair round", channel=nexus.general)
    reply.followups or await reply.wait_followups(1)
    [thread] = threads(nexus)
    async with nexus.db.sessions.begin() as s:
        await s.execute(update(Pair).values(thread_id=None))
    [round_id] = await _open_rounds(nexus)

    await nexus.restart()
    await settle(nexus)
    channel = nexus.client.get_channel(nexus.pairing.id)
    created, failed = await runner(nexus).announce(nexus.guild.id, round_id, channel)  # type: ignore[arg-type]
    assert (created, failed) == (1, 0)
    assert threads(nexus) == [thread]
    assert len(messages(nexus, thread)) == 1  # the starter was not posted twice
    async with nexus.db.reader() as s:
        assert (await s.scalar(select(Pair.thread_id))) == thread.id


async def test_a_pair_without_shared_hours_is_flagged_to_the_moderator(nexus: Nexus) -> None:
    await settle(nexus)
    nexus.clock.set(WED)
    await join(nexus, nexus.alice, "frontend", "Europe/Berlin", "Mon 9-10")
    await join(nexus, nexus.bob, "backend", "Europe/Berlin", "Tue 20-21")
    preview = await nexus.sim.command(
        nexus.mod, "pair round", {"preview": True}, channel=nexus.general
    )
    [shown] = preview.followups or await preview.wait_followups(1)
    assert "⚠ no shared free hour" in shown.text
    reply = await nexus.sim.command(nexus.mod, "pair round", channel=nexus.general)
    [summary] = reply.followups or await reply.wait_followups(1)
    assert "1 pair(s) share no free hour this week" in summary.text


async def test_a_trio_is_told_when_they_are_all_free(nexus: Nexus) -> None:
    await settle(nexus)
    nexus.clock.set(WED)
    await join(nexus, nexus.alice, "frontend", "Europe/Berlin", "weekdays 18-21")
    await join(nexus, nexus.bob, "backend", "Europe/Berlin", "weekdays 18-21")
    await join(nexus, nexus.carol, "backend", "Europe/Berlin", "weekdays 18-21")
    reply = await nexus.sim.command(nexus.mod, "pair round", channel=nexus.general)
    if not reply.followups:
        await reply.wait_followups(1)
    [thread] = threads(nexus)
    [starter] = messages(nexus, thread)
    fields = [f["name"] for f in starter.embeds[0]["fields"]]
    assert any(f.startswith("When you're all free") for f in fields), fields
