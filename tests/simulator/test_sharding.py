"""Several bot processes on one simulator: a session per shard, guild events only to the
owning shard, GET /gateway/bot, identify concurrency per bucket, 4010 and 4011."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.simulator import Simulator, World
from bot.simulator.sharding import IdentifyLimiter, parse_shard
from bot.simulator.testing import start_client, stop_client

from .plain_bot import ShardedBot

TOKEN = "test-token"


def _guilds_on_every_shard(world: World, count: int) -> list[int]:
    ids: list[int] = []
    while len({World.shard_of(i, count) for i in ids}) < count:
        assert len(ids) < 200, "snowflakes kept landing on the same shards"
        ids.append(world.create_guild(f"Guild {len(ids)}").id)
        time.sleep(0.001 * (1 + len(ids) % 2))  # snowflake timestamps decide the shard
    return ids


@contextlib.asynccontextmanager
async def _raw_gateway(sim: Simulator) -> AsyncIterator[aiohttp.ClientWebSocketResponse]:
    async with aiohttp.ClientSession() as http, http.ws_connect(sim.gateway_url) as ws:
        hello = await ws.receive_json(timeout=2)
        assert hello["op"] == 10
        yield ws


def _identify(shard: Any) -> dict[str, Any]:
    d: dict[str, Any] = {"token": TOKEN, "intents": 1, "properties": {}}
    if shard is not ...:
        d["shard"] = shard
    return {"op": 2, "d": d}


async def _first_op(ws: aiohttp.ClientWebSocketResponse) -> tuple[int | None, Any]:
    """(op, t) of the first frame, or (None, close code) when the server closed."""
    msg = await ws.receive(timeout=2)
    if msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
        return None, ws.close_code
    data = msg.json()
    return data["op"], data.get("t") if data["op"] == 0 else data.get("d")


async def test_three_processes_each_get_only_their_guilds() -> None:
    """Three AutoShardedBots, one shard each (as three processes would run them)."""
    world = World()
    ids = _guilds_on_every_shard(world, 3)
    members = {gid: world.guilds[gid].add_member(f"m{gid}") for gid in ids}
    sim = Simulator(TOKEN, world=world, shard_count=3, interaction_window=None)
    await sim.start()
    bots = [ShardedBot(shard_ids=[i], shard_count=3) for i in range(3)]
    tasks: list[asyncio.Task[None]] = []
    try:
        # The simulator is ready once every shard is: the three start together.
        tasks.extend(await asyncio.gather(*(start_client(sim, bot) for bot in bots)))
        assert sorted(s.shard for s in sim.gateway.sessions.values()) == [(0, 3), (1, 3), (2, 3)]
        for i, bot in enumerate(bots):
            assert sorted(g.id for g in bot.guilds) == sorted(
                g for g in ids if World.shard_of(g, 3) == i
            )
        for gid in ids:
            reply = await sim.command(members[gid], "whereami")
            assert reply.content == f"shard {World.shard_of(gid, 3)}"
            assert sim.gateway.interaction_shards[reply.interaction_id] == (
                World.shard_of(gid, 3),
                3,
            )
        # A guild created later reaches only the process owning its shard.
        late = world.create_guild("Late")
        owner = bots[World.shard_of(late.id, 3)]
        await sim.gateway.wait_until(lambda: owner.get_guild(late.id) is not None, 3)
        assert all(b.get_guild(late.id) is None for b in bots if b is not owner)
        assert not sim.violations
    finally:
        for bot, task in zip(bots, tasks, strict=False):
            await stop_client(bot, task)
        await sim.stop()


async def test_gateway_bot_reports_shards_and_session_start_limit() -> None:
    sim = Simulator(TOKEN, shard_count=4, max_concurrency=2)
    await sim.start()
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.get(sim.rest_url + "/gateway/bot", headers={"Authorization": "Bot " + TOKEN}) as r,
        ):
            body = await r.json()
        assert body["shards"] == 4 and body["url"] == sim.gateway_url
        limit = body["session_start_limit"]
        assert limit["max_concurrency"] == 2 and limit["remaining"] == limit["total"] == 1000
        assert sim.spec is not None and sim.spec.available
        assert sim.spec.validate_response("GET", "/gateway/bot", body) == []
    finally:
        await sim.stop()


@pytest.mark.parametrize("shard", [[2, 2], [0, 0], [-1, 2], [0], "0,1", [0.5, 2], [True, 2]])
async def test_an_invalid_shard_closes_4010(shard: Any) -> None:
    sim = Simulator(TOKEN)
    await sim.start()
    try:
        async with _raw_gateway(sim) as ws:
            await ws.send_json(_identify(shard))
            assert await _first_op(ws) == (None, 4010)
        assert sim.gateway.identifies == 0
    finally:
        await sim.stop()


async def test_too_many_guilds_on_one_shard_closes_4011() -> None:
    world = World()
    for i in range(3):
        world.create_guild(f"G{i}")
    sim = Simulator(TOKEN, world=world, guilds_per_shard=2)
    await sim.start()
    try:
        async with _raw_gateway(sim) as ws:
            await ws.send_json(_identify(...))
            assert await _first_op(ws) == (None, 4011)
    finally:
        await sim.stop()


async def test_identify_faster_than_the_bucket_allows_is_an_invalid_session() -> None:
    sim = Simulator(TOKEN, shard_count=4, max_concurrency=2, identify_window=5.0)
    await sim.start()
    try:
        async with _raw_gateway(sim) as ws0, _raw_gateway(sim) as ws1:
            await ws0.send_json(_identify([0, 4]))
            await ws1.send_json(_identify([1, 4]))  # bucket 1: its own limit
            assert await _first_op(ws0) == (0, "READY")
            assert await _first_op(ws1) == (0, "READY")
        async with _raw_gateway(sim) as ws2:
            await ws2.send_json(_identify([2, 4]))  # bucket 0 again within 5 s
            assert await _first_op(ws2) == (9, False)
        assert sim.gateway.identifies == 2
        assert len(sim.gateway.limiter.violations) == 1
        assert "bucket 0" in sim.gateway.limiter.violations[0]
    finally:
        await sim.stop()


def test_limiter_admits_one_identify_per_bucket_per_window() -> None:
    now = [100.0]
    limiter = IdentifyLimiter(max_concurrency=2, window=5.0, clock=lambda: now[0])
    assert limiter.admit(0) and limiter.admit(1)
    assert not limiter.admit(2) and not limiter.admit(3)
    now[0] += 5.0
    assert limiter.admit(2) and limiter.admit(3)
    assert limiter.session_start_limit()["remaining"] == 996
    assert parse_shard(None) == (0, 1) and parse_shard([3, 4]) == (3, 4)


async def test_a_real_client_identifying_too_fast_is_refused_until_the_window_passes() -> None:
    """discord.py identifies again after op 9; with max_concurrency 1 its second shard
    is refused until one window after the first, then connects."""
    world = World()
    _guilds_on_every_shard(world, 2)
    sim = Simulator(TOKEN, world=world, shard_count=2, max_concurrency=1, identify_window=0.5)
    await sim.start()
    bot = ShardedBot(shard_ids=[0, 1], shard_count=2)
    try:
        task = await start_client(sim, bot, timeout=8)
        assert sim.gateway.limiter.violations
        assert sim.gateway.ready_shards() == {(0, 2), (1, 2)}
        await stop_client(bot, task)
    finally:
        await bot.close()
        await sim.stop()
