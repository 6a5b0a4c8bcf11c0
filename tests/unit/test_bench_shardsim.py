"""bench.shardsim: the scale-out bench's world puts consecutive guilds on consecutive
shards (bench.simproc's fixed ids put every guild on one), the same ids every time."""

from __future__ import annotations

from bench import shardsim, simproc
from bot.simulator.world import World


def test_guilds_are_spread_over_the_shards_and_ids_are_stable() -> None:
    world = shardsim.build_world(8, 3, None, None)
    shards = [World.shard_of(g, 2) for g in world.guilds]
    assert sorted(shards) == [0, 0, 0, 0, 1, 1, 1, 1]
    assert all(a != b for a, b in zip(shards, shards[1:], strict=False))
    assert list(shardsim.build_world(8, 3, None, None).guilds) == list(world.guilds)
    same = {World.shard_of(g, 2) for g in simproc.build_world(8, 3, None, None).guilds}
    assert len(same) == 1  # why shardsim exists
