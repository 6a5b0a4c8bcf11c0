"""Run-time permission checks. Discord's default_permissions are only a hint."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.errors import NotAllowed
from bot.services import guilds

if TYPE_CHECKING:
    from bot.client import NexusBot

MOD_REFUSAL = "Only moderators (Manage Server, or the moderator role set in /setup) can do that."
ADMIN_REFUSAL = "Only server administrators (Manage Server) can change Nexus's settings."


def _member(interaction: discord.Interaction) -> discord.Member | None:
    user = interaction.user
    return user if isinstance(user, discord.Member) else None


def has_manage_guild(interaction: discord.Interaction) -> bool:
    member = _member(interaction)
    if member is None:
        return False
    perms = interaction.permissions
    return bool(perms.manage_guild or perms.administrator)


async def is_moderator(bot: NexusBot, interaction: discord.Interaction) -> bool:
    if interaction.guild_id is None:
        return False
    if has_manage_guild(interaction):
        return True
    member = _member(interaction)
    if member is None:
        return False
    settings = await guilds.get_settings(bot.db, interaction.guild_id)
    role_id = settings.moderator_role_id
    if role_id is None or role_id == interaction.guild_id:
        return False  # @everyone (saved before /setup refused it) makes nobody a moderator
    # member.roles skips roles missing from the cache; the raw id list never does.
    raw_ids = getattr(member, "_roles", ())
    return role_id in raw_ids or any(role.id == role_id for role in member.roles)


async def require_moderator(bot: NexusBot, interaction: discord.Interaction) -> None:
    if not await is_moderator(bot, interaction):
        raise NotAllowed(MOD_REFUSAL)


def require_admin(interaction: discord.Interaction) -> None:
    if not has_manage_guild(interaction):
        raise NotAllowed(ADMIN_REFUSAL)
