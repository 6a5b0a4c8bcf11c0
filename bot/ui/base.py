"""Base view and modal that route their errors through the tree's single error path."""

from __future__ import annotations

from typing import Any

import discord

from bot.tree import report_error


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
