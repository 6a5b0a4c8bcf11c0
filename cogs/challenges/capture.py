"""What "Save as challenge" / "Save as solution" may capture: a member's own words.

Whether the text says anything is the service's rule (entries.capture_text); who wrote
the message is Discord's to tell, so it is checked here.
"""

from __future__ import annotations

import discord

from bot.errors import Invalid
from cogs.challenges.render import name


def check_capturable(client: discord.Client, message: discord.Message) -> None:
    """Invalid (with the reason) for Nexus's own messages, other bots' and integrations'
    messages, and Discord's system messages."""
    me = client.user
    if me is not None and message.author.id == me.id:
        raise Invalid(
            "That is one of Nexus's own messages: there is nothing new to save. Challenges "
            "and solutions are saved from members' messages."
        )
    if message.author.bot or message.webhook_id is not None:
        raise Invalid(
            f"That message is from a bot or an integration ({name(message.author.display_name)})"
            ", not a member: only members' own words can be saved."
        )
    if message.is_system():
        raise Invalid("That is a Discord system message, not a member's words: nothing to save.")
