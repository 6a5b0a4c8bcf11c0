"""`/curate missed`: the lookups that found nothing, and one step to answer each one —
draft a concept named after it, or make it an alias of a concept that exists."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.services import concepts
from bot.services.concepts import MissCount
from bot.ui.base import NexusModal, NexusView
from bot.ui.checks import require_moderator
from bot.ui.render import add_field, make_embed, one_line
from cogs.concepts.views import SuggestConceptModal

if TYPE_CHECKING:
    from bot.client import NexusBot

SESSION_SECONDS = 900


def _bot(interaction: discord.Interaction) -> NexusBot:
    return interaction.client  # type: ignore[return-value]


def missed_embed(misses: list[MissCount], days: int) -> discord.Embed:
    if not misses:
        return make_embed(
            "Missed lookups",
            f"Every lookup of the last {days} days found a concept (or has been answered since).",
        )
    lines = [f"`{one_line(m.query, 60)}` — {m.count}×" for m in misses]
    embed = make_embed(
        "Missed lookups",
        f"What members looked up in the last {days} days and found nothing, most asked "
        "first. Pick one below to draft a concept or make it an alias.",
    )
    add_field(embed, "Asked", "\n".join(lines))
    return embed


class AliasModal(NexusModal):
    def __init__(self, query: str) -> None:
        super().__init__(title="Make it an alias", timeout=SESSION_SECONDS)
        self.query = query
        self.concept: discord.ui.TextInput[AliasModal] = discord.ui.TextInput(
            custom_id="concept",
            label=one_line(f"Which concept should '{query}' find?", 45),
            placeholder="A concept's name or alias, e.g. Kubernetes",
            max_length=100,
        )
        self.add_item(self.concept)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        bot = _bot(interaction)
        await require_moderator(bot, interaction)
        detail = await concepts.add_alias(
            bot.db,
            interaction.guild_id,
            self.concept.value,
            self.query,
            actor_id=interaction.user.id,
            actor_name=interaction.user.display_name,
        )
        await interaction.response.send_message(
            f"`{one_line(self.query, 60)}` now finds **{detail.name}**.", ephemeral=True
        )


class MissActions(NexusView):
    def __init__(self, query: str) -> None:
        super().__init__(timeout=SESSION_SECONDS)
        self.query = query

    @discord.ui.button(label="Draft a concept", style=discord.ButtonStyle.primary)
    async def draft(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await require_moderator(_bot(interaction), interaction)
        await interaction.response.send_modal(SuggestConceptModal(None, name=self.query))

    @discord.ui.button(label="Make it an alias…", style=discord.ButtonStyle.secondary)
    async def alias(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await require_moderator(_bot(interaction), interaction)
        await interaction.response.send_modal(AliasModal(self.query))


class MissedView(NexusView):
    def __init__(self, misses: list[MissCount]) -> None:
        super().__init__(timeout=SESSION_SECONDS)
        options = [
            discord.SelectOption(label=one_line(m.query, 100), value=str(i))
            for i, m in enumerate(misses[:25])
        ]
        self.misses = misses
        self.pick: discord.ui.Select[MissedView] = discord.ui.Select(
            placeholder="Pick a missed lookup to answer", options=options
        )
        self.pick.callback = self._picked  # type: ignore[method-assign]
        self.add_item(self.pick)

    async def _picked(self, interaction: discord.Interaction) -> None:
        await require_moderator(_bot(interaction), interaction)
        query = self.misses[int(self.pick.values[0])].query
        await interaction.response.send_message(
            f"`{one_line(query, 60)}`: draft a new concept named after it, or make it an "
            "alias of a concept that already explains it.",
            view=MissActions(query),
            ephemeral=True,
        )


async def show_missed(interaction: discord.Interaction) -> None:
    assert interaction.guild_id is not None
    bot = _bot(interaction)
    await require_moderator(bot, interaction)
    misses = await concepts.open_misses(bot.db, interaction.guild_id, bot.clock())
    view = MissedView(misses) if misses else discord.utils.MISSING
    await interaction.response.send_message(
        embed=missed_embed(misses, concepts.MISSED_DAYS), view=view, ephemeral=True
    )
