"""After a solution is posted, accepted or marked helpful: tell the member it concerns
(best effort, after the interaction is answered; see moderation.NOTICE_KINDS)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.services.entries import ChallengePage, SolutionInfo
from bot.ui.dm import send_notice
from cogs.solutions import render

if TYPE_CHECKING:
    from bot.client import NexusBot


def _bot(interaction: discord.Interaction) -> NexusBot:
    return interaction.client  # type: ignore[return-value]


def _guild_name(interaction: discord.Interaction) -> str:
    return interaction.guild.name if interaction.guild else "your server"


def _solution(page: ChallengePage, solution_id: int) -> SolutionInfo | None:
    return next((s for s in page.solutions if s.id == solution_id), None)


async def solution_posted(
    interaction: discord.Interaction, page: ChallengePage, sol_id: int
) -> None:
    """The challenge's author hears of a new published solution, unless they wrote it or
    saved it themselves."""
    sol = _solution(page, sol_id)
    c = page.challenge
    if sol is None or interaction.guild_id is None or sol.author_id == c.author_id:
        return
    text = render.solution_posted_dm(
        _guild_name(interaction), sol.author_name, c.id, c.title, sol.id
    )
    await send_notice(
        _bot(interaction),
        interaction.guild_id,
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
