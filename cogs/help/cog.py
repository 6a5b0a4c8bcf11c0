"""/help: a short guide for the member's role; the set-up guide when Nexus joins a server."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.services import guilds
from bot.ui.checks import has_manage_guild, is_moderator
from bot.ui.dm import send_dm
from cogs.help import render
from cogs.help.views import help_view

if TYPE_CHECKING:
    from bot.client import NexusBot

log = logging.getLogger("nexus.help")


class HelpCog(commands.Cog):
    def __init__(self, bot: NexusBot) -> None:
        self.bot = bot

    @app_commands.command(name="help")
    @app_commands.guild_only()
    async def help(self, interaction: discord.Interaction) -> None:
        """What you can do with Nexus here, with buttons to start."""
        if has_manage_guild(interaction):
            role = render.ADMIN
        elif await is_moderator(self.bot, interaction):
            role = render.MODERATOR
        else:
            role = render.LEARNER
        await interaction.response.send_message(
            embed=render.help_embed(role), view=help_view(role), ephemeral=True
        )

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        """The set-up guide, once per server ever: to the owner by DM, else in the server's
        system channel. Delivered nowhere, it is tried again on the next join."""
        db = self.bot.db
        if not await guilds.claim_setup_guide(db, guild.id, self.bot.clock()):
            return
        owner_id = guild.owner_id
        if owner_id is not None and await send_dm(
            self.bot, guild.id, owner_id, render.setup_guide(guild.name)
        ):
            await guilds.record_setup_guide(db, guild.id, "owner-dm")
            return
        channel = guild.system_channel
        if channel is not None and channel.permissions_for(guild.me).send_messages:
            try:
                await channel.send(render.setup_guide(guild.name, in_channel=True))
            except discord.HTTPException as error:
                log.info("could not post the set-up guide in server %s: %s", guild.id, error)
            else:
                await guilds.record_setup_guide(db, guild.id, "system-channel")
                return
        log.info("set-up guide for server %s delivered nowhere; next join tries again", guild.id)
        await guilds.release_setup_guide(db, guild.id)
