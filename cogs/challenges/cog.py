"""/challenge share|view|search|list and the "Save as challenge" / "Save as solution" menus."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import Invalid
from bot.services import challenges, concepts
from bot.services.entries import ChallengeFilter
from bot.services.search import words
from bot.ui.checks import is_moderator
from bot.ui.mentions import mention_names
from bot.ui.paginator import Page, Paginator
from bot.ui.render import CHOICE_MAX, one_line, plain_label
from cogs.cards import follow
from cogs.challenges import render
from cogs.challenges.authors import (
    Captured,
    after_capture,
    is_private_thread,
    own_entry_choices,
)
from cogs.challenges.capture import check_capturable
from cogs.challenges.opening import open_buttons, send_page
from cogs.challenges.own import edit_entry, remove_entry
from cogs.challenges.views import (
    CapturedMessage,
    ShareChallengeModal,
    SolutionTargetView,
    send_recorded_challenge,
)

if TYPE_CHECKING:
    from bot.client import NexusBot

PER_PAGE = 5
ID_MAX = 2_147_483_647
FILTER_CHOICES = tuple(
    [
        app_commands.Choice(name="all", value="all"),
        app_commands.Choice(name="open", value="open"),
        app_commands.Choice(name="solved", value="solved"),
        app_commands.Choice(name="mine (every status)", value="mine"),
    ]
)
CONCEPT_HINT = "A concept this is about (pick from the list)"


async def concept_choices(
    bot: NexusBot, interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    if interaction.guild_id is None:
        return []
    found = await concepts.autocomplete(bot.db, interaction.guild_id, current)
    return [
        app_commands.Choice(name=plain_label(c.name, CHOICE_MAX), value=c.value) for c in found[:25]
    ]


async def challenge_choices(
    bot: NexusBot, interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[int]]:
    if interaction.guild_id is None:
        return []
    found = await challenges.challenge_suggestions(
        bot.db, interaction.guild_id, current, viewer_id=interaction.user.id
    )
    return [app_commands.Choice(name=render.short(c, CHOICE_MAX), value=c.id) for c in found]


class ChallengesCog(commands.Cog):
    def __init__(self, bot: NexusBot) -> None:
        self.bot = bot
        in_servers = app_commands.AppCommandContext(
            guild=True, dm_channel=False, private_channel=False
        )
        self.save_challenge_menu = app_commands.ContextMenu(
            name="Save as challenge",
            callback=self.save_as_challenge,
            allowed_contexts=in_servers,
        )
        self.save_solution_menu = app_commands.ContextMenu(
            name="Save as solution",
            callback=self.save_as_solution,
            allowed_contexts=in_servers,
        )

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.save_challenge_menu)
        self.bot.tree.add_command(self.save_solution_menu)

    async def cog_unload(self) -> None:
        for menu in (self.save_challenge_menu, self.save_solution_menu):
            self.bot.tree.remove_command(menu.name, type=menu.type)

    challenge = app_commands.Group(
        name="challenge", description="Share, find and view challenges", guild_only=True
    )

    async def _concepts(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await concept_choices(self.bot, interaction, current)

    async def _challenges(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        return await challenge_choices(self.bot, interaction, current)

    @challenge.command(name="share")
    @app_commands.describe(concept1=CONCEPT_HINT, concept2=CONCEPT_HINT, concept3=CONCEPT_HINT)
    async def share(
        self,
        interaction: discord.Interaction,
        concept1: app_commands.Range[str, 1, 100] | None = None,
        concept2: app_commands.Range[str, 1, 100] | None = None,
        concept3: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        """Describe a challenge you're stuck on (opens a form); tag up to 3 concepts."""
        assert interaction.guild_id is not None
        refs = [concept1, concept2, concept3]
        tags = await challenges.check_concepts(self.bot.db, interaction.guild_id, refs)
        await interaction.response.send_modal(ShareChallengeModal([str(t.id) for t in tags]))

    share.autocomplete("concept1")(_concepts)
    share.autocomplete("concept2")(_concepts)
    share.autocomplete("concept3")(_concepts)

    @challenge.command(name="view")
    @app_commands.describe(id="The challenge: type words from its title or its number")
    async def view(
        self, interaction: discord.Interaction, id: app_commands.Range[int, 1, ID_MAX]
    ) -> None:
        """Show a challenge with its solutions (accepted first, then most helpful)."""
        assert interaction.guild_id is not None
        page = await challenges.get_challenge_page(
            self.bot.db, interaction.guild_id, id, viewer_id=interaction.user.id
        )
        public = page.challenge.status == "published"
        if public and any(s.status != "published" for s in page.solutions):
            page = await challenges.get_challenge_page(
                self.bot.db, interaction.guild_id, id, viewer_id=None
            )
        sent = await send_page(interaction, page, ephemeral=not public)
        if public:
            await follow.remember(interaction, sent, "challenge", page.challenge.id)

    view.autocomplete("id")(_challenges)

    @challenge.command(name="search")
    @app_commands.describe(query="Words to find in titles, attempts and problems")
    async def search(
        self, interaction: discord.Interaction, query: app_commands.Range[str, 1, 200]
    ) -> None:
        """Search this server's challenges, best match first."""
        assert interaction.guild_id is not None
        guild_id, user_id, db = interaction.guild_id, interaction.user.id, self.bot.db
        if not words(query):
            raise Invalid("Type a word or two to search for, e.g. `cors` or `migration error`.")

        async def fetch(page: int) -> Page:
            found = await challenges.search_challenges(
                db, guild_id, query, viewer_id=user_id, page=page, per_page=PER_PAGE
            )
            title = f"Challenges matching \u201c{one_line(query, 80)}\u201d"
            empty = "Nothing matches. Try other words, or share it with /challenge share."
            return Page(render.list_embed(title, found, empty), found.has_next, open_buttons(found))

        await Paginator.start(interaction, fetch, ephemeral=True)

    @challenge.command(name="list")
    @app_commands.describe(filter="Which challenges", concept="Only challenges tagged with it")
    @app_commands.choices(filter=list(FILTER_CHOICES))
    async def list_(
        self,
        interaction: discord.Interaction,
        filter: app_commands.Choice[str] | None = None,
        concept: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        """List this server's challenges, newest first."""
        assert interaction.guild_id is not None
        guild_id, user_id, db = interaction.guild_id, interaction.user.id, self.bot.db
        which = ChallengeFilter(filter.value if filter else "all")

        async def fetch(page: int) -> Page:
            found = await challenges.list_challenges(
                db,
                guild_id,
                viewer_id=user_id,
                filter=which,
                concept=concept,
                page=page,
                per_page=PER_PAGE,
            )
            title = "Challenges" if which is ChallengeFilter.ALL else f"Challenges: {which}"
            embed = render.list_embed(title, found, "No challenges here yet.")
            return Page(embed, found.has_next, open_buttons(found))

        await Paginator.start(interaction, fetch, ephemeral=True)

    list_.autocomplete("concept")(_concepts)

    @challenge.command(name="remove")
    @app_commands.describe(id="One of your challenges (saved by you or from your message)")
    async def remove(
        self, interaction: discord.Interaction, id: app_commands.Range[int, 1, ID_MAX]
    ) -> None:
        """Remove a challenge of yours from Nexus (its text is deleted)."""
        await remove_entry(interaction, "challenge", id)

    @challenge.command(name="edit")
    @app_commands.describe(id="One of your challenges (saved by you or from your message)")
    async def edit(
        self, interaction: discord.Interaction, id: app_commands.Range[int, 1, ID_MAX]
    ) -> None:
        """Edit a challenge of yours (opens a form with its current text)."""
        await edit_entry(interaction, "challenge", id)

    @remove.autocomplete("id")
    async def _own_challenges(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        return await own_entry_choices(interaction, "challenge", current)

    edit.autocomplete("id")(_own_challenges)

    # -- message context menus ------------------------------------------------------

    async def save_as_challenge(
        self, interaction: discord.Interaction, message: discord.Message
    ) -> None:
        assert interaction.guild_id is not None
        check_capturable(self.bot, message)
        someone_else = message.author.id != interaction.user.id
        rec = await challenges.capture_challenge(
            self.bot.db,
            interaction.guild_id,
            content=message.content,
            author_id=message.author.id,
            author_name=message.author.display_name,
            channel_id=message.channel.id,
            message_id=message.id,
            captured_by=interaction.user.id,
            by_moderator=await is_moderator(self.bot, interaction),
            awaiting_author=someone_else and is_private_thread(interaction.channel),
            names=mention_names(interaction, message.content, message),
            now=self.bot.clock(),
            private_thread=is_private_thread(interaction.channel),
        )
        for_author = message.author.display_name if someone_else else None
        await send_recorded_challenge(interaction, rec, for_author=for_author)
        if rec.created and someone_else:
            c = rec.challenge
            captured = Captured(
                "challenge", c.id, interaction.guild_id, c.author_id, c.title, c.jump_url, c.status
            )
            await after_capture(interaction, captured)

    async def save_as_solution(
        self, interaction: discord.Interaction, message: discord.Message
    ) -> None:
        assert interaction.guild_id is not None
        check_capturable(self.bot, message)
        targets = await challenges.prepare_capture(
            self.bot.db,
            interaction.guild_id,
            message.content,
            viewer_id=interaction.user.id,
            author_id=message.author.id,
            author_name=message.author.display_name,
        )
        captured = CapturedMessage(
            content=message.content,
            author_id=message.author.id,
            author_name=message.author.display_name,
            channel_id=message.channel.id,
            message_id=message.id,
            by_someone_else=message.author.id != interaction.user.id,
            private_thread=is_private_thread(interaction.channel),
        )
        view = SolutionTargetView(captured, targets, await is_moderator(self.bot, interaction))
        await interaction.response.send_message(
            f"Which challenge does {render.name(message.author.display_name)}'s message "
            "solve? The most similar open challenges come first.",
            view=view,
            ephemeral=True,
        )
