"""`python -m bench.shardsim`: `python -m bench.simproc` with the guilds spread over shards.

bench.simproc gives every entity an id from one fixed instant, so every guild falls on
the same shard (`(id >> 22) % shards`). Here guild i and its channels, roles and members
take their ids from instant FIXED + i: consecutive guilds fall on consecutive shards.
"""

from __future__ import annotations

from bench import simproc
from bot.simulator import __main__ as simulator_main
from bot.simulator.snowflake import SnowflakeGenerator
from bot.simulator.world import World


class StepIds(SnowflakeGenerator):
    """Ids from instant `FIXED_MS + step`, in order; `step` moves per guild."""

    def __init__(self) -> None:
        super().__init__()
        self.step = 0
        self._n = 0

    def next(self) -> int:
        self._n += 1
        return ((simproc.FIXED_MS + self.step) << 22) + self._n


def build_world(guilds: int, members: int, app_id: int | None, bot_user_id: int | None) -> World:
    world = World(app_id=app_id, bot_user_id=bot_user_id)
    live, ids = world.ids, StepIds()
    world.ids = ids
    try:
        for i in range(guilds):
            ids.step = i
            guild = world.create_guild(f"Guild {i}", owner=f"owner-{i}")
            for j in range(members):
                guild.add_member(f"member-{i}-{j}")
    finally:
        world.ids = live
    return world


def main(argv: list[str] | None = None) -> int:
    simulator_main.build_world = build_world
    simproc.collect_between_runs()
    return simulator_main.main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
