"""A new help-forum post becomes a challenge: from its THREAD_CREATE, the start-up catch-up,
or on demand when an answer is marked in a post Nexus has not recorded yet."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord

from bot.errors import NexusError
from bot.services import helpforum

if TYPE_CHECKING:
    from bot.client import NexusBot

log = logging.getLogger(__name__)
STARTER_RETRIES = 3  # the first message may land just after THREAD_CREATE


async def record(
    bot: NexusBot, thread: discord.Thread, forum: discord.ForumChannel
) -> helpforum.NewPost | None:
    """Record a post as a challenge (idempotent). None: not a member's question (Nexus's
    own or another bot's post, no first message, no words)."""
    me = bot.user
    if me is not None and thread.owner_id == me.id:
        return None
    starter = await _starter(thread)
    if starter is None:
        log.info("help forum post %s has no first message (deleted?): skipped", thread.id)
        return None
    if starter.author.bot or starter.webhook_id is not None:
        return None  # other bots' and integrations' posts are not questions from members
    try:
        new = await helpforum.record_post(
            bot.db,
            thread.guild.id,
            forum_id=forum.id,
            thread_id=thread.id,
            title=thread.name,
            content=starter.content,
            author_id=starter.author.id,
            author_name=starter.author.display_name,
            tag_names=tuple(t.name for t in thread.applied_tags),
            now=bot.clock(),
        )
    except NexusError as exc:  # e.g. a title with no words: nothing to learn from
        log.info("help forum post %s not recorded: %s", thread.id, exc)
        return None
    return new


async def _starter(thread: discord.Thread) -> discord.Message | None:
    for attempt in range(STARTER_RETRIES):
        try:
            return await thread.fetch_message(thread.id)
        except discord.NotFound:
            await asyncio.sleep(0.5 * (attempt + 1))
        except discord.HTTPException:
            log.warning("could not read the first message of post %s", thread.id)
            return None
    return None
