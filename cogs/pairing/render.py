"""Pure renderers for pairing: profiles, previews, pair-thread starters, stats, notes."""

from __future__ import annotations

from datetime import datetime

import discord

from bot.services.pairing import (
    AVOID_MAX,
    TRACK_NAMES,
    AvoidChange,
    Avoided,
    PairingStats,
    PairSpace,
    Profile,
    RoundPlan,
)
from bot.ui.render import (
    COLOUR_OK,
    COLOUR_WARN,
    CONTENT_MAX,
    add_field,
    clip,
    make_embed,
    one_line,
    set_footer,
    split_lines,
)

THREAD_NAME_MAX = 100


def _ts(moment: datetime | None, style: str = "f") -> str:
    return f"<t:{int(moment.timestamp())}:{style}>" if moment else "—"


def track_name(track: str) -> str:
    return TRACK_NAMES.get(track, track)


def profile_embed(p: Profile, note: str | None = None) -> discord.Embed:
    embed = make_embed(f"Pairing profile: {one_line(p.display_name, 100)}", note)
    add_field(embed, "Track", track_name(p.track), inline=True)
    add_field(embed, "Time zone", p.timezone, inline=True)
    status = {"active": "taking part", "left": "left"}.get(p.status, "paused")
    if p.status == "paused":
        status = (
            f"paused until {_ts(p.paused_until, 'D')}"
            if p.paused_until
            else "paused (use `/pair resume` to come back)"
        )
    add_field(embed, "Status", status, inline=True)
    add_field(embed, "Free (your local time)", p.availability_text or "—")
    add_field(embed, "Stack / skills", p.stack or "—")
    add_field(embed, "Wants to build or learn", p.goals or "—")
    set_footer(embed, "Edit with /pair profile options or the Edit button.")
    return embed


def preview_embeds(plan: RoundPlan, *, limit_lines: int = 120) -> list[discord.Embed]:
    lines = []
    for i, g in enumerate(plan.groups, 1):
        names = " + ".join(
            f"{one_line(m.display_name, 40)} ({side})"
            for m, side in zip(g.members, g.sides, strict=True)
        )
        flag = " · repeat" if g.is_repeat else ""
        flag += " · ⚠ no shared free hour" if g.overlap_hours == 0 else ""
        lines.append(f"{i}. {names} — score {g.score:.1f}, {g.overlap_hours} h shared{flag}")
    for p, reason in plan.unmatched:
        lines.append(f"• unmatched: {one_line(p.display_name, 40)} — {one_line(reason, 120)}")
    shown = lines[:limit_lines]
    if len(lines) > limit_lines:
        shown.append(f"… and {len(lines) - limit_lines} more")
    chunks = split_lines(shown, 3900) or ["Nobody to pair."]
    title = (
        f"Preview: {len(plan.groups)} pair(s), {len(plan.unmatched)} unmatched, "
        f"{plan.participants} learner(s)"
    )
    embeds = [make_embed(title if i == 0 else None, c) for i, c in enumerate(chunks[:5])]
    set_footer(
        embeds[-1],
        "Nothing was written or announced. Score = shared hours (max 12) "
        "+ 4 × shared interests − 100 if paired before.",
    )
    return embeds


def thread_prefix(pair_id: int) -> str:
    """Every pair thread's name starts with its pair id, so a retry can find it again."""
    return f"#{pair_id} "


def thread_name(space: PairSpace) -> str:
    names = " & ".join(one_line(m.display_name, 30) for m in space.members)
    return one_line(f"{thread_prefix(space.pair_id)}Pair: {names}", THREAD_NAME_MAX)


def starter_nonce(pair_id: int) -> str:
    """Deterministic (<= 25 chars): a retried starter message is deduplicated by Discord."""
    return f"nexus-pair-{pair_id}"[:25]


def overlap_lines(space: PairSpace) -> list[str]:
    if not space.windows:
        return ["No shared free hours this week: agree on a time here, or work async."]
    out = []
    for w in space.windows:
        parts = [
            f"{w.local(m.timezone)} for {one_line(m.display_name, 40)} ({m.timezone})"
            for m in space.members
        ]
        out.append(" = ".join(parts))
    return out


def starter(space: PairSpace) -> tuple[str, discord.Embed]:
    """The thread's first message: the only Nexus message that pings (the pair itself)."""
    mentions = " ".join(f"<@{m.user_id}>" for m in space.members)
    content = clip(f"{mentions} you're paired this round! Say hi and pick a time.", CONTENT_MAX)
    embed = make_embed("Your pair space", colour=COLOUR_OK)
    who = [
        f"**{one_line(m.display_name, 60)}** — {track_name(m.track)}"
        f" (on the {m.side} side)" + (f" · {one_line(m.stack, 120)}" if m.stack else "")
        for m in space.members
    ]
    add_field(embed, "Who", "\n".join(who))
    add_field(
        embed,
        f"When you're {'all' if len(space.members) > 2 else 'both'} free "
        f"({space.overlap_hours} h this week)",
        "\n".join(overlap_lines(space)),
    )
    if space.project is not None:
        p = space.project
        text = f"**{p.title}**\nFrontend: {p.frontend}\nBackend: {p.backend}"
        add_field(embed, "Suggested mini-project", text)
        if space.concepts:
            add_field(embed, "Concepts to look up", ", ".join(space.concepts))
    if space.is_repeat:
        set_footer(embed, "You've been paired before: nobody new fitted this time.")
    else:
        set_footer(embed, "Buttons to check in will appear here midway and at the end.")
    return content, embed


