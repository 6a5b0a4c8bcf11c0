"""Statements run on a SQLite connection's thread give exactly what a session gives."""

from __future__ import annotations

import functools
from datetime import timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import BindParameter, bindparam, select, update

from bot.db import Database
from bot.db.models import Challenge, ChallengeConcept, Solution
from bot.db.sqlite_driver import run_on_thread
from bot.db.sqlite_statements import ThreadStatement
from bot.db.types import Status
from bot.services.challenges.load import load_challenges
from tests.unit.entries_support import ALICE, BOB, G, add_concept, at, challenge

_ROW = select(Challenge).where(Challenge.id == bindparam("id"))


async def _on_thread(db: Database, fn: Any) -> Any:
    async with db.reader() as s:
        return await run_on_thread(await s.connection(), fn)


@pytest.fixture
def sqlite_only(db: Database) -> Database:
    if not db.is_sqlite:
        pytest.skip("SQLite's connection threads")
    return db


async def test_rows_are_typed_as_a_session_reads_them(sqlite_only: Database) -> None:
    db = sqlite_only
    info = await challenge(db, "Typed rows")
    async with db.sessions.begin() as s:  # a bool, a datetime, a NULL, big integers
        await s.execute(
            update(Challenge)
            .where(Challenge.id == info.id)
            .values(solved=True, solved_at=at(5), jump_url=None)
        )
    stmt = select(*Challenge.__table__.c).where(Challenge.id == bindparam("id"))
    async with db.reader() as s:
        expected = (await s.execute(stmt, {"id": info.id})).one()
    thread = ThreadStatement(stmt, "ChallengeRow")
    (got,) = await _on_thread(db, functools.partial(thread.all, id=info.id))
    assert tuple(got) == tuple(expected) and got._fields == tuple(expected._fields)
    assert got.solved is True and got.solved_at == at(5) and got.solved_at.tzinfo is not None


async def test_parameters_are_bound_as_a_session_binds_them(sqlite_only: Database) -> None:
    db = sqlite_only
    info = await challenge(db, "Bound parameters")
    # A constant the statement carries (a status) and an aware datetime given per call,
    # in another zone: only if it is converted to UTC as stored does "before" hold.
    before = bindparam("before", type_=Challenge.created_at.type)
    stmt = select(Challenge.id).where(
        Challenge.status == Status.PUBLISHED.value, Challenge.created_at < before
    )
    thread, plus2 = ThreadStatement(stmt), timezone(timedelta(hours=2))
    later = await _on_thread(db, functools.partial(thread.all, before=at(1).astimezone(plus2)))
    same = await _on_thread(db, functools.partial(thread.all, before=at(0).astimezone(plus2)))
    assert [r[0] for r in later] == [info.id] and same == []


def test_expanding_parameters_are_refused() -> None:
    ids: BindParameter[list[int]] = bindparam("ids", expanding=True)
    with pytest.raises(ValueError, match="one per value"):
        ThreadStatement(select(Challenge.id).where(Challenge.id.in_(ids)))


async def test_loading_challenges_sees_what_the_session_has_not_flushed(
    sqlite_only: Database,
) -> None:
    db = sqlite_only
    cid = await add_concept(db, "Zz Flushing")
    info = await challenge(db, "Pending writes")
    async with db.sessions.begin() as s:
        s.add(
            Solution(
                guild_id=G,
                challenge_id=info.id,
                body="Flush first.",
                author_id=BOB,
                author_name="Bob",
                status=Status.PUBLISHED.value,
            )
        )
        s.add(ChallengeConcept(challenge_id=info.id, concept_id=cid))
        loaded = (await load_challenges(s, [info.id]))[info.id]
    assert loaded.solution_count == 1 and [c.id for c in loaded.concepts] == [cid]
    assert loaded.author_id == ALICE and loaded.created_at == info.created_at
