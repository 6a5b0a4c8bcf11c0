"""The author's say over entries saved from their messages.

Someone else saved your message: you get a DM (unless you turned them off or your DMs are
closed) with a "Remove it" button; /challenge remove and /solution remove do the same
(cogs/challenges/own.py).
Someone saved your message in a PRIVATE thread: the entry is held, seen only by you,
until you press Approve (then the server's review policy applies) or Decline (it is
removed). That request goes by DM, or, when Nexus cannot DM you, into the thread itself,
pinging only you. The buttons are DynamicItems (`nexus:author:<action>:<kind>:<guild>:
<id>:<author>`): they work after a restart, in DMs (where an interaction carries no
server), and only for the author.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import discord

from bot.errors import NotAllowed
from bot.services import moderation
from bot.services.moderation import Actor, AuthorResult
from bot.ui.base import guarded
from bot.ui.dm import send_dm
from bot.ui.render import CHOICE_MAX, plain_label
from cogs.cards import follow
from cogs.cards.follow import REMOVED_BY_AUTHOR
from cogs.challenges import render
from cogs.moderation.effects import mirror_to
from cogs.solutions.notices import solution_published

if TYPE_CHECKING:
    from bot.client import NexusBot

log = logging.getLogger("nexus.capture")

TEMPLATE = (
    r"nexus:author:(?P<action>withdraw|remove|keep|approve|decline):(?P<kind>challenge|solution)"
    r":(?P<guild>[0-9]{1,20}):(?P<id>[0-9]{1,19}):(?P<author>[0-9]{1,20})"
)
# "withdraw" asks first; "remove" (confirmed) and "keep" answer that question.
_LABELS = MappingProxyType(
    {
        "withdraw": "Remove it",
        "remove": "Yes, remove it",
        "keep": "Keep it",
        "approve": "Approve",
        "decline": "Decline",
    }
)
_STYLES = MappingProxyType(
    {
        "withdraw": discord.ButtonStyle.danger,
        "remove": discord.ButtonStyle.danger,
        "keep": discord.ButtonStyle.secondary,
        "approve": discord.ButtonStyle.success,
        "decline": discord.ButtonStyle.secondary,
    }
)


def _bot(interaction: discord.Interaction) -> NexusBot:
    return interaction.client  # type: ignore[return-value]


def is_private_thread(channel: Any) -> bool:
    return getattr(channel, "type", None) == discord.ChannelType.private_thread


@dataclass(frozen=True)
class Captured:
    """An entry just saved from someone's message, as its author will hear of it."""

    kind: str  # challenge | solution
    entry_id: int
    guild_id: int
    author_id: int
    about: str  # the challenge's title (for a solution: the challenge it answers)
    jump_url: str | None
    status: str

    @property
    def awaiting(self) -> bool:
        """Held for the author's consent (saved by someone else in a private thread)."""
        return self.status == "awaiting_author"


class AuthorButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
    def __init__(self, action: str, kind: str, guild_id: int, entry_id: int, author_id: int):
        self.action, self.kind = action, kind
        self.guild_id, self.entry_id, self.author_id = guild_id, entry_id, author_id
        custom_id = f"nexus:author:{action}:{kind}:{guild_id}:{entry_id}:{author_id}"
        super().__init__(
            discord.ui.Button(label=_LABELS[action], style=_STYLES[action], custom_id=custom_id)
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> AuthorButton:
        return cls(
            match["action"],
            match["kind"],
            int(match["guild"]),
            int(match["id"]),
            int(match["author"]),
        )

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: self._decide(interaction))

    async def _decide(self, interaction: discord.Interaction) -> None:
        if interaction.user.id != self.author_id:
            raise NotAllowed(f"Only <@{self.author_id}>, who wrote that message, can decide.")
        bot = _bot(interaction)
        actor = Actor(interaction.user.id, interaction.user.display_name)
        what = f"{self.kind} #{self.entry_id}"
        if self.action in ("withdraw", "keep"):
            # Asking: "Yes, remove it" / "Keep it"; kept: "Remove it" stays for later.
            ask = self.action == "withdraw"
            view = discord.ui.View(timeout=None)
            for action in ("remove", "keep") if ask else ("withdraw",):
                view.add_item(
                    AuthorButton(action, self.kind, self.guild_id, self.entry_id, self.author_id)
                )
            text = render.confirm_removal(what) if ask else render.kept(what, self.kind)
            await interaction.response.edit_message(content=text, view=view)
            return
        if self.action == "remove":
            result = await moderation.withdraw(
                bot.db, self.guild_id, actor, self.kind, self.entry_id
            )
        else:
            result = await moderation.consent(
                bot.db,
                self.guild_id,
                actor,
                self.kind,
                self.entry_id,
                approve=self.action == "approve",
            )
        await interaction.response.edit_message(content=render.decided(result), view=None)
        await mirror_removal(bot, self.guild_id, interaction.user.display_name, result)
        await follow.follow(bot, self.guild_id, result.kind, result.entry_id, why=REMOVED_BY_AUTHOR)
        if result.action == "approve" and result.kind == "solution":
            if result.status == "published":
                await solution_published(interaction, self.guild_id, self.entry_id)


def author_view(captured: Captured, *actions: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for action in actions:
        view.add_item(
            AuthorButton(
                action, captured.kind, captured.guild_id, captured.entry_id, captured.author_id
            )
        )
    return view


async def after_capture(interaction: discord.Interaction, captured: Captured) -> None:
    """Tell the author of a message someone else saved: a consent request for a capture
    from a private thread, else a DM with "Remove it". Best effort, after the answer."""
    bot = _bot(interaction)
    guild_name = interaction.guild.name if interaction.guild else "your server"
    saver = interaction.user.display_name
    if not captured.awaiting:
        command = f"/{captured.kind} remove id:{captured.entry_id}"
        text = render.captured_dm(
            captured_kind_text(captured),
            saver,
            guild_name,
            captured.jump_url,
            command,
            published=captured.status == "published",
        )
        await send_dm(
            bot, captured.guild_id, captured.author_id, text, view=author_view(captured, "withdraw")
        )
        return
    thread = getattr(interaction.channel, "name", None) or "a private thread"
    text = render.consent_request(
        captured_kind_text(captured), saver, thread, guild_name, captured.jump_url
    )
    view = author_view(captured, "approve", "decline")
    if await send_dm(bot, captured.guild_id, captured.author_id, text, view=view):
        return
    channel = interaction.channel
    if isinstance(channel, discord.abc.Messageable):
        try:
            await channel.send(
                f"<@{captured.author_id}> {text}",
                view=view,
                allowed_mentions=discord.AllowedMentions(
                    users=[discord.Object(captured.author_id)]
                ),
            )
            return
        except discord.HTTPException as error:
            log.warning("could not ask for consent in channel %s: %s", channel.id, error)
    await interaction.followup.send(render.CONSENT_UNREACHABLE, ephemeral=True)


def captured_kind_text(captured: Captured) -> str:
    if captured.kind == "solution":
        return f"solution #{captured.entry_id} to “{captured.about}”"
    return f"challenge #{captured.entry_id} (“{captured.about}”)"


async def mirror_removal(bot: NexusBot, guild_id: int, author: str, result: AuthorResult) -> None:
    """Moderators see a removal of something they could see in the mod-log; a declined
    consent request stays between the author and the thread."""
    if result.action != "withdraw" or result.previous == "awaiting_author":
        return
    line = render.removed_log_line(result)
    await mirror_to(bot, guild_id, author, line, None, title="Removed by its author")


async def own_entry_choices(
    interaction: discord.Interaction, kind: str, current: str
) -> list[discord.app_commands.Choice[int]]:
    if interaction.guild_id is None:
        return []
    found = await moderation.own_entries(
        _bot(interaction).db, interaction.guild_id, kind, interaction.user.id, current
    )
    return [
        discord.app_commands.Choice(name=plain_label(text, CHOICE_MAX), value=entry_id)
        for entry_id, text in found
    ]
