"""/me: a member's own contributions in this server (only they see the answer)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.services import members
from cogs.members.render import contributions_embed

if TYPE_CHECKING:
    from bot.client import NexusBot


class MembersCog(commands.Cog):
    def __init__(self, bot: NexusBot) -> None:
        self.bot = bot

    @app_commands.command(name="me")
    @app_commands.guild_only()
    async def me(self, interaction: discord.Interaction) -> None:
        """Your contributions here: challenges, solutions, takeaways, pairings (only you see)."""
        assert interaction.guild_id is not None
        found = await members.contributions(self.bot.db, interaction.guild_id, interaction.user.id)
        guild = interaction.guild.name if interaction.guild else "this server"
        await interaction.response.send_message(
            embed=contributions_embed(found, interaction.user.display_name, guild),
            ephemeral=True,
        )
