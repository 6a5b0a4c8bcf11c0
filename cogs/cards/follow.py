"""Nexus's public messages showing an entry ("cards") follow it.

A challenge page (with its solutions) or a takeaway that Nexus posted in a channel is
remembered (`remember`). When the entry is edited (by its author or a moderator), a
solution of it changes, or it is hidden, restored or removed, every remembered card is
edited to match (`follow`): an edit shows the new text, a hidden or removed entry's card
keeps only a line saying so, never its words. Best effort: a card someone deleted is
forgotten; a failure is logged and never fails the action.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.errors import NotFound
from bot.services import cards, challenges, concepts, takeaways
from cogs.challenges import render as challenge_render
from cogs.concepts.render import concept_embed
from cogs.concepts.views import concept_view
from cogs.solutions.views import challenge_page_view
from cogs.takeaways.render import takeaway_embed
from cogs.takeaways.views import takeaway_view

if TYPE_CHECKING:
    from bot.client import NexusBot

log = logging.getLogger("nexus.cards")

GONE = "{what} is no longer shown here: {why}."
REMOVED_BY_AUTHOR = "its author removed it"


async def remember(
    interaction: discord.Interaction, callback: Any, kind: str, entry_id: int
) -> None:
    """After a PUBLIC answer showing the entry: remember its message as a card."""
    message_id = getattr(callback, "message_id", None)
    if interaction.guild_id is None or interaction.channel_id is None or not message_id:
        return
    bot: NexusBot = interaction.client  # type: ignore[assignment]
    try:
        await cards.remember_card(
            bot.db, interaction.guild_id, kind, entry_id, interaction.channel_id, message_id
        )
    except Exception:
        log.exception("could not remember card %s of %s #%s", message_id, kind, entry_id)


async def follow(
    bot: NexusBot, guild_id: int, kind: str, entry_id: int, *, why: str = "it was removed"
) -> None:
    """Bring the cards of an entry up to date. `kind`: challenge, solution (its
    challenge's cards), takeaway or concept; `why`: said on the cards of an entry that
    is no longer public."""
    try:
        if kind == "solution":
            page = await challenges.solution_page(bot.db, guild_id, entry_id)
            if page is None:
                return
            kind, entry_id = "challenge", page.challenge.id
        shown = await _shown(bot, guild_id, kind, entry_id, why)
        if shown is None:
            return
        found = await cards.cards_of(bot.db, guild_id, kind, entry_id)
        gone = []
        for card in found:
            message = bot.get_partial_messageable(card.channel_id).get_partial_message(
                card.message_id
            )
            try:
                await message.edit(**shown)
            except discord.NotFound:
                gone.append(card.message_id)
            except discord.HTTPException as error:
                log.info("could not update card %s: %s", card.message_id, error)
        await cards.forget_cards(bot.db, gone)
    except Exception:
        log.exception("could not update the cards of %s #%s", kind, entry_id)


async def _shown(
    bot: NexusBot, guild_id: int, kind: str, entry_id: int, why: str
) -> dict[str, Any] | None:
    """What the entry's cards show now (as everyone sees it)."""
    if kind == "challenge":
        try:
            page = await challenges.get_challenge_page(bot.db, guild_id, entry_id, viewer_id=None)
        except NotFound:
            return _gone(f"Challenge #{entry_id}", why)
        if page.challenge.id != entry_id:  # merged into another: show where it went
            note = challenge_render.merged_note(page)
            return {"content": note, "embed": challenge_render.challenge_embed(page), "view": None}
        return {
            "embed": challenge_render.challenge_embed(page),
            "view": challenge_page_view(page),
        }
    if kind == "concept":
        try:
            detail = await concepts.get_concept(bot.db, guild_id, entry_id)
        except NotFound:
            return _gone(f"Concept #{entry_id}", why)
        return {"embed": concept_embed(detail), "view": concept_view(detail)}
    if kind == "takeaway":
        try:
            t = await takeaways.get_takeaway(bot.db, guild_id, entry_id, viewer_id=None)
        except NotFound:
            return _gone(f"Takeaway #{entry_id}", why)
        return {"embed": takeaway_embed(t), "view": takeaway_view(t)}
    return None


def _gone(what: str, why: str) -> dict[str, Any]:
    return {"content": GONE.format(what=what, why=why), "embed": None, "view": None}
