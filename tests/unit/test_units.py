"""Units of work (bot/db/units.py): the same function gives the same rows and writes on
SQLite's connection thread and through SQLAlchemy's run_sync, commits with its session,
and leaves nothing behind when it fails."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from functools import partial
from typing import Any, cast

import pytest
from sqlalchemy import Table, bindparam, select, text, update

from bot.db import Database, engine
from bot.db.models import Challenge, TakeawayVote
from bot.db.sqlite_driver import run_on_thread
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
    cast(Table, TakeawayVote.__table__)
    .insert()
    .values(
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


# -- commits that do not wait for the disk (durable=False) -------------------------------

_LEVEL = Prepared(text("PRAGMA synchronous"))
_PG_SYNC = Prepared(text("SHOW synchronous_commit"))


def _level(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA synchronous").fetchone()[0])


def _solve_and_level(unit: Unit, cid: int, fail: bool) -> int:
    unit.all(_SOLVE, cid=cid, solved=True, at=at(5))
    if fail:
        raise RuntimeError("the unit fails after writing")
    return int(unit.all(_LEVEL)[0][0])


@pytest.mark.parametrize("fail", [False, True], ids=["commits", "fails"])
async def test_on_sqlite_a_relaxed_commit_is_normal_only_for_its_transaction(
    db: Database, fail: bool
) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite's safety level")
    info = await challenge(db, "Relaxed")
    async with db.engine.connect() as conn:  # one connection throughout
        await conn.begin()  # BEGIN IMMEDIATE, sent with the unit's trip
        assert await run_on_thread(conn, _level) == 2  # FULL, as every connection opens
        await conn.rollback()
        await conn.begin()
        work = partial(_on_thread_unit, cid=info.id, fail=fail)
        if fail:
            with pytest.raises(RuntimeError):
                await run_on_thread(conn, work, commit=True, durable=False)
            await conn.rollback()
        else:
            assert await run_on_thread(conn, work, commit=True, durable=False) == 1  # NORMAL
            await conn.commit()
        assert await run_on_thread(conn, _level) == 2  # and FULL again after it
        assert not await run_on_thread(conn, _in_transaction)
    async with db.reader() as s:
        solved = (await s.execute(select(Challenge.solved).where(Challenge.id == info.id))).scalar()
    assert solved is (not fail)


def _on_thread_unit(conn: sqlite3.Connection, cid: int, fail: bool) -> int:
    from bot.db.units import _ThreadUnit

    return _solve_and_level(_ThreadUnit(conn), cid, fail)


def _in_transaction(conn: sqlite3.Connection) -> bool:
    return conn.in_transaction


async def test_on_postgresql_a_relaxed_commit_is_asynchronous_for_its_transaction_only(
    db: Database,
) -> None:
    if db.is_sqlite:
        pytest.skip("PostgreSQL's synchronous_commit")

    def show(unit: Unit) -> str:
        return str(unit.all(_PG_SYNC)[0][0])

    assert await db.write_unit(show, durable=False) == "off"
    assert await db.write_unit(show) == "on"


async def test_a_relaxed_write_syncs_the_wal_file_soon_after(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite's WAL file (PostgreSQL's WAL writer syncs its own)")
    synced: list[str] = []
    real_fsync = os.fsync

    def spy(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    monkeypatch.setattr(engine, "WAL_SYNC_AFTER", 0.05)
    info = await challenge(db, "Synced soon")
    wal = str(db.wal_path)
    await db.write_unit(partial(_solve_and_level, cid=info.id, fail=False))
    await asyncio.sleep(0.2)
    assert synced == []  # a durable commit waited for the disk itself
    for _ in range(3):  # a burst schedules one sync
        await db.write_unit(partial(_solve_and_level, cid=info.id, fail=False), durable=False)
    assert synced == []  # not yet: the commit did not wait
    await asyncio.sleep(0.3)
    assert synced == [wal]
