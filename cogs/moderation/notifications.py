"""/notifications: the member's DMs from Nexus in this server, all at once or per kind."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

import discord

from bot.services import moderation

if TYPE_CHECKING:
    from bot.client import NexusBot

# The command's option per kind of notification (moderation.NOTICE_KINDS).
OPTIONS: Mapping[str, str] = MappingProxyType(
    {
        "new_solutions": "solution",
        "accepted": "accepted",
        "helped": "helped",
        "moderation": "moderation",
    }
)
OPTION_OF = MappingProxyType({kind: option for option, kind in OPTIONS.items()})
CLOSED_HINT = (
    "(If your DMs from this server's members are off, Discord refuses them: turn them on "
    "in the server's Privacy Settings.)"
)


def settings_text(dms: bool, kinds: Mapping[str, bool], changed: bool) -> str:
    head = "Saved. " if changed else ""
    if not dms:
        return (
            f"{head}Nexus won't DM you about your entries in this server "
            "(`/notifications dms:True` turns DMs back on)."
        )
    lines = [f"{head}Nexus DMs you in this server when:"]
    for kind, about in moderation.NOTICE_KINDS.items():
        mark = "on" if kinds.get(kind, True) else "off"
        lines.append(f"- {about}: **{mark}** (`{OPTION_OF[kind]}`)")
    lines.append(
        "At most one DM per kind every "
        f"{int(moderation.NOTICE_WINDOW.total_seconds() // 60)} minutes; "
        "what comes in between is summed up in the next one. " + CLOSED_HINT
    )
    return "\n".join(lines)


async def notifications(
    bot: NexusBot,
    interaction: discord.Interaction,
    dms: bool | None,
    kinds: Mapping[str, bool | None],
) -> None:
    assert interaction.guild_id is not None
    guild_id, user_id = interaction.guild_id, interaction.user.id
    wanted = {OPTIONS[o]: on for o, on in kinds.items() if on is not None}
    changed = dms is not None or bool(wanted)
    if dms is not None:
        await moderation.set_dm_notifications(bot.db, guild_id, user_id, dms)
    elif any(wanted.values()):
        # Asking for a kind means wanting DMs: the master switch follows.
        await moderation.set_dm_notifications(bot.db, guild_id, user_id, True)
    if wanted:
        await moderation.set_notice_kinds(bot.db, guild_id, user_id, wanted)
    enabled = await moderation.get_dm_notifications(bot.db, guild_id, user_id)
    current = await moderation.notice_kinds(bot.db, guild_id, user_id)
    await interaction.response.send_message(
        settings_text(enabled, current, changed), ephemeral=True
    )
