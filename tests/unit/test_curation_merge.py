"""Merging duplicates moves everything to the survivor; nothing lost or double-counted."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.db import Database
from bot.db.models import (
    Challenge,
    ChallengeConcept,
    Concept,
    ConceptLookup,
    Solution,
    SolutionHelped,
    TakeawayConcept,
    TakeawayVote,
)
from bot.errors import Conflict, Invalid, NotFound
from bot.services import concepts, moderation
from bot.services.moderation.merging import merge
from tests.unit import curation_factory as f
from tests.unit.curation_factory import ACTOR


async def _count(db: Database, stmt: object) -> int:
    async with db.reader() as s:
        return int(await s.scalar(stmt) or 0)  # type: ignore[call-overload]


async def _rows(db: Database, model: object) -> list[tuple[int, ...]]:
    """Primary-key tuples of every row of a link table."""
    table = model.__table__  # type: ignore[attr-defined]
    cols = [c for c in table.primary_key.columns]
    async with db.reader() as s:
        return sorted(tuple(r) for r in (await s.execute(select(*cols))).all())


async def test_merge_challenges_moves_everything(db: Database) -> None:
    k1 = await f.concept(db, slug="cors", name="CORS")
    k2 = await f.concept(db, slug="http", name="HTTP")
    src = await f.challenge(db, title="CORS broken")
    dst = await f.challenge(db, title="CORS error")
    s1 = await f.solution(db, src, body="proxy", accepted=True)
    s2 = await f.solution(db, src, body="headers")
    d1 = await f.solution(db, dst, body="server config")
    async with db.sessions.begin() as s:
        (await s.get(Challenge, src)).accepted_solution_id = s1  # type: ignore[union-attr]
        (await s.get(Challenge, src)).solved = True  # type: ignore[union-attr]
        s.add_all(
            [
                ChallengeConcept(challenge_id=src, concept_id=k1),
                ChallengeConcept(challenge_id=src, concept_id=k2),
                ChallengeConcept(challenge_id=dst, concept_id=k1),  # both tagged: must not collide
                SolutionHelped(solution_id=s1, user_id=f.ALICE),
                SolutionHelped(solution_id=s1, user_id=f.CAROL),
                SolutionHelped(solution_id=s2, user_id=f.ALICE),
                SolutionHelped(solution_id=d1, user_id=f.ALICE),
            ]
        )
        for sid, n in ((s1, 2), (s2, 1), (d1, 1)):
            (await s.get(Solution, sid)).helped_count = n  # type: ignore[union-attr]
    helped_before = await _rows(db, SolutionHelped)
    await f.flag(db, "challenge", src, f.DAVE, "duplicate")

    result = await merge(db, f.G1, ACTOR, "challenge", src, dst, "same question")

    assert result.moved == {
        "solutions": 2,
        "helped_marks": 3,
        "tags": 1,
        "duplicate_tags_dropped": 1,
        "flags_resolved": 1,
    }
    survivor_solutions = await _count(
        db, select(func.count(Solution.id)).where(Solution.challenge_id == dst)
    )
    assert survivor_solutions == 3
    assert (
        await _count(db, select(func.count(Solution.id)).where(Solution.challenge_id == src)) == 0
    )
    assert await _rows(db, SolutionHelped) == helped_before  # every mark kept, none doubled
    helped_total = await _count(
        db, select(func.sum(Solution.helped_count)).where(Solution.challenge_id == dst)
    )
    assert helped_total == 4 == len(helped_before)
    assert await _rows(db, ChallengeConcept) == sorted([(dst, k1), (dst, k2)])
    survivor = await f.get(db, Challenge, dst)
    assert survivor.accepted_solution_id == s1 and survivor.solved
    dup = await f.get(db, Challenge, src)
    assert (dup.status, dup.merged_into_id, dup.accepted_solution_id) == ("hidden", dst, None)
    [audit] = await f.audit_rows(db)
    assert (audit.action, audit.entry_kind, audit.entry_id, audit.reason) == (
        "merge",
        "challenge",
        src,
        "same question",
    )
    assert audit.before["source"]["status"] == "published"
    assert audit.after["source"] == {"status": "hidden", "merged_into_id": dst}
    with pytest.raises(Conflict):  # merging twice changes nothing twice
        await merge(db, f.G1, ACTOR, "challenge", src, dst)


async def test_merge_keeps_survivors_accepted_solution(db: Database) -> None:
    src = await f.challenge(db)
    dst = await f.challenge(db)
    s1 = await f.solution(db, src, accepted=True)
    d1 = await f.solution(db, dst, accepted=True)
    async with db.sessions.begin() as s:
        (await s.get(Challenge, src)).accepted_solution_id = s1  # type: ignore[union-attr]
        (await s.get(Challenge, dst)).accepted_solution_id = d1  # type: ignore[union-attr]
    await merge(db, f.G1, ACTOR, "challenge", src, dst)
    assert (await f.get(db, Challenge, dst)).accepted_solution_id == d1
    assert not (await f.get(db, Solution, s1)).accepted
    assert (
        await _count(
            db,
            select(func.count(Solution.id)).where(
                Solution.challenge_id == dst, Solution.accepted.is_(True)
            ),
        )
        == 1
    )


async def test_merge_concepts_moves_tags_and_lookups(db: Database) -> None:
    src = await f.concept(db, slug="js-closure", name="JS closure")
    dst = await f.concept(db, slug="closure", name="Closure")
    ch1 = await f.challenge(db)
    ch2 = await f.challenge(db)
    tk1 = await f.takeaway(db)
    tk2 = await f.takeaway(db)
    g2_tk = await f.takeaway(db, guild=f.G2)
    async with db.sessions.begin() as s:
        s.add_all(
            [
                ChallengeConcept(challenge_id=ch1, concept_id=src),
                ChallengeConcept(challenge_id=ch1, concept_id=dst),  # would collide
                ChallengeConcept(challenge_id=ch2, concept_id=src),
                TakeawayConcept(takeaway_id=tk1, concept_id=src),
                TakeawayConcept(takeaway_id=tk2, concept_id=src),
                TakeawayConcept(takeaway_id=tk2, concept_id=dst),  # would collide
                TakeawayVote(takeaway_id=tk1, user_id=f.ALICE),
                TakeawayVote(takeaway_id=tk2, user_id=f.ALICE),
                TakeawayVote(takeaway_id=tk2, user_id=f.BOB),
                ConceptLookup(guild_id=f.G1, concept_id=src, user_id=f.ALICE),
                ConceptLookup(guild_id=f.G1, concept_id=src, user_id=f.ALICE),
                ConceptLookup(guild_id=f.G1, concept_id=dst, user_id=f.BOB),
            ]
        )
    votes_before = await _rows(db, TakeawayVote)
    del g2_tk
    result = await merge(db, f.G1, ACTOR, "concept", src, dst)
    assert result.moved == {
        "challenge_tags": 1,
        "takeaway_tags": 1,
        "duplicate_tags_dropped": 2,
        "lookups": 2,
        "flags_resolved": 0,
    }
    assert await _rows(db, ChallengeConcept) == sorted([(ch1, dst), (ch2, dst)])
    assert await _rows(db, TakeawayConcept) == sorted([(tk1, dst), (tk2, dst)])
    assert await _rows(db, TakeawayVote) == votes_before
    assert (
        await _count(
            db, select(func.count(ConceptLookup.id)).where(ConceptLookup.concept_id == dst)
        )
        == 3
    )
    dup = await f.get(db, Concept, src)
    assert (dup.status, dup.merged_into_id) == ("hidden", dst)
    assert len(await f.audit_rows(db)) == 1


async def test_merge_base_concept_hides_override_only(db: Database) -> None:
    base = await f.base_concept_id(db)
    dst = await f.concept(db, slug="ours", name="Ours")
    ch = await f.challenge(db)
    other = await f.challenge(db, guild=f.G2)
    async with db.sessions.begin() as s:
        s.add_all(
            [
                ChallengeConcept(challenge_id=ch, concept_id=base),
                ChallengeConcept(challenge_id=other, concept_id=base),
                ConceptLookup(guild_id=f.G2, concept_id=base, user_id=f.BOB),
            ]
        )
    await merge(db, f.G1, ACTOR, "concept", base, dst)
    assert (await f.get(db, Concept, base)).status == "published"
    assert (await f.get(db, Concept, base)).merged_into_id is None
    # Server B's tags and lookups are not touched.
    assert await _rows(db, ChallengeConcept) == sorted([(ch, dst), (other, base)])
    assert (
        await _count(
            db, select(func.count(ConceptLookup.id)).where(ConceptLookup.concept_id == base)
        )
        == 1
    )
    async with db.reader() as s:
        override = await s.scalar(select(Concept).where(Concept.overrides_id == base))
    assert override is not None and (override.status, override.merged_into_id) == ("hidden", dst)


async def test_merge_validation(db: Database) -> None:
    a = await f.challenge(db)
    b2 = await f.challenge(db, guild=f.G2)
    with pytest.raises(Invalid):
        await merge(db, f.G1, ACTOR, "challenge", a, a)
    with pytest.raises(NotFound):
        await merge(db, f.G1, ACTOR, "challenge", a, b2)
    with pytest.raises(NotFound):
        await merge(db, f.G1, ACTOR, "challenge", b2, a)
    with pytest.raises(Invalid):
        await merge(db, f.G1, ACTOR, "takeaway", a, a + 1)
    assert await f.audit_rows(db) == []


async def test_merged_names_and_ids_follow_later_merges_and_edits(db: Database) -> None:
    """B into A, later A into C: B's name and id lead to C. A live concept that takes a
    merged name wins over the redirect. A base survivor the server edits later (an
    override row) is still where its duplicates lead."""
    b = await f.concept(db, slug="b-thing", name="Bee thing")
    a = await f.concept(db, slug="a-thing", name="Ay thing")
    c = await f.concept(db, slug="c-thing", name="See thing")
    await merge(db, f.G1, ACTOR, "concept", b, a)
    await merge(db, f.G1, ACTOR, "concept", a, c)
    for asked in ("Bee thing", "b-thing", str(b), "Ay thing", str(a)):
        found = await concepts.lookup(db, f.G1, f.ALICE, asked)
        assert found.concept is not None and found.concept.id == c, asked
        assert found.merged_from is not None
    found = await concepts.lookup(db, f.G1, f.ALICE, str(b))
    assert found.merged_from == concepts.MergedFrom(b, "Bee thing")
    fresh = await f.concept(db, slug="bee-thing-2", name="Bee thing")
    again = await concepts.lookup(db, f.G1, f.ALICE, "Bee thing")
    assert again.concept is not None and again.concept.id == fresh and again.merged_from is None

    base = await f.base_concept_id(db)
    dup = await f.concept(db, slug="dup-of-base", name="Duplicate of base")
    await merge(db, f.G1, ACTOR, "concept", dup, base)
    await moderation.edit(db, f.G1, ACTOR, "concept", base, {"summary": "Our own words"})
    found = await concepts.lookup(db, f.G1, f.ALICE, "Duplicate of base")
    assert found.concept is not None and found.concept.summary == "Our own words"
    choices = await concepts.autocomplete(db, f.G1, "duplicate of")
    assert choices[0].value == str(found.concept.id)  # the survivor first (others may be typos)
    other = await concepts.lookup(db, f.G2, f.ALICE, "Duplicate of base")
    assert other.concept is None  # another server's merge changes nothing there
