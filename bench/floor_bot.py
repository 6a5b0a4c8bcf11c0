"""The floor: a bare discord.py bot with one slash command, `/ping` answering "pong".

    python -m bench.floor_bot --rest http://127.0.0.1:PORT/api/v10 --gateway ws://...

Runs against a simulator until terminated; every end-to-end figure of Nexus is set against
this bot's figure through the same simulator in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

import discord
from discord import app_commands
from discord.ext import commands

from bot.simulator.redirect import redirect_discord

# The same simulator serves both bots: bot.bot_process.TOKEN (not imported, so that the
# floor process loads no Nexus code; a test checks they agree).
TOKEN = "nexus-sim-token-0123456789abcdef"


class FloorBot(commands.Bot):
    def __init__(self) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.default(),
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            guild_ready_timeout=0.05,
        )

        @self.tree.command(name="ping", description="Answer pong")
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("pong")

        self.ping_command: app_commands.Command[..., None] = ping  # type: ignore[type-arg]

    async def setup_hook(self) -> None:
        await self.tree.sync()


async def _no_identify_wait(shard_id: int | None, *, initial: bool = False) -> None:
    return None


async def run(rest: str, gateway: str, token: str) -> None:
    redirect_discord(rest, gateway)
    bot = FloorBot()
    bot.before_identify_hook = _no_identify_wait  # type: ignore[method-assign]
    async with bot:
        await bot.start(token)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rest", required=True)
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--token", default=TOKEN)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    asyncio.run(run(args.rest, args.gateway, args.token))


if __name__ == "__main__":
    main()
