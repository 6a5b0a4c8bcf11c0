"""/me as one embed: counts first, then at most members.RECENT entries per kind, each
section pointing to where the rest is."""

from __future__ import annotations

from types import MappingProxyType

import discord

from bot.services.entries import STATUS_LABELS
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
    if c.recent_challenges:
        lines = [_challenge(x) for x in c.recent_challenges]
        more = ": `/challenge list filter:mine`"
        add_field(embed, "Your challenges", _section(lines, c.challenges, more))
    if c.recent_solutions:
        lines = [_solution(x) for x in c.recent_solutions]
        add_field(embed, "Your solutions", _section(lines, c.solutions, ""))
    if c.recent_takeaways:
        lines = [_takeaway(x) for x in c.recent_takeaways]
        add_field(embed, "Your takeaways", _section(lines, c.takeaways, ""))
    if c.recent_pairings:
        lines = [_pairing(x) for x in c.recent_pairings]
        add_field(embed, "Your pairings", _section(lines, c.rounds, ""))
    set_footer(embed, f"Newest first, {RECENT} of each. {HINT}")
    return embed
