"""Pure rendering: concept domain objects -> embeds and text within Discord's limits."""

from __future__ import annotations

from types import MappingProxyType

import discord

from bot.services.concepts import ConceptDetail, ConceptPage, LookupOutcome, SuggestResult
from bot.ui.render import (
    CONTENT_MAX,
    DESCRIPTION_MAX,
    add_field,
    clip,
    make_embed,
    one_line,
    set_footer,
)

LINK_BUTTONS_MAX = 5
TRACK_LABELS = MappingProxyType(
    {"frontend": "Frontend", "backend": "Backend", "both": "Frontend & backend"}
)


def _date(detail: ConceptDetail) -> str:
    return detail.verified_at.strftime("%Y-%m-%d") if detail.verified_at else ""


def footer_text(detail: ConceptDetail) -> str:
    if detail.verified_by_name and detail.verified_at:
        return f"Last verified by {one_line(detail.verified_by_name, 100)} on {_date(detail)}"
    if detail.is_base:
        return "Nexus knowledge base"
    if detail.author_name:
        return f"Added by {one_line(detail.author_name, 100)}"
    return "This server's entry"


ANGLE_TRACKS = ("frontend", "backend")


def shown_angles(detail: ConceptDetail, track: str | None) -> tuple[str, ...]:
    """The angles a lookup shows: the asker's track's, or both when it is not known."""
    written = tuple(t for t in ANGLE_TRACKS if detail.angle(t))
    return (track,) if track in written else written


def track_matters(detail: ConceptDetail) -> bool:
    """Whether the asker's track changes what a lookup shows: only when both angles are
    written (so a lookup of any other concept never reads the member's profile)."""
    return len([t for t in ANGLE_TRACKS if detail.angle(t)]) > 1


def angle_title(track: str) -> str:
    return f"The {track} angle"


def angle_embed(detail: ConceptDetail, track: str) -> discord.Embed:
    """One track's angle on a concept (the "other angle" button's answer)."""
    embed = make_embed(f"{detail.name}: {angle_title(track).lower()}", detail.angle(track))
    set_footer(embed, footer_text(detail))
    return embed


def concept_embed(detail: ConceptDetail, track: str | None = None) -> discord.Embed:
    """Title, summary, body (fences kept balanced), the asker's track's angle (both when
    the track is not known), category/tracks, aliases, footer."""
    summary = f"*{one_line(detail.summary, 300)}*"
    body = clip(detail.body, DESCRIPTION_MAX - len(summary) - 2)
    embed = make_embed(detail.name, f"{summary}\n\n{body}" if body else summary)
    for side in shown_angles(detail, track):
        add_field(embed, angle_title(side), detail.angle(side))
    add_field(embed, "Category", detail.category.capitalize(), inline=True)
    add_field(embed, "Tracks", TRACK_LABELS.get(detail.tracks, detail.tracks), inline=True)
    if detail.aliases:
        add_field(embed, "Also known as", ", ".join(detail.aliases), inline=True)
    extra = detail.links[LINK_BUTTONS_MAX:]
    if extra:  # the first links are buttons; the rest are listed
        lines = [f"[{one_line(link.title, 80)}]({link.url})" for link in extra]
        add_field(embed, "More documentation", "\n".join(lines))
    set_footer(embed, footer_text(detail))
    return embed


def shared_by(mention: str) -> str:
    """The line above a concept posted for everyone (sent with no mention allowed)."""
    return f"Shared by {mention} with `/concept lookup`."


def corrected_note(outcome: LookupOutcome) -> str:
    """ "Showing X for 'y'" when the lookup answered with a close match of what was typed."""
    if not outcome.corrected or outcome.concept is None:
        return ""
    typed = one_line(outcome.query, 80).replace("`", "'")
    return f"Showing **{outcome.concept.name}** for `{typed}`."


def merged_note(outcome: LookupOutcome) -> str | None:
    """`Docker layer caching (#12) was merged into Build cache (#7).` or None."""
    merged, survivor = outcome.merged_from, outcome.concept
    if merged is None or survivor is None:
        return None
    return clip(
        f"**{one_line(merged.name, 100)}** (#{merged.id}) was merged into "
        f"**{one_line(survivor.name, 100)}** (#{survivor.id}): shown below.",
        CONTENT_MAX,
    )


def did_you_mean(outcome: LookupOutcome) -> str:
    query = one_line(outcome.query, 100).replace("`", "'")
    if outcome.searched:  # a question typed into lookup
        if not outcome.suggestions:
            return clip(
                f"No concept is called `{query}`, and none answers it yet. Try other "
                "words with `/concept search`, or ask the community: `/challenge share`.",
                CONTENT_MAX,
            )
        names = ", ".join(f"**{one_line(s.name, 100)}**" for s in outcome.suggestions)
        return clip(
            f"No concept is called `{query}`; these may answer it: {names}. Pick one "
            "below, or `/concept search` for more.",
            CONTENT_MAX,
        )
    text = f"I don't know `{query}` yet."
    if outcome.suggestions:
        names = ", ".join(f"**{one_line(s.name, 100)}**" for s in outcome.suggestions)
        text += f" Did you mean {names}? Pick one below."
    text += " You can propose it with `/concept suggest`."
    return clip(text, CONTENT_MAX)


def _page_footer(page: ConceptPage, noun: str) -> str:
    return f"Page {page.page + 1}/{page.pages} · {page.total} {noun}"


def results_embed(page: ConceptPage, title: str, empty: str) -> discord.Embed:
    """One page of concepts: name, category and summary each."""
    if not page.items:
        return make_embed(title, empty)
    lines = [
        f"**{one_line(c.name, 100)}** · {c.category} · "
        f"{TRACK_LABELS.get(c.tracks, c.tracks)}\n{one_line(c.summary, 200)}"
        for c in page.items
    ]
    embed = make_embed(title, "\n\n".join(lines))
    set_footer(embed, f"{_page_footer(page, 'concepts')} · open one below")
    return embed


def search_title(query: str) -> str:
    return one_line(f"Concepts matching “{query}”", 256)


def list_title(category: str | None, track: str | None) -> str:
    parts = [p for p in (category, TRACK_LABELS.get(track or "", "")) if p]
    return "Concepts" + (f" — {' · '.join(parts)}" if parts else "")


def suggest_result(result: SuggestResult) -> str:
    name = f"**{one_line(result.name, 100)}**"
    if result.kind == "created" and result.status == "published":
        return f"Published {name}: everyone here can look it up now."
    if result.kind == "created":
        return f"Thanks! {name} is waiting for a moderator's review."
    if result.kind == "applied":
        return f"Updated {name} for this server (marked as verified by you)."
    return f"Thanks! Your edit to {name} is waiting for a moderator's review."
