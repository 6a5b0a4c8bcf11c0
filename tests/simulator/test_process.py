"""A simulator in its own process, driven through /_sim by SimulatorClient."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest

from bot.simulator import InvalidInput, UnknownCommand
from bot.simulator.client import SimulatorClient
from bot.simulator.process import SimulatorProcess
from bot.simulator.redirect import redirect_discord
from bot.simulator.testing import speed_up, stop_client

from .plain_bot import PlainBot


@pytest.fixture
async def remote() -> AsyncIterator[tuple[SimulatorClient, dict, PlainBot]]:
    async with SimulatorProcess(guilds=2, members=2, interaction_window=0) as proc:
        assert proc.client is not None
        restore = redirect_discord(proc.info["rest_url"], proc.info["gateway_url"])
        bot = PlainBot()
        speed_up(bot)
        task = asyncio.create_task(bot.start(proc.info["token"]))
        try:
            await proc.client.wait_for_ready(10)
            await asyncio.wait_for(bot.wait_until_ready(), 10)
            info = await proc.client.info()
            yield proc.client, info, bot
        finally:
            await stop_client(bot, task)
            restore()
            with contextlib.suppress(Exception):
                task.result()


async def test_remote_actions_round_trip(remote: tuple[SimulatorClient, dict, PlainBot]) -> None:
    sim, info, bot = remote
    guild = info["guilds"][0]
    alice = guild["members"][-1]["id"]
    general = guild["channels"][0]["id"]
    assert len(bot.guilds) == 2

    reply = await sim.command(alice, "concept", {"name": "caching"}, channel=general)
    assert reply.content == "concept: caching"
    choices = await sim.autocomplete(
        alice, "concept", {"name": "co"}, focused="name", channel=general
    )
    assert [c["value"] for c in choices] == ["cors", "concurrency"]

    ping = await sim.command(alice, "ping", channel=general)
    again = await sim.click(alice, ping, index=1)
    assert again.content == "pong again"

    modal = await sim.command(alice, "feedback", channel=general)
    assert modal.modal is not None
    done = await sim.submit_modal(alice, modal, {"title": "remote", "body": "works"})
    assert done.content == "thanks for remote: works"

    slow = await sim.command(alice, "slow", channel=general)
    assert [f.content for f in await slow.wait_followups(2, 3)] == ["done", "second"]

    msg = await sim.say(alice, general, "!hello")
    saved = await sim.context_menu(alice, "Save as challenge", message=msg)
    assert saved.content == "saved: !hello"
    contents = [m.content for m in await sim.messages_in(general)]
    assert "!hello" in contents and "concept: caching" in contents

    with pytest.raises(UnknownCommand):
        await sim.command(alice, "nope", channel=general)
    with pytest.raises(InvalidInput):
        await sim.command(alice, "concept", {}, channel=general)
    assert await sim.violations() == []


async def test_remote_faults_and_timings(remote: tuple[SimulatorClient, dict, PlainBot]) -> None:
    sim, info, _ = remote
    guild = info["guilds"][1]
    member, channel = guild["members"][-1]["id"], guild["channels"][0]["id"]
    await sim.add_fault("POST", r"/channels/\d+/messages$", 429, retry_after=0.1)
    reply = await sim.command(member, "say", {"text": "rate limited once"}, channel=channel)
    assert reply.content == "said"
    statuses = [r["status"] for r in await sim.requests() if r["path"].endswith("/messages")]
    assert statuses == [429, 200]

    await sim.clear("timings")
    timings = await sim.fire(
        member, "concept", {"name": "bench"}, channel=channel, count=20, rate=200
    )
    assert len(timings) == 20 and all(t["error"] is None for t in timings)
    for t in timings:
        assert t["first_response_at"] >= t["dispatched_at"] > 0
    assert len(await sim.timings()) == 20

    await sim.clear("requests")
    names = [{"name": "alpha"}, {"name": "beta"}, {"name": "gamma"}]
    mixed = await sim.fire(member, "concept", channel=channel, count=6, rate=200, variants=names)
    assert [t["error"] for t in mixed] == [None] * 6
    said = sorted(
        r["json"]["data"]["content"]
        for r in await sim.requests()
        if r["path"].endswith("/callback")
    )
    assert said == sorted(f"concept: {n['name']}" for n in names * 2)

    others = [m["id"] for m in guild["members"][-3:]]
    typed = await sim.fire(
        member,
        "concept",
        channel=channel,
        count=3,
        rate=200,
        variants=[{"name": "ca"}],
        focused="name",
        members=others,
    )
    assert [t["error"] for t in typed] == [None] * 3
    pinged = await sim.command(member, "ping", channel=channel)
    clicks = await sim.fire_clicks(others, pinged, "again", count=3, rate=200)
    assert [t["error"] for t in clicks] == [None] * 3
    assert all(t["response_type"] == 7 for t in clicks)

    await sim.gateway_fault("reconnect")
    await asyncio.sleep(0.3)
    again = await sim.command(member, "concept", {"name": "after op 7"}, channel=channel)
    assert again.content == "concept: after op 7"
    assert (await sim.info())["resumes"] == 1
