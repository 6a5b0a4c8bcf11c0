"""/solution add: answer a challenge (the form re-checks the chosen challenge on submit);
/solution edit|remove: the author's own solutions."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.services import challenges
from cogs.challenges.authors import own_entry_choices
from cogs.challenges.cog import ID_MAX, challenge_choices
from cogs.challenges.own import edit_entry, remove_entry
from cogs.solutions.views import AddSolutionModal

if TYPE_CHECKING:
    from bot.client import NexusBot


class SolutionsCog(commands.Cog):
    def __init__(self, bot: NexusBot) -> None:
        self.bot = bot

    solution = app_commands.Group(name="solution", description="Answer challenges", guild_only=True)

    @solution.command(name="add")
    @app_commands.describe(challenge="The challenge you solve: type words from its title")
    async def add(
        self, interaction: discord.Interaction, challenge: app_commands.Range[int, 1, ID_MAX]
    ) -> None:
        """Write a solution to a challenge (opens a form)."""
        assert interaction.guild_id is not None
        page = await challenges.get_challenge_page(
            self.bot.db, interaction.guild_id, challenge, viewer_id=interaction.user.id
        )
        await interaction.response.send_modal(
            AddSolutionModal(page.challenge.id, page.challenge.title)
        )

    @add.autocomplete("challenge")
    async def _challenges(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        return await challenge_choices(self.bot, interaction, current)

    @solution.command(name="remove")
    @app_commands.describe(id="One of your solutions (written by you or saved from your message)")
    async def remove(
        self, interaction: discord.Interaction, id: app_commands.Range[int, 1, ID_MAX]
    ) -> None:
        """Remove a solution of yours from Nexus (its text is deleted)."""
        await remove_entry(interaction, "solution", id)

    @solution.command(name="edit")
    @app_commands.describe(id="One of your solutions (written by you or saved from your message)")
    async def edit(
        self, interaction: discord.Interaction, id: app_commands.Range[int, 1, ID_MAX]
    ) -> None:
        """Edit a solution of yours (opens a form with its current text)."""
        await edit_entry(interaction, "solution", id)

    @remove.autocomplete("id")
    async def _own_solutions(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        return await own_entry_choices(interaction, "solution", current)

    edit.autocomplete("id")(_own_solutions)
