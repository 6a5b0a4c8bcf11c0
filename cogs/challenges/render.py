"""Pure renderers for challenges and their solutions (every text through the budgets)."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.services.entries import (
    STATUS_LABELS,
    ChallengeInfo,
    ChallengePage,
    Paged,
    RecordedChallenge,
    SolutionInfo,
)
from bot.ui.render import (
    COLOUR,
    COLOUR_OK,
    COLOUR_WARN,
    SELECT_OPTION_MAX,
    add_field,
    clip,
    make_embed,
    one_line,
    plain_label,
    set_footer,
)

PROBLEM_SHOWN = 1800
TRIED_SHOWN = 1000
SOLUTIONS_SHOWN = 8
SOLUTION_SHOWN = 700
SOLVED_MARK = "\u2705"
HELD = "Held for review: only you can see it until a moderator publishes it."


def name(text: str) -> str:
    """A display name shown as plain text (no markdown)."""
    return discord.utils.escape_markdown(one_line(text, 100)) or "a member"


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def state(c: ChallengeInfo) -> str:
    return f"{SOLVED_MARK} solved" if c.solved else "open"


def short(c: ChallengeInfo, limit: int = 100) -> str:
    mark = f" {SOLVED_MARK}" if c.solved else ""
    return plain_label(f"#{c.id} \u00b7 {c.title}", limit - len(mark)) + mark


def challenge_embed(page: ChallengePage, *, similar: Sequence[ChallengeInfo] = ()) -> discord.Embed:
    c = page.challenge
    colour = COLOUR_OK if c.solved else (COLOUR if c.status == "published" else COLOUR_WARN)
    parts = [f"**What went wrong**\n{clip(c.problem, PROBLEM_SHOWN)}"]
    if c.tried:
        parts.append(f"**What was tried**\n{clip(c.tried, TRIED_SHOWN)}")
    embed = make_embed(
        f"#{c.id} \u00b7 {one_line(c.title, 200)}", "\n\n".join(parts), colour=colour
    )
    add_field(embed, "Status", f"{state(c)} \u00b7 {status_label(c.status)}", inline=True)
    add_field(embed, "Shared by", name(c.author_name), inline=True)
    if c.concepts:
        add_field(
            embed, "Concepts", ", ".join(one_line(t.name, 60) for t in c.concepts), inline=True
        )
    if c.jump_url:
        add_field(embed, "Source", f"[original message]({c.jump_url})", inline=True)
    for sol in page.solutions[:SOLUTIONS_SHOWN]:
        add_field(embed, solution_title(sol), clip(sol.body, SOLUTION_SHOWN))
    if not page.solutions:
        add_field(
            embed,
            "Solutions",
            "None yet: answer with `/solution add` or save a chat "
            "message with **Save as solution**.",
        )
    elif len(page.solutions) > SOLUTIONS_SHOWN:
        add_field(embed, "More", f"and {len(page.solutions) - SOLUTIONS_SHOWN} more solutions")
    if similar:
        lines = [f"\u2022 {short(s, 120)}" for s in similar]
        add_field(embed, "Similar earlier challenges", "\n".join(lines))
    set_footer(embed, f"Challenge #{c.id} \u00b7 /challenge view id:{c.id}")
    return embed


def solution_title(sol: SolutionInfo) -> str:
    head = f"{SOLVED_MARK} Accepted solution" if sol.accepted else "Solution"
    bits = [f"{head} #{sol.id} by {one_line(sol.author_name, 80)}"]
    if sol.helped_count:
        bits.append(f"helped {sol.helped_count}")
    if sol.status != "published":
        bits.append(status_label(sol.status))
    return " \u00b7 ".join(bits)


def recorded_note(rec: RecordedChallenge) -> str:
    c = rec.challenge
    if not rec.created:
        return f"That message is already saved as challenge #{c.id}."
    note = f"Saved as challenge #{c.id}."
    if c.status != "published":
        note += f" {HELD}"
    if rec.similar:
        solved = sum(1 for s in rec.similar if s.solved)
        note += f" Found {len(rec.similar)} similar earlier challenge(s)"
        note += f", {solved} already solved ({SOLVED_MARK})." if solved else "."
    return note


def list_embed(title: str, result: Paged[ChallengeInfo], empty: str) -> discord.Embed:
    embed = make_embed(one_line(title, 200), None if result.items else empty)
    for c in result.items:
        bits = [
            state(c),
            status_label(c.status),
            f"by {name(c.author_name)}",
            f"{c.solution_count} solution(s)",
        ]
        if c.concepts:
            bits.append(", ".join(one_line(t.name, 40) for t in c.concepts))
        value = " \u00b7 ".join(bits) + "\n" + one_line(c.problem, 200)
        add_field(embed, short(c, 200), value)
    set_footer(embed, f"Page {result.page + 1} \u00b7 open one with /challenge view")
    return embed


def option_label(c: ChallengeInfo) -> str:
    return short(c, SELECT_OPTION_MAX)


def option_description(c: ChallengeInfo) -> str:
    return plain_label(
        f"by {c.author_name} \u00b7 {c.solution_count} solution(s)", SELECT_OPTION_MAX
    )
