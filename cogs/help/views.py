"""The /help guide's buttons: each starts a main flow, checked again when clicked.

DynamicItems (`nexus:help:<action>`): they hold no state, so they keep working after a
restart; a moderator or admin button pressed by someone who no longer is one is refused
like the command it stands for.
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import discord

from bot.services import pairing
from bot.ui.base import NexusModal, guarded
from bot.ui.checks import require_admin, require_moderator
from cogs.admin.render import settings_embed
from cogs.challenges.views import ShareChallengeModal
from cogs.concepts.lookup import answer_lookup
from cogs.help.render import ADMIN, MODERATOR
from cogs.moderation.views import show_queue
from cogs.pairing import render as pairing_render
from cogs.pairing.views import ProfileView

if TYPE_CHECKING:
    from bot.client import NexusBot

TEMPLATE = r"nexus:help:(?P<action>concept|challenge|pair|queue|setup)"
# action -> (label, style, the least role that is shown it)
ACTIONS = MappingProxyType(
    {
        "concept": ("Look up a concept", discord.ButtonStyle.primary, None),
        "challenge": ("Share a challenge", discord.ButtonStyle.primary, None),
        "pair": ("Pairing profile", discord.ButtonStyle.secondary, None),
        "queue": ("Moderator queue", discord.ButtonStyle.secondary, MODERATOR),
        "setup": ("Server settings", discord.ButtonStyle.secondary, ADMIN),
    }
)
SETTINGS_NOTE = "Change any of these with `/setup` and its options."


def _bot(interaction: discord.Interaction) -> NexusBot:
    return interaction.client  # type: ignore[return-value]


class LookupModal(NexusModal, title="Look up a concept"):
    def __init__(self) -> None:
        super().__init__(timeout=900, custom_id="nexus:help:lookup")
        self.name: discord.ui.TextInput[LookupModal] = discord.ui.TextInput(
            label="Concept",
            custom_id="name",
            min_length=1,
            max_length=100,
            placeholder="e.g. caching, CORS or k8s",
        )
        self.add_item(self.name)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await answer_lookup(interaction, self.name.value)


class HelpButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
    def __init__(self, action: str) -> None:
        self.action = action
        label, style, _ = ACTIONS[action]
        super().__init__(
            discord.ui.Button(label=label, style=style, custom_id=f"nexus:help:{action}")
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> HelpButton:
        return cls(match["action"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: self._start(interaction))

    async def _start(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        bot = _bot(interaction)
        if self.action == "concept":
            await interaction.response.send_modal(LookupModal())
        elif self.action == "challenge":
            await interaction.response.send_modal(ShareChallengeModal([]))
        elif self.action == "pair":
            profile = await pairing.get_profile(bot.db, interaction.guild_id, interaction.user.id)
            await interaction.response.send_message(
                embed=pairing_render.profile_embed(profile),
                view=ProfileView(interaction.user.id),
                ephemeral=True,
            )
        elif self.action == "queue":
            await require_moderator(bot, interaction)
            await show_queue(interaction, 0)
        else:
            require_admin(interaction)
            cfg = await bot.apply_settings(interaction.guild_id, {})
            next_round = pairing.current_period(cfg, bot.clock()).end
            await interaction.response.send_message(
                SETTINGS_NOTE, embed=settings_embed(cfg, next_round), ephemeral=True
            )


def help_view(role: str) -> discord.ui.View:
    """The buttons `role` may use (a moderator sees the queue, an admin also the settings)."""
    ranks = (None, MODERATOR, ADMIN)
    allowed = ranks[: ranks.index(role) + 1] if role in ranks else (None,)
    view = discord.ui.View(timeout=None)
    for action, (_, _, least) in ACTIONS.items():
        if least in allowed:
            view.add_item(HelpButton(action))
    return view
