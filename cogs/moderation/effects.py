"""After a moderator action: mirror it to the mod-log channel and DM a rejected author.

Both are best effort: a failure is logged and never undoes or fails the action.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.services import guilds
from bot.services.moderation import ActionResult
from cogs.moderation.render import mirror_embed, rejection_dm, result_text

if TYPE_CHECKING:
    from bot.client import NexusBot

log = logging.getLogger("nexus.curation")


async def reply_and_log(
    bot: NexusBot, interaction: discord.Interaction, result: ActionResult
) -> None:
    """Answer a moderator's command with the result (ephemeral), then the side effects."""
    await interaction.response.send_message(result_text(result), ephemeral=True)
    await after_action(bot, interaction, result)


async def after_action(
    bot: NexusBot, interaction: discord.Interaction, result: ActionResult
) -> None:
    # DM first, mirror last: a mod-log line means every side effect of the action is done.
    if result.action == "reject" and result.notify_user_id:
        guild_name = interaction.guild.name if interaction.guild else "your server"
        await dm_author(bot, result.notify_user_id, rejection_dm(guild_name, result))
    await mirror(bot, interaction, result_text(result), result.reason)


async def mirror(
    bot: NexusBot, interaction: discord.Interaction, text: str, reason: str | None
) -> None:
    if interaction.guild_id is None:
        return
    try:
        cfg = await guilds.get_settings(bot.db, interaction.guild_id)
        if cfg.mod_log_channel_id is None:
            return
        channel = bot.get_channel(cfg.mod_log_channel_id)
        if channel is None:
            channel = await bot.fetch_channel(cfg.mod_log_channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            log.warning("mod-log channel %s is not a text channel", cfg.mod_log_channel_id)
            return
        actor = getattr(interaction.user, "display_name", None) or interaction.user.name
        await channel.send(embed=mirror_embed(actor, text, reason))
    except discord.HTTPException as error:
        log.warning("could not mirror to the mod-log of guild %s: %s", interaction.guild_id, error)


async def dm_author(bot: NexusBot, user_id: int, text: str) -> None:
    try:
        user = bot.get_user(user_id) or await bot.fetch_user(user_id)
        await user.send(text)
    except discord.HTTPException as error:  # 403: DMs closed; 404: account gone
        log.info("could not DM user %s about their entry: %s", user_id, error)
