"""The reusable "Flag" button any feature attaches to an entry's message.

custom_id `nexus:flag:<kind>:<id>`: pressing it shows an ephemeral select of reasons
(`nexus:flag-reason:<kind>:<id>`); choosing one records the flag. Both are DynamicItems,
so they keep working after a restart: everything they need is in the custom_id + DB.

Other cogs only build the button: `FlagButton("challenge", 42, label="Flag")`. The
moderation cog registers the items (`register_flag_items(bot)`, idempotent).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.services.moderation import FLAG_REASONS, check_flaggable, flag_entry
from bot.ui.base import guarded

if TYPE_CHECKING:
    from bot.client import NexusBot

KINDS = "concept|challenge|solution|takeaway"
FLAG_TEMPLATE = rf"nexus:flag:(?P<kind>{KINDS}):(?P<id>[0-9]{{1,19}})"
REASON_TEMPLATE = rf"nexus:flag-reason:(?P<kind>{KINDS}):(?P<id>[0-9]{{1,19}})"


def _bot(interaction: discord.Interaction) -> NexusBot:
    return interaction.client  # type: ignore[return-value]


class FlagButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=FLAG_TEMPLATE):
    """A grey "Flag" button for one entry. `label` lets a feature say e.g. "Flag as outdated"."""

    def __init__(self, kind: str, entry_id: int, *, label: str = "Flag", row: int | None = None):
        self.kind = kind
        self.entry_id = entry_id
        super().__init__(
            discord.ui.Button(
                label=label[:80] or "Flag",
                style=discord.ButtonStyle.secondary,
                custom_id=f"nexus:flag:{kind}:{entry_id}",
                emoji="\N{TRIANGULAR FLAG ON POST}",
            ),
            row=row,
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> FlagButton:
        label = getattr(item, "label", None) or "Flag"
        return cls(match["kind"], int(match["id"]), label=label)

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: self._ask_reason(interaction))

    async def _ask_reason(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        await check_flaggable(
            _bot(interaction).db,
            interaction.guild_id,
            self.kind,
            self.entry_id,
            interaction.user.id,
        )
        view = discord.ui.View(timeout=None)
        view.add_item(FlagReasonSelect(self.kind, self.entry_id))
        await interaction.response.send_message(
            "Why should moderators look at this entry?", view=view, ephemeral=True
        )


class FlagReasonSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=REASON_TEMPLATE):
    def __init__(self, kind: str, entry_id: int) -> None:
        self.kind = kind
        self.entry_id = entry_id
        super().__init__(
            discord.ui.Select(
                custom_id=f"nexus:flag-reason:{kind}:{entry_id}",
                placeholder="Pick a reason",
                min_values=1,
                max_values=1,
                options=[
                    discord.SelectOption(label=label, value=value)
                    for value, label in FLAG_REASONS.items()
                ],
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> FlagReasonSelect:
        return cls(match["kind"], int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: self._record(interaction))

    async def _record(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        data: Any = interaction.data or {}
        values = data.get("values") or []
        reason = str(values[0]) if values else ""
        result = await flag_entry(
            _bot(interaction).db,
            interaction.guild_id,
            self.kind,
            self.entry_id,
            interaction.user.id,
            reason,
        )
        label = FLAG_REASONS[result.reason].lower()
        await interaction.response.edit_message(
            content=f"Thanks: flagged as **{label}**. A moderator will review it.", view=None
        )


def register_flag_items(bot: NexusBot) -> None:
    """Make flag buttons and reason selects work on every message (idempotent)."""
    bot.add_dynamic_items(FlagButton, FlagReasonSelect)
