from __future__ import annotations

import time

from bot.simulator import World
from bot.simulator.testing import running

from .plain_bot import PlainBot


async def test_round_trip() -> None:
    world = World()
    g = world.create_guild("Learners")
    alice = g.add_member("alice")
    t0 = time.perf_counter()
    async with running(PlainBot(), world=world) as sim:
        ready = time.perf_counter() - t0
        reply = await sim.command(alice, "concept", {"name": "caching"})
        assert reply.content == "concept: caching"
    print("ready in", ready)
