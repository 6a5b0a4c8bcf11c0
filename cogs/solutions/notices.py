"""After a solution is posted, accepted or marked helpful: tell the member it concerns
(best effort, after the interaction is answered; see moderation.NOTICE_KINDS)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.services import challenges
from bot.services.entries import ChallengePage, SolutionInfo
from bot.ui.dm import send_notice
from cogs.solutions import render

if TYPE_CHECKING:
    from bot.client import NexusBot


def _bot(interaction: discord.Interaction) -> NexusBot:
    return interaction.client  # type: ignore[return-value]


def _guild_name(interaction: discord.Interaction, guild_id: int | None = None) -> str:
    guild = interaction.guild or (_bot(interaction).get_guild(guild_id) if guild_id else None)
    return guild.name if guild else "your server"


def _solution(page: ChallengePage, solution_id: int) -> SolutionInfo | None:
    return next((s for s in page.solutions if s.id == solution_id), None)


async def solution_posted(
    interaction: discord.Interaction,
    page: ChallengePage,
    sol_id: int,
    guild_id: int | None = None,
) -> None:
    """The challenge's author hears of a new published solution, unless they wrote it or
    saved it (or published it) themselves. `guild_id`: when the interaction is in a DM."""
    sol = _solution(page, sol_id)
    c = page.challenge
    guild_id = guild_id or interaction.guild_id
    if sol is None or guild_id is None or sol.author_id == c.author_id:
        return
    text = render.solution_posted_dm(
        _guild_name(interaction, guild_id), sol.author_name, c.id, c.title, sol.id
    )
    await send_notice(
        _bot(interaction),
        guild_id,
        c.author_id,
        "solution",
        text,
        actor_id=interaction.user.id,
        summary=render.SOLUTION_SUMMARY,
    )


async def solution_accepted(
    interaction: discord.Interaction, page: ChallengePage, sol_id: int
) -> None:
    sol = _solution(page, sol_id)
    if sol is None or interaction.guild_id is None:
        return
    c = page.challenge
    text = render.accepted_dm(_guild_name(interaction), c.id, c.title, sol.id)
    await send_notice(
        _bot(interaction),
        interaction.guild_id,
        sol.author_id,
        "accepted",
        text,
        actor_id=interaction.user.id,
        summary=render.ACCEPTED_SUMMARY,
    )


async def solution_helped(
    interaction: discord.Interaction, page: ChallengePage, sol_id: int
) -> None:
    sol = _solution(page, sol_id)
    if sol is None or interaction.guild_id is None:
        return
    c = page.challenge
    text = render.helped_dm(_guild_name(interaction), c.id, c.title, sol.id, sol.helped_count)
    await send_notice(
        _bot(interaction),
        interaction.guild_id,
        sol.author_id,
        "helped",
        text,
        actor_id=interaction.user.id,
        summary=render.HELPED_SUMMARY,
    )


async def solution_published(
    interaction: discord.Interaction, guild_id: int, solution_id: int
) -> None:
    """A held solution became public (a moderator approved it, or its author agreed to a
    capture): the challenge's author hears of it now."""
    page = await challenges.solution_page(_bot(interaction).db, guild_id, solution_id)
    if page is not None:
        await solution_posted(interaction, page, solution_id, guild_id)
