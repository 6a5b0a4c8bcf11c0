"""Names for the ids a member's text mentions, from what Discord already told the bot.

A captured message brings its mentioned users (the interaction's resolved message);
roles, channels and threads come from the guild cache (Guilds intent). Members are not
cached (no members intent), so a user mentioned in typed text is named only when the bot
has seen them; otherwise the text shows "@member" (entries.plain_mentions).
"""

from __future__ import annotations

import re

import discord

from bot.services.entries import MentionNames

_IDS = re.compile(r"<(@[!&]?|#)(\d{1,20})>")


def mention_names(
    interaction: discord.Interaction, text: str, message: discord.Message | None = None
) -> MentionNames:
    users: dict[int, str] = {}
    roles: dict[int, str] = {}
    channels: dict[int, str] = {}
    guild = interaction.guild
    client = interaction.client
    mentioned = {u.id: u for u in message.mentions} if message is not None else {}
    for kind, raw in _IDS.findall(text):
        ident = int(raw)
        if kind == "@&":
            role = guild.get_role(ident) if guild is not None else None
            if role is not None:
                roles[ident] = role.name
        elif kind == "#":
            channel = guild.get_channel_or_thread(ident) if guild is not None else None
            if channel is not None:
                channels[ident] = channel.name
        else:
            user = (
                mentioned.get(ident)
                or (guild.get_member(ident) if guild is not None else None)
                or client.get_user(ident)
            )
            if ident == interaction.user.id:
                user = interaction.user
            if user is not None:
                users[ident] = user.display_name
    return MentionNames(users=users, roles=roles, channels=channels)
