"""Digest content: ranked sections, published entries only, one server only, few queries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from bot.db import Database
from bot.db.models import BASE_GUILD_ID, ChallengeConcept, Pair, PairRound
from bot.db.types import utcnow
from bot.services import moderation
from bot.services.digest.content import build_digest
from tests.unit import curation_factory as f
from tests.unit.test_digest_support import (
    add,
    challenge,
    concept,
    helped,
    lookup,
    missed,
    pairs,
    solution,
    takeaway,
    vote,
)

G, OTHER = 501, 502
START = datetime(2024, 5, 13, 17, tzinfo=UTC)
END = START + timedelta(days=7)
MID = START + timedelta(days=2)
BEFORE = START - timedelta(days=1)


async def _week(db: Database) -> dict[str, int]:
    t_top, t_low, t_feat, t_pending, t_old, t_pair = await add(
        db,
        takeaway(G, MID, "Indexes speed up reads", votes=9, author="alice"),
        takeaway(G, MID, "Small lesson", votes=1, author="dave", author_id=14),
        takeaway(G, MID, "Featured @everyone lesson", votes=0, featured=True),
        takeaway(G, MID, "Pending secret", votes=50, status="pending"),
        takeaway(G, BEFORE, "Last week's", votes=99),
        takeaway(G, MID, "We paired on CORS", source="pairing", votes=2),
    )
    await add(db, takeaway(OTHER, MID, "Other server's", votes=100))
    c_solved, c_open_fe, c_open_tagged, c_hidden = await add(
        db,
        challenge(G, BEFORE, "Why is my query slow", solved=True, solved_at=MID),
        challenge(G, MID, "Flexbox centring", track="frontend"),
        challenge(G, MID, "Deadlock in workers"),
        challenge(G, MID, "Hidden one", status="hidden"),
    )
    k_new, k_pending, k_other = await add(
        db,
        concept(G, MID, "Write-ahead log"),
        concept(G, MID, "Pending concept", status="pending"),
        concept(OTHER, MID, "Other concept"),
    )
    await add(db, ChallengeConcept(challenge_id=c_open_tagged.id, concept_id=k_new.id))
    (s_acc,) = await add(db, solution(G, c_solved.id, MID, "Add an index", accepted_at=MID))
    await add(
        db,
        helped(s_acc.id, 20, MID),
        helped(s_acc.id, 21, MID),
        vote(t_top.id, 30, MID),
        vote(t_top.id, 31, MID),
    )
    await add(
        db,
        *(lookup(G, k_new.id, MID) for _ in range(3)),
        lookup(G, k_other.id, MID),
        lookup(OTHER, k_new.id, MID),
        lookup(G, k_new.id, BEFORE),
    )
    await add(
        db,
        missed(G, "GraphQL", MID),
        missed(G, "graphql", MID),
        missed(G, "gRPC", MID),
        missed(OTHER, "zzz", MID),
    )
    await pairs(db, G, MID, ["met", "met", "not_yet", None])
    await pairs(db, OTHER, MID, ["met"])
    return {
        "t_top": t_top.id,
        "t_low": t_low.id,
        "t_feat": t_feat.id,
        "c_open_fe": c_open_fe.id,
        "c_open_tagged": c_open_tagged.id,
        "c_hidden": c_hidden.id,
        "k_new": k_new.id,
        "t_pair": t_pair.id,
    }


async def test_sections_contain_the_week(empty_db: Database) -> None:
    ids = await _week(empty_db)
    d = await build_digest(empty_db, G, START, END, "2024-05-20")
    assert [i.id for i in d.featured] == [ids["t_feat"]]
    assert d.featured[0].text == "Featured @everyone lesson"  # stored and shown as written
    top = [i.text for i in d.top_takeaways]
    assert top[0] == "Indexes speed up reads"
    assert "Pending secret" not in top and "Last week's" not in top
    assert "Other server's" not in top and "Featured @everyone lesson" not in top
    assert [(s.title, s.solution, s.solver) for s in d.solved] == [
        ("Why is my query slow", "Add an index", "carol")
    ]
    groups = {g.track: [c.title for c in g.challenges] for g in d.open_by_track}
    assert groups == {"frontend": ["Flexbox centring"], "backend": ["Deadlock in workers"]}
    assert d.open_total == 2
    assert [(c.label, c.count) for c in d.looked_up] == [("Write-ahead log", 3)]
    assert [(c.label.lower(), c.count) for c in d.missed] == [("graphql", 2), ("grpc", 1)]
    assert [i.id for i in d.new_concepts] == [ids["k_new"]] and d.new_concepts_total == 1
    assert (d.pairing.pairs, d.pairing.met, d.pairing.asked) == (4, 2, 4)
    assert d.pairing.met_rate == 0.5
    assert [n.id for n in d.pairing.notes] == [ids["t_pair"]]
    helpers = {h.name: (h.accepted, h.helped, h.votes) for h in d.helpers}
    assert helpers["carol"] == (1, 2, 0) and helpers["alice"] == (0, 0, 2)
    assert d.helpers[0].name == "carol"  # 3*1 + 2 beats 2 votes
    assert not d.is_empty


async def test_other_server_and_empty_week(empty_db: Database) -> None:
    await _week(empty_db)
    quiet = await build_digest(empty_db, 999, START, END, "2024-05-20")
    assert quiet.is_empty
    later = await build_digest(
        empty_db, G, END + timedelta(days=30), END + timedelta(days=37), "2024-06-26"
    )
    assert later.is_empty


async def test_bounded_number_of_queries(empty_db: Database) -> None:
    await _week(empty_db)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(empty_db.engine.sync_engine, "before_cursor_execute", count)
    try:
        await build_digest(empty_db, G, START, END, "2024-05-20")
    finally:
        event.remove(empty_db.engine.sync_engine, "before_cursor_execute", count)
    selects = [s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    assert len(selects) <= 20


async def test_featured_probe_reads_only_the_featured_indexes(empty_db: Database) -> None:
    """The first question of every digest ("anything featured this week?") must be index
    probes of the featured rows (migration 0008), not a read of the server's 12-week
    range: SQLite uses a partial index only while its WHERE matches the query's term."""
    if not empty_db.is_sqlite:
        pytest.skip("SQLite's planner rule; PostgreSQL picks by statistics")
    await _week(empty_db)
    seen: list[tuple[str, object]] = []

    def record(*args: object) -> None:
        seen.append((str(args[2]), args[3]))

    event.listen(empty_db.engine.sync_engine, "before_cursor_execute", record)
    try:
        await build_digest(empty_db, G, START, END, "2024-05-20")
    finally:
        event.remove(empty_db.engine.sync_engine, "before_cursor_execute", record)
    probe, params = next((s, p) for s, p in seen if "AS featured" in s)
    assert isinstance(params, Sequence | Mapping), params  # the DBAPI parameters
    async with empty_db.reader() as s:
        conn = await s.connection()
        plan = [r[-1] for r in await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + probe, params)]
    for table in ("takeaways", "challenges", "solutions", "concepts"):
        assert any(f"USING INDEX ix_{table}_guild_featured" in line for line in plan), plan


