"""Merge duplicate challenges or concepts into a survivor without losing or double-counting.

Everything that pointed at the duplicate moves to the survivor in ONE transaction:
challenges: solutions (with their helped-me marks and counts), concept tags, the accepted
solution (kept only if the survivor has none); concepts: challenge and takeaway tags and
lookups of this server. Link tables with composite primary keys are de-duplicated, never
inserted twice. The duplicate is hidden with merged_into_id set; one audit row records it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.db.models import (
    Challenge,
    ChallengeConcept,
    Concept,
    ConceptLookup,
    Solution,
    SolutionHelped,
    Takeaway,
    TakeawayConcept,
)
from bot.db.types import EntryKind, Status
from bot.errors import Conflict, Invalid
from bot.services import concepts
from bot.services.concepts import existing_override, guild_concept
from bot.services.moderation.entries import Actor, load_scoped, record_audit, resolve_flags

MERGE_KINDS = (EntryKind.CHALLENGE, EntryKind.CONCEPT)


@dataclass(frozen=True)
class MergeResult:
    kind: str
    source_id: int
    target_id: int  # the survivor (a server's override row when a base concept survives)
    source_title: str
    target_title: str
    moved: dict[str, int]
    audit_id: int


def _check_live(row: Any, role: str, kind: str) -> None:
    if row.merged_into_id is not None:
        raise Conflict(
            f"The {role} {kind} #{row.id} was already merged into #{row.merged_into_id}."
        )
    if row.status in (Status.HIDDEN, Status.REJECTED):
        raise Conflict(f"The {role} {kind} #{row.id} is {row.status}; restore it first.")


async def merge(
    db: Database,
    guild_id: int,
    actor: Actor,
    kind: str,
    source_id: int,
    target_id: int,
    reason: str | None = None,
) -> MergeResult:
    if kind not in MERGE_KINDS:
        raise Invalid("Only challenges and concepts can be merged.")
    if source_id == target_id:
        raise Invalid("Pick two different entries: the duplicate and the one that stays.")
    if kind == EntryKind.CONCEPT:
        await concepts.flush_lookup_log(db)  # pending lookups of the duplicate move with the rest
    async with db.sessions.begin() as s:
        source = await load_scoped(s, guild_id, kind, source_id)
        target = await load_scoped(s, guild_id, kind, target_id)
        if kind == EntryKind.CHALLENGE:
            return await _merge_challenges(s, guild_id, actor, source, target, reason)
        return await _merge_concepts(s, guild_id, actor, source, target, reason)


async def _merge_challenges(
    s: AsyncSession,
    guild_id: int,
    actor: Actor,
    src: Challenge,
    dst: Challenge,
    reason: str | None,
) -> MergeResult:
    _check_live(src, "duplicate", "challenge")
    _check_live(dst, "surviving", "challenge")
    before = {
        "source": {
            "status": src.status,
            "merged_into_id": None,
            "accepted_solution_id": src.accepted_solution_id,
            "solved": src.solved,
        },
        "target": {
            "accepted_solution_id": dst.accepted_solution_id,
            "solved": dst.solved,
            "featured": dst.featured,
        },
    }
    solution_ids = list(
        await s.scalars(
            select(Solution.id).where(
                Solution.challenge_id == src.id, Solution.guild_id == guild_id
            )
        )
    )
    helped = 0
    if solution_ids:
        helped = int(
            await s.scalar(
                select(func.count())
                .select_from(SolutionHelped)
                .where(SolutionHelped.solution_id.in_(solution_ids))
            )
            or 0
        )
        await s.execute(
            update(Solution).where(Solution.id.in_(solution_ids)).values(challenge_id=dst.id)
        )
    # The survivor keeps its accepted solution; it inherits the duplicate's only if it has none.
    if src.accepted_solution_id is not None:
        if dst.accepted_solution_id is None:
            dst.accepted_solution_id = src.accepted_solution_id
            dst.solved = True
            dst.solved_at = dst.solved_at or src.solved_at
        else:
            await s.execute(
                update(Solution)
                .where(Solution.id == src.accepted_solution_id)
                .values(accepted=False, accepted_at=None)
            )
    elif src.solved and not dst.solved:
        dst.solved, dst.solved_at = True, src.solved_at
    # Tags: (challenge_id, concept_id) is the primary key: never insert a pair twice.
    have = set(
        await s.scalars(
            select(ChallengeConcept.concept_id).where(ChallengeConcept.challenge_id == dst.id)
        )
    )
    src_tags = list(
        await s.scalars(
            select(ChallengeConcept.concept_id).where(ChallengeConcept.challenge_id == src.id)
        )
    )
    new_tags = [c for c in src_tags if c not in have]
    await s.execute(delete(ChallengeConcept).where(ChallengeConcept.challenge_id == src.id))
    if new_tags:
        await s.execute(
            insert(ChallengeConcept), [{"challenge_id": dst.id, "concept_id": c} for c in new_tags]
        )
    dst.featured = bool(dst.featured or src.featured)
    src.status, src.merged_into_id = Status.HIDDEN, dst.id
    src.accepted_solution_id, src.featured = None, False
    flags = await resolve_flags(s, guild_id, EntryKind.CHALLENGE, [src.id])
    moved = {
        "solutions": len(solution_ids),
        "helped_marks": helped,
        "tags": len(new_tags),
        "duplicate_tags_dropped": len(src_tags) - len(new_tags),
        "flags_resolved": flags,
    }
    after = {
        "source": {"status": src.status, "merged_into_id": dst.id},
        "target": {
            "accepted_solution_id": dst.accepted_solution_id,
            "solved": dst.solved,
            "featured": dst.featured,
        },
        "moved": moved,
    }
    audit = await record_audit(
        s, guild_id, actor, "merge", EntryKind.CHALLENGE, src.id, before, after, reason
    )
    return MergeResult(EntryKind.CHALLENGE, src.id, dst.id, src.title, dst.title, moved, audit.id)


async def _retag(
    s: AsyncSession,
    link: Any,
    owner: Any,
    owner_col: str,
    guild_id: int,
    source_ids: list[int],
    survivor_id: int,
) -> tuple[int, int]:
    """Point this server's tags from the duplicate(s) to the survivor; returns (moved, dropped)."""
    owner_key = getattr(link, owner_col)
    owners = list(
        await s.scalars(
            select(owner_key)
            .join(owner, owner.id == owner_key)
            .where(link.concept_id.in_(source_ids), owner.guild_id == guild_id)
            .distinct()
        )
    )
    if not owners:
        return 0, 0
    tagged = set(
        await s.scalars(
            select(owner_key).where(link.concept_id == survivor_id, owner_key.in_(owners))
        )
    )
    links = int(
        await s.scalar(
            select(func.count())
            .select_from(link)
            .where(link.concept_id.in_(source_ids), owner_key.in_(owners))
        )
        or 0
    )
    await s.execute(delete(link).where(link.concept_id.in_(source_ids), owner_key.in_(owners)))
    fresh = [o for o in owners if o not in tagged]
    if fresh:
        await s.execute(insert(link), [{owner_col: o, "concept_id": survivor_id} for o in fresh])
    return len(fresh), links - len(fresh)


