"""Base view and modal that route their errors through the tree's single error path."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.tree import report_error


async def guarded(interaction: discord.Interaction, action: Callable[[], Awaitable[None]]) -> None:
    """discord.py only logs DynamicItem callback errors: route them to the one error path."""
    try:
        await action()
    except Exception as error:  # report_error tells domain errors from bugs
        await report_error(interaction, error)


class NexusView(discord.ui.View):
    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await report_error(interaction, error)


class NexusModal(discord.ui.Modal):
    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction, error: Exception
    ) -> None:
        await report_error(interaction, error)
