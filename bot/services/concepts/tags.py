"""Tagging entries with concepts: resolve names a member typed, read an entry's tags."""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.db.models import Concept
from bot.db.units import Prepared, Unit
from bot.errors import Invalid
from bot.services.concepts.service import resolve_visible
from bot.services.concepts.types import visible_clause
from bot.services.entries import _CONTROL, MAX_CONCEPTS, NAME_MAX, ConceptTag


def _tag(row: Concept) -> ConceptTag:
    return ConceptTag(row.id, row.name, row.slug, row.category, row.tracks)


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


async def resolve_concepts(
    session: AsyncSession, guild_id: int, refs: Iterable[str | None]
) -> tuple[ConceptTag, ...]:
    """Resolve autocomplete values (ids) or typed names among the concepts this server
    sees (the Concepts feature's visibility: base + overrides + own, published).
    Unknown, or another server's -> Invalid."""
    # Control characters never name a concept (and PostgreSQL refuses NUL in a parameter).
    cleaned = (_CONTROL.sub("", r).strip() for r in refs if r)
    wanted = [r for r in cleaned if r]
    if not wanted:
        return ()
    if len(wanted) > MAX_CONCEPTS:
        raise Invalid(f"Tag at most {MAX_CONCEPTS} concepts.")
    found: list[ConceptTag] = []
    for ref in wanted:
        ref = ref[:NAME_MAX]
        row: Concept | None = None
        if ref.isascii() and ref.isdigit() and len(ref) <= 10:
            row = await resolve_visible(session, guild_id, int(ref))
        if row is None:
            row = await session.scalar(
                select(Concept)
                .where(
                    visible_clause(guild_id),
                    or_(func.lower(Concept.name) == ref.lower(), Concept.slug == _slugify(ref)),
                )
                # This server's own row first when a base row has the same name.
                .order_by(Concept.guild_id.desc(), Concept.id)
                .limit(1)
            )
        if row is None:
            raise Invalid(
                f"I don't know a concept called \u201c{ref[:60]}\u201d here: "
                "pick one from the suggestions."
            )
        if all(t.id != row.id for t in found):
            found.append(_tag(row))
    return tuple(found)


@functools.cache
def _tags_statement(
    entry_col: InstrumentedAttribute[int], concept_col: InstrumentedAttribute[int]
) -> Select[int, int, str, str, str, str]:
    """Built once per link table: a statement object reused across calls keeps its cache
    key, so each execution skips rebuilding and re-keying it (about half the cost of a
    small read); the ids are one expanding parameter."""
    c = Concept
    return (
        select(entry_col, c.id, c.name, c.slug, c.category, c.tracks)
        .join(c, c.id == concept_col)
        .where(entry_col.in_(bindparam("ids", expanding=True)))
        .order_by(c.name, c.id)
    )


async def concept_tags(
    s: AsyncSession,
    entry_col: InstrumentedAttribute[int],
    concept_col: InstrumentedAttribute[int],
    ids: Sequence[int],
) -> dict[int, list[ConceptTag]]:
    """Concept tags of entries by id, through a link table (entry_col, concept_col),
    sorted by concept name."""
    tags: dict[int, list[ConceptTag]] = defaultdict(list)
    if not ids:
        return tags
    # Only the columns a tag shows (no ORM entities with bodies and links to build).
    rows = await s.execute(_tags_statement(entry_col, concept_col), {"ids": list(ids)})
    for entry_id, cid, name, slug, category, tracks in rows.all():
        tags[entry_id].append(ConceptTag(cid, name, slug, category, tracks))
    return tags


@functools.cache
def _tags_in_unit(
    entry_col: InstrumentedAttribute[int], concept_col: InstrumentedAttribute[int]
) -> Prepared:
    c = Concept
    return Prepared(
        select(entry_col, c.id, c.name, c.slug, c.category, c.tracks)
        .join(c, c.id == concept_col)
        .where(entry_col == bindparam("id"))
        .order_by(c.name, c.id)
    )


def concept_tags_in_unit(
    unit: Unit,
    entry_col: InstrumentedAttribute[int],
    concept_col: InstrumentedAttribute[int],
    ids: Sequence[int],
) -> dict[int, list[ConceptTag]]:
    """`concept_tags` inside a unit of work (bot/db/units.py): one statement per entry."""
    stmt = _tags_in_unit(entry_col, concept_col)
    tags: dict[int, list[ConceptTag]] = {}
    for i in ids:
        for entry_id, cid, name, slug, category, tracks in unit.all(stmt, id=i):
            tags.setdefault(entry_id, []).append(ConceptTag(cid, name, slug, category, tracks))
    return tags


def track_for(concepts: Sequence[ConceptTag]) -> str | None:
    """Which track can help: derived from the tagged concepts' tracks."""
    tracks = {c.tracks for c in concepts} & {"frontend", "backend", "fullstack"}
    if tracks == {"frontend"}:
        return "frontend"
    if tracks == {"backend"}:
        return "backend"
    if tracks:
        return "fullstack"
    return None
