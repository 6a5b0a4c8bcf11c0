"""A button paginator: Previous / Next over pages fetched on demand; a page may bring
buttons of its own (its results' "open" buttons), replaced when the page turns."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import discord

from bot.ui.base import NexusView


@dataclass
class Page:
    embed: discord.Embed
    has_next: bool
    items: tuple[discord.ui.Item[Any], ...] = ()  # below Previous / Next (rows 1-4)


PageFetcher = Callable[[int], Awaitable[Page]]


class Paginator(NexusView):
    """Only the member who asked can turn the pages (others get an ephemeral hint)."""

    def __init__(self, owner_id: int, fetch: PageFetcher, *, page: int = 0) -> None:
        super().__init__(timeout=900)
        self.owner_id = owner_id
        self.fetch = fetch
        self.page = page
        self._page_items: tuple[discord.ui.Item[Any], ...] = ()

    @classmethod
    async def start(
        cls, interaction: discord.Interaction, fetch: PageFetcher, *, ephemeral: bool = False
    ) -> None:
        view = cls(interaction.user.id, fetch)
        first = await fetch(0)
        view._sync_buttons(first)
        if first.has_next:
            await _respond(interaction, first.embed, view, ephemeral)
        elif first.items:  # one page: its own buttons only (persistent ones: no timeout)
            alone = discord.ui.View(timeout=None)
            for item in first.items:
                alone.add_item(item)
            await _respond(interaction, first.embed, alone, ephemeral)
        else:
            await _respond(interaction, first.embed, None, ephemeral)

    def _sync_buttons(self, page: Page) -> None:
        self.previous.disabled = self.page <= 0
        self.next.disabled = not page.has_next
        for item in self._page_items:
            self.remove_item(item)
        self._page_items = page.items
        for item in page.items:
            self.add_item(item)

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
