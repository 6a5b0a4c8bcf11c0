"""Concepts on the hub: by track and category, one concept with both track angles."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

from bot.db import Database
from bot.db.models import BASE_GUILD_ID, Challenge, ChallengeConcept, Concept
from bot.errors import Invalid, NotFound
from bot.services import concepts
from bot.services.web.briefs import CHALLENGE_BRIEF, challenge_brief
from bot.services.web.rules import challenge_rule, concept_rule, name_for, scrub
from bot.services.web.types import Hub, Moved, WebChallengeBrief, WebConcept, WebConceptBrief

NO_CONCEPT = "There is no such concept on this hub."
LIST_MAX = 2000  # a category page never lists more than this (the sitemap has them all)
MERGE_HOPS_MAX = 20
_BRIEF = (Concept.slug, Concept.name, Concept.summary, Concept.category, Concept.tracks)


def _brief(row: Sequence[str]) -> WebConceptBrief:
    slug, name, summary, category, tracks = row
    return WebConceptBrief(slug, name, scrub(summary), category, tracks)


def check_filters(track: str | None, category: str | None) -> None:
    if track and track not in concepts.TRACKS:
        raise Invalid(f"Track must be one of: {', '.join(concepts.TRACKS)}.")
    if category and category not in concepts.CATEGORIES:
        raise Invalid(f"Category must be one of: {', '.join(concepts.CATEGORIES)}.")


async def list_hub_concepts(
    db: Database, hub: Hub, *, track: str | None = None, category: str | None = None
) -> tuple[WebConceptBrief, ...]:
    """The hub's concepts, by category then name; `track` keeps that track's and both."""
    check_filters(track, category)
    stmt = select(*_BRIEF).where(concept_rule(hub))
    if track:
        stmt = stmt.where(Concept.tracks.in_((track, "both")))
    if category:
        stmt = stmt.where(Concept.category == category)
    stmt = stmt.order_by(Concept.category, func.lower(Concept.name), Concept.id).limit(LIST_MAX)
    async with db.reader() as s:
        return tuple(_brief(r) for r in (await s.execute(stmt)).all())


async def concept_briefs(db: Database, hub: Hub, ids: Sequence[int]) -> dict[int, WebConceptBrief]:
    """The hub's concepts among `ids` (others are left out)."""
    if not ids:
        return {}
    stmt = select(Concept.id, *_BRIEF).where(concept_rule(hub), Concept.id.in_(list(ids)))
    async with db.reader() as s:
        return {r[0]: _brief(r[1:]) for r in (await s.execute(stmt)).all()}


RECENT_TAGGED = 500  # a concept page looks at its newest tagged challenges only


async def challenges_of_concept(
    db: Database, hub: Hub, concept_id: int, *, limit: int = 20
) -> tuple[WebChallengeBrief, ...]:
    """The hub's challenges tagged with the concept, newest first. The tag index gives
    the newest ids first; a join instead walked every challenge of the server, probing
    each for the tag (4.7 ms at 5,000 challenges when none was tagged)."""
    async with db.reader() as s:
        ids = (
            await s.scalars(
                select(ChallengeConcept.challenge_id)
                .where(ChallengeConcept.concept_id == concept_id)
                .order_by(ChallengeConcept.challenge_id.desc())
                .limit(RECENT_TAGGED)
            )
        ).all()
        if not ids:
            return ()
        rows = await s.execute(
            select(*CHALLENGE_BRIEF)
            .where(Challenge.id.in_(list(ids)), challenge_rule(hub, by_id=True))
            .order_by(Challenge.created_at.desc(), Challenge.id.desc())
            .limit(limit)
        )
        return tuple(challenge_brief(r) for r in rows.all())


async def _survivor_slug(db: Database, hub: Hub, slug: str) -> str | None:
    """A duplicate merged away (this server's or the base's): its survivor's slug."""
    async with db.reader() as s:
        row = await s.scalar(
            select(Concept)
            .where(
                Concept.slug == slug,
                Concept.guild_id.in_((hub.guild_id, BASE_GUILD_ID)),
                Concept.merged_into_id.is_not(None),
            )
            .order_by(Concept.guild_id.desc())
            .limit(1)
        )
        hops = 0
        while row is not None and row.merged_into_id is not None and hops < MERGE_HOPS_MAX:
            row, hops = await s.get(Concept, row.merged_into_id), hops + 1
        if row is None:
            return None
        found = await s.scalar(select(Concept.slug).where(concept_rule(hub), Concept.id == row.id))
        return str(found) if found else None


async def get_hub_concept(db: Database, hub: Hub, slug: str) -> WebConcept | Moved:
    """The concept at `slug` as the server sees it; a merged duplicate -> Moved."""
    if not 0 < len(slug) <= 100:
        raise NotFound(NO_CONCEPT)
    async with db.reader() as s:
        concept_id = await s.scalar(
            select(Concept.id).where(concept_rule(hub), Concept.slug == slug).limit(1)
        )
    if concept_id is None:
        survivor = await _survivor_slug(db, hub, slug)
        if survivor is None or survivor == slug:
            raise NotFound(NO_CONCEPT)
        return Moved(survivor)
    detail = await concepts.get_concept(db, hub.guild_id, int(concept_id))
    related = await concept_briefs(db, hub, [r.id for r in detail.related])
    return WebConcept(
        slug=detail.slug,
        name=detail.name,
        summary=scrub(detail.summary),
        body=scrub(detail.body),
        category=detail.category,
        tracks=detail.tracks,
        aliases=tuple(detail.aliases),
        frontend_angle=scrub(detail.frontend_angle),
        backend_angle=scrub(detail.backend_angle),
        links=tuple((link.title, link.url) for link in detail.links),
        related=tuple(related[r.id] for r in detail.related if r.id in related),
        author=None if detail.is_base else name_for(hub, detail.author_name),
        updated_at=detail.updated_at,
        challenges=await challenges_of_concept(db, hub, detail.id),
    )


async def concepts_of_challenges(
    db: Database, hub: Hub, challenge_ids: Sequence[int]
) -> dict[int, tuple[WebConceptBrief, ...]]:
    """The hub concepts each challenge is tagged with."""
    if not challenge_ids:
        return {}
    stmt = (
        select(ChallengeConcept.challenge_id, *_BRIEF)
        .join(Concept, Concept.id == ChallengeConcept.concept_id)
        .where(ChallengeConcept.challenge_id.in_(list(challenge_ids)), concept_rule(hub))
        .order_by(func.lower(Concept.name))
    )
    out: dict[int, list[WebConceptBrief]] = {}
    async with db.reader() as s:
        for row in (await s.execute(stmt)).all():
            out.setdefault(row[0], []).append(_brief(row[1:]))
    return {k: tuple(v) for k, v in out.items()}
