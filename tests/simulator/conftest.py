"""Fixtures for the simulator's own tests: a small world and the plain bot connected to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.simulator import Channel, Guild, Member, Role, Simulator, World
from bot.simulator.testing import running, sim_world, simulator  # noqa: F401 (fixtures)

from .plain_bot import PlainBot


@dataclass
class Env:
    sim: Simulator
    bot: PlainBot
    world: World
    guild: Guild
    general: Channel
    pairing: Channel
    mod_role: Role
    alice: Member
    bob: Member
    mod: Member
    expect_violations: bool = False


def build_world() -> tuple[World, dict[str, object]]:
    world = World()
    g = world.create_guild("Learners", owner="owner")
    mod_role = g.create_role("Moderator", ["MANAGE_MESSAGES", "MANAGE_THREADS"])
    parts: dict[str, object] = {
        "guild": g,
        "general": g.general,
        "pairing": g.create_text_channel("pairing"),
        "mod_role": mod_role,
        "alice": g.add_member("alice", global_name="Alice"),
        "bob": g.add_member("bob"),
        "mod": g.add_member("mod", roles=[mod_role]),
    }
    return world, parts


@pytest.fixture
async def env() -> AsyncIterator[Env]:
    world, parts = build_world()
    bot = PlainBot()
    async with running(bot, world=world, interaction_window=None) as sim:
        e = Env(sim=sim, bot=bot, world=world, **parts)  # type: ignore[arg-type]
        yield e
        # Everything the plain bot sends is valid unless a test provokes a violation.
        assert e.expect_violations or not sim.violations, [v.reason for v in sim.violations]
        assert not sim.internal_errors, sim.internal_errors
