"""/me as one embed: counts first, then at most members.RECENT entries per kind, each
section pointing to its own pages (/me show:<section>)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import discord

from bot.services.entries import STATUS_LABELS, Paged
from bot.services.members import (
    RECENT,
    Contributions,
    MyChallenge,
    MyPairing,
    MySolution,
    MyTakeaway,
)
from bot.ui.render import add_field, clip, make_embed, one_line, set_footer

SOLVED = "\u2705"
UP = "\u25b2"
OUTCOMES = MappingProxyType({"met": "you met", "not_yet": "not met yet", "skip": "skipped"})
EMPTY = (
    "Nothing here yet. Ask for help with `/challenge share`, answer one with "
    "`/solution add`, share what you learned with `/takeaway share`, or find a partner "
    "with `/pair join`."
)
HINT = "Change or remove your entries: /challenge edit, /solution edit, /takeaway edit (or remove)."


def _text(value: str, limit: int) -> str:
    return discord.utils.escape_markdown(one_line(value, limit))


def _status(status: str) -> list[str]:
    return [] if status == "published" else [STATUS_LABELS.get(status, status)]


def _challenge(c: MyChallenge) -> str:
    bits = [f"`#{c.id}` {_text(c.title, 80)}"]
    bits.append(f"{SOLVED} solved" if c.solved else "open")
    bits.append(f"{c.solutions} solution(s)")
    return " · ".join(bits + _status(c.status))


def _solution(s: MySolution) -> str:
    bits = [f"`#{s.id}` to #{s.challenge_id} {_text(s.challenge_title, 60)}"]
    if s.accepted:
        bits.append(f"{SOLVED} accepted")
    if s.helped:
        bits.append(f"helped {s.helped}")
    return " · ".join(bits + _status(s.status))


def _takeaway(t: MyTakeaway) -> str:
    bits = [f"`#{t.id}` {UP} {t.votes}", _text(t.body, 80)]
    return " · ".join(bits + _status(t.status))


def _pairing(p: MyPairing) -> str:
    partners = ", ".join(_text(n, 40) for n in p.partners) or "nobody (partner left)"
    bits = [f"Round {p.round_id} ({p.started_at:%d %b %Y})", f"with {partners}"]
    if p.outcome:
        bits.append(OUTCOMES.get(p.outcome, p.outcome))
    return " · ".join(bits)


def _section(lines: list[str], total: int, more: str) -> str:
    if total > len(lines):
        lines = [*lines, f"… and {total - len(lines)} more{more}"]
    return clip("\n".join(lines), 1024)


def contributions_embed(c: Contributions, member: str, guild: str) -> discord.Embed:
    title = f"{one_line(member, 80)} in {one_line(guild, 100)}"
    if c.empty and not c.helped_others:
        return make_embed(title, EMPTY)
    summary = (
        f"**{c.challenges}** challenge(s), {c.solved} solved · "
        f"**{c.solutions}** solution(s), {c.accepted} accepted · "
        f"your solutions helped **{c.helped}** time(s) · "
        f"**{c.takeaways}** takeaway(s), {UP} {c.votes} · "
        f"**{c.rounds}** pairing round(s)"
    )
    if c.helped_others:
        summary += f" · you said {c.helped_others} solution(s) helped you"
    embed = make_embed(title, summary)
    sections = (
        ("challenges", c.recent_challenges, c.challenges),
        ("solutions", c.recent_solutions, c.solutions),
        ("takeaways", c.recent_takeaways, c.takeaways),
        ("pairings", c.recent_pairings, c.rounds),
    )
    for section, items, total in sections:
        if items:
            lines = [_LINES[section](x) for x in items]
            more = f": `/me show:{section}`"
            add_field(embed, f"Your {section}", _section(lines, total, more))
    set_footer(embed, f"Newest first, {RECENT} of each. {HINT}")
    return embed


def section_embed(section: str, page: Paged[Any], member: str) -> discord.Embed:
    """One page of /me show:<section>."""
    title = f"{one_line(member, 80)}: your {section}"
    if not page.items:
        text = f"No {section} here yet." if page.page == 0 else "No more."
        return make_embed(title, text)
    lines = [_LINES[section](x) for x in page.items]
    embed = make_embed(title, clip("\n".join(lines), 4000))
    set_footer(embed, f"Page {page.page + 1} · newest first. {HINT}")
    return embed


_LINES: Mapping[str, Callable[[Any], str]] = MappingProxyType(
    {
        "challenges": _challenge,
        "solutions": _solution,
        "takeaways": _takeaway,
        "pairings": _pairing,
    }
)
