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
from bot.services.moderation import AuthorResult
from bot.ui.render import (
    COLOUR,
    COLOUR_OK,
    COLOUR_WARN,
    CONTENT_MAX,
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


def merged_note(page: ChallengePage) -> str | None:
    """`Challenge #3 (title) was merged into #5 (link): shown below.` or None."""
    dup, c = page.merged_from, page.challenge
    if dup is None:
        return None
    where = f" ([original message]({c.jump_url}))" if c.jump_url else ""
    return (
        f"Challenge #{dup.id} ({name(dup.title)}) was merged into #{c.id}{where}: "
        "its solutions are there now, shown below."
    )


def solution_title(sol: SolutionInfo) -> str:
    head = f"{SOLVED_MARK} Accepted solution" if sol.accepted else "Solution"
    bits = [f"{head} #{sol.id} by {one_line(sol.author_name, 80)}"]
    if sol.helped_count:
        bits.append(f"helped {sol.helped_count}")
    if sol.status != "published":
        bits.append(status_label(sol.status))
    return " \u00b7 ".join(bits)


def recorded_note(rec: RecordedChallenge, *, for_author: str | None = None) -> str:
    """`for_author`: the message's author, when someone else saved it."""
    c = rec.challenge
    if not rec.created:
        return f"That message is already saved as challenge #{c.id}."
    note = f"Saved as challenge #{c.id}."
    if c.status == "awaiting_author":
        return f"{note} {awaiting_note(c.author_name)}"
    if c.status != "published":
        note += f" {HELD}"
    elif for_author:
        note += " " + removal_hint("challenge", c.id, for_author)
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
    set_footer(embed, f"Page {result.page + 1} \u00b7 open one below")
    return embed


def option_label(c: ChallengeInfo) -> str:
    return short(c, SELECT_OPTION_MAX)


def option_description(c: ChallengeInfo) -> str:
    return plain_label(
        f"by {c.author_name} \u00b7 {c.solution_count} solution(s)", SELECT_OPTION_MAX
    )


# -- the author's say over entries saved from their messages (cogs/challenges/authors.py) --

CONSENT_UNREACHABLE = (
    "I couldn't reach the author (their DMs are closed and I can't post here): the entry "
    "stays private, seen only by them, until they answer."
)


def removal_hint(kind: str, entry_id: int, author_name: str) -> str:
    return f"{name(author_name)} can remove it with `/{kind} remove id:{entry_id}`."


def awaiting_note(author_name: str) -> str:
    return (
        f"It was saved from a private thread, so it stays private (only {name(author_name)} "
        "can see it) until they agree to publish it: I'm asking for their consent by DM, or "
        "here in the thread if I can't DM them."
    )


def captured_dm(
    what: str, saver: str, guild: str, jump_url: str | None, command: str, *, published: bool
) -> str:
    link = f" ({jump_url})" if jump_url else ""
    seen = (
        "Anyone in the server can now find it, and it may appear in the weekly digest."
        if published
        else "The server sees it once a moderator has reviewed it."
    )
    return clip(
        f"**{name(saver)}** saved your message{link} as {what} in **{name(guild)}**. "
        f"{seen}\n"
        f"Rather not? Press **Remove it** (or use `{command}` in the server): its text is "
        "deleted from Nexus and it can't be saved again.",
        CONTENT_MAX,
    )


def consent_request(what: str, saver: str, thread: str, guild: str, jump_url: str | None) -> str:
    link = f" ({jump_url})" if jump_url else ""
    return clip(
        f"**{name(saver)}** wants to save your message{link} from the private thread "
        f"**{name(thread)}** in **{name(guild)}** as {what}, so that the whole server can "
        "find it (it may also appear in the weekly digest). That needs your consent: "
        "nothing is shown outside the thread until you approve. Decline, and it is removed.",
        CONTENT_MAX,
    )


def decided(result: AuthorResult) -> str:
    what = f"{result.kind} #{result.entry_id}"
    if result.action == "approve":
        if result.status == "published":
            return f"Approved: {what} is published for the whole server. Thank you!"
        return f"Approved: {what} is published once a moderator has reviewed it. Thank you!"
    if result.previous == "awaiting_author":
        return f"Declined: nothing from your message was published, and {what} is removed."
    return f"Removed {what}: its text is deleted from Nexus and it can't be saved again."


def confirm_removal(what: str) -> str:
    return (
        f"Remove your {what}? Its text is deleted from Nexus for everyone, you included, "
        "and this can't be undone."
    )


def kept(what: str, kind: str) -> str:
    return f"Kept: {what} is unchanged. (`/{kind} remove` still removes it later.)"


def removed_log_line(result: AuthorResult) -> str:
    return f"Removed by its author: {result.kind} #{result.entry_id} (its text is deleted)."
