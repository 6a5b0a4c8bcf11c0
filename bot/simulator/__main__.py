"""`python -m bot.simulator`: run a simulator as its own process (benchmarks, crash tests).

Writes its URLs as JSON to --ready-file (and stdout) once listening; stops on SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

from .simulator import Simulator
from .world import World


def build_world(guilds: int, members: int, app_id: int | None, bot_user_id: int | None) -> World:
    world = World(app_id=app_id, bot_user_id=bot_user_id)
    for i in range(guilds):
        guild = world.create_guild(f"Guild {i}", owner=f"owner-{i}")
        for j in range(members):
            guild.add_member(f"member-{i}-{j}")
    return world


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bot.simulator", description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--token", default="test-token")
    p.add_argument("--guilds", type=int, default=1)
    p.add_argument("--members", type=int, default=3)
    p.add_argument("--shards", type=int, default=1)
    p.add_argument("--max-concurrency", type=int, default=16)
    p.add_argument(
        "--identify-window",
        type=float,
        default=0.0,
        help="seconds between identifies of one bucket (Discord: 5); 0 disables the check",
    )
    p.add_argument("--guilds-per-shard", type=int, default=2500)
    p.add_argument("--app-id", type=int, default=None)
    p.add_argument("--bot-user-id", type=int, default=None)
    p.add_argument("--heartbeat-ms", type=int, default=41250)
    p.add_argument(
        "--interaction-window",
        type=float,
        default=3.0,
        help="seconds to acknowledge an interaction; 0 disables the check",
    )
    p.add_argument("--no-schema", action="store_true", help="skip OpenAPI validation")
    p.add_argument("--spec", default=None, help="path of Discord's openapi.json")
    p.add_argument("--ready-file", default=None)
    p.add_argument("--log-level", default="WARNING")
    return p.parse_args(argv)


def _write_ready(path: str, info: dict[str, Any]) -> None:
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps(info), encoding="utf-8")
    os.replace(tmp, target)


async def serve(args: argparse.Namespace) -> None:
    world = build_world(args.guilds, args.members, args.app_id, args.bot_user_id)
    sim = Simulator(
        args.token,
        world=world,
        host=args.host,
        port=args.port,
        spec_path=args.spec,
        validate_schema=not args.no_schema,
        heartbeat_interval_ms=args.heartbeat_ms,
        shard_count=args.shards,
        max_concurrency=args.max_concurrency,
        identify_window=args.identify_window,
        guilds_per_shard=args.guilds_per_shard,
        interaction_window=args.interaction_window or None,
    )
    await sim.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    info = {
        "pid": os.getpid(),
        "base_url": sim.base_url,
        "rest_url": sim.rest_url,
        "gateway_url": sim.gateway_url,
        "control_url": sim.base_url + "/_sim",
        "token": sim.token,
        "app_id": world.app_id,
        "bot_user_id": world.bot_user.id,
        "guilds": len(world.guilds),
        "shards": args.shards,
    }
    print(json.dumps(info), flush=True)
    if args.ready_file:
        _write_ready(args.ready_file, info)
    try:
        await stop.wait()
    finally:
        await sim.stop()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
