"""/takeaway share|list|view|edit|remove: best practices and lessons, upvoted by members."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.services import takeaways
from bot.services.entries import TAKEAWAY_MAX, TakeawayKind, TakeawaySort
from bot.ui.checks import is_moderator
from bot.ui.paginator import Page, Paginator
from cogs.cards import follow
from cogs.challenges.authors import own_entry_choices
from cogs.challenges.cog import CONCEPT_HINT, ID_MAX, concept_choices
from cogs.challenges.own import edit_entry, remove_entry
from cogs.takeaways import render
from cogs.takeaways.views import takeaway_view

if TYPE_CHECKING:
    from bot.client import NexusBot

PER_PAGE = 5
KIND_CHOICES = tuple(
    [
        app_commands.Choice(name="best practice", value=TakeawayKind.PRACTICE.value),
        app_commands.Choice(name="lesson", value=TakeawayKind.LESSON.value),
    ]
)
SORT_CHOICES = tuple(
    [
        app_commands.Choice(name="top (most upvoted)", value=TakeawaySort.TOP.value),
        app_commands.Choice(name="new", value=TakeawaySort.NEW.value),
    ]
)


class TakeawaysCog(commands.Cog):
    def __init__(self, bot: NexusBot) -> None:
        self.bot = bot

    takeaway = app_commands.Group(
        name="takeaway",
        description="Share and upvote best practices and lessons",
        guild_only=True,
    )

    async def _concepts(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await concept_choices(self.bot, interaction, current)

    @takeaway.command(name="share")
    @app_commands.describe(
        kind="A best practice, or a lesson you learned",
        text="The takeaway, in a few sentences",
        concept1=CONCEPT_HINT,
        concept2=CONCEPT_HINT,
        concept3=CONCEPT_HINT,
    )
    @app_commands.choices(kind=list(KIND_CHOICES))
    async def share(
        self,
        interaction: discord.Interaction,
        kind: app_commands.Choice[str],
        text: app_commands.Range[str, 1, TAKEAWAY_MAX],
        concept1: app_commands.Range[str, 1, 100] | None = None,
        concept2: app_commands.Range[str, 1, 100] | None = None,
        concept3: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        """Share a best practice or a lesson learned; members can upvote it."""
        assert interaction.guild_id is not None
        t = await takeaways.share_takeaway(
            self.bot.db,
            interaction.guild_id,
            author_id=interaction.user.id,
            author_name=interaction.user.display_name,
            kind=kind.value,
            body=text,
            concepts=[concept1, concept2, concept3],
            by_moderator=await is_moderator(self.bot, interaction),
            source_channel_id=interaction.channel_id,
            now=self.bot.clock(),
        )
        published = t.status == "published"
        note = f"Saved as {render.kind_label(t.kind).lower()} #{t.id}."
        if not published:
            note += f" {render.HELD}"
        sent = await interaction.response.send_message(
            note,
            embed=render.takeaway_embed(t),
            view=takeaway_view(t) or discord.utils.MISSING,
            ephemeral=not published,
        )
        if published:
            await follow.remember(interaction, sent, "takeaway", t.id)

    share.autocomplete("concept1")(_concepts)
    share.autocomplete("concept2")(_concepts)
    share.autocomplete("concept3")(_concepts)

    @takeaway.command(name="list")
    @app_commands.describe(sort="Most upvoted first, or newest first", kind="Only this kind")
    @app_commands.choices(sort=list(SORT_CHOICES), kind=list(KIND_CHOICES))
    async def list_(
        self,
        interaction: discord.Interaction,
        sort: app_commands.Choice[str] | None = None,
        kind: app_commands.Choice[str] | None = None,
    ) -> None:
        """List this server's best practices and lessons."""
        assert interaction.guild_id is not None
        guild_id, user_id, db = interaction.guild_id, interaction.user.id, self.bot.db
        order = TakeawaySort(sort.value if sort else "top")
        only = TakeawayKind(kind.value) if kind else None

        async def fetch(page: int) -> Page:
            found = await takeaways.list_takeaways(
                db,
                guild_id,
                viewer_id=user_id,
                sort=order,
                kind=only,
                page=page,
                per_page=PER_PAGE,
            )
            title = "Takeaways: " + ("most upvoted" if order is TakeawaySort.TOP else "newest")
            return Page(render.list_embed(title, found), found.has_next)

        await Paginator.start(interaction, fetch, ephemeral=True)

    @takeaway.command(name="view")
    @app_commands.describe(id="The takeaway's number (shown in /takeaway list)")
    async def view(
        self, interaction: discord.Interaction, id: app_commands.Range[int, 1, ID_MAX]
    ) -> None:
        """Show one takeaway with its upvote button."""
        assert interaction.guild_id is not None
        t = await takeaways.get_takeaway(
            self.bot.db, interaction.guild_id, id, viewer_id=interaction.user.id
        )
        sent = await interaction.response.send_message(
            embed=render.takeaway_embed(t),
            view=takeaway_view(t) or discord.utils.MISSING,
            ephemeral=t.status != "published",
        )
        if t.status == "published":
            await follow.remember(interaction, sent, "takeaway", t.id)

    @takeaway.command(name="edit")
    @app_commands.describe(id="One of your takeaways")
    async def edit(
        self, interaction: discord.Interaction, id: app_commands.Range[int, 1, ID_MAX]
    ) -> None:
        """Edit a takeaway of yours (opens a form with its current text)."""
        await edit_entry(interaction, "takeaway", id)

    @takeaway.command(name="remove")
    @app_commands.describe(id="One of your takeaways")
    async def remove(
        self, interaction: discord.Interaction, id: app_commands.Range[int, 1, ID_MAX]
    ) -> None:
        """Remove a takeaway of yours from Nexus (its text is deleted)."""
        await remove_entry(interaction, "takeaway", id)

    @edit.autocomplete("id")
    async def _own_takeaways(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        return await own_entry_choices(interaction, "takeaway", current)

    remove.autocomplete("id")(_own_takeaways)
