"""Takeaway upvotes, written in batches: one transaction for all the votes waiting.

A popular takeaway (the one in this week's digest) gets bursts of clicks, and every click
is a write. Writes take turns (on SQLite one writer at a time), and one transaction per
vote held the write lock over five statements, each waiting for an event-loop turn under
load: at 200 clicks a second votes queued for a second (bench/README.md). Here the votes
that arrive while a batch is being written form the next batch, and a batch is one
transaction of a fixed number of statements whatever its size (a group commit).

Every member still gets their own answer: their vote counted or withdrawn (in the order
the clicks arrived, so two clicks by one member in one batch cancel out), the count as
committed, or their own refusal (not found, own takeaway). Counts stay exact: the
takeaway rows are locked (PostgreSQL, in id order) and recounted in the transaction.

On SQLite the whole batch (reads, the decision, writes, recount, concept tags) runs on
the connection's thread in one hand-off (`sqlite_driver.run_on_thread`), COMMIT included: one
trip instead of six, and no statement building on the event loop. It was most of a
vote's cost at 200 clicks a second (bench/README.md). Both paths share the decision
(`decide`) and take their SQL from the same table definitions.
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, bindparam, func, select

from bot.db import Database
from bot.db.models import Takeaway, TakeawayConcept, TakeawayVote
from bot.db.sqlite_driver import run_on_thread
from bot.db.sqlite_statements import ThreadStatement
from bot.db.types import utcnow
from bot.errors import Invalid, NotFound
from bot.services.concepts import concept_tags, concept_tags_on_thread
from bot.services.entries import ConceptTag, VoteResult, others_published, takeaway_info

NOT_FOUND = "I can't find that takeaway in this server (it may have been removed)."
OWN = "That's your own takeaway: upvotes are for the others to give."
SHUTTING_DOWN = "The bot is shutting down; try again shortly."
MAX_BATCH = 256

Outcome = VoteResult | Exception


class Ballot(NamedTuple):
    """One click, as plain values (it may travel to the connection's thread)."""

    guild_id: int
    takeaway_id: int
    user_id: int
    at: datetime


@dataclass
class _Vote:
    ballot: Ballot
    answer: asyncio.Future[VoteResult] = field(repr=False)


class VoteQueue:
    """The votes waiting for the next batch, and the one task writing batches."""

    def __init__(self) -> None:
        self._waiting: list[_Vote] = []
        self._sent: set[asyncio.Task[None]] = set()  # batches being written
        self._writing = False
        self.batches = 0  # transactions written (tests, benchmarks)

    @property
    def in_flight(self) -> int:
        """Batches sent and not yet answered."""
        return len(self._sent)

    async def vote(
        self, db: Database, guild_id: int, takeaway_id: int, user_id: int, at: datetime
    ) -> VoteResult:
        answer: asyncio.Future[VoteResult] = asyncio.get_running_loop().create_future()
        self._waiting.append(_Vote(Ballot(guild_id, takeaway_id, user_id, at), answer))
        if not self._writing:
            self._writing = True
            db.spawn(self._write_all(db), name="takeaway-votes").add_done_callback(self._stopped)
        # A member who stops waiting (cancelled) does not unsend the click: it is applied.
        return await answer

    async def _write_all(self, db: Database) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
            sent = asyncio.get_running_loop().create_task(self._send(db, batch))
            self._sent.add(sent)
            sent.add_done_callback(self._sent.discard)
            # A batch once sent runs to its end even if this writer is cancelled
            # (shutdown): it may be committed already (on SQLite the COMMIT travels with
            # the batch), so its members hear what really happened, never a guess.
            await asyncio.shield(sent)
        self._writing = False  # no await since the loop's check: a new vote spawns anew

    async def _send(self, db: Database, batch: list[_Vote]) -> None:
        outcomes: list[Outcome] = [RuntimeError(SHUTTING_DOWN)] * len(batch)
        try:
            outcomes = await write_batch(db, [v.ballot for v in batch])
        except Exception as error:  # the transaction failed: so did its votes
            outcomes = [error] * len(batch)
        finally:  # also when the loop itself is closing under it (cancelled)
            self.batches += 1
            for vote, outcome in zip(batch, outcomes, strict=True):
                _answer(vote, outcome)

    def _stopped(self, task: asyncio.Task[None]) -> None:
        """If the writer was cancelled (shutdown, even before it started), the votes not
        yet sent are answered, and a later vote starts a new writer."""
        if not task.cancelled() and task.exception() is None:
            return
        self._writing = False
        left, self._waiting = self._waiting, []
        for vote in left:
            _answer(vote, RuntimeError(SHUTTING_DOWN))


def _answer(vote: _Vote, outcome: Outcome) -> None:
    if vote.answer.done():
        return
    if isinstance(outcome, Exception):
        vote.answer.set_exception(outcome)
    else:
        vote.answer.set_result(outcome)


def vote_queue(db: Database) -> VoteQueue:
    return db.part(VoteQueue)


_TAKEAWAYS = cast(Table, Takeaway.__table__)
_VOTES = cast(Table, TakeawayVote.__table__)
# Built once (a reused statement keeps its cache key: see entry_common._tags_statement),
# Core on the tables (plain rows, no ORM identities or bulk-insert machinery): most of a
# batch's event-loop time was building and processing these statements.
_LOCK = (
    select(*_TAKEAWAYS.c)
    .where(_TAKEAWAYS.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(_TAKEAWAYS.c.id)
    .with_for_update()
)
_FOUND = select(_VOTES.c.takeaway_id, _VOTES.c.user_id).where(
    _VOTES.c.takeaway_id.in_(bindparam("ids", expanding=True)),
    _VOTES.c.user_id.in_(bindparam("users", expanding=True)),
)
_WITHDRAW = _VOTES.delete().where(
    _VOTES.c.takeaway_id == bindparam("t"), _VOTES.c.user_id == bindparam("u")
)
_ADD = _VOTES.insert()
_COUNT = select(func.count()).where(_VOTES.c.takeaway_id == _TAKEAWAYS.c.id).scalar_subquery()
_RECOUNT = (
    _TAKEAWAYS.update()
    .where(_TAKEAWAYS.c.id.in_(bindparam("ids", expanding=True)))
    .values(votes=_COUNT)
    .returning(_TAKEAWAYS.c.id, _TAKEAWAYS.c.votes)
)


@dataclass
class Decision:
    flags: list[bool | Exception]  # per ballot: voted, withdrawn, or its refusal
    withdrawn: list[tuple[int, int]]  # (takeaway, user), sorted
    added: list[tuple[int, int, datetime]]  # (takeaway, user, voted at), sorted

    @property
    def changed(self) -> list[int]:
        return sorted({t for t, _ in self.withdrawn} | {t for t, _, _ in self.added})


def decide(
    ballots: Sequence[Ballot], rows: Mapping[int, Any], before: set[tuple[int, int]]
) -> Decision:
    """Apply the ballots in order to the votes that exist (`before`): two clicks by one
    member cancel out; a refusal changes nothing. Pure: both paths call it."""
    now = set(before)
    voted_at: dict[tuple[int, int], datetime] = {}
    flags: list[bool | Exception] = []
    for b in ballots:
        try:
            row = others_published(
                rows.get(b.takeaway_id), b.guild_id, b.user_id, not_found=NOT_FOUND, own=OWN
            )
        except (NotFound, Invalid) as refused:
            flags.append(refused)
            continue
        if (key := (row.id, b.user_id)) in now:
            now.discard(key)
            flags.append(False)
        else:
            now.add(key)
            voted_at[key] = b.at
            flags.append(True)
    added = [(t, u, voted_at[(t, u)]) for t, u in sorted(now - before)]
    return Decision(flags, sorted(before - now), added)


@dataclass
class Applied:
    """What a written batch hands back to the event loop."""

    rows: dict[int, Any]  # takeaway id -> its row (as read, before the recount)
    flags: list[bool | Exception]
    counts: dict[int, int]  # recounted takeaways
    tags: dict[int, list[ConceptTag]]


async def write_batch(
    db: Database, ballots: list[Ballot], *, one_trip: bool = True
) -> list[Outcome]:
    """Apply `ballots` in order, in one transaction; one outcome each. `one_trip=False`
    forces the portable path on SQLite (tests compare the two)."""
    write = _write_on_thread if one_trip and db.is_sqlite else _write_core
    applied = await write(db, ballots)
    infos = {
        i: takeaway_info(row, applied.tags.get(i, ()), votes=applied.counts.get(i))
        for i, row in applied.rows.items()
    }
    return [
        flag
        if isinstance(flag, Exception)
        else VoteResult(voted=flag, votes=infos[b.takeaway_id].votes, takeaway=infos[b.takeaway_id])
        for b, flag in zip(ballots, applied.flags, strict=True)
    ]


def _shown(ballots: Sequence[Ballot], flags: Sequence[bool | Exception]) -> list[int]:
    return sorted(
        {b.takeaway_id for b, f in zip(ballots, flags, strict=True) if not isinstance(f, Exception)}
    )


async def _write_core(db: Database, ballots: list[Ballot]) -> Applied:
    ids = sorted({b.takeaway_id for b in ballots})
    users = sorted({b.user_id for b in ballots})
    async with db.sessions.begin() as s:
        rows = {r.id: r for r in (await s.execute(_LOCK, {"ids": ids})).all()}
        found = await s.execute(_FOUND, {"ids": ids, "users": users})
        d = decide(ballots, rows, {(int(t), int(u)) for t, u in found.all()})
        if d.withdrawn:
            await s.execute(_WITHDRAW, [{"t": t, "u": u} for t, u in d.withdrawn])
        if d.added:
            await s.execute(
                _ADD, [{"takeaway_id": t, "user_id": u, "created_at": at} for t, u, at in d.added]
            )
        counts: dict[int, int] = {}
        if changed := d.changed:
            counted = await s.execute(_RECOUNT, {"ids": changed})
            counts = {int(t): int(n) for t, n in counted.all()}
    shown = _shown(ballots, d.flags)
    async with db.reader() as r:  # concept tags: read after the write lock is released
        link = TakeawayConcept
        tags = await concept_tags(r, link.takeaway_id, link.concept_id, shown)
    return Applied({i: rows[i] for i in shown}, d.flags, counts, tags)


# -- SQLite: the batch in one trip to the connection's thread ---------------------------


class _Sql(NamedTuple):
    row: ThreadStatement
    has: ThreadStatement
    withdraw: ThreadStatement
    add: ThreadStatement
    recount: ThreadStatement


@functools.cache
def _sql() -> _Sql:
    t, v = _TAKEAWAYS.c, _VOTES.c
    return _Sql(
        row=ThreadStatement(select(*t).where(t.id == bindparam("id")), "TakeawayRow"),
        has=ThreadStatement(
            select(v.user_id).where(v.takeaway_id == bindparam("t"), v.user_id == bindparam("u"))
        ),
        withdraw=ThreadStatement(_WITHDRAW),
        add=ThreadStatement(
            _VOTES.insert().values(
                takeaway_id=bindparam("t"),
                user_id=bindparam("u"),
                created_at=bindparam("at", type_=v.created_at.type),
            )
        ),
        recount=ThreadStatement(
            _TAKEAWAYS.update()
            .where(t.id == bindparam("id"))
            .values(votes=_COUNT)
            .returning(t.id, t.votes)
        ),
    )


def _apply(conn: sqlite3.Connection, ballots: tuple[Ballot, ...]) -> Applied:
    """On the connection's thread, inside the write transaction."""
    q = _sql()
    rows = {
        i: found[0]
        for i in sorted({b.takeaway_id for b in ballots})
        if (found := q.row.all(conn, id=i))
    }
    pairs = sorted({(b.takeaway_id, b.user_id) for b in ballots if b.takeaway_id in rows})
    before = {p for p in pairs if q.has.all(conn, t=p[0], u=p[1])}
    d = decide(ballots, rows, before)
    if d.withdrawn:
        q.withdraw.many(conn, [{"t": t, "u": u} for t, u in d.withdrawn])
    if d.added:
        q.add.many(conn, [{"t": t, "u": u, "at": at} for t, u, at in d.added])
    # updated_at's onupdate, as the Core statement applies it
    counts = {
        int(t): int(n) for i in d.changed for t, n in q.recount.all(conn, id=i, updated_at=utcnow())
    }
    shown = _shown(ballots, d.flags)
    link = TakeawayConcept
    tags = concept_tags_on_thread(conn, link.takeaway_id, link.concept_id, shown)
    return Applied({i: rows[i] for i in shown}, d.flags, counts, tags)


async def _write_on_thread(db: Database, ballots: list[Ballot]) -> Applied:
    async with db.sessions.begin() as s:  # BEGIN IMMEDIATE and COMMIT go with the trip
        return await run_on_thread(
            await s.connection(), functools.partial(_apply, ballots=tuple(ballots)), commit=True
        )
