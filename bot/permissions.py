"""The Discord permissions Nexus asks for when invited, each with the reason."""

from __future__ import annotations

from urllib.parse import urlencode

import discord

# (attribute on discord.Permissions, why Nexus needs it) — keep README in step.
REQUIRED: tuple[tuple[str, str], ...] = (
    ("view_channel", "see the digest, pairing and mod-log channels it posts in"),
    ("send_messages", "post weekly digests, pairing announcements and mod-log entries"),
    ("embed_links", "show concepts, challenges and digests as embeds"),
    ("read_message_history", "reply in context and keep jump links to captured messages"),
    ("create_private_threads", "give each pair a private thread in the pairing channel"),
    ("send_messages_in_threads", "post the starter and follow-up messages in pair threads"),
)


def required_permissions() -> discord.Permissions:
    perms = discord.Permissions.none()
    for name, _ in REQUIRED:
        setattr(perms, name, True)
    return perms


def invite_url(application_id: int) -> str:
    query = urlencode(
        {
            "client_id": application_id,
            "scope": "bot applications.commands",
            "permissions": required_permissions().value,
        }
    )
    return f"https://discord.com/oauth2/authorize?{query}"
