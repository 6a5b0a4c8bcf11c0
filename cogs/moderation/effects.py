"""After a moderator action: mirror it to the mod-log channel, DM the author of a
rejected or hidden entry (with the reason), and tell a challenge's author of a solution
that was held for review and is now published.

Both are best effort: a failure is logged and never undoes or fails the action.
"""

from __future__ import annotations

import logging
from types import MappingProxyType
from typing import TYPE_CHECKING

import discord

from bot.services import guilds
from bot.services.moderation import ActionResult
from bot.ui.dm import send_notice
from cogs.cards import follow
from cogs.moderation.render import (
    MODERATION_SUMMARY,
    mirror_embed,
    rejection_dm,
    result_text,
)
from cogs.solutions.notices import solution_published

if TYPE_CHECKING:
    from bot.client import NexusBot

log = logging.getLogger("nexus.curation")

FOLLOWED = frozenset({"challenge", "solution", "takeaway", "concept"})  # with cards (cogs.cards)
WHY = MappingProxyType(
    {"hide": "it was hidden by the moderators", "reject": "the moderators declined it"}
)


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
    if result.action in ("reject", "hide") and result.notify_user_id and interaction.guild_id:
        guild_name = interaction.guild.name if interaction.guild else "your server"
        text = rejection_dm(guild_name, result)
        await send_notice(
            bot,
            interaction.guild_id,
            result.notify_user_id,
            "moderation",
            text,
            actor_id=interaction.user.id,
            summary=MODERATION_SUMMARY,
        )
    if result.action == "approve" and result.kind == "solution" and interaction.guild_id:
        await solution_published(interaction, interaction.guild_id, result.entry_id)
    if interaction.guild_id and result.kind in FOLLOWED:
        why = WHY.get(result.action, "the moderators changed it")
        # A base concept's cards show its id; the moderator changed this server's copy.
        for entry_id in dict.fromkeys((result.requested_id, result.entry_id)):
            await follow.follow(bot, interaction.guild_id, result.kind, entry_id, why=why)
    await mirror(bot, interaction, result_text(result), result.reason)


async def mirror(
    bot: NexusBot, interaction: discord.Interaction, text: str, reason: str | None
) -> None:
    if interaction.guild_id is None:
        return
    actor = getattr(interaction.user, "display_name", None) or interaction.user.name
    await mirror_to(bot, interaction.guild_id, actor, text, reason)


async def mirror_to(
    bot: NexusBot,
    guild_id: int,
    actor: str,
    text: str,
    reason: str | None,
    *,
    title: str = "Moderator action",
) -> None:
    """Post one line to the server's mod-log channel, if it has one (best effort)."""
    try:
        cfg = await guilds.get_settings(bot.db, guild_id)
        if cfg.mod_log_channel_id is None:
            return
        channel = bot.get_channel(cfg.mod_log_channel_id)
        if channel is None:
            channel = await bot.fetch_channel(cfg.mod_log_channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            log.warning("mod-log channel %s is not a text channel", cfg.mod_log_channel_id)
            return
        await channel.send(embed=mirror_embed(actor, text, reason, title=title))
    except discord.HTTPException as error:
        log.warning("could not mirror to the mod-log of guild %s: %s", guild_id, error)
