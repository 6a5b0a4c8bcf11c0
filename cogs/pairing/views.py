"""Pairing buttons and modals.

Follow-up buttons are DynamicItems (`nexus:pair:<action>:<pair_id>`): everything they need
is in the custom_id and the database, so they keep working after a restart. Only members
of that pair may press them; pressing twice changes nothing twice.
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import discord

from bot.services import pairing
from bot.services.pairing import LEARNING_MAX
from bot.ui.base import NexusModal, NexusView, guarded
from cogs.pairing.render import profile_embed

if TYPE_CHECKING:
    from bot.client import NexusBot

BUTTON_TEMPLATE = r"nexus:pair:(?P<action>met|notyet|skip|learn):(?P<pair_id>[0-9]{1,19})"
_BUTTONS = MappingProxyType(
    {
        "met": ("We met", discord.ButtonStyle.success),
        "notyet": ("Not yet", discord.ButtonStyle.secondary),
        "skip": ("Skip", discord.ButtonStyle.secondary),
        "learn": ("What did you learn?", discord.ButtonStyle.primary),
    }
)
_ANSWERS = MappingProxyType(
    {
        "met": "Great, noted that you met!",
        "notyet": "Noted: not yet. There's still time, suggest a slot in this thread.",
        "skip": "Noted: you're skipping this round.",
    }
)


def _bot(interaction: discord.Interaction) -> NexusBot:
    return interaction.client  # type: ignore[return-value]


class PairButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=BUTTON_TEMPLATE):
    def __init__(self, action: str, pair_id: int) -> None:
        self.action = action
        self.pair_id = pair_id
        label, style = _BUTTONS[action]
        super().__init__(
            discord.ui.Button(label=label, style=style, custom_id=f"nexus:pair:{action}:{pair_id}")
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> PairButton:
        return cls(match["action"], int(match["pair_id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: self._press(interaction))

    async def _press(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        bot = _bot(interaction)
        if self.action == "learn":
            await pairing.check_member(
                bot.db, interaction.guild_id, self.pair_id, interaction.user.id
            )
            await interaction.response.send_modal(LearningModal(self.pair_id))
            return
        answer = await pairing.record_answer(
            bot.db,
            interaction.guild_id,
            self.pair_id,
            interaction.user.id,
            self.action,
            bot.clock(),
        )
        text = _ANSWERS[self.action]
        if not answer.changed:
            text = "Already noted, thanks."
        elif answer.outcome == "met" and self.action != "met":
            text += " (Your pair already said you met, so it stays recorded as met.)"
        await interaction.response.send_message(text, ephemeral=True)


def followup_view(pair_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for action in _BUTTONS:
        view.add_item(PairButton(action, pair_id))
    return view


class LearningModal(NexusModal, title="What did you learn?"):
    def __init__(self, pair_id: int) -> None:
        super().__init__(timeout=900)
        self.pair_id = pair_id
        self.body: discord.ui.TextInput[LearningModal] = discord.ui.TextInput(
            custom_id="learning",
            label="One thing you learned from your pair",
            style=discord.TextStyle.paragraph,
            max_length=LEARNING_MAX,
            min_length=1,
            placeholder="e.g. Cache keys need a version, or deploys serve stale data.",
        )
        self.add_item(self.body)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        bot = _bot(interaction)
        saved = await pairing.save_learning(
            bot.db,
            interaction.guild_id,
            self.pair_id,
            interaction.user.id,
            interaction.user.display_name,
            self.body.value,
            bot.clock(),
        )
        verb = "Saved" if saved.created else "Updated"
        held = " It will appear once a moderator approves it." if saved.status == "pending" else ""
        await interaction.response.send_message(
            f"{verb} as a takeaway (#{saved.takeaway_id}). Thanks for sharing!{held}",
            ephemeral=True,
        )


class ProfileModal(NexusModal, title="Edit your pairing profile"):
    def __init__(self, current: pairing.Profile) -> None:
        super().__init__(timeout=900)
        # A text input, not a select: it reads like the other fields and a typo gets the
        # service's clear "Track must be ..." answer with nothing saved.
        self.track: discord.ui.TextInput[ProfileModal] = discord.ui.TextInput(
            custom_id="track",
            label="Track: frontend, backend or full-stack",
            default="full-stack" if current.track == "fullstack" else current.track,
            max_length=20,
            placeholder="frontend, backend or full-stack",
        )
        self.stack: discord.ui.TextInput[ProfileModal] = discord.ui.TextInput(
            custom_id="stack",
            label="Stack / skills",
            default=current.stack[: pairing.STACK_MAX],
            max_length=pairing.STACK_MAX,
            required=False,
        )
        self.availability: discord.ui.TextInput[ProfileModal] = discord.ui.TextInput(
            custom_id="availability",
            label="When you're free (your local time)",
            default=current.availability_text,
            max_length=200,
            placeholder="weekdays 18-21, sat 10-14",
        )
        self.timezone: discord.ui.TextInput[ProfileModal] = discord.ui.TextInput(
            custom_id="timezone",
            label="Time zone (e.g. Europe/Berlin)",
            default=current.timezone,
            max_length=64,
        )
        self.goals: discord.ui.TextInput[ProfileModal] = discord.ui.TextInput(
            custom_id="goals",
            label="What you want to build or learn",
            style=discord.TextStyle.paragraph,
            default=current.goals[: pairing.GOALS_MAX],
            max_length=pairing.GOALS_MAX,
            required=False,
        )
        for item in (self.track, self.stack, self.availability, self.timezone, self.goals):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        updated = await pairing.update_profile(
            _bot(interaction).db,
            interaction.guild_id,
            interaction.user.id,
            track=self.track.value,
            stack=self.stack.value,
            availability=self.availability.value,
            timezone=self.timezone.value,
            goals=self.goals.value,
            display_name=interaction.user.display_name,
        )
        await interaction.response.send_message(
            embed=profile_embed(updated, "Profile saved."), ephemeral=True
        )


class ProfileView(NexusView):
    """The Edit button under a member's own (ephemeral) profile."""

    def __init__(self, owner_id: int) -> None:
        super().__init__(timeout=900)
        self.owner_id = owner_id

    @discord.ui.button(label="Edit", style=discord.ButtonStyle.primary)
    async def edit(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        assert interaction.guild_id is not None
        current = await pairing.get_profile(
            _bot(interaction).db, interaction.guild_id, interaction.user.id
        )
        await interaction.response.send_modal(ProfileModal(current))
