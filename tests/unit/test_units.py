"""Units of work (bot/db/units.py): the same function gives the same rows and writes on
SQLite's connection thread and through SQLAlchemy's run_sync, commits with its session,
and leaves nothing behind when it fails."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
from sqlalchemy import bindparam, select, update

from bot.db import Database
from bot.db.models import Challenge, TakeawayVote
from bot.db.units import Prepared, Unit, run_unit
from tests.unit.entries_support import ALICE, BOB, CAROL, G, at, challenge

_ROW = Prepared(
    select(Challenge.id, Challenge.solved, Challenge.solved_at, Challenge.jump_url).where(
        Challenge.id == bindparam("cid")
    ),
    "ChallengeRow",
)
_SOLVE = Prepared(
    update(Challenge)
    .where(Challenge.id == bindparam("cid"))
    .values(solved=bindparam("solved"), solved_at=bindparam("at", type_=Challenge.solved_at.type))
    .returning(Challenge.id, Challenge.solved)
)
_VOTE = Prepared(
    TakeawayVote.__table__.insert().values(
        takeaway_id=bindparam("t"),
        user_id=bindparam("u"),
        created_at=bindparam("at", type_=TakeawayVote.created_at.type),
    )
)
_VOTES = Prepared(select(TakeawayVote.user_id).where(TakeawayVote.takeaway_id == bindparam("t")))


def _work(unit: Unit, cid: int, takeaway: int) -> tuple[Any, ...]:
    before = [tuple(r) for r in unit.all(_ROW, cid=cid)]
    solved = [tuple(r) for r in unit.all(_SOLVE, cid=cid, solved=True, at=at(5))]
    (row,) = unit.all(_ROW, cid=cid)
    unit.many(_VOTE, [{"t": takeaway, "u": u, "at": at(1)} for u in (ALICE, BOB)])
    unit.many(_VOTE, [])  # nothing to run: no statement
    voters = sorted(r.user_id for r in unit.all(_VOTES, t=takeaway))
    return before, solved, (row.solved, row.solved_at, row.solved_at.tzinfo is not None), voters


def _fail(unit: Unit, cid: int) -> None:
    unit.all(_SOLVE, cid=cid, solved=True, at=at(5))
    raise RuntimeError("the unit fails after writing")


async def _takeaway(db: Database) -> int:
    from bot.services.takeaways import share_takeaway

    t = await share_takeaway(
        db, G, author_id=CAROL, author_name="Carol", kind="lesson", body="Units."
    )
    return t.id


@pytest.mark.parametrize("one_trip", [True, False], ids=["thread", "run_sync"])
async def test_a_unit_reads_typed_rows_writes_and_commits(db: Database, one_trip: bool) -> None:
    info = await challenge(db, "A unit of work")
    takeaway = await _takeaway(db)
    async with db.sessions.begin() as s:
        got = await run_unit(
            s, partial(_work, cid=info.id, takeaway=takeaway), commit=True, one_trip=one_trip
        )
    before, solved, row, voters = got
    assert before == [(info.id, False, None, info.jump_url)]
    assert solved == [(info.id, True)]
    assert row == (True, at(5), True)  # a bool and an aware datetime, as a session reads them
    assert voters == sorted((ALICE, BOB))
    async with db.reader() as s:  # committed
        assert (await s.execute(select(Challenge.solved).where(Challenge.id == info.id))).scalar()
        n = (
            await s.execute(select(TakeawayVote).where(TakeawayVote.takeaway_id == takeaway))
        ).all()
        assert len(n) == 2


@pytest.mark.parametrize("one_trip", [True, False], ids=["thread", "run_sync"])
async def test_a_failing_unit_leaves_nothing_behind(db: Database, one_trip: bool) -> None:
    info = await challenge(db, "A failing unit")
    with pytest.raises(RuntimeError, match="fails after writing"):
        async with db.sessions.begin() as s:
            await run_unit(s, partial(_fail, cid=info.id), commit=True, one_trip=one_trip)
    async with db.reader() as s:
        solved = (await s.execute(select(Challenge.solved).where(Challenge.id == info.id))).scalar()
    assert solved is False
    async with db.sessions.begin() as s:  # and the next writer is not stuck behind it
        await s.execute(update(Challenge).where(Challenge.id == info.id).values(solved=True))


async def test_on_sqlite_a_unit_is_one_hand_off(db: Database, hand_offs: list[str]) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite's connection threads")
    info = await challenge(db, "One hand-off")
    takeaway = await _takeaway(db)
    async with db.sessions.begin() as s:
        hand_offs.clear()
        await run_unit(s, partial(_work, cid=info.id, takeaway=takeaway), commit=True)
        assert hand_offs == ["_call"]  # BEGIN IMMEDIATE, 6 statements and COMMIT
