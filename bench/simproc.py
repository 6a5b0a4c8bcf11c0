"""`python -m bench.simproc`: `python -m bot.simulator` with deterministic guild ids.

The benchmark databases are generated (and cached) before the simulator starts, so the
server they belong to must have a known id. Guilds, their channels, roles and members are
built with a counter-based snowflake generator; everything created afterwards (messages,
interactions) uses the simulator's ordinary time-based ids, which are larger.
"""

from __future__ import annotations

import gc
from typing import Any

from bot.simulator import __main__ as simulator_main
from bot.simulator.control import ControlRoutes
from bot.simulator.snowflake import DISCORD_EPOCH_MS, SnowflakeGenerator
from bot.simulator.world import World

FIXED_MS = 1704067200000 - DISCORD_EPOCH_MS  # 2024-01-01T00:00:00Z


class FixedIds(SnowflakeGenerator):
    """Strictly increasing ids from a fixed instant (FIXED_MS + `step`): the same world
    gets the same ids. `step` moves per guild when the guilds are spread over shards."""

    def __init__(self) -> None:
        super().__init__()
        self.step = 0
        self._n = 0

    def next(self) -> int:
        self._n += 1
        return ((FIXED_MS + self.step) << 22) + self._n


def build_world(
    guilds: int,
    members: int,
    app_id: int | None,
    bot_user_id: int | None,
    *,
    spread: bool = False,
) -> World:
    """The bench's world. `spread`: guild i takes its ids from instant FIXED_MS + i, so
    consecutive guilds fall on consecutive shards (`(id >> 22) % shards`); otherwise every
    id comes from one instant and every guild falls on shard 0."""
    world = World(app_id=app_id, bot_user_id=bot_user_id)
    live, ids = world.ids, FixedIds()
    world.ids = ids
    try:
        for i in range(guilds):
            ids.step = i if spread else 0
            guild = world.create_guild(f"Guild {i}", owner=f"owner-{i}")
            for j in range(members):
                guild.add_member(f"member-{i}-{j}")
    finally:
        world.ids = live
    return world


def target_guild_id() -> int:
    """The id of the first guild of every bench world (the one the data belongs to)."""
    return next(iter(build_world(1, 0, None, None).guilds))


def collect_between_runs() -> None:
    """The simulator stands in for Discord, so its own pauses must not count against the
    bot under test: automatic cycle collection is off in this process and a full one runs
    whenever the driver clears the timings, i.e. before every measured run. (It keeps every
    message of the run, so late in a bench its collections took 100+ ms, mid-run.)"""
    original = ControlRoutes.clearing

    async def clearing(self: ControlRoutes, request: Any) -> Any:
        response = await original(self, request)
        if request.path.endswith("/timings"):
            gc.collect()
        return response

    ControlRoutes.clearing = clearing  # type: ignore[method-assign]
    gc.disable()


def main(argv: list[str] | None = None) -> int:
    simulator_main.build_world = build_world
    collect_between_runs()
    return simulator_main.main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
