"""`python -m bench.shardsim`: `python -m bench.simproc` with the guilds spread over shards.

bench.simproc gives every entity an id from one fixed instant, so every guild falls on
the same shard (`(id >> 22) % shards`). Here guild i and its channels, roles and members
take their ids from instant FIXED + i: consecutive guilds fall on consecutive shards.
"""

from __future__ import annotations

from bench import simproc
from bot.simulator import __main__ as simulator_main
from bot.simulator.world import World


def build_world(guilds: int, members: int, app_id: int | None, bot_user_id: int | None) -> World:
    return simproc.build_world(guilds, members, app_id, bot_user_id, spread=True)


def main(argv: list[str] | None = None) -> int:
    simulator_main.build_world = build_world
    simproc.collect_between_runs()
    return simulator_main.main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
