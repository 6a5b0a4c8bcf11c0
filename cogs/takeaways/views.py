"""The upvote button: a DynamicItem (`nexus:takeaway:vote:<id>`) that survives restarts.

One vote per member; pressing again withdraws it. The count shown is the one the
database computed in the same transaction.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.services import takeaways
from bot.services.entries import TakeawayInfo
from bot.ui.base import guarded
from bot.ui.flag import FlagButton
from cogs.takeaways import render

if TYPE_CHECKING:
    from bot.client import NexusBot

TEMPLATE = r"nexus:takeaway:vote:(?P<id>[0-9]{1,19})"


def _bot(interaction: discord.Interaction) -> NexusBot:
    return interaction.client  # type: ignore[return-value]


class UpvoteButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
    def __init__(self, takeaway_id: int, votes: int = 0) -> None:
        self.takeaway_id = takeaway_id
        super().__init__(
            discord.ui.Button(
                label=f"Upvote \u00b7 {votes}",
                emoji=render.UP,
                style=discord.ButtonStyle.primary,
                custom_id=f"nexus:takeaway:vote:{takeaway_id}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> UpvoteButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: self._vote(interaction))

    async def _vote(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        bot = _bot(interaction)
        result = await takeaways.toggle_vote(
            bot.db,
            interaction.guild_id,
            self.takeaway_id,
            user_id=interaction.user.id,
            now=bot.clock(),
        )
        await interaction.response.edit_message(
            embed=render.takeaway_embed(result.takeaway), view=takeaway_view(result.takeaway)
        )
        note = "Upvoted, thanks!" if result.voted else "Your upvote is withdrawn."
        await interaction.followup.send(f"{note} It now has {result.votes}.", ephemeral=True)


def takeaway_view(t: TakeawayInfo) -> discord.ui.View | None:
    if t.status != "published":
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(UpvoteButton(t.id, t.votes))
    view.add_item(FlagButton("takeaway", t.id))
    return view
