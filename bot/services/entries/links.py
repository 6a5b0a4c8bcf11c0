"""Jump links to the Discord messages entries came from."""

from __future__ import annotations


def jump_url(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def source_url(guild_id: int, channel_id: int | None, message_id: int | None) -> str | None:
    """The jump link of the chat message an entry was saved from (None: not from chat)."""
    if channel_id is None or message_id is None:
        return None
    return jump_url(guild_id, channel_id, message_id)
