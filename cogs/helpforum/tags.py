"""The help forum's tags on Discord: created by /setup, applied when a post is solved."""

from __future__ import annotations

import discord

from bot.services import helpforum

NEEDED = (
    ("view_channel", "View Channel"),
    ("read_message_history", "Read Message History"),
    ("send_messages_in_threads", "Send Messages in Threads"),
    ("manage_threads", "Manage Threads"),
)


def missing_permissions(forum: discord.ForumChannel) -> str:
    """What Nexus cannot do in the forum, as a sentence for the owner ("" when all is well)."""
    perms = forum.permissions_for(forum.guild.me)
    missing = [label for attr, label in NEEDED if not getattr(perms, attr)]
    if not missing:
        return ""
    return (
        f"In {forum.mention} I am missing: {', '.join(missing)}. Without them I cannot read "
        "new posts, answer in them, or tag and close them."
    )


async def ensure_tags(forum: discord.ForumChannel) -> str:
    """Create the help-forum tags the forum lacks (a track each, "Solved"); the answer says
    what happened, including why nothing could be done (no Manage Channels, 20 tags)."""
    missing = helpforum.missing_tags(t.name for t in forum.available_tags)
    if not missing:
        return "Its tags are ready: " + ", ".join(helpforum.TAG_NAMES) + "."
    room = helpforum.FORUM_TAGS_MAX - len(forum.available_tags)
    if room < len(missing):
        return (
            f"{forum.mention} already has {len(forum.available_tags)} tags (Discord allows "
            f"{helpforum.FORUM_TAGS_MAX}): remove {len(missing) - max(room, 0)} to let me add "
            + ", ".join(missing)
            + ", then run /setup again."
        )
    tags = list(forum.available_tags)
    for name in missing:
        moderated = helpforum.is_solved_tag(name)  # only moderators (and Nexus) set Solved
        tags.append(discord.ForumTag(name=name, moderated=moderated))
    try:
        await forum.edit(available_tags=tags)
    except discord.Forbidden:
        return (
            f"I could not add its tags ({', '.join(missing)}): give me the Manage Channels "
            f"permission in {forum.mention}, then run /setup again. Posts still become "
            "challenges meanwhile."
        )
    return "I added its tags: " + ", ".join(missing) + "."


def solved_tags(thread: discord.Thread, forum: discord.ForumChannel) -> list[discord.ForumTag]:
    """The post's tags with "Solved" added (dropping the last other one when 5 are set);
    unchanged when the forum has no Solved tag (removed by hand)."""
    solved = next((t for t in forum.available_tags if helpforum.is_solved_tag(t.name)), None)
    current = list(thread.applied_tags)
    if solved is None or any(t.id == solved.id for t in current):
        return current
    return current[: helpforum.POST_TAGS_MAX - 1] + [solved]
