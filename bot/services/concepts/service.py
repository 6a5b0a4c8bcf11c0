"""Concept lookups: resolve, open, list (the numbers the digest and moderators need are in
stats.py).

Every function takes the caller's server and sees only what `visible_clause` allows:
published base concepts not overridden by the server, and the server's own published
concepts. Another server's id behaves exactly like an unknown id.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.db.models import BASE_GUILD_ID, Concept
from bot.db.types import Status
from bot.errors import Invalid, NotFound
from bot.services.concepts import lookup_log
from bot.services.concepts.complete import autocomplete
from bot.services.concepts.guild_index import GuildIndex
from bot.services.concepts.index import index_for
from bot.services.concepts.query_text import PER_PAGE_MAX, clean_query
from bot.services.concepts.search import search_concepts
from bot.services.concepts.stats import new_concepts, top_lookups, top_misses
from bot.services.concepts.types import (
    SHADOWING_STATUSES,
    AutocompleteChoice,
    ConceptDetail,
    ConceptPage,
    LookupOutcome,
    MergedFrom,
    RelatedRef,
    Suggestion,
    to_brief,
    to_detail,
    visible_clause,
)
from bot.services.search import STOPWORDS, words

__all__ = [
    "AutocompleteChoice",
    "all_visible",
    "autocomplete",
    "find_concept",
    "get_concept",
    "list_concepts",
    "lookup",
    "new_concepts",
    "open_concept",
    "top_lookups",
    "top_misses",
]

CATEGORIES = ("technology", "backend concept", "frontend concept", "practice", "tool")
TRACKS = ("frontend", "backend", "both")
RELATED_MAX = 10
SUGGESTIONS = 3  # "did you mean" on a lookup miss
QUESTION_MIN_WORDS = 4
UNKNOWN = "I don't know that concept yet."


# A server edits a base concept through its own override row, never the base itself.
CONCEPT_COPY = (
    "slug",
    "name",
    "aliases",
    "category",
    "tracks",
    "related",
    "summary",
    "body",
    "frontend_angle",
    "backend_angle",
    "links",
    "search_text",
    "status",
    "featured",
    "author_id",
    "author_name",
    "verified_by_id",
    "verified_by_name",
    "verified_at",
)


async def existing_override(s: AsyncSession, guild_id: int, concept: Concept) -> Concept | None:
    """This server's row that shadows `concept` (same rule as the concepts lookup: a row
    overriding it, or with its slug), or the concept itself when it is a server row."""
    if concept.guild_id == guild_id:
        return concept
    found: Concept | None = await s.scalar(
        select(Concept)
        .where(
            Concept.guild_id == guild_id,
            or_(Concept.overrides_id == concept.id, Concept.slug == concept.slug),
        )
        .order_by(Concept.id)
        .limit(1)
    )
    return found


async def guild_concept(s: AsyncSession, guild_id: int, concept: Concept) -> Concept:
    """The row this server may change for `concept`: itself, or its override of a base row."""
    existing = await existing_override(s, guild_id, concept)
    if existing is not None:
        return existing
    override = Concept(guild_id=guild_id, overrides_id=concept.id)
    for name in CONCEPT_COPY:
        setattr(override, name, getattr(concept, name))
    s.add(override)
    await s.flush()
    return override


async def resolve_visible(session: AsyncSession, guild_id: int, concept_id: int) -> Concept | None:
    """The concept a member of `guild_id` sees for `concept_id` (override applied), or None."""
    if not 0 < concept_id < 2**31:
        return None
    row = await session.get(Concept, concept_id)
    if row is None:
        return None
    if row.guild_id == guild_id:
        return row if row.status == Status.PUBLISHED else None
    if row.guild_id != BASE_GUILD_ID or row.status != Status.PUBLISHED:
        return None
    shadow = await session.scalar(
        select(Concept)
        .where(
            Concept.guild_id == guild_id,
            or_(Concept.overrides_id == row.id, Concept.slug == row.slug),
            Concept.status.in_(SHADOWING_STATUSES),
        )
        .order_by(Concept.id)
        .limit(1)
    )
    if shadow is None:
        return row
    return shadow if shadow.status == Status.PUBLISHED else None


def related_refs(index: GuildIndex, row: Concept) -> tuple[RelatedRef, ...]:
    refs: list[RelatedRef] = []
    for name in row.related or []:
        found = index.find_exact(str(name))
        if found is None:  # a related concept merged into another: point at the survivor
            merged = index.find_merged(str(name))
            found = merged[0] if merged is not None else None
        if found is not None and found.id != row.id and all(r.id != found.id for r in refs):
            refs.append(RelatedRef(found.id, found.name))
        if len(refs) >= RELATED_MAX:
            break
    return tuple(refs)


def _parse_id(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 10 else None


# A concept row by primary key: built once, Core (a plain row; to_detail reads columns).
_BY_ID = select(*Concept.__table__.c).where(Concept.__table__.c.id == bindparam("id"))


async def _visible_detail(
    db: Database, index: GuildIndex, guild_id: int, concept_id: int, *, indexed: bool = False
) -> ConceptDetail | None:
    """What a member of `guild_id` sees for `concept_id` (override applied), or None.

    Served from the warm index's detail cache when it can be: the cache lives and dies
    with the index, which every write to these concepts replaces. `indexed`: the id came
    from this index, which applied overrides when it was built, so one primary-key read
    suffices (the row is still checked to be published and the server's or the base's).
    """
    cached = index.details.get(concept_id)
    if cached is not None:
        return cached
    async with db.reader() as session:
        row: Any = None
        if indexed:
            row = (await session.execute(_BY_ID, {"id": concept_id})).first()
            usable = row is not None and row.status == Status.PUBLISHED.value
            if not usable or row.guild_id not in (guild_id, BASE_GUILD_ID):
                row = None
        if row is None:
            row = await resolve_visible(session, guild_id, concept_id)
        if row is None:
            return None
        detail = to_detail(row, related_refs(index, row))
    index.details.put(concept_id, detail)
    return detail


async def _resolve(
    db: Database, index: GuildIndex, guild_id: int, query: str
) -> tuple[ConceptDetail | None, MergedFrom | None]:
    """A submitted value: a visible id, else a name, alias or slug; else the id or a name of
    a merged duplicate, which leads to its survivor (and says so)."""
    detail = None
    concept_id = _parse_id(query)
    if concept_id is not None:
        detail = await _visible_detail(db, index, guild_id, concept_id)
    if detail is None and query:
        found = index.find_exact(query)
        if found is not None:
            detail = await _visible_detail(db, index, guild_id, found.id, indexed=True)
    if detail is not None or not query:
        return detail, None
    merged = index.redirect(concept_id) if concept_id is not None else None
    merged = merged or index.find_merged(query)
    if merged is None:
        return None, None
    survivor, dup = merged
    detail = await _visible_detail(db, index, guild_id, survivor.id, indexed=True)
    # The id members knew: a merged base concept's own id (the row that was merged is
    # this server's override of it, which they may never have seen).
    shown_id = dup.base_id if dup.base_id is not None and concept_id != dup.id else dup.id
    return detail, (MergedFrom(shown_id, dup.name) if detail is not None else None)


async def lookup(db: Database, guild_id: int, user_id: int, text: str) -> LookupOutcome:
    """Resolve a submitted value: a visible id, else a name/alias/slug, else a miss.

    A hit records a ConceptLookup; a miss records a MissedLookup and carries up to
    three "did you mean" suggestions. Both are statistics, written in batches
    (bot.services.concepts.lookup_log), so a lookup is a read — and, for a concept looked up
    since the server's concepts last changed, not even that (the index's detail cache).
    """
    query = clean_query(text)
    if not query:
        raise Invalid("Type the name of a concept, e.g. `caching` or `k8s`.")
    index = await index_for(db).get(db, guild_id)
    detail, merged_from = await _resolve(db, index, guild_id, query)
    if detail is not None:
        lookup_log.record_hit(db, guild_id, detail.id, user_id)
        return LookupOutcome(query, detail, merged_from=merged_from)
    loose = index.find_loosely(query)
    close = loose or index.close_match(query)
    if close is not None:
        detail = await _visible_detail(db, index, guild_id, close.id, indexed=True)
        if detail is not None:
            lookup_log.record_hit(db, guild_id, detail.id, user_id)
            return LookupOutcome(query, detail, corrected=loose is None)
    lookup_log.record_miss(db, guild_id, query, user_id)
    if reads_as_question(query):
        # A question typed into lookup ("how do i center a div"): the names that look
        # like it are not what was meant; the concepts a search ranks first are.
        page = await search_concepts(db, guild_id, query, per_page=SUGGESTIONS)
        found = tuple(Suggestion(c.id, c.name) for c in page.items)
        return LookupOutcome(query, None, found, searched=True)
    found = tuple(Suggestion(e.id, e.name) for e in index.suggest(query, SUGGESTIONS))
    return LookupOutcome(query, None, found)


def reads_as_question(text: str) -> bool:
    """A lookup typed as a sentence: QUESTION_MIN_WORDS words or more, some of them the
    words a question is built with ("how", "my", "the")."""
    tokens = words(text)
    return len(tokens) >= QUESTION_MIN_WORDS and any(w in STOPWORDS for w in tokens)


async def open_concept(db: Database, guild_id: int, user_id: int, concept_id: int) -> LookupOutcome:
    """Open a concept by id (related-concept buttons); records a lookup. A merged
    duplicate's id opens its survivor; NotFound if hidden."""
    index = await index_for(db).get(db, guild_id)
    detail, merged_from = await _resolve(db, index, guild_id, str(concept_id))
    if detail is None:
        raise NotFound(f"{UNKNOWN} It may have been removed from this server.")
    lookup_log.record_hit(db, guild_id, detail.id, user_id)
    return LookupOutcome(str(concept_id), detail, merged_from=merged_from)


