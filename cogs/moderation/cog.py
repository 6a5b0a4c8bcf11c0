"""/curate: the moderators' review queue, edits, merges, visibility and log; /notifications.

Every command checks the moderator at RUN TIME (Manage Server or the /setup role); Discord's
default_permissions is deliberately not used, because it would hide the /curate commands from
members who hold only the moderator role.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.services import moderation
from bot.services.moderation import (
    ACTIONS,
    get_entry,
    list_audit,
    merge,
    search_entries,
)
from bot.ui.checks import is_moderator, require_moderator
from bot.ui.render import CHOICE_MAX, plain_label
from cogs.cards import follow
from cogs.moderation import effects, held, notifications
from cogs.moderation.missed import show_missed
from cogs.moderation.render import log_embed, merge_text
from cogs.moderation.views import EditModal, actor_of, log_view, show_queue

if TYPE_CHECKING:
    from bot.client import NexusBot

KIND_CHOICES = tuple(
    [app_commands.Choice(name=k, value=k) for k in ("concept", "challenge", "solution", "takeaway")]
)
MERGE_CHOICES = tuple([app_commands.Choice(name=k, value=k) for k in ("challenge", "concept")])
LOG_KIND_CHOICES = tuple(
    [*KIND_CHOICES, app_commands.Choice(name="concept edit", value="concept_edit")]
)
ACTION_CHOICES = tuple([app_commands.Choice(name=a, value=a) for a in ACTIONS])
Entry = app_commands.Range[int, 1, 2**31 - 1]
Reason = app_commands.Range[str, 1, 300]


class ModerationCog(commands.Cog):
    def __init__(self, bot: NexusBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.scheduler.on_start("held-notices", self._schedule)

    async def _schedule(self) -> None:
        self.bot.scheduler.aps.add_job(
            held.sweep,
            "interval",
            args=(self.bot,),
            minutes=held.HELD_SWEEP_MINUTES,
            id="held-notices",
            replace_existing=True,
        )

    curate = app_commands.Group(
        name="curate",
        description="Moderator tools: review queue, edits, merges and the log",
        guild_only=True,
    )

    def _gid(self, interaction: discord.Interaction) -> int:
        assert interaction.guild_id is not None
        return interaction.guild_id

    @curate.command(name="missed")
    async def missed(self, interaction: discord.Interaction) -> None:
        """Lookups that found nothing, most asked first: draft a concept or add an alias."""
        await show_missed(interaction)

    @curate.command(name="queue")
    async def queue(self, interaction: discord.Interaction) -> None:
        """Review pending and flagged entries, oldest first (moderators)."""
        await require_moderator(self.bot, interaction)
        await show_queue(interaction, 0)

    @curate.command(name="edit")
    @app_commands.rename(entry="id")
    @app_commands.describe(kind="What kind of entry", entry="The entry (type to search)")
    @app_commands.choices(kind=list(KIND_CHOICES))
    async def edit(
        self, interaction: discord.Interaction, kind: app_commands.Choice[str], entry: Entry
    ) -> None:
        """Edit an entry's text in a form prefilled with its current fields (moderators)."""
        await require_moderator(self.bot, interaction)
        item = await get_entry(self.bot.db, self._gid(interaction), kind.value, entry)
        await interaction.response.send_modal(EditModal(item))

    @curate.command(name="feature")
    @app_commands.rename(entry="id")
    @app_commands.describe(kind="What kind of entry", entry="The entry (type to search)")
    @app_commands.choices(kind=list(KIND_CHOICES))
    async def feature(
        self, interaction: discord.Interaction, kind: app_commands.Choice[str], entry: Entry
    ) -> None:
        """Feature an entry (it leads the weekly digest), or un-feature it (moderators)."""
        await require_moderator(self.bot, interaction)
        result = await moderation.toggle_feature(
            self.bot.db, self._gid(interaction), actor_of(interaction), kind.value, entry
        )
        await effects.reply_and_log(self.bot, interaction, result)

    @curate.command(name="merge")
    @app_commands.describe(
        kind="Challenges or concepts",
        source="The duplicate (it will be hidden)",
        target="The entry that stays and receives everything",
        reason="Why (for the log)",
    )
    @app_commands.choices(kind=list(MERGE_CHOICES))
    async def merge_cmd(
        self,
        interaction: discord.Interaction,
        kind: app_commands.Choice[str],
        source: Entry,
        target: Entry,
        reason: Reason | None = None,
    ) -> None:
        """Merge a duplicate challenge or concept into another; nothing is lost (moderators)."""
        await require_moderator(self.bot, interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await merge(
            self.bot.db,
            self._gid(interaction),
            actor_of(interaction),
            kind.value,
            source,
            target,
            reason.strip() if reason and reason.strip() else None,
        )
        text = merge_text(result)
        await interaction.followup.send(text, ephemeral=True)
        if kind.value == "challenge":  # its cards point to the challenge it joined
            await follow.follow(self.bot, self._gid(interaction), "challenge", source)
        await effects.mirror(self.bot, interaction, text, result_reason(reason))

    @curate.command(name="hide")
    @app_commands.rename(entry="id")
    @app_commands.describe(
        kind="What kind of entry",
        entry="The entry (type to search)",
        reason="Why it is hidden (for the log, up to 300 characters)",
    )
    @app_commands.choices(kind=list(KIND_CHOICES))
    async def hide(
        self,
        interaction: discord.Interaction,
        kind: app_commands.Choice[str],
        entry: Entry,
        reason: Reason,
    ) -> None:
        """Hide an entry from this server (moderators)."""
        await require_moderator(self.bot, interaction)
        result = await moderation.hide(
            self.bot.db, self._gid(interaction), actor_of(interaction), kind.value, entry, reason
        )
        await effects.reply_and_log(self.bot, interaction, result)

    @curate.command(name="restore")
    @app_commands.rename(entry="id")
    @app_commands.describe(kind="What kind of entry", entry="The hidden entry (type to search)")
    @app_commands.choices(kind=list(KIND_CHOICES))
    async def restore(
        self, interaction: discord.Interaction, kind: app_commands.Choice[str], entry: Entry
    ) -> None:
        """Publish a hidden or rejected entry again (moderators)."""
        await require_moderator(self.bot, interaction)
        result = await moderation.restore(
            self.bot.db, self._gid(interaction), actor_of(interaction), kind.value, entry
        )
        await effects.reply_and_log(self.bot, interaction, result)

    @curate.command(name="log")
    @app_commands.describe(
        kind="Only this kind of entry", action="Only this action", page="Page number (1 = newest)"
    )
    @app_commands.choices(kind=list(LOG_KIND_CHOICES), action=list(ACTION_CHOICES))
    async def log(
        self,
        interaction: discord.Interaction,
        kind: app_commands.Choice[str] | None = None,
        action: app_commands.Choice[str] | None = None,
        page: app_commands.Range[int, 1, 10_000] = 1,
    ) -> None:
        """The moderators' action log, newest first (moderators)."""
        await require_moderator(self.bot, interaction)
        k, a = (kind.value if kind else None), (action.value if action else None)
        result = await list_audit(self.bot.db, self._gid(interaction), page - 1, kind=k, action=a)
        view = log_view(result.page, result.has_next, k, a)
        await interaction.response.send_message(
            embed=log_embed(result, k, a), view=view or discord.utils.MISSING, ephemeral=True
        )

    @app_commands.command(name="notifications")
    @app_commands.guild_only()
    @app_commands.describe(
        dms="Any DMs from Nexus about your entries here (False: none at all)",
        new_solutions="A DM when someone posts a solution to your challenge",
        accepted="A DM when your solution is accepted",
        helped="A DM when your solution helped someone",
        moderation="A DM when a moderator hides or rejects your entry, with the reason",
    )
    async def notifications(
        self,
        interaction: discord.Interaction,
        dms: bool | None = None,
        new_solutions: bool | None = None,
        accepted: bool | None = None,
        helped: bool | None = None,
        moderation: bool | None = None,
    ) -> None:
        """See or change which DMs Nexus sends you about your entries in this server."""
        kinds = {
            "new_solutions": new_solutions,
            "accepted": accepted,
            "helped": helped,
            "moderation": moderation,
        }
        await notifications.notifications(self.bot, interaction, dms, kinds)

    # ---- autocomplete: this server's entries of the chosen kind (moderators only) ----

    async def _entries(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None or not await is_moderator(self.bot, interaction):
            return []
        kind = getattr(interaction.namespace, "kind", None)
        kind = getattr(kind, "value", kind)
        if not isinstance(kind, str):
            return []
        found = await search_entries(self.bot.db, interaction.guild_id, kind, current)
        return [
            app_commands.Choice(name=plain_label(text, CHOICE_MAX), value=i)
            for i, text in found[:25]
        ]

    edit.autocomplete("entry")(_entries)
    feature.autocomplete("entry")(_entries)
    hide.autocomplete("entry")(_entries)
    restore.autocomplete("entry")(_entries)
    merge_cmd.autocomplete("source")(_entries)
    merge_cmd.autocomplete("target")(_entries)


def result_reason(reason: str | None) -> str | None:
    return reason.strip() if reason and reason.strip() else None
