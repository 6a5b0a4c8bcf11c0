"""What the concept services return (frozen dataclasses) and the one visibility rule.

Visibility for a server G: published rows of G, plus published base rows (guild 0) that
G has not shadowed. A G row shadows a base row when it overrides it (overrides_id) or
shares its slug, and is published or hidden (a hidden override hides the base for G;
pending or rejected proposals do not). Other servers' rows are never visible.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, and_, exists, or_
from sqlalchemy.orm import aliased

from bot.db.models import BASE_GUILD_ID, Concept
from bot.db.types import Status

GuildRef = int | BindParameter[Any]  # a server id, or a parameter standing in for one
SHADOWING_STATUSES = (Status.PUBLISHED.value, Status.HIDDEN.value)
# Built once: aliased() copies every column of the table (~4 ms of CPU per call when it
# was done per query). Each alias is only ever used inside its own EXISTS subquery.
_BY_SLUG = aliased(Concept, name="shadow_by_slug")
_BY_LINK = aliased(Concept, name="shadow_by_link")


def shadowed_clause(guild_id: GuildRef, target: Any = Concept) -> ColumnElement[bool]:
    """True for a base row that server `guild_id` overrides (or hides)."""
    # Two index-backed probes ((guild_id, slug) unique; overrides_id) instead of one OR,
    # which would scan every row of a large server for each base row.
    by_slug, by_link = _BY_SLUG, _BY_LINK
    return or_(
        exists().where(
            by_slug.guild_id == guild_id,
            by_slug.slug == target.slug,
            by_slug.status.in_(SHADOWING_STATUSES),
        ),
        exists().where(
            by_link.overrides_id == target.id,
            by_link.guild_id == guild_id,
            by_link.status.in_(SHADOWING_STATUSES),
        ),
    )


def visible_clause(guild_id: GuildRef, target: Any = Concept) -> ColumnElement[bool]:
    """Rows a member of `guild_id` may see: published, theirs or an unshadowed base row."""
    own, base = _visible_rows(guild_id, target)
    return and_(target.status == Status.PUBLISHED.value, or_(own, base))


def visible_parts(guild_id: GuildRef, target: Any = Concept) -> tuple[ColumnElement[bool], ...]:
    """`visible_clause` as two disjoint conditions (the server's rows, the base's), for a
    UNION ALL where each part is one index range instead of a multi-index OR."""
    published = target.status == Status.PUBLISHED.value
    return tuple(and_(published, part) for part in _visible_rows(guild_id, target))


def _visible_rows(guild_id: GuildRef, target: Any) -> tuple[ColumnElement[bool], ...]:
    return (
        target.guild_id == guild_id,
        and_(target.guild_id == BASE_GUILD_ID, ~shadowed_clause(guild_id, target)),
    )


@dataclass(frozen=True)
class ConceptLink:
    title: str
    url: str


@dataclass(frozen=True)
class RelatedRef:
    """A related concept resolved for one server at read time."""

    id: int
    name: str


@dataclass(frozen=True)
class ConceptBrief:
    id: int
    guild_id: int
    slug: str
    name: str
    summary: str
    category: str
    tracks: str
    status: str


@dataclass(frozen=True)
class ConceptDetail:
    id: int
    guild_id: int
    slug: str
    name: str
    aliases: tuple[str, ...]
    category: str
    tracks: str
    summary: str
    body: str
    links: tuple[ConceptLink, ...]
    related: tuple[RelatedRef, ...]
    related_names: tuple[str, ...]
    status: str
    overrides_id: int | None
    author_id: int | None
    author_name: str | None
    verified_by_name: str | None
    verified_at: datetime | None
    created_at: datetime
    updated_at: datetime
    frontend_angle: str = ""
    backend_angle: str = ""

    @property
    def is_base(self) -> bool:
        return self.guild_id == BASE_GUILD_ID

    def angle(self, track: str) -> str:
        """How the `track` ("frontend" or "backend") sees this concept ("" if not written)."""
        return {"frontend": self.frontend_angle, "backend": self.backend_angle}.get(track, "")


@dataclass(frozen=True)
class ConceptPage:
    items: tuple[ConceptBrief, ...]
    page: int
    per_page: int
    total: int

    @property
    def has_next(self) -> bool:
        return (self.page + 1) * self.per_page < self.total

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class Suggestion:
    id: int
    name: str


@dataclass(frozen=True)
class MergedFrom:
    """The merged duplicate a lookup went through to reach its survivor."""

    id: int
    name: str


@dataclass(frozen=True)
class LookupOutcome:
    """Either a concept, or nothing plus up to three "did you mean" suggestions.
    `merged_from`: the name or id asked for was a duplicate merged into `concept`."""

    query: str
    concept: ConceptDetail | None
    suggestions: tuple[Suggestion, ...] = ()
    # Set when the concept is the one unambiguous close match of a query that named none
    # exactly (a typo, a plural, an abbreviation): "showing X for 'y'".
    corrected: bool = False
    merged_from: MergedFrom | None = None
    # Set when the query read as a question and the suggestions are what a search for
    # it ranks first (not names that look like it).
    searched: bool = False


@dataclass(frozen=True)
class AutocompleteChoice:
    name: str  # 1..100 chars
    value: str  # str(concept id)


@dataclass(frozen=True)
class LookupCount:
    concept_id: int
    name: str
    count: int


@dataclass(frozen=True)
class MissCount:
    query: str
    count: int


@dataclass(frozen=True)
class ConceptDraft:
    """What a member typed into the suggest modal (validated by concept_edits)."""

    name: str
    summary: str
    body: str
    aliases: tuple[str, ...] = ()
    links: tuple[ConceptLink, ...] = ()
    category: str | None = None
    tracks: str | None = None


@dataclass(frozen=True)
class SuggestResult:
    """`kind`: "created" (new concept row), "edit_pending" (ConceptEdit) or "applied"."""

    kind: str
    status: str
    concept_id: int
    name: str
    edit_id: int | None = None


@dataclass(frozen=True)
class PendingEdit:
    id: int
    guild_id: int
    concept_id: int
    concept_name: str
    proposed: dict[str, Any]
    author_id: int
    author_name: str
    created_at: datetime


def to_brief(row: Any) -> ConceptBrief:
    """From an ORM row or a plain row holding the same columns."""
    return ConceptBrief(
        id=row.id,
        guild_id=row.guild_id,
        slug=row.slug,
        name=row.name,
        summary=row.summary,
        category=row.category,
        tracks=row.tracks,
        status=row.status,
    )


def to_detail(row: Concept, related: tuple[RelatedRef, ...] = ()) -> ConceptDetail:
    links = tuple(
        ConceptLink(title=str(link.get("title") or link.get("url")), url=str(link["url"]))
        for link in (row.links or [])
        if isinstance(link, dict) and link.get("url")
    )
    return ConceptDetail(
        id=row.id,
        guild_id=row.guild_id,
        slug=row.slug,
        name=row.name,
        aliases=tuple(str(a) for a in (row.aliases or [])),
        category=row.category,
        tracks=row.tracks,
        summary=row.summary,
        body=row.body or "",
        frontend_angle=row.frontend_angle or "",
        backend_angle=row.backend_angle or "",
        links=links,
        related=related,
        related_names=tuple(str(r) for r in (row.related or [])),
        status=row.status,
        overrides_id=row.overrides_id,
        author_id=row.author_id,
        author_name=row.author_name,
        verified_by_name=row.verified_by_name,
        verified_at=row.verified_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