async def get_concept(
    db: Database, guild_id: int, concept_id: int, *, include_unpublished: bool = False
) -> ConceptDetail:
    """Read one concept as the server sees it (no lookup recorded).

    include_unpublished=True (moderator review): also the server's own pending, hidden
    or rejected rows, and base rows regardless of overrides.
    """
    index = await index_for(db).get(db, guild_id)
    if not include_unpublished:
        detail = await _visible_detail(db, index, guild_id, concept_id)
        if detail is None:
            raise NotFound(UNKNOWN)
        return detail
    async with db.reader() as session:
        row = await session.get(Concept, concept_id)
        if row is None or row.guild_id not in (guild_id, BASE_GUILD_ID):
            raise NotFound(UNKNOWN)
        return to_detail(row, related_refs(index, row))


async def find_concept(db: Database, guild_id: int, text: str) -> ConceptDetail:
    """Resolve a submitted id or name without recording anything (e.g. to prefill an edit)."""
    index = await index_for(db).get(db, guild_id)
    detail, _ = await _resolve(db, index, guild_id, clean_query(text))
    if detail is None:
        raise NotFound(
            f"{UNKNOWN} To propose it as a new concept, run `/concept suggest` without a name."
        )
    return detail


def _filters(guild_id: int, category: str | None, track: str | None) -> list[Any]:
    where: list[Any] = [visible_clause(guild_id)]
    if category:
        if category not in CATEGORIES:
            raise Invalid(f"Category must be one of: {', '.join(CATEGORIES)}.")
        where.append(Concept.category == category)
    if track:
        if track not in TRACKS:
            raise Invalid(f"Track must be one of: {', '.join(TRACKS)}.")
        # "frontend" also lists concepts useful to both tracks.
        where.append(Concept.tracks.in_({track, "both"}))
    return where


