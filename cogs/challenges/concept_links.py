"""Concepts proposed when a challenge is recorded: one button per concept links it.

The proposal goes, privately, to whoever recorded the challenge, right after the answer.
The buttons are DynamicItems (`nexus:challenge:link:<challenge>:<concept>:<recorder>`):
they work after a restart and are re-checked on click (bot/services/challenges/
concept_links.py). After a click the proposal shows what is left to link.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord

from bot.services import challenges
from bot.services.concepts import RelatedRef
from bot.ui.base import guarded
from bot.ui.checks import is_moderator
from bot.ui.render import BUTTON_LABEL_MAX, one_line
from cogs.challenges.render import name

if TYPE_CHECKING:
    from bot.client import NexusBot

TEMPLATE = r"nexus:challenge:link:(?P<cid>[0-9]{1,10}):(?P<concept>[0-9]{1,10}):(?P<by>[0-9]{1,20})"


def _bot(interaction: discord.Interaction) -> NexusBot:
    return interaction.client  # type: ignore[return-value]


def _names(found: Sequence[RelatedRef]) -> str:
    shown = [f"**{name(c.name)}**" for c in found]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def proposal_text(challenge_id: int, found: Sequence[RelatedRef], done: str = "") -> str:
    ask = (
        f"Challenge #{challenge_id} seems to touch {_names(found)}. Link "
        f"{'it' if len(found) == 1 else 'them'} so that it is found under "
        f"{'that concept' if len(found) == 1 else 'those concepts'} (one click each):"
    )
    return f"{done}\n{ask}" if done else ask


class LinkConceptButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
    def __init__(self, challenge_id: int, concept_id: int, recorder_id: int, label: str) -> None:
        self.challenge_id, self.concept_id, self.recorder_id = challenge_id, concept_id, recorder_id
        super().__init__(
            discord.ui.Button(
                label=one_line(f"Link {label}", BUTTON_LABEL_MAX),
                style=discord.ButtonStyle.success,
                custom_id=f"nexus:challenge:link:{challenge_id}:{concept_id}:{recorder_id}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> LinkConceptButton:
        label = str(getattr(item, "label", "") or "").removeprefix("Link ")
        return cls(int(match["cid"]), int(match["concept"]), int(match["by"]), label)

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: self._link(interaction))

    async def _link(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        bot = _bot(interaction)
        linked = await challenges.link_concept(
            bot.db,
            interaction.guild_id,
            self.challenge_id,
            self.concept_id,
            actor_id=interaction.user.id,
            recorder_id=self.recorder_id,
            by_moderator=await is_moderator(bot, interaction),
        )
        done = f"Linked **{name(linked)}** to challenge #{self.challenge_id}."
        left = await challenges.concept_suggestions(bot.db, interaction.guild_id, self.challenge_id)
        if not left:
            await interaction.response.edit_message(content=done, view=None)
            return
        await interaction.response.edit_message(
            content=proposal_text(self.challenge_id, left, done),
            view=proposal_view(self.challenge_id, left, self.recorder_id),
        )


def proposal_view(
    challenge_id: int, found: Sequence[RelatedRef], recorder_id: int
) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for concept in found:
        view.add_item(LinkConceptButton(challenge_id, concept.id, recorder_id, concept.name))
    return view


async def propose_concepts(interaction: discord.Interaction, challenge_id: int) -> None:
    """After a challenge was recorded (the interaction is answered): privately propose the
    concepts it names, when there are convincing ones."""
    assert interaction.guild_id is not None
    found = await challenges.concept_suggestions(
        _bot(interaction).db, interaction.guild_id, challenge_id
    )
    if not found:
        return
    await interaction.followup.send(
        proposal_text(challenge_id, found),
        view=proposal_view(challenge_id, found, interaction.user.id),
        ephemeral=True,
    )
