"""The real NexusBot as its own process, against a simulator, until stopped or killed.

One harness for the tests and the benchmarks (the crash-safety test SIGKILLs it at random
moments and starts it again; the bench measures it beside the bare discord.py floor bot):

    python -m bot.bot_process --rest http://127.0.0.1:PORT/api/v10 \
        --gateway ws://127.0.0.1:PORT/gateway --database sqlite+aiosqlite:///nexus.db
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot.client import NexusBot
from bot.settings import Settings
from bot.simulator.redirect import redirect_discord
from bot.wiring import open_database

TOKEN = "nexus-sim-token-0123456789abcdef"


async def _no_identify_wait(shard_id: int | None, *, initial: bool = False) -> None:
    return None  # the simulator has no identify rate limit to wait for


async def run(
    rest: str,
    gateway: str,
    database: str,
    token: str,
    shards: tuple[int, tuple[int, ...]] | None = None,
    identify_window: float | None = None,
) -> None:
    redirect_discord(rest, gateway)
    settings = Settings(
        token=token,
        database_url=database,
        auto_migrate=False,
        auto_seed=False,
        shard_count=shards[0] if shards else None,
        shard_ids=shards[1] if shards else None,
    )
    db = open_database(database, listen=True)
    bot = NexusBot(settings, db, guild_ready_timeout=0.05)
    if identify_window is not None and bot.identify_gate is not None:
        # Several processes: identify buckets shared through PostgreSQL, with the
        # simulator's (shortened) window instead of Discord's 5 s.
        bot.identify_gate.window = identify_window
    else:
        bot.before_identify_hook = _no_identify_wait  # type: ignore[method-assign]
    try:
        async with bot:
            await bot.start(token)
    finally:
        await db.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rest", required=True)
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--token", default=TOKEN)
    parser.add_argument("--shard-count", type=int, default=None)
    parser.add_argument("--shard-ids", default=None, help="comma-separated, with --shard-count")
    parser.add_argument("--identify-window", type=float, default=None)
    args = parser.parse_args(argv)
    shards = None
    if args.shard_count is not None:
        ids = args.shard_ids or ",".join(map(str, range(args.shard_count)))
        shards = (args.shard_count, tuple(int(i) for i in ids.split(",")))
    logging.basicConfig(
        level=logging.WARNING,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    asyncio.run(
        run(args.rest, args.gateway, args.database, args.token, shards, args.identify_window)
    )


if __name__ == "__main__":
    main()
