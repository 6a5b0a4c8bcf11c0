"""Network faults: gateway op 7 / op 9 / abrupt closes / lost heartbeat ACKs under load, and
REST 429 / 5xx / 403 / 404 / slow answers. The bot keeps answering, confirmed writes exist
once, scheduled work is neither lost nor doubled, and a server whose channel is gone does
not stall the others."""

from __future__ import annotations

import asyncio
from collections import Counter

from sqlalchemy import select

from bot.db.models import DigestPost, Takeaway
from bot.simulator.models import Member
from tests.e2e.harness import Nexus
from tests.e2e.test_digest import _schedule_in
from tests.reliability.conftest import scale
from tests.reliability.support import answer_text

ROUNDS = scale(1, 5)


async def _bodies(nexus: Nexus) -> Counter[str]:
    async with nexus.db.reader() as s:
        return Counter((await s.scalars(select(Takeaway.body))).all())


async def _share(nexus: Nexus, member: Member, text: str) -> bool:
    try:
        r = await nexus.sim.command(
            member,
            "takeaway share",
            {"kind": "practice", "text": text},
            channel=nexus.general,
        )
    except Exception:  # an interaction lost with a dropped connection: not confirmed
        return False
    return bool(r.embeds)


async def test_gateway_faults_during_load(nexus: Nexus) -> None:
    gw = nexus.sim.gateway
    nexus.sim.reply_timeout = 3.0
    members = [nexus.alice, nexus.bob, nexus.carol, nexus.dave, nexus.erin]
    confirmed: list[str] = []

    async def load(tag: str) -> None:
        for i in range(6):
            text = f"gateway {tag} {i}"
            if await _share(nexus, members[i % len(members)], text):
                confirmed.append(text)
            await asyncio.sleep(0.01)

    faults = [
        ("op7", gw.send_reconnect()),
        ("op9-resumable", gw.invalidate_session(True)),
        ("op9-fresh", gw.invalidate_session(False)),
        ("close-4000", gw.close_connections(4000)),
        ("close-1006", gw.close_connections(1011)),
    ]
    for _ in range(ROUNDS):
        for name, fault in faults:
            worker = asyncio.create_task(load(name))
            await asyncio.sleep(0.02)
            await fault
            await worker
            await gw.wait_until(gw.is_ready, 15)
        faults = [
            (n, f)
            for n, f in (
                ("op7", gw.send_reconnect()),
                ("op9-resumable", gw.invalidate_session(True)),
                ("op9-fresh", gw.invalidate_session(False)),
                ("close-4000", gw.close_connections()),
                ("close-1006", gw.close_connections(1011)),
            )
        ]
    for _name, fault in faults:
        fault.close()  # the unused last batch of coroutines
    # Lost heartbeat ACKs: a short interval, then the client must notice and reconnect.
    gw.heartbeat_interval_ms = 250
    await gw.close_connections(4000)
    await gw.wait_until(gw.is_ready, 15)
    before = gw.identifies + gw.resumes
    gw.ack_heartbeats = False
    await gw.wait_until(lambda: gw.identifies + gw.resumes > before, 15)
    gw.ack_heartbeats = True
    await gw.wait_until(gw.is_ready, 15)
    # Still answering, and nothing confirmed was lost or stored twice.
    assert await _share(nexus, nexus.alice, "after the storm")
    bodies = await _bodies(nexus)
    assert all(bodies[t] == 1 for t in confirmed), [t for t in confirmed if bodies[t] != 1]
    assert all(n == 1 for n in bodies.values()), bodies
    assert len(confirmed) >= 5 * ROUNDS  # most of the load got through


async def test_rest_faults_on_replies(nexus: Nexus) -> None:
    sim = nexus.sim
    callback = r"/interactions/\d+/[^/]+/callback$"
    cases = [
        dict(status=429, retry_after=0.2),
        dict(status=500),
        dict(status=502),
        dict(status=None, delay=1.0),  # slow, but within the 3 s window
    ]
    for i, case in enumerate(cases):
        sim.faults.add("POST", callback, times=1, **case)  # type: ignore[arg-type]
        assert await _share(nexus, nexus.bob, f"rest fault {i}"), case
    # A 5xx AFTER the effect: the client retries; one interaction, one stored takeaway.
    sim.faults.add("POST", callback, 500, times=1, after_effect=True)
    await _share(nexus, nexus.carol, "after effect")
    bodies = await _bodies(nexus)
    assert all(bodies[f"rest fault {i}"] == 1 for i in range(len(cases)))
    assert bodies["after effect"] == 1
    # 403 / 404 on the reply itself: the member gets no answer, nothing crashes, and the
    # next interaction works.
    for status in (403, 404):
        sim.faults.add("POST", callback, status, times=1)
        try:
            await sim.command(
                nexus.dave,
                "concept lookup",
                {"name": "caching"},
                channel=nexus.general,
                timeout=1.5,
            )
        except Exception:
            pass
    sim.faults.clear()
    ok = await sim.command(nexus.dave, "concept lookup", {"name": "caching"}, channel=nexus.general)
    assert ok.embeds, ok.content
    nexus.error_log.records.clear()  # type: ignore[attr-defined]  # 403/404 replies are logged


def _digest_cog(nexus: Nexus):  # type: ignore[no-untyped-def]
    return nexus.client.get_cog("DigestCog")


async def test_scheduled_digest_with_faults_is_posted_once_and_a_dead_channel_does_not_stall(
    nexus: Nexus,
) -> None:
    sim = nexus.sim
    fire = await _schedule_in(nexus, 2)
    other_digest = nexus.other.create_text_channel("digest")
    for g, channel in ((nexus.guild.id, nexus.digest), (nexus.other.id, other_digest)):
        await nexus.client.apply_settings(
            g,
            {
                "digest_channel_id": channel.id,
                "digest_quiet_note": True,
                "digest_weekday": fire.weekday(),
                "digest_hour": fire.hour,
            },
        )
    nexus.clock.set(fire)
    # Server A's digest channel is gone; server B's post meets a 429 then a 5xx after
    # the message was created (the retry must not post it twice).
    nexus.guild.delete_channel(nexus.digest)
    sim.faults.add("POST", rf"/channels/{other_digest.id}/messages$", 429, times=1, retry_after=0.2)
    sim.faults.add(
        "POST", rf"/channels/{other_digest.id}/messages$", 502, times=1, after_effect=True
    )
    jobs = _digest_cog(nexus).jobs
    results = await asyncio.wait_for(
        asyncio.gather(jobs.fire(nexus.guild.id), jobs.fire(nexus.other.id)), 20
    )
    assert results[1] is not None and results[1].outcome == "posted", results
    posted = sim.messages_in(other_digest)
    assert len(posted) == len(results[1].message_ids) >= 1
    # The same scheduled fire again (a duplicate job, a restart): nothing new is posted.
    await jobs.fire(nexus.other.id)
    await nexus.restart()
    await _digest_cog(nexus).jobs.idle()
    assert len(sim.messages_in(other_digest)) == len(posted)
    async with nexus.db.reader() as s:
        rows = Counter((await s.execute(select(DigestPost.guild_id, DigestPost.period))).all())
    assert all(n == 1 for n in rows.values()), rows
    # The bot still answers in both servers.
    reply = await sim.command(nexus.alice, "digest preview", {}, channel=nexus.general)
    assert "digest" in (await answer_text(reply)).lower()
    nexus.error_log.records.clear()  # type: ignore[attr-defined]  # the dead channel is logged
