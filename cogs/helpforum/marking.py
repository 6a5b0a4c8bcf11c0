"""Marking the answer of a help-forum post, from the message menu or the bot's button."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.services import guilds, helpforum
from bot.ui.checks import is_moderator
from cogs.challenges.capture import check_capturable
from cogs.challenges.render import name
from cogs.helpforum import render
from cogs.helpforum.intake import record
from cogs.helpforum.tags import solved_tags

if TYPE_CHECKING:
    from bot.client import NexusBot


async def help_forum_of(bot: NexusBot, thread: discord.Thread) -> discord.ForumChannel | None:
    """The thread's forum when it is the server's help forum (other threads cost nothing:
    no settings are read for a thread outside a forum)."""
    parent = thread.parent
    if not isinstance(parent, discord.ForumChannel):
        return None
    cfg = await guilds.get_settings(bot.db, thread.guild.id)
    return parent if cfg.help_forum_channel_id == parent.id else None


async def mark(
    bot: NexusBot,
    interaction: discord.Interaction,
    thread: discord.Thread,
    forum: discord.ForumChannel,
    message: discord.Message,
) -> None:
    """Record `message` as the post's solution, then (unless the post is closed) tag it
    Solved and thank the solver in the post. Answers the interaction ephemerally."""
    assert interaction.guild is not None
    check_capturable(bot, message)
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=True, thinking=True)
    if await helpforum.get_post(bot.db, interaction.guild.id, thread.id) is None:
        # A post Nexus has not recorded yet (made a moment ago, or while it was offline
        # and since closed): record it now, then mark its answer.
        await record(bot, thread, forum)
    marked = await helpforum.mark_solution(
        bot.db,
        interaction.guild.id,
        thread.id,
        message_id=message.id,
        content=message.content,
        author_id=message.author.id,
        author_name=message.author.display_name,
        actor_id=interaction.user.id,
        actor_is_moderator=await is_moderator(bot, interaction),
        thread_archived=thread.archived,
        now=bot.clock(),
    )
    solver = name(message.author.display_name)
    if marked.was_archived:
        await interaction.followup.send(
            f"Recorded {solver}'s reply as the solution. The post stays closed (nobody was "
            "notified).",
            ephemeral=True,
        )
        return
    notes = [f"Marked {solver}'s reply as the solution."]
    cfg = await guilds.get_settings(bot.db, interaction.guild.id)
    tags = solved_tags(thread, forum)
    try:
        if [t.id for t in tags] != [t.id for t in thread.applied_tags]:
            await thread.edit(applied_tags=tags)
    except discord.Forbidden:
        notes.append(f"I could not add the Solved tag: I need Manage Threads in {forum.mention}.")
    if marked.changed:
        own = message.author.id == interaction.user.id
        text = render.thanks_text(
            name(interaction.user.display_name), solver, own, cfg.help_forum_archive_hours
        )
        try:
            await message.reply(text, mention_author=False)
        except discord.HTTPException:
            notes.append("I could not post in the thread (missing permissions?).")
    await interaction.followup.send(" ".join(notes), ephemeral=True)
