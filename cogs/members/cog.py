"""/me: a member's own contributions in this server (only they see the answer)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.services import members
from bot.ui.paginator import Page, Paginator
from cogs.members.render import contributions_embed, section_embed

if TYPE_CHECKING:
    from bot.client import NexusBot


SHOW_CHOICES = tuple(app_commands.Choice(name=s, value=s) for s in members.SECTIONS)


class MembersCog(commands.Cog):
    def __init__(self, bot: NexusBot) -> None:
        self.bot = bot

    @app_commands.command(name="me")
    @app_commands.guild_only()
    @app_commands.describe(show="All of one kind, page by page (default: a summary of everything)")
    @app_commands.choices(show=list(SHOW_CHOICES))
    async def me(
        self, interaction: discord.Interaction, show: app_commands.Choice[str] | None = None
    ) -> None:
        """Your contributions here: challenges, solutions, takeaways, pairings (only you see)."""
        assert interaction.guild_id is not None
        db, guild_id, user = self.bot.db, interaction.guild_id, interaction.user
        if show is not None:
            section = show.value

            async def fetch(page: int) -> Page:
                found = await members.my_entries(db, guild_id, user.id, section, page)
                return Page(section_embed(section, found, user.display_name), found.has_next)

            await Paginator.start(interaction, fetch, ephemeral=True)
            return
        found = await members.contributions(db, guild_id, user.id)
        guild = interaction.guild.name if interaction.guild else "this server"
        await interaction.response.send_message(
            embed=contributions_embed(found, interaction.user.display_name, guild),
            ephemeral=True,
        )
