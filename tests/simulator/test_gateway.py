"""Gateway faults (op 7, op 9, close codes, missing ACKs) and sharding, with the real client."""

from __future__ import annotations

import asyncio
import time

import discord
import pytest

from bot.simulator import Simulator, World
from bot.simulator.testing import running, start_client

from .conftest import Env
from .plain_bot import PlainBot, ShardedBot


async def _still_answers(env: Env) -> None:
    reply = await env.sim.command(env.alice, "concept", {"name": "after"}, timeout=3)
    assert reply.content == "concept: after"


async def test_op7_reconnect_resumes(env: Env) -> None:
    await env.sim.gateway.send_reconnect()
    await env.sim.gateway.wait_until(lambda: env.sim.gateway.resumes == 1, 3)
    await _still_answers(env)
    assert env.sim.gateway.identifies == 1 and "resumed" in env.bot.events


async def test_events_missed_while_away_are_replayed(env: Env) -> None:
    await env.sim.gateway.close_connections(4000)
    msg = await env.sim.say(env.alice, env.general, "sent while the bot was away")
    await env.sim.gateway.wait_until(lambda: env.sim.gateway.resumes == 1, 3)
    await env.sim.gateway.wait_until(lambda: any(m.id == msg.id for m in env.bot.seen_messages), 2)
    await _still_answers(env)


async def test_op9_resumable_resumes(env: Env) -> None:
    await env.sim.gateway.invalidate_session(resumable=True)
    await env.sim.gateway.wait_until(lambda: env.sim.gateway.resumes == 1, 3)
    await _still_answers(env)
    assert env.sim.gateway.identifies == 1


async def test_op9_not_resumable_reidentifies(env: Env) -> None:
    await env.sim.gateway.invalidate_session(resumable=False)
    await env.sim.gateway.wait_until(lambda: env.sim.gateway.identifies == 2, 3)
    await env.sim.wait_for_ready(3)
    await _still_answers(env)
    assert env.sim.gateway.resumes == 0


async def test_close_4000_resumes(env: Env) -> None:
    await env.sim.gateway.close_connections(4000)
    await env.sim.gateway.wait_until(lambda: env.sim.gateway.resumes == 1, 3)
    await _still_answers(env)


async def test_close_4004_is_fatal() -> None:
    world = World()
    world.create_guild("Fatal")
    sim = Simulator(world=world)
    await sim.start()
    bot = PlainBot()
    try:
        task = await start_client(sim, bot)
        await sim.gateway.close_connections(4004)
        with pytest.raises(discord.ConnectionClosed) as info:
            await asyncio.wait_for(task, 3)
        assert info.value.code == 4004 and bot.is_closed()
    finally:
        await bot.close()
        await sim.stop()


async def test_wrong_token_is_a_login_failure() -> None:
    sim = Simulator(token="right")
    await sim.start()
    sim.redirect_client()
    bot = PlainBot()
    try:
        with pytest.raises(discord.LoginFailure):
            await bot.login("wrong")
    finally:
        await bot.close()
        await sim.stop()


async def test_missing_heartbeat_acks_make_the_client_reconnect() -> None:
    world = World()
    g = world.create_guild("Heartbeats")
    alice = g.add_member("alice")
    bot = PlainBot(heartbeat_timeout=0.4)
    async with running(bot, world=world, heartbeat_interval_ms=100) as sim:
        assert sim.gateway.heartbeats >= 1
        sim.gateway.ack_heartbeats = False
        await sim.gateway.wait_until(lambda: sim.gateway.resumes >= 1, 3)
        sim.gateway.ack_heartbeats = True
        reply = await sim.command(alice, "concept", {"name": "alive"}, timeout=3)
        assert reply.content == "concept: alive"


def _guilds_on_both_shards(world: World, count: int) -> list[int]:
    ids: list[int] = []
    while len({World.shard_of(i, 2) for i in ids}) < 2 or len(ids) < count:
        ids.append(world.create_guild(f"Guild {len(ids)}").id)
        time.sleep(0.002)  # snowflake timestamps decide the shard
    return ids


async def test_two_shards_get_their_own_guilds() -> None:
    world = World()
    ids = _guilds_on_both_shards(world, 4)
    members = {gid: world.guilds[gid].add_member(f"m{gid}") for gid in ids}
    bot = ShardedBot()
    async with running(bot, world=world, shard_count=2) as sim:
        assert bot.shard_count == 2 and sorted(bot.shards) == [0, 1]
        assert sorted(s.shard for s in sim.gateway.sessions.values()) == [(0, 2), (1, 2)]
        assert sorted(g.id for g in bot.guilds) == sorted(ids)
        for gid in ids:
            guild = bot.get_guild(gid)
            assert guild is not None and guild.shard_id == (gid >> 22) % 2
            reply = await sim.command(members[gid], "whereami")
            assert reply.content == f"shard {(gid >> 22) % 2}"
        calls = [r.path for r in sim.requests]
        assert "/gateway/bot" in calls


async def test_a_thousand_guilds_connect_quickly() -> None:
    world = World()
    for i in range(1000):
        g = world.create_guild(f"Guild {i}")
        for j in range(3):
            g.add_member(f"m{i}-{j}")
    bot = PlainBot()
    started = time.perf_counter()
    async with running(bot, world=world, timeout=20) as sim:
        elapsed = time.perf_counter() - started
        await sim.gateway.wait_until(lambda: len(bot.guilds) == 1000, 5)
        assert elapsed < 10, elapsed


async def test_members_intent_chunks_at_startup() -> None:
    world = World()
    g = world.create_guild("Chunky")
    for i in range(30):
        g.add_member(f"m{i}")
    intents = discord.Intents.default()
    intents.members = True
    client = discord.Client(intents=intents, guild_ready_timeout=0.05)
    async with running(client, world=world):
        guild = client.get_guild(g.id)
        assert guild is not None and guild.chunked and len(guild.members) == len(g.members)


async def test_message_content_needs_the_intent() -> None:
    world = World()
    g = world.create_guild("Private words")
    alice = g.add_member("alice")
    seen: list[str] = []
    client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.05)

    @client.event
    async def on_message(message: discord.Message) -> None:
        seen.append(message.content)

    async with running(client, world=world) as sim:
        await sim.say(alice, g.general, "secret")
        await sim.say(alice, g.general, f"hey <@{world.bot_user.id}>")
        await sim.say(alice, None, "in a DM", dm=True)
        await sim.gateway.wait_until(lambda: len(seen) == 3, 2)
    assert seen == ["", f"hey <@{world.bot_user.id}>", "in a DM"]


async def test_heartbeat_latency_is_the_round_trip_not_the_interval() -> None:
    """discord.py's keep-alive thread notes a heartbeat's send time only after the send
    completed; an ACK answered faster than that thread wakes up was measured against the
    previous heartbeat (latency = the whole interval), and past 10 s discord.py warned
    "Can't keep up, websocket is N s behind". Discord's ACK crosses the network: so does
    the simulator's, after a short delay."""
    world = World()
    world.create_guild("Heartbeats")
    bot = PlainBot()
    async with running(bot, world=world, heartbeat_interval_ms=400) as sim:
        await sim.gateway.wait_until(lambda: sim.gateway.heartbeats >= 4, 5)
        await asyncio.sleep(0.2)
        assert bot.latency < 0.2, bot.latency