async def test_new_and_updated_concepts_are_separate(empty_db: Database) -> None:
    """Only concepts that became available this week are new; an edit of an old one (a
    server's own, or its first change to a base concept, which creates an override row
    this week) is an update; featuring an old one is neither."""
    db, g, old = empty_db, G, 24 * 30
    base = await f.concept(db, BASE_GUILD_ID, slug="caching", name="Caching", age_hours=old)
    base_featured = await f.concept(db, BASE_GUILD_ID, slug="queues", name="Queues", age_hours=old)
    own = await f.concept(db, g, slug="wal", name="Write-ahead log", age_hours=old)
    own_featured = await f.concept(db, g, slug="mvcc", name="MVCC", age_hours=old)
    waited = await f.concept(db, g, slug="cdc", name="CDC", status="pending", age_hours=old)
    fresh = await f.concept(db, g, slug="outbox", name="Outbox pattern", age_hours=1)
    actor = f.ACTOR
    await moderation.edit(db, g, actor, "concept", base, {"summary": "Keep answers close"})
    await moderation.edit(db, g, actor, "concept", own, {"summary": "Log first, apply later"})
    await moderation.toggle_feature(db, g, actor, "concept", own_featured)
    await moderation.toggle_feature(db, g, actor, "concept", base_featured)
    await moderation.approve(db, g, actor, "concept", waited)
    now = utcnow()
    d = await build_digest(db, g, now - timedelta(days=3), now + timedelta(minutes=1), "k")
    new = {i.text.split(":")[0] for i in d.new_concepts}
    assert new == {"Outbox pattern", "CDC"} and d.new_concepts_total == 2
    updated = {i.text.split(":")[0] for i in d.updated_concepts}
    featured = {i.text.split(":")[0] for i in d.featured}
    assert updated == {"Caching", "Write-ahead log"} and d.updated_concepts_total == 2
    assert featured == {"MVCC", "Queues"}
    assert all(i.author == "Moddy" for i in d.updated_concepts)  # who changed it
    assert fresh in {i.id for i in d.new_concepts}


async def test_pairing_outcomes_count_only_check_ins_that_were_due(empty_db: Database) -> None:
    """Pairs formed this week whose check-in comes next week: formed, not "0 met (0%)"."""
    db = empty_db
    (rnd,) = await add(
        db,
        PairRound(
            guild_id=G,
            period_key="r-next",
            started_at=MID,
            midpoint_at=END + timedelta(days=2),
            ends_at=END + timedelta(days=9),
        ),
    )
    await add(db, *(Pair(guild_id=G, round_id=rnd.id, created_at=MID) for _ in range(2)))
    d = await build_digest(db, G, START, END, "2024-05-20")
    assert (d.pairing.pairs, d.pairing.met, d.pairing.asked) == (2, 0, 0)
    assert d.pairing.met_rate is None
    # The next week: their check-in was due, one pair met.
    async with db.sessions.begin() as s:
        first = await s.scalar(select(Pair).where(Pair.round_id == rnd.id).limit(1))
        assert first is not None
        first.outcome = "met"
    later = await build_digest(db, G, END, END + timedelta(days=7), "2024-05-27")
    assert (later.pairing.pairs, later.pairing.met, later.pairing.asked) == (0, 1, 2)
