"""Concepts proposed for a challenge when it is recorded, linked in one click.

Whatever path recorded a challenge (/challenge share, "Save as challenge", any later
one), Nexus proposes the concepts its title and problem name (concepts.concepts_in_text:
only convincing matches, nothing otherwise), up to MAX_CONCEPTS links in all. Linking is
for the challenge's author, the member who recorded it (the proposal is shown to them
alone) or a moderator; a link is one row, re-checked on click: the concept must be one
this server sees, not linked yet, the challenge still there.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.db.models import Challenge, ChallengeConcept
from bot.db.types import Status
from bot.errors import Conflict, Invalid, NotAllowed, NotFound
from bot.services.concepts import RelatedRef, concepts_in_text, resolve_concepts, track_for
from bot.services.entries import MAX_CONCEPTS

GONE = "That challenge is no longer here (removed or merged): nothing to link."
LINKERS_ONLY = (
    "Only the challenge's author, the member who saved it, or a moderator can link concepts to it."
)


async def _linked(s: AsyncSession, challenge_id: int) -> list[int]:
    rows = await s.scalars(
        select(ChallengeConcept.concept_id).where(ChallengeConcept.challenge_id == challenge_id)
    )
    return list(rows.all())


async def concept_suggestions(
    db: Database, guild_id: int, challenge_id: int
) -> tuple[RelatedRef, ...]:
    """The concepts this challenge names and is not linked to yet (at most the room left
    under MAX_CONCEPTS), best first; () for an unknown, removed or merged challenge."""
    async with db.reader() as s:
        row = await s.get(Challenge, challenge_id) if 0 < challenge_id < 2**31 else None
        if row is None or row.guild_id != guild_id or row.merged_into_id is not None:
            return ()
        if row.status == Status.WITHDRAWN:
            return ()
        linked = await _linked(s, challenge_id)
        text = f"{row.title}\n{row.problem}"
    room = MAX_CONCEPTS - len(linked)
    if room <= 0:
        return ()
    found = await concepts_in_text(db, guild_id, text, limit=room, exclude=frozenset(linked))
    return tuple(found)


async def link_concept(
    db: Database,
    guild_id: int,
    challenge_id: int,
    concept_id: int,
    *,
    actor_id: int,
    recorder_id: int | None,
    by_moderator: bool,
) -> str:
    """Link `concept_id` to the challenge; returns the concept's name."""
    async with db.sessions.begin() as s:
        row = await s.get(Challenge, challenge_id, with_for_update=True)
        if (
            row is None
            or row.guild_id != guild_id
            or row.status == Status.WITHDRAWN
            or row.merged_into_id is not None
        ):
            raise NotFound(GONE)
        if actor_id not in (row.author_id, recorder_id) and not by_moderator:
            raise NotAllowed(LINKERS_ONLY)
        linked = await _linked(s, challenge_id)
        [tag] = await resolve_concepts(s, guild_id, [str(concept_id)])  # Invalid if unseen
        if tag.id in linked:
            raise Conflict(f"{tag.name} is already linked to challenge #{challenge_id}.")
        if len(linked) >= MAX_CONCEPTS:
            raise Invalid(f"A challenge links at most {MAX_CONCEPTS} concepts.")
        s.add(ChallengeConcept(challenge_id=challenge_id, concept_id=tag.id))
        if row.track is None:  # which track can help: from all its concepts now
            try:
                tags = await resolve_concepts(s, guild_id, [str(i) for i in [*linked, tag.id]])
            except Invalid:  # a linked concept was hidden since: this one decides
                tags = (tag,)
            row.track = track_for(tags)
    return tag.name
