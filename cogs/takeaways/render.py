"""Pure renderers for takeaways."""

from __future__ import annotations

import discord

from bot.services.entries import STATUS_LABELS, Paged, TakeawayInfo, TakeawayKind
from bot.ui.render import COLOUR, COLOUR_WARN, add_field, clip, make_embed, one_line, set_footer

UP = "\u25b2"
HELD = "Held for review: only you can see it until a moderator publishes it."


def kind_label(kind: str) -> str:
    try:
        return TakeawayKind(kind).label
    except ValueError:
        return kind


def _name(text: str) -> str:
    return discord.utils.escape_markdown(one_line(text, 100)) or "a member"


def meta(t: TakeawayInfo) -> str:
    bits = [f"{UP} {t.votes}", f"by {_name(t.author_name)}"]
    if t.status != "published":
        bits.append(STATUS_LABELS.get(t.status, t.status))
    if t.source == "pairing":
        bits.append("from a pairing")
    if t.concepts:
        bits.append(", ".join(one_line(c.name, 40) for c in t.concepts))
    return " \u00b7 ".join(bits)


def takeaway_embed(t: TakeawayInfo) -> discord.Embed:
    colour = COLOUR if t.status == "published" else COLOUR_WARN
    embed = make_embed(f"{kind_label(t.kind)} #{t.id}", clip(t.body, 1500), colour=colour)
    add_field(embed, "Votes", f"{UP} {t.votes}", inline=True)
    add_field(embed, "Shared by", _name(t.author_name), inline=True)
    if t.concepts:
        add_field(
            embed, "Concepts", ", ".join(one_line(c.name, 60) for c in t.concepts), inline=True
        )
    if t.status != "published":
        add_field(embed, "Status", STATUS_LABELS.get(t.status, t.status), inline=True)
    set_footer(embed, "One upvote per member: press again to take yours back.")
    return embed


def list_embed(title: str, result: Paged[TakeawayInfo]) -> discord.Embed:
    empty = "No takeaways yet: share one with /takeaway share."
    embed = make_embed(title, None if result.items else empty)
    for t in result.items:
        add_field(embed, f"{kind_label(t.kind)} #{t.id} \u00b7 {meta(t)}", clip(t.body, 500))
    set_footer(embed, f"Page {result.page + 1} \u00b7 upvote with /takeaway view")
    return embed
