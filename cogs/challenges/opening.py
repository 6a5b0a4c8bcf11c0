""" "Open #N" buttons under a page of challenges (/challenge search and list): the challenge
with its solutions, answered only to whoever clicks, as `/challenge view` would show it
without posting it. DynamicItems (`nexus:challenge:open:<id>`): they work after a restart
and check, at click time, what the clicking member may see."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.services import challenges, web
from bot.services.entries import ChallengeInfo, ChallengePage, Paged
from bot.ui.base import guarded
from cogs.challenges import render
from cogs.solutions.views import challenge_page_view

if TYPE_CHECKING:
    from bot.client import NexusBot

TEMPLATE = r"nexus:challenge:open:(?P<id>[0-9]{1,10})"
ON_A_PAGE_MAX = 20  # four rows of five under Previous / Next


def _bot(interaction: discord.Interaction) -> NexusBot:
    return interaction.client  # type: ignore[return-value]


class OpenChallengeButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
    def __init__(self, challenge_id: int, *, row: int | None = None) -> None:
        self.challenge_id = challenge_id
        super().__init__(
            discord.ui.Button(
                label=f"Open #{challenge_id}",
                style=discord.ButtonStyle.secondary,
                custom_id=f"nexus:challenge:open:{challenge_id}",
            ),
            row=row,
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> OpenChallengeButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: self._open(interaction))

    async def _open(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        page = await challenges.get_challenge_page(
            _bot(interaction).db,
            interaction.guild_id,
            self.challenge_id,
            viewer_id=interaction.user.id,
        )
        await send_page(interaction, page, ephemeral=True)


async def send_page(
    interaction: discord.Interaction, page: ChallengePage, *, ephemeral: bool
) -> discord.InteractionCallbackResponse[Any]:
    """A challenge with its solutions (and its web hub link) as the interaction's answer:
    what `/challenge view` and the "Open #N" buttons show."""
    assert interaction.guild_id is not None
    bot = _bot(interaction)
    web_url = await web.challenge_web_url(
        bot.db, bot.settings.web_base_url, interaction.guild_id, page.challenge.id
    )
    return await interaction.response.send_message(
        render.merged_note(page) or discord.utils.MISSING,
        embed=render.challenge_embed(page),
        view=challenge_page_view(page, web_url),
        ephemeral=ephemeral,
    )


def open_buttons(result: Paged[ChallengeInfo]) -> tuple[OpenChallengeButton, ...]:
    """One "Open #N" button per challenge of a page, five to a row below its own buttons."""
    return tuple(
        OpenChallengeButton(c.id, row=1 + i // 5)
        for i, c in enumerate(result.items[:ON_A_PAGE_MAX])
    )