def followup_text(kind: str) -> str:
    if kind == "midway":
        return (
            "Halfway through the round! Have you met yet? Let us know below "
            "(only the two of you can answer)."
        )
    return (
        "This round is ending. How did it go? Answer below, and share what you "
        "learned: it becomes a takeaway for the community."
    )


def unmatched_text(guild_name: str, reason: str, next_round: datetime | None) -> str:
    when = (
        f"The next round starts {_ts(next_round)}."
        if next_round
        else "The next round starts when a moderator runs one."
    )
    return clip(
        f"No pair for you in **{one_line(guild_name, 80)}** this round, sorry. {reason} "
        f"{when} Check `/pair profile` to widen your availability or switch track.",
        CONTENT_MAX,
    )


UNMATCHED_CHANNEL_NOTE = (
    "Some learners could not be paired this round and I couldn't reach them by DM. "
    "If you joined pairing and have no pair thread, check `/pair profile`: you'll be "
    "included in the next round."
)


def avoid_note(change: AvoidChange) -> str:
    name = one_line(change.member.name, 100)
    head = "Already noted:" if not change.changed else "Done:"
    return (
        f"{head} you won't be paired with **{name}**. Only you can see this: they aren't "
        "told, and moderators don't see it either. Undo with `/pair unavoid`."
    )


def avoid_embed(avoided: tuple[Avoided, ...], note: str | None = None) -> discord.Embed:
    embed = make_embed("Members you won't be paired with", note)
    names = "\n".join(f"• {one_line(a.name, 100)}" for a in avoided)
    add_field(
        embed,
        f"Your list ({len(avoided)}/{AVOID_MAX}, only you see it)",
        names or "Nobody. `/pair avoid member:` adds someone.",
    )
    return embed


def paused_note(p: Profile) -> str:
    if p.paused_until is None:
        return "Paused. Enjoy the break!"
    return (
        f"Paused until {_ts(p.paused_until, 'F')} (the start of that day in your time zone, "
        f"{p.timezone}). You're back for the first round after that; `/pair resume` ends "
        "the pause early."
    )


def skip_note(skipped: datetime, back: datetime) -> str:
    return (
        f"You'll sit out the next round ({_ts(skipped, 'F')}) and be back for the one on "
        f"{_ts(back, 'F')}. Changed your mind? `/pair resume`."
    )


def paused_text(guild_name: str, ignored: int) -> str:
    return clip(
        f"You haven't answered the check-ins of your last {ignored} pairing rounds in "
        f"**{one_line(guild_name, 80)}**, so I've paused your pairing profile. Run "
        "`/pair resume` whenever you want to be paired again.",
        CONTENT_MAX,
    )


def _pct(value: float | None) -> str:
    return f"{value * 100:.0f}%" if value is not None else "—"


def stats_embed(st: PairingStats) -> discord.Embed:
    embed = make_embed("Pairing stats")
    per_track = "\n".join(f"{track_name(t)}: {n}" for t, n in st.participants.items())
    add_field(embed, "Participants", per_track or "—", inline=True)
    add_field(embed, "Paused / left", f"{st.paused} / {st.left}", inline=True)
    add_field(embed, "Rounds", f"{st.rounds} (last {_ts(st.last_round_started, 'D')})", inline=True)
    add_field(embed, "Pairs made", f"{st.pairs_made} ({st.trios} trio(s))", inline=True)
    add_field(embed, "Met rate", f"{_pct(st.met_rate)} ({st.met} of {st.asked} asked)", inline=True)
    add_field(embed, "Repeat rate", f"{_pct(st.repeat_rate)} ({st.repeats})", inline=True)
    add_field(embed, "Unmatched", str(st.unmatched), inline=True)
    return embed


def round_summary(
    pairs: int,
    unmatched: int,
    failed: int,
    resumed: bool,
    ends_at: datetime,
    *,
    no_overlap: int = 0,
) -> discord.Embed:
    title = "Pairing round resumed" if resumed else "Pairing round started"
    colour = COLOUR_WARN if failed or no_overlap else COLOUR_OK
    text = (
        f"{pairs} pair space(s), {unmatched} learner(s) unmatched and notified. "
        f"The round ends {_ts(ends_at)}."
    )
    if no_overlap:
        text += (
            f"\n⚠ {no_overlap} pair(s) share no free hour this week: their thread asks "
            "them to agree on a time or work async."
        )
    if failed:
        text += (
            f"\n{failed} pair space(s) could not be created: check my permissions in "
            "the pairing channel, then run `/pair round` again to finish."
        )
    return make_embed(title, text, colour=colour)
