"""The "Mark the answer" button on Nexus's reply in a post: the asker (or a moderator) picks
the reply that solved it. A DynamicItem (`nexus:forum:mark:<thread>`): works after restarts.
Beside it, one button per concept the reply proposes opens it for whoever clicks."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord

from bot.errors import Invalid, NotAllowed, NotFound
from bot.services import helpforum
from bot.services.concepts import RelatedRef
from bot.ui.base import NexusView, guarded
from bot.ui.checks import is_moderator
from bot.ui.render import SELECT_OPTION_MAX, plain_label
from cogs.concepts.views import OpenConceptButton
from cogs.helpforum.marking import help_forum_of, mark

if TYPE_CHECKING:
    from bot.client import NexusBot

TEMPLATE = r"nexus:forum:mark:(?P<thread>[0-9]{1,20})"
REPLIES_MAX = 25  # a select menu's options
HISTORY = 100
CONCEPT_BUTTONS_MAX = 4  # with "Mark the answer": one row


def _bot(interaction: discord.Interaction) -> NexusBot:
    return interaction.client  # type: ignore[return-value]


def mark_view(thread_id: int, concepts: Sequence[RelatedRef] = ()) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(MarkButton(thread_id))
    for c in concepts[:CONCEPT_BUTTONS_MAX]:
        view.add_item(OpenConceptButton(c.id, c.name))
    return view


async def _post_and_forum(
    interaction: discord.Interaction, thread_id: int
) -> tuple[discord.Thread, discord.ForumChannel]:
    """The post (a thread of the help forum), checking the clicker may mark its answer."""
    bot = _bot(interaction)
    guild = interaction.guild
    post = await helpforum.get_post(bot.db, guild.id, thread_id) if guild else None
    thread = interaction.channel
    if post is None or guild is None or not isinstance(thread, discord.Thread):
        raise NotFound("That post is no longer followed by Nexus.")
    forum = await help_forum_of(bot, thread)
    if forum is None:
        raise NotFound("That post is no longer in the server's help forum.")
    if interaction.user.id != post.author_id and not await is_moderator(bot, interaction):
        raise NotAllowed("Only the member who asked, or a moderator, can mark the answer.")
    return thread, forum


class MarkButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
    def __init__(self, thread_id: int) -> None:
        self.thread_id = thread_id
        super().__init__(
            discord.ui.Button(
                label="Mark the answer",
                style=discord.ButtonStyle.success,
                custom_id=f"nexus:forum:mark:{thread_id}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> MarkButton:
        return cls(int(match["thread"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: self._pick(interaction))

    async def _pick(self, interaction: discord.Interaction) -> None:
        thread, _ = await _post_and_forum(interaction, self.thread_id)
        me = interaction.client.user
        replies: list[discord.Message] = []
        async for msg in thread.history(limit=HISTORY):
            if msg.id == thread.id or msg.author.bot or (me and msg.author.id == me.id):
                continue
            replies.append(msg)
            if len(replies) == REPLIES_MAX:
                break
        if not replies:
            raise Invalid("Nobody has replied in this post yet: there is no answer to mark.")
        await interaction.response.send_message(
            "Which reply solved it?", view=PickReply(self.thread_id, replies), ephemeral=True
        )


class PickReply(NexusView):
    def __init__(self, thread_id: int, replies: list[discord.Message]) -> None:
        super().__init__(timeout=600)
        self.thread_id = thread_id
        select: discord.ui.Select[PickReply] = discord.ui.Select(
            custom_id="forum-mark-pick", placeholder="The reply that solved it"
        )
        for msg in replies:
            words = plain_label(msg.content, SELECT_OPTION_MAX) or "(no text shown)"
            label = plain_label(f"{msg.author.display_name}: {words}", SELECT_OPTION_MAX)
            select.add_option(label=label, value=str(msg.id))
        select.callback = self._chosen  # type: ignore[method-assign]
        self.add_item(select)
        self.select = select

    async def _chosen(self, interaction: discord.Interaction) -> None:
        thread, forum = await _post_and_forum(interaction, self.thread_id)
        try:
            message = await thread.fetch_message(int(self.select.values[0]))
        except discord.NotFound:
            raise NotFound("That reply was deleted: pick another one.") from None
        await mark(_bot(interaction), interaction, thread, forum, message)
