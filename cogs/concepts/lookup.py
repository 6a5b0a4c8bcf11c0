"""The answer to a lookup (by `/concept lookup` or the /help form): private, with
"Post in channel"; `share` posts it for everyone at once."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.errors import Conflict, NotAllowed
from bot.services import concepts, pairing, web
from cogs.concepts import render
from cogs.concepts.views import concept_view, post_in_channel, suggestions_view

if TYPE_CHECKING:
    from bot.client import NexusBot


async def answer_lookup(
    interaction: discord.Interaction, name: str, track: str | None = None, *, share: bool = False
) -> None:
    assert interaction.guild_id is not None
    bot: NexusBot = interaction.client  # type: ignore[assignment]
    outcome = await concepts.lookup(bot.db, interaction.guild_id, interaction.user.id, name)
    if outcome.concept is None:
        view = suggestions_view(outcome) or discord.utils.MISSING
        await interaction.response.send_message(
            render.did_you_mean(outcome), view=view, ephemeral=True
        )
        return
    if track is None and render.track_matters(outcome.concept):  # else it changes nothing
        track = await pairing.member_track(bot.db, interaction.guild_id, interaction.user.id)
    note = render.merged_note(outcome) or render.corrected_note(outcome)
    if share:
        try:
            said = await post_in_channel(interaction, outcome.concept)
        except (Conflict, NotAllowed) as refused:  # the explanation is still answered
            said = refused.message
        note = f"{note}\n{said}" if note else said
    web_url = await web.concept_web_url(
        bot.db, bot.settings.web_base_url, interaction.guild_id, outcome.concept.id
    )
    await interaction.response.send_message(
        note or discord.utils.MISSING,
        embed=render.concept_embed(outcome.concept, track),
        view=concept_view(outcome.concept, track, shareable=True, web_url=web_url),
        ephemeral=True,
    )