async def _merge_concepts(
    s: AsyncSession,
    guild_id: int,
    actor: Actor,
    src: Concept,
    dst: Concept,
    reason: str | None,
) -> MergeResult:
    # Work on what this server sees: its override of a base row when it has one.
    survivor = await existing_override(s, guild_id, dst) or dst
    _check_live(survivor, "surviving", "concept")
    src_override = await existing_override(s, guild_id, src)
    if survivor.id in {src.id, getattr(src_override, "id", None)} or (
        survivor.overrides_id is not None and survivor.overrides_id == src.id
    ):
        raise Invalid("These are the same concept (one overrides the other).")
    source_ids = sorted({src.id} | ({src_override.id} if src_override else set()))
    dup = await guild_concept(s, guild_id, src)  # never the base row itself
    _check_live(dup, "duplicate", "concept")
    before = {"source": {"status": dup.status, "merged_into_id": None, "row_id": dup.id}}
    tags_c, dropped_c = await _retag(
        s, ChallengeConcept, Challenge, "challenge_id", guild_id, source_ids, survivor.id
    )
    tags_t, dropped_t = await _retag(
        s, TakeawayConcept, Takeaway, "takeaway_id", guild_id, source_ids, survivor.id
    )
    lookups = await s.execute(
        update(ConceptLookup)
        .where(ConceptLookup.guild_id == guild_id, ConceptLookup.concept_id.in_(source_ids))
        .values(concept_id=survivor.id)
    )
    dup.status, dup.merged_into_id, dup.featured = Status.HIDDEN, survivor.id, False
    flags = await resolve_flags(s, guild_id, EntryKind.CONCEPT, source_ids)
    moved = {
        "challenge_tags": tags_c,
        "takeaway_tags": tags_t,
        "duplicate_tags_dropped": dropped_c + dropped_t,
        "lookups": int(getattr(lookups, "rowcount", 0) or 0),
        "flags_resolved": flags,
    }
    after = {
        "source": {"status": dup.status, "merged_into_id": survivor.id, "row_id": dup.id},
        "target_id": survivor.id,
        "moved": moved,
    }
    audit = await record_audit(
        s, guild_id, actor, "merge", EntryKind.CONCEPT, src.id, before, after, reason
    )
    return MergeResult(
        EntryKind.CONCEPT, src.id, survivor.id, src.name, survivor.name, moved, audit.id
    )
