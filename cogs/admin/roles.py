"""Which role may be Nexus's moderator role, and how many members hold it.

@everyone and roles managed by an integration (a bot's own role, Server Booster, a
linked-role integration) are refused: the first makes every member a moderator, and the
server cannot choose who holds the others.

How many members hold a role is known only when Discord tells us: Nexus has no members
intent, so its member cache holds little more than itself and `Role.members` would count
almost nobody. Discord's role member-counts endpoint answers instead, which
discord.py documents as needing Manage Roles; without that permission (or if Discord does
not answer in time) the count is unknown and /setup says so rather than guess. The
server's total is the member count Discord sends with the server (Guilds intent).
"""

from __future__ import annotations

import asyncio
import logging

import discord

from bot.errors import Invalid

log = logging.getLogger("nexus.admin")

COUNT_TIMEOUT = 1.5  # seconds: the /setup answer must go out within Discord's 3 s


def check_moderator_role(role: discord.Role) -> None:
    """Invalid (nothing saved) for @everyone and integration-managed roles."""
    if role.is_default():
        raise Invalid(
            "@everyone can't be the moderator role: every member would become a moderator "
            "(hide entries, approve the review queue, post the digest). Create a role for "
            "your moderators and choose it. Nothing was saved."
        )
    if role.managed:
        raise Invalid(
            f"@{discord.utils.escape_markdown(role.name)} is managed by an integration (a "
            "bot's own role, the Server Booster role, a linked role): Discord decides who "
            "holds it, not you. Choose a role you give to your moderators. Nothing was saved."
        )


async def holders(guild: discord.Guild, role: discord.Role) -> int | None:
    """How many members hold `role`, or None when Nexus cannot know."""
    if not guild.me.guild_permissions.manage_roles:
        return None
    try:
        counts = await asyncio.wait_for(guild.role_member_counts(), COUNT_TIMEOUT)
    except (discord.HTTPException, TimeoutError) as error:
        log.info("role member counts of server %s unavailable: %s", guild.id, error)
        return None
    return next((n for r, n in counts.items() if r.id == role.id), 0)


async def crowd_note(guild: discord.Guild | None, role: discord.Role) -> str | None:
    """A warning when more than half the server holds the new moderator role; a note
    when that cannot be known; None when the role is held by few."""
    name = f"@{discord.utils.escape_markdown(role.name)}"
    total = guild.member_count if guild is not None else None
    count = await holders(guild, role) if guild is not None else None
    if count is None or not total:
        return (
            f"I couldn't check how many members hold {name} (Nexus would need the Manage "
            "Roles permission to count them): make sure only your moderators have it."
        )
    if count * 2 > total:
        return (
            f"Warning: {name} is held by {count} of the server's {total} members, more than "
            "half. Every one of them can now curate Nexus (hide entries, approve the review "
            "queue, post the digest). If that is not what you meant, choose a smaller role."
        )
    return None
