"""/concept lookup|search|list|suggest: the curated knowledge base, per server."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import Invalid
from bot.services import concepts
from bot.services.concepts import warm_indexes
from bot.ui.paginator import Page, Paginator
from bot.ui.render import CHOICE_MAX, plain_label
from cogs.concepts import render
from cogs.concepts.lookup import answer_lookup
from cogs.concepts.views import SuggestConceptModal, open_buttons

if TYPE_CHECKING:
    from bot.client import NexusBot

CATEGORY_CHOICES = tuple(
    [app_commands.Choice(name=c.capitalize(), value=c) for c in concepts.CATEGORIES]
)
ANGLE_CHOICES = tuple(
    app_commands.Choice(name=t.capitalize(), value=t) for t in render.ANGLE_TRACKS
)
TRACK_CHOICES = tuple(
    [app_commands.Choice(name=render.TRACK_LABELS[t], value=t) for t in concepts.TRACKS]
)
SEARCH_PER_PAGE = 5
LIST_PER_PAGE = 10


class ConceptsCog(commands.Cog):
    def __init__(self, bot: NexusBot) -> None:
        self.bot = bot
        self._warming: asyncio.Task[int] | None = None

    async def cog_unload(self) -> None:
        # Bot.close() unloads cogs: write the buffered lookup statistics before exit. (The
        # warm-up is Database-tracked work: Database.dispose() lets it finish.)
        await concepts.flush_lookup_log(self.bot.db)

    @commands.Cog.listener("on_ready")
    async def warm_concept_indexes(self) -> None:
        """Build large servers' autocomplete indexes in the background (never blocks)."""
        if self._warming is None or self._warming.done():
            guilds = [g.id for g in self.bot.guilds]
            # Tracked by the database: Database.dispose() lets it finish before closing.
            self._warming = self.bot.db.spawn(self._warm(guilds), name="concept-warm-up")

    async def _warm(self, guilds: list[int]) -> int:
        built = await warm_indexes(self.bot.db, guilds)
        self.bot.settle_heap()  # the indexes are long-lived: keep them out of the collector
        return built

    concept = app_commands.Group(
        name="concept", description="Look up, search, list and suggest concepts", guild_only=True
    )

    async def _complete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        found = await concepts.autocomplete(self.bot.db, interaction.guild_id, current)
        return [
            app_commands.Choice(name=plain_label(c.name, CHOICE_MAX), value=c.value) for c in found
        ]

    @concept.command(name="lookup")
    @app_commands.describe(
        name="A concept's name or alias, e.g. caching or k8s",
        track="Whose angle to show (default: your /pair profile's track)",
        share="Also post it in this channel for everyone (default: only you see it)",
    )
    @app_commands.choices(track=list(ANGLE_CHOICES))
    async def lookup(
        self,
        interaction: discord.Interaction,
        name: app_commands.Range[str, 1, 100],
        track: str | None = None,
        share: bool = False,
    ) -> None:
        """Explain a concept (only to you): summary, example, related concepts, docs."""
        await answer_lookup(interaction, name, track, share=share)

    lookup.autocomplete("name")(_complete)

    @concept.command(name="search")
    @app_commands.describe(query="Words to find in concept names, aliases and explanations")
    async def search(
        self, interaction: discord.Interaction, query: app_commands.Range[str, 1, 100]
    ) -> None:
        """Search the knowledge base (names, aliases and explanations)."""
        assert interaction.guild_id is not None
        guild_id, db = interaction.guild_id, self.bot.db
        if not concepts.search_tokens(query):
            raise Invalid(
                "Type a word or two to search for, e.g. `cors` or `why is my fetch blocked`."
            )

        async def fetch(page: int) -> Page:
            found = await concepts.search_concepts(
                db, guild_id, query, page=page, per_page=SEARCH_PER_PAGE
            )
            empty = "Nothing matches. Try other words, or `/concept suggest` a new concept."
            embed = render.results_embed(found, render.search_title(query), empty)
            return Page(embed, found.has_next, open_buttons(found))

        await Paginator.start(interaction, fetch, ephemeral=True)

    @concept.command(name="list")
    @app_commands.describe(category="Only this category", track="Only concepts for this track")
    @app_commands.choices(category=list(CATEGORY_CHOICES), track=list(TRACK_CHOICES))
    async def list_(
        self,
        interaction: discord.Interaction,
        category: app_commands.Choice[str] | None = None,
        track: app_commands.Choice[str] | None = None,
    ) -> None:
        """Browse the knowledge base, optionally by category and track."""
        assert interaction.guild_id is not None
        guild_id, db = interaction.guild_id, self.bot.db
        cat = category.value if category else None
        trk = track.value if track else None

        async def fetch(page: int) -> Page:
            found = await concepts.list_concepts(
                db, guild_id, category=cat, track=trk, page=page, per_page=LIST_PER_PAGE
            )
            title = render.list_title(cat, trk)
            embed = render.results_embed(found, title, "No concepts here yet.")
            return Page(embed, found.has_next, open_buttons(found))

        await Paginator.start(interaction, fetch, ephemeral=True)

    @concept.command(name="suggest")
    @app_commands.describe(
        name="An existing concept to propose an edit for (leave empty for a new concept)",
        category="Category of a new concept (or change it)",
        track="Which track it is for (or change it)",
    )
    @app_commands.choices(category=list(CATEGORY_CHOICES), track=list(TRACK_CHOICES))
    async def suggest(
        self,
        interaction: discord.Interaction,
        name: app_commands.Range[str, 1, 100] | None = None,
        category: app_commands.Choice[str] | None = None,
        track: app_commands.Choice[str] | None = None,
    ) -> None:
        """Suggest a new concept or an edit; moderators' changes apply at once."""
        assert interaction.guild_id is not None
        target = None
        if name is not None:
            target = await concepts.find_concept(self.bot.db, interaction.guild_id, name)
        modal = SuggestConceptModal(
            target,
            category=category.value if category else None,
            tracks=track.value if track else None,
        )
        await interaction.response.send_modal(modal)

    suggest.autocomplete("name")(_complete)
