"""Pure renderers: a Digest -> messages of embeds within Discord's limits.

User text (takeaways, titles, names) is shown as written; it only ever appears inside
embeds, and every message goes out with AllowedMentions.none(), so "@everyone" in a
takeaway is displayed but can never ping.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from zoneinfo import ZoneInfo

import discord

from bot.services.digest import Digest, DigestItem
from bot.services.guilds import WEEKDAYS, GuildConfig
from bot.ui.render import (
    COLOUR,
    COLOUR_OK,
    DESCRIPTION_MAX,
    batch_embeds,
    make_embed,
    one_line,
    set_footer,
    split_lines,
)

FOOTER = (
    "Nexus weekly digest · open an entry by its number with /takeaway view, /challenge view "
    "or /concept lookup · moderators choose what leads the digest with /curate feature"
)
TRACK_LABELS = MappingProxyType(
    {
        "frontend": "Frontend can help",
        "backend": "Backend can help",
        "fullstack": "Full-stack can help",
        None: "Any track can help",
    }
)
KIND_LABELS = MappingProxyType(
    {"takeaway": "Takeaway", "challenge": "Challenge", "solution": "Solution", "concept": "Concept"}
)


@dataclass
class MessagePart:
    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)


def _date_range(digest: Digest, zone: ZoneInfo) -> str:
    start = digest.start.astimezone(zone)
    end = digest.end.astimezone(zone)
    return f"{start:%d %b} – {end:%d %b %Y}"


def _by(name: str | None) -> str:
    return f" — {one_line(name, 60)}" if name else ""


def _link(text: str, url: str | None) -> str:
    text = one_line(text, 150).replace("[", "(").replace("]", ")")
    return f"[{text}]({url})" if url and url.startswith("https://") else f"**{text}**"


def _ref(kind: str, entry_id: int | None, url: str | None) -> str:
    """`solution #56`, as a jump link when the entry has one."""
    ref = f"{kind} #{entry_id}" if entry_id is not None else kind
    return f"[{ref}]({url})" if url and url.startswith("https://") else ref


def _item_line(item: DigestItem, *, with_kind: bool = False, by: str = "") -> str:
    """`• #12 text — author (▲ 4)`: every part is bounded (text 200, names 60, the URL by
    its column), so the line is never clipped through the middle of a link."""
    ref = f"{KIND_LABELS.get(item.kind, item.kind)} #{item.id}" if with_kind else f"#{item.id}"
    votes = f" (▲ {item.votes})" if item.votes else ""
    text = _link(item.text, item.url) if item.url else one_line(item.text, 200)
    author = f" ({by} {one_line(item.author, 60)})" if by and item.author else _by(item.author)
    return f"• {ref} {text}{author}{votes}"


def _section(
    title: str, lines: Iterable[str], colour: discord.Colour = COLOUR
) -> list[discord.Embed]:
    chunks = split_lines(list(lines), DESCRIPTION_MAX)
    return [
        make_embed(title if i == 0 else f"{title} (continued)", chunk, colour=colour)
        for i, chunk in enumerate(chunks)
    ]


def digest_embeds(digest: Digest, zone: ZoneInfo, *, preview: bool = False) -> list[discord.Embed]:
    embeds: list[discord.Embed] = []
    title = "Weekly digest"
    if preview:
        so_far = "since the last digest" if digest.since_digest else "this week so far"
        title = f"Weekly digest (preview: {so_far})"
    what = "What this server learned this week."
    if digest.since_digest:
        last = format_when(digest.since_digest, zone)
        what = f"What this server learned since the last digest ({last})."
    head = make_embed(
        f"{title} · {_date_range(digest, zone)}",
        f"{what} Only published entries are shown.",
        colour=COLOUR_OK,
    )
    embeds.append(head)
    if digest.featured:
        embeds += _section(
            "⭐ Featured by moderators", (_item_line(i, with_kind=True) for i in digest.featured)
        )
    if digest.top_takeaways:
        embeds += _section("💡 Top takeaways", (_item_line(i) for i in digest.top_takeaways))
    if digest.solved:
        embeds += _section(
            "✅ Solved this week",
            (
                f"• #{s.id} {_link(s.title, s.url)}{_by(s.author)}\n  ↳ accepted "
                f"{_ref('solution', s.solution_id, s.solution_url)}: "
                f"{one_line(s.solution, 160)}{_by(s.solver)}"
                for s in digest.solved
            ),
        )
    if digest.open_total:
        lines: list[str] = []
        for group in digest.open_by_track:
            lines.append(f"**{TRACK_LABELS.get(group.track, 'Any track can help')}**")
            lines += [f"• #{c.id} {_link(c.title, c.url)}{_by(c.author)}" for c in group.challenges]
        shown = sum(len(g.challenges) for g in digest.open_by_track)
        if digest.open_total > shown:
            lines.append(f"…and {digest.open_total - shown} more: try /challenge list.")
        embeds += _section("🧩 Still open: can you help?", lines)
    if digest.looked_up:
        embeds += _section(
            "🔎 Most looked-up concepts",
            (f"• {one_line(c.label, 100)} ×{c.count}" for c in digest.looked_up),
        )
    if digest.missed:
        embeds += _section(
            "❓ Looked up but not found (write one?)",
            (f"• {one_line(c.label, 100).replace('`', 'ˋ')} ×{c.count}" for c in digest.missed),
        )
    if digest.new_concepts_total:
        lines = [_item_line(i) for i in digest.new_concepts]
        extra = digest.new_concepts_total - len(digest.new_concepts)
        if extra > 0:
            lines.append(f"…and {extra} more.")
        embeds += _section("🆕 New concepts", lines)
    if digest.updated_concepts_total:
        lines = [_item_line(i, by="updated by") for i in digest.updated_concepts]
        extra = digest.updated_concepts_total - len(digest.updated_concepts)
        if extra > 0:
            lines.append(f"…and {extra} more.")
        embeds += _section("✏️ Updated concepts", lines)
    if not digest.pairing.is_empty:
        p = digest.pairing
        # Outcomes only when someone was asked: pairs formed this week whose check-in is
        # next week are not "0 met (0%)".
        lines = [f"{p.pairs} pair(s) formed."] if p.pairs else []
        if p.met_rate is not None:
            lines.append(f"Check-ins: {p.met} of {p.asked} pair(s) met ({p.met_rate:.0%}).")
        if p.notes:
            lines.append("Learning notes:")
            lines += [_item_line(n) for n in p.notes]
        embeds += _section("🤝 Pairing", lines)
    if digest.helpers:
        lines = []
        for h in digest.helpers:
            bits = [
                f"{n} {label}"
                for n, label in (
                    (h.accepted, "accepted solution(s)"),
                    (h.helped, "helped-me"),
                    (h.votes, "takeaway vote(s)"),
                )
                if n
            ]
            lines.append(f"• {one_line(h.name, 80)} — {', '.join(bits)}")
        embeds += _section("🙏 Thanks to the most helpful members", lines)
    set_footer(embeds[-1], FOOTER)
    return embeds


def quiet_part(digest: Digest, zone: ZoneInfo) -> MessagePart:
    return MessagePart(
        content=(
            f"**Weekly digest · {_date_range(digest, zone)}**\nA quiet week: no new takeaways, "
            "challenges or concepts. Share something you learned with /takeaway share!"
        )
    )


def render_digest(
    digest: Digest, zone: ZoneInfo, *, quiet_note: bool, preview: bool = False
) -> list[MessagePart]:
    """The digest as messages (empty list: post nothing on a quiet week, or when nothing
    happened since an earlier digest of the same week)."""
    if digest.since_digest is not None and not digest.has_news:
        last = format_when(digest.since_digest, zone)
        note = f"**Weekly digest (preview)**\nNothing new since the last digest ({last})."
        return [MessagePart(content=note)] if preview else []
    if digest.is_empty:
        return [quiet_part(digest, zone)] if quiet_note or preview else []
    return [
        MessagePart(embeds=batch)
        for batch in batch_embeds(digest_embeds(digest, zone, preview=preview))
    ]


def format_when(moment: datetime, zone: ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%a %d %b %H:%M} ({zone.key})"


def settings_text(cfg: GuildConfig, next_run: datetime | None) -> str:
    channel = f"<#{cfg.digest_channel_id}>" if cfg.digest_channel_id else "not set"
    state = "on" if cfg.digest_enabled else "off"
    lines = [
        f"Digest: **{state}** · channel {channel}",
        f"When: {WEEKDAYS[cfg.digest_weekday]}s at {cfg.digest_hour:02d}:00 ({cfg.timezone})",
        "Quiet week: " + ("post a short note" if cfg.digest_quiet_note else "post nothing"),
    ]
    if next_run is not None:
        lines.append(f"Next digest: {format_when(next_run, cfg.zone)}")
    if cfg.digest_disabled_reason:
        lines.append(f"Disabled: {one_line(cfg.digest_disabled_reason, 200)}")
    return "\n".join(lines)
