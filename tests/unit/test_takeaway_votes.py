"""Vote batches: the one batch function gives the same answers and tables on SQLite's
connection thread as through run_sync (the path PostgreSQL takes)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.db.models import Takeaway, TakeawayVote
from bot.services.takeaways import service as svc
from bot.services.takeaways.votes import Ballot, Outcome, write_batch
from tests.dbutil import TemplateDatabases, open_database
from tests.unit.entries_support import ALICE, BOB, CAROL, OTHER, G, add_concept, at, review


async def _world(db: Database) -> list[int]:
    """Takeaways of every kind a click can meet; the same ids in every fresh database."""
    cid = await add_concept(db, "Zz Caching")
    ids = []
    for body, concepts, guild in (
        ("Tagged.", [str(cid)], G),
        ("Plain.", [], G),
        ("Elsewhere.", [], OTHER),
    ):
        t = await svc.share_takeaway(
            db,
            guild,
            author_id=ALICE,
            author_name="Alice",
            kind="lesson",
            body=body,
            concepts=concepts,
            now=at(0),
        )
        ids.append(t.id)
    await review(db, review_takeaways=True)
    pending = await svc.share_takeaway(
        db, G, author_id=BOB, author_name="Bob", kind="lesson", body="Pending.", now=at(1)
    )
    return [*ids, pending.id]


def _plain(outcomes: list[Outcome]) -> list[Any]:
    return [(type(o).__name__, str(o)) if isinstance(o, Exception) else o for o in outcomes]


async def _state(db: Database) -> tuple[Any, ...]:
    async with db.reader() as s:
        votes = (
            (
                await s.execute(
                    select(TakeawayVote).order_by(TakeawayVote.takeaway_id, TakeawayVote.user_id)
                )
            )
            .scalars()
            .all()
        )
        counts = (await s.execute(select(Takeaway.id, Takeaway.votes).order_by(Takeaway.id))).all()
    return tuple((v.takeaway_id, v.user_id, v.created_at) for v in votes), tuple(counts)


async def test_one_trip_and_portable_paths_agree(
    templates: TemplateDatabases, tmp_path: Path
) -> None:
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
    async with (
        open_database(templates, tmp_path / "a", seeded=True) as a,
        open_database(templates, tmp_path / "b", seeded=True) as b,
    ):
        if not a.is_sqlite:
            pytest.skip("SQLite runs a unit on its thread; PostgreSQL has run_sync only")
        ids = await _world(a)
        assert await _world(b) == ids
        rng = random.Random(11)
        users = [ALICE, BOB, CAROL, 9001, 9002]
        seen: set[str] = set()
        tagged: list[Any] = []
        for n in range(40):
            ballots = [
                Ballot(
                    rng.choice((G, G, G, OTHER)),
                    rng.choice([*ids, 10**9]),
                    rng.choice(users),
                    at(n),
                )
                for _ in range(rng.randint(1, 6))
            ]
            one = await write_batch(a, ballots)
            portable = await write_batch(b, ballots, one_trip=False)
            assert _plain(one) == _plain(portable)
            seen |= {type(o).__name__ for o in one}
            tagged += [
                o.takeaway.concepts
                for o in one
                if not isinstance(o, Exception) and o.takeaway.id == ids[0]
            ]
            seen |= {
                ("voted" if o.voted else "withdrawn") for o in one if not isinstance(o, Exception)
            }
        # The sequence met every outcome, and the tables end identical (times included).
        assert seen >= {"NotFound", "Invalid", "voted", "withdrawn"}
        assert await _state(a) == await _state(b)
        assert tagged and all(len(c) == 1 for c in tagged)


async def test_a_vote_on_sqlite_is_one_hand_off(db: Database, hand_offs: list[str]) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite's connection threads")
    cid = await add_concept(db, "Zz Queues")
    t = await svc.share_takeaway(
        db,
        G,
        author_id=ALICE,
        author_name="Alice",
        kind="lesson",
        body="Batch writes.",
        concepts=[str(cid)],
    )
    hand_offs.clear()
    result = await svc.toggle_vote(db, G, t.id, user_id=BOB)
    assert hand_offs == ["_call"]
    assert (result.voted, result.votes, [c.id for c in result.takeaway.concepts]) == (
        True,
        1,
        [cid],
    )
    assert result.takeaway.created_at == t.created_at and result.takeaway.created_at.tzinfo
