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
    clip,
    make_embed,
    one_line,
    set_footer,
    split_lines,
)

LINE_MAX = 300
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


def _item_line(item: DigestItem, *, with_kind: bool = False) -> str:
    kind = f"{KIND_LABELS.get(item.kind, item.kind)}: " if with_kind else ""
    votes = f" (▲ {item.votes})" if item.votes else ""
    text = _link(item.text, item.url) if item.url else one_line(item.text, 200)
    return clip(f"• {kind}{text}{_by(item.author)}{votes}", LINE_MAX)


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
                clip(
                    f"• {_link(s.title, s.url)}{_by(s.author)}\n  ↳ accepted: "
                    f"{one_line(s.solution, 160)}{_by(s.solver)}",
                    LINE_MAX,
                )
                for s in digest.solved
            ),
        )
    if digest.open_total:
        lines: list[str] = []
        for group in digest.open_by_track:
            lines.append(f"**{TRACK_LABELS.get(group.track, 'Any track can help')}**")
            lines += [
                clip(f"• {_link(c.title, c.url)}{_by(c.author)}", LINE_MAX)
                for c in group.challenges
            ]
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
    if not digest.pairing.is_empty:
        p = digest.pairing
        lines = [f"{p.pairs} pair(s) formed, {p.met} met ({p.met_rate:.0%})."]
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
    set_footer(
        embeds[-1], "Nexus weekly digest · moderators choose what leads it with /curate feature"
    )
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
