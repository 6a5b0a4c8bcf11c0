"""/privacy: a member decides whether Nexus may reuse their words outside the conversation."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.services import consent

if TYPE_CHECKING:
    from bot.client import NexusBot

OPTED_OUT = (
    "Done: in this server, members can no longer save your messages with **Save as "
    "challenge** or **Save as solution**, and nothing you wrote appears in the weekly "
    "digest or in an exported knowledge hub. What you share yourself (`/challenge share`, "
    "`/solution add`, `/takeaway share`, or saving your own message) stays yours to use "
    "here. Entries saved from your messages earlier: `/challenge remove` and "
    "`/solution remove` take them out. Change your mind any time with `/privacy reuse:True`."
)
OPTED_IN = (
    "Members can save your messages as challenges and solutions again (you'll hear of "
    "it, with a way to remove it), and your entries can appear in the weekly digest and "
    "exports. `/privacy reuse:False` turns that off."
)
ALLOWED_NOW = (
    "Right now others may save your messages as challenges or solutions, and your entries "
    "may appear in the weekly digest and exports. `/privacy reuse:False` turns that off."
)
REFUSED_NOW = (
    "Right now nobody else can save your messages, and nothing you wrote appears in the "
    "digest or exports. `/privacy reuse:True` allows it again."
)


class ConsentCog(commands.Cog):
    def __init__(self, bot: NexusBot) -> None:
        self.bot = bot

    @app_commands.command(name="privacy")
    @app_commands.guild_only()
    @app_commands.describe(
        reuse="Let others save your messages, and your entries appear in the digest and exports"
    )
    async def privacy(self, interaction: discord.Interaction, reuse: bool | None = None) -> None:
        """See or change whether Nexus may reuse your messages outside the conversation."""
        assert interaction.guild_id is not None
        gid, uid = interaction.guild_id, interaction.user.id
        if reuse is None:
            allowed = await consent.get_reuse_allowed(self.bot.db, gid, uid)
            text = ALLOWED_NOW if allowed else REFUSED_NOW
        else:
            await consent.set_reuse_allowed(self.bot.db, gid, uid, reuse)
            text = OPTED_IN if reuse else OPTED_OUT
        await interaction.response.send_message(text, ephemeral=True)
