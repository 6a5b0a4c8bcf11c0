"""/privacy: a member decides whether Nexus may reuse their words outside the conversation."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.services import consent
from bot.services import web as web_hub

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

WEB_HIDDEN = (
    "Web hub: your challenges, solutions, takeaways and concepts are kept off this "
    "server's web hub (they stay in Discord). `/privacy web:True` allows them again."
)
WEB_SHOWN = (
    "Web hub: your published entries may appear on this server's web hub when the server "
    "has it on (never anything from private threads). `/privacy web:False` keeps them off."
)


class ConsentCog(commands.Cog):
    def __init__(self, bot: NexusBot) -> None:
        self.bot = bot

    @app_commands.command(name="privacy")
    @app_commands.guild_only()
    @app_commands.describe(
        reuse="Let others save your messages, and your entries appear in the digest and exports",
        web="Show what you wrote on this server's web hub (True) or keep it off",
    )
    async def privacy(
        self, interaction: discord.Interaction, reuse: bool | None = None, web: bool | None = None
    ) -> None:
        """See or change whether Nexus may reuse your messages outside the conversation."""
        assert interaction.guild_id is not None
        gid, uid = interaction.guild_id, interaction.user.id
        lines = []
        if reuse is None and web is None:
            allowed = await consent.get_reuse_allowed(self.bot.db, gid, uid)
            lines.append(ALLOWED_NOW if allowed else REFUSED_NOW)
            hidden = await web_hub.is_web_hidden(self.bot.db, gid, uid)
            lines.append(WEB_HIDDEN if hidden else WEB_SHOWN)
        if reuse is not None:
            await consent.set_reuse_allowed(self.bot.db, gid, uid, reuse)
            lines.append(OPTED_IN if reuse else OPTED_OUT)
        if web is not None:
            await web_hub.set_web_hidden(self.bot.db, gid, uid, not web)
            lines.append(WEB_SHOWN if web else WEB_HIDDEN)
        await interaction.response.send_message("\n\n".join(lines), ephemeral=True)
