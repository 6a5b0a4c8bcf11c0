"""A button paginator: Previous / Next over pages fetched on demand."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import discord

from bot.ui.base import NexusView


@dataclass
class Page:
    embed: discord.Embed
    has_next: bool


PageFetcher = Callable[[int], Awaitable[Page]]


class Paginator(NexusView):
    """Only the member who asked can turn the pages (others get an ephemeral hint)."""

    def __init__(self, owner_id: int, fetch: PageFetcher, *, page: int = 0) -> None:
        super().__init__(timeout=900)
        self.owner_id = owner_id
        self.fetch = fetch
        self.page = page

    @classmethod
    async def start(
        cls, interaction: discord.Interaction, fetch: PageFetcher, *, ephemeral: bool = False
    ) -> None:
        view = cls(interaction.user.id, fetch)
        first = await fetch(0)
        view._sync_buttons(first)
        if first.has_next:
            await _respond(interaction, first.embed, view, ephemeral)
        else:
            await _respond(interaction, first.embed, None, ephemeral)

    def _sync_buttons(self, page: Page) -> None:
        self.previous.disabled = self.page <= 0
        self.next.disabled = not page.has_next

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(
                "These pages belong to someone else's search: run the command yourself.",
                ephemeral=True,
            )
            return False
        return True

    async def _turn(self, interaction: discord.Interaction, delta: int) -> None:
        self.page = max(0, self.page + delta)
        page = await self.fetch(self.page)
        self._sync_buttons(page)
        await interaction.response.edit_message(embed=page.embed, view=self)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(
        self, interaction: discord.Interaction, _: discord.ui.Button[Paginator]
    ) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.primary)
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button[Paginator]) -> None:
        await self._turn(interaction, 1)


async def _respond(
    interaction: discord.Interaction,
    embed: discord.Embed,
    view: discord.ui.View | None,
    ephemeral: bool,
) -> None:
    view = view or discord.utils.MISSING
    if interaction.response.is_done():
        await interaction.followup.send(embed=embed, view=view, ephemeral=ephemeral)
    else:
        await interaction.response.send_message(embed=embed, view=view, ephemeral=ephemeral)
