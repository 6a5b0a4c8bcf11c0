"""The one rule of what the web hub publishes, as SQL conditions.

Published on the hub: entries of a server that opted in, whose status is published
(approved and visible: not pending, hidden, rejected, waiting for consent or withdrawn),
not merged into another, not saved from a private thread or from one of the server's
private channels, not pairing notes (written in private pair threads), and whose author
has not kept their entries off the hub (`member_prefs.web_hidden`, `/privacy web:False`) nor
refused any reuse outside the conversation (`member_prefs.reuse_opt_out`, `/privacy
reuse:False`: the hub is a public export). Concepts: what the
server's members see (its own published rows and the unshadowed base), minus those whose
author opted out.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_

from bot.db.models import Challenge, Concept, MemberPrefs, Solution, Takeaway
from bot.db.types import Status
from bot.services import concepts
from bot.services.web.types import Hub

PUBLISHED = Status.PUBLISHED.value


def author_shown(model: Any, guild_id: int) -> ColumnElement[bool]:
    """The author has not kept their entries off the hub, nor refused reuse altogether."""
    return ~exists().where(
        MemberPrefs.guild_id == guild_id,
        MemberPrefs.user_id == model.author_id,
        or_(MemberPrefs.web_hidden.is_(True), MemberPrefs.reuse_opt_out.is_(True)),
    )


def _public_source(model: Any, hub: Hub) -> list[ColumnElement[bool]]:
    where = [model.source_private.is_(False)]
    if hub.private_channel_ids:
        where.append(
            or_(
                model.source_channel_id.is_(None),
                model.source_channel_id.not_in(hub.private_channel_ids),
            )
        )
    return where


def challenge_rule(hub: Hub, *, by_id: bool = False) -> ColumnElement[bool]:
    """`by_id`: the query names the rows by id. `guild_id + 0` then keeps SQLite from
    walking the server's (guild_id, status, created_at) index instead of the primary key:
    a challenge page read every challenge of a 100,000-challenge server (150 ms)."""
    guild = (Challenge.guild_id + 0) if by_id else Challenge.guild_id
    return and_(
        guild == hub.guild_id,
        Challenge.status == PUBLISHED,
        Challenge.merged_into_id.is_(None),
        author_shown(Challenge, hub.guild_id),
        *_public_source(Challenge, hub),
    )


def solution_rule(hub: Hub, *, by_id: bool = False) -> ColumnElement[bool]:
    """Published solutions of published challenges (join Challenge on challenge_id);
    `by_id`: the query names the challenge (see challenge_rule)."""
    guild = (Solution.guild_id + 0) if by_id else Solution.guild_id
    return and_(
        guild == hub.guild_id,
        Solution.status == PUBLISHED,
        author_shown(Solution, hub.guild_id),
        *_public_source(Solution, hub),
        challenge_rule(hub, by_id=by_id),
    )


def takeaway_rule(hub: Hub) -> ColumnElement[bool]:
    return and_(
        Takeaway.guild_id == hub.guild_id,
        Takeaway.status == PUBLISHED,
        Takeaway.source != "pairing",
        author_shown(Takeaway, hub.guild_id),
    )


def concept_rule(hub: Hub) -> ColumnElement[bool]:
    return and_(
        concepts.visible_clause(hub.guild_id),
        or_(Concept.author_id.is_(None), author_shown(Concept, hub.guild_id)),
    )


def name_for(hub: Hub, name: str | None) -> str | None:
    """A member's display name, only where the server chose to show names."""
    return (name or None) if hub.show_names else None


# Discord markup that carries ids: mentions, channels, roles, custom emoji, message links.
_MENTION = re.compile(r"<@!?\d+>")
_ROLE = re.compile(r"<@&\d+>")
_CHANNEL = re.compile(r"<#\d+>")
_EMOJI = re.compile(r"<a?:(\w{1,32}):\d+>")
_LINK = re.compile(r"https?://(?:\w+\.)?discord(?:app)?\.com/channels/[\d@me/]+")
_LONG_ID = re.compile(r"(?<!\w)\d{17,20}(?!\w)")


def scrub(text: str) -> str:
    """Text without Discord ids: mentions become "@member", links "(a Discord message)"."""
    text = _MENTION.sub("@member", text)
    text = _ROLE.sub("@role", text)
    text = _CHANNEL.sub("#channel", text)
    text = _EMOJI.sub(r":\1:", text)
    text = _LINK.sub("(a Discord message)", text)
    return _LONG_ID.sub("(id)", text)
