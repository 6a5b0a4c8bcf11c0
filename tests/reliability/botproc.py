"""Run the real NexusBot as its own process against a simulator, until killed.

    python -m tests.reliability.botproc --rest http://127.0.0.1:PORT/api/v10 \
        --gateway ws://127.0.0.1:PORT/gateway --database sqlite+aiosqlite:///nexus.db

The crash-safety test starts it, SIGKILLs it at random moments and starts it again.
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

TOKEN = "nexus-e2e-token-0123456789abcdef"


async def _no_identify_wait(shard_id: int | None, *, initial: bool = False) -> None:
    return None


async def run(rest: str, gateway: str, database: str, token: str) -> None:
    redirect_discord(rest, gateway)
    settings = Settings(token=token, database_url=database, auto_migrate=False,
                        auto_seed=False)
    db = Database.create(database)
    bot = NexusBot(settings, db, guild_ready_timeout=0.05)
    bot.before_identify_hook = _no_identify_wait  # type: ignore[method-assign]
    try:
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
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(run(args.rest, args.gateway, args.database, args.token))


if __name__ == "__main__":
    main()
