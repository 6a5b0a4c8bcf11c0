"""Solutions render on their challenge's page (cogs/challenges/render.py); the DMs their
authors and the challenge's author get are here."""

from __future__ import annotations

from bot.ui.render import CONTENT_MAX, clip, one_line
from cogs.challenges.render import challenge_embed, solution_title

__all__ = ["challenge_embed", "solution_title"]

_OFF = "Turn these off with `/notifications {option}:False` in that server."
SOLUTION_SUMMARY = (
    "{count} more solution(s) came in since my last message: `/me` lists your challenges."
)
ACCEPTED_SUMMARY = "{count} more of your solutions were accepted since my last message."
HELPED_SUMMARY = "Your solutions helped {count} more time(s) since my last message."


def _where(guild_name: str) -> str:
    return f"**{one_line(guild_name, 100)}**"


def solution_posted_dm(
    guild_name: str, solver: str, challenge_id: int, title: str, solution_id: int
) -> str:
    return clip(
        f"{one_line(solver, 100)} posted solution #{solution_id} to your challenge "
        f"#{challenge_id} ({one_line(title, 150)}) in {_where(guild_name)}. Read it with "
        f"`/challenge view id:{challenge_id}`, and accept it there if it solved your "
        f"problem.\n\n{_OFF.format(option='new_solutions')}",
        CONTENT_MAX,
    )


def accepted_dm(guild_name: str, challenge_id: int, title: str, solution_id: int) -> str:
    return clip(
        f"Your solution #{solution_id} to challenge #{challenge_id} ({one_line(title, 150)}) "
        f"in {_where(guild_name)} was accepted: it is now the answer everyone sees first. "
        f"Thank you!\n\n{_OFF.format(option='accepted')}",
        CONTENT_MAX,
    )


def helped_dm(guild_name: str, challenge_id: int, title: str, solution_id: int, helped: int) -> str:
    return clip(
        f"Your solution #{solution_id} to challenge #{challenge_id} ({one_line(title, 150)}) "
        f"in {_where(guild_name)} helped someone: {helped} member(s) so far.\n\n"
        f"{_OFF.format(option='helped')}",
        CONTENT_MAX,
    )