async def list_concepts(
    db: Database,
    guild_id: int,
    *,
    category: str | None = None,
    track: str | None = None,
    page: int = 0,
    per_page: int = 10,
) -> ConceptPage:
    """One alphabetical page of the server's visible concepts, optionally filtered."""
    per_page = max(1, min(per_page, PER_PAGE_MAX))
    page = max(0, page)
    where = _filters(guild_id, category, track)
    async with db.reader() as session:
        total = int(await session.scalar(select(func.count(Concept.id)).where(*where)) or 0)
        rows = await session.scalars(
            select(Concept)
            .where(*where)
            .order_by(func.lower(Concept.name), Concept.id)
            .offset(page * per_page)
            .limit(per_page)
        )
        items = tuple(to_brief(r) for r in rows)
    return ConceptPage(items, page, per_page, total)


async def all_visible(db: Database, guild_id: int) -> list[ConceptDetail]:
    """Every concept the server's members see, alphabetical (for the Markdown export)."""
    index = await index_for(db).get(db, guild_id)
    async with db.reader() as session:
        rows = await session.scalars(
            select(Concept)
            .where(visible_clause(guild_id))
            .order_by(func.lower(Concept.name), Concept.id)
        )
        return [to_detail(r, related_refs(index, r)) for r in rows]
