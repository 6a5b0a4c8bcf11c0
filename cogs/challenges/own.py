"""Authors own their entries: /challenge edit, /solution edit and /takeaway edit (a form
holding the current text), and the matching remove commands (after a confirmation).
Moderators see every edit in the audit log (before and after) and a line in the mod-log."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import discord

from bot.errors import NotAllowed
from bot.services import moderation
from bot.services.moderation import Actor, AuthorEdit, OwnEntry
from bot.ui.base import NexusModal, NexusView
from bot.ui.mentions import mention_names
from bot.ui.render import one_line, plain_label
from cogs.cards import follow
from cogs.cards.follow import REMOVED_BY_AUTHOR
from cogs.challenges import render
from cogs.challenges.authors import mirror_removal
from cogs.moderation.effects import mirror_to

if TYPE_CHECKING:
    from bot.client import NexusBot

CONFIRM_TIMEOUT = 300
# Per kind: field -> (form label, paragraph?).
_INPUTS: Mapping[str, Mapping[str, tuple[str, bool]]] = MappingProxyType(
    {
        "challenge": MappingProxyType(
            {
                "title": ("Title", False),
                "tried": ("What you tried", True),
                "problem": ("What went wrong", True),
            }
        ),
        "solution": MappingProxyType({"body": ("Your solution", True)}),
        "takeaway": MappingProxyType({"body": ("Your takeaway", True)}),
    }
)


def _bot(interaction: discord.Interaction) -> NexusBot:
    return interaction.client  # type: ignore[return-value]


def _actor(interaction: discord.Interaction) -> Actor:
    return Actor(interaction.user.id, interaction.user.display_name)


def _what(entry: OwnEntry | AuthorEdit) -> str:
    return f"{entry.kind} #{entry.entry_id} (“{one_line(entry.title, 80)}”)"


class OwnEditModal(NexusModal):
    def __init__(self, entry: OwnEntry) -> None:
        super().__init__(title=plain_label(f"Edit your {entry.kind} #{entry.entry_id}", 45))
        self.entry = entry
        self.inputs: dict[str, discord.ui.TextInput[OwnEditModal]] = {}
        for name, (label, paragraph) in _INPUTS[entry.kind].items():
            _, limit, required = moderation.AUTHOR_FIELDS[entry.kind][name]
            item: discord.ui.TextInput[OwnEditModal] = discord.ui.TextInput(
                label=label,
                custom_id=name,
                style=discord.TextStyle.paragraph if paragraph else discord.TextStyle.short,
                default=entry.values.get(name, "")[:limit] or None,
                max_length=limit,
                required=required,
            )
            self.inputs[name] = item
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        bot = _bot(interaction)
        values = {name: item.value for name, item in self.inputs.items()}
        names = mention_names(interaction, values.get("title", ""))
        result = await moderation.edit_own(
            bot.db,
            interaction.guild_id,
            _actor(interaction),
            self.entry.kind,
            self.entry.entry_id,
            values,
            names=names,
        )
        await interaction.response.send_message(
            f"Saved: {_what(result)} now says what you wrote. Moderators can see the "
            "earlier version in their log.",
            ephemeral=True,
        )
        await follow.follow(bot, interaction.guild_id, result.kind, result.entry_id)
        changed = ", ".join(sorted(result.after))
        await mirror_to(
            bot,
            interaction.guild_id,
            interaction.user.display_name,
            f"Edited by its author: {_what(result)}; changed: {changed} "
            f"(before and after: `/curate log kind:{result.kind} action:edit`).",
            None,
            title="Edited by its author",
        )


async def edit_entry(interaction: discord.Interaction, kind: str, entry_id: int) -> None:
    """/<kind> edit: the form, pre-filled with the entry's current text."""
    assert interaction.guild_id is not None
    entry = await moderation.own_entry(
        _bot(interaction).db, interaction.guild_id, interaction.user.id, kind, entry_id
    )
    await interaction.response.send_modal(OwnEditModal(entry))


class ConfirmRemoval(NexusView):
    def __init__(self, entry: OwnEntry, author_id: int) -> None:
        super().__init__(timeout=CONFIRM_TIMEOUT)
        self.entry, self.author_id = entry, author_id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.author_id:
            raise NotAllowed("Only the author can answer this.")
        return True

    @discord.ui.button(label="Remove it", style=discord.ButtonStyle.danger)
    async def remove(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        assert interaction.guild_id is not None
        bot = _bot(interaction)
        result = await moderation.withdraw(
            bot.db, interaction.guild_id, _actor(interaction), self.entry.kind, self.entry.entry_id
        )
        self.stop()
        await interaction.response.edit_message(content=render.decided(result), view=None)
        await mirror_removal(bot, interaction.guild_id, interaction.user.display_name, result)
        await follow.follow(
            bot, interaction.guild_id, result.kind, result.entry_id, why=REMOVED_BY_AUTHOR
        )

    @discord.ui.button(label="Keep it", style=discord.ButtonStyle.secondary)
    async def keep(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        self.stop()
        await interaction.response.edit_message(
            content=render.kept(_what(self.entry), self.entry.kind), view=None
        )


async def remove_entry(interaction: discord.Interaction, kind: str, entry_id: int) -> None:
    """/<kind> remove: the author confirms, then the entry is withdrawn."""
    assert interaction.guild_id is not None
    entry = await moderation.own_entry(
        _bot(interaction).db, interaction.guild_id, interaction.user.id, kind, entry_id
    )
    await interaction.response.send_message(
        render.confirm_removal(_what(entry)),
        view=ConfirmRemoval(entry, interaction.user.id),
        ephemeral=True,
    )
