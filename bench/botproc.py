"""The bot under test in its own process: the real NexusBot against a simulator.

    python -m bench.botproc --rest http://127.0.0.1:PORT/api/v10 --gateway ws://... \
        --database sqlite+aiosqlite:///kb.db
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot.client import NexusBot
from bot.db import Database
from bot.settings import Settings
from bot.simulator.redirect import redirect_discord

TOKEN = "nexus-bench-token-0123456789abcdef"


async def _no_identify_wait(shard_id: int | None, *, initial: bool = False) -> None:
    return None


async def run(rest: str, gateway: str, database: str, token: str) -> None:
    redirect_discord(rest, gateway)
    settings = Settings(token=token, database_url=database, auto_migrate=False, auto_seed=False)
    db = Database.create(database)
    bot = NexusBot(settings, db, guild_ready_timeout=0.05)
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
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    asyncio.run(run(args.rest, args.gateway, args.database, args.token))


if __name__ == "__main__":
    main()
