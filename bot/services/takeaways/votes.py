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

A batch is one unit of work (bot/db/units.py), the same function on both databases: on
SQLite it runs on the connection's thread in one hand-off, COMMIT included, and no
statement is built on the event loop; on PostgreSQL through SQLAlchemy's `run_sync`.

Its commit does not wait for the disk (`Database.write_unit(durable=False)`): waiting for
the fsync was most of a vote's time and all of its tail (bench/README.md, eighth
session). The committed batch is in SQLite's WAL file (PostgreSQL's WAL buffers), so a
crash of the bot loses no vote; the disk is synced within a second, so a power cut can
lose at most the last second of clicks (RELIABILITY.md).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, bindparam, func, select

from bot.db import Database
from bot.db.models import Takeaway, TakeawayConcept, TakeawayVote
from bot.db.types import utcnow
from bot.db.units import Prepared, Unit
from bot.errors import Invalid, NotFound
from bot.services.concepts import concept_tags_in_unit
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


class _Sql(NamedTuple):
    row: Prepared
    has: Prepared
    withdraw: Prepared
    add: Prepared
    recount: Prepared


@functools.cache
def _sql() -> _Sql:
    """Core on the tables (plain rows: no ORM identities or bulk-insert machinery), one
    row per statement (a unit runs no `IN` lists), built once."""
    t, v = _TAKEAWAYS.c, _VOTES.c
    count = select(func.count()).where(v.takeaway_id == t.id).scalar_subquery()
    return _Sql(
        # PostgreSQL locks the rows, taken in id order (SQLite has one writer anyway).
        row=Prepared(select(*t).where(t.id == bindparam("tid")).with_for_update(), "TakeawayRow"),
        has=Prepared(
            select(v.user_id).where(v.takeaway_id == bindparam("t"), v.user_id == bindparam("u"))
        ),
        withdraw=Prepared(
            _VOTES.delete().where(v.takeaway_id == bindparam("t"), v.user_id == bindparam("u"))
        ),
        add=Prepared(
            _VOTES.insert().values(
                takeaway_id=bindparam("t"),
                user_id=bindparam("u"),
                created_at=bindparam("at", type_=v.created_at.type),
            )
        ),
        recount=Prepared(
            _TAKEAWAYS.update()
            .where(t.id == bindparam("tid"))
            .values(votes=count, updated_at=bindparam("now", type_=t.updated_at.type))
            .returning(t.id, t.votes)
        ),
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
    member cancel out; a refusal changes nothing. Pure."""
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


def _apply(unit: Unit, ballots: tuple[Ballot, ...], now: datetime) -> Applied:
    """The whole batch, inside the write transaction (on SQLite, on the connection's
    thread: see bot/db/units.py)."""
    q = _sql()
    rows = {
        i: found[0]
        for i in sorted({b.takeaway_id for b in ballots})
        if (found := unit.all(q.row, tid=i))
    }
    pairs = sorted({(b.takeaway_id, b.user_id) for b in ballots if b.takeaway_id in rows})
    before = {p for p in pairs if unit.all(q.has, t=p[0], u=p[1])}
    d = decide(ballots, rows, before)
    unit.many(q.withdraw, [{"t": t, "u": u} for t, u in d.withdrawn])
    unit.many(q.add, [{"t": t, "u": u, "at": at} for t, u, at in d.added])
    counts = {int(t): int(n) for i in d.changed for t, n in unit.all(q.recount, tid=i, now=now)}
    shown = sorted(
        {
            b.takeaway_id
            for b, f in zip(ballots, d.flags, strict=True)
            if not isinstance(f, Exception)
        }
    )
    link = TakeawayConcept
    tags = concept_tags_in_unit(unit, link.takeaway_id, link.concept_id, shown)
    return Applied({i: rows[i] for i in shown}, d.flags, counts, tags)


async def write_batch(
    db: Database, ballots: list[Ballot], *, one_trip: bool = True
) -> list[Outcome]:
    """Apply `ballots` in order, in one transaction; one outcome each. `one_trip=False`
    takes the portable path on SQLite too (tests compare the two)."""
    apply = functools.partial(_apply, ballots=tuple(ballots), now=utcnow())
    # A click is not worth a wait for the disk: the commit is in the WAL (it survives a
    # crash of the bot) and on disk within a second (bot/db/engine.py, WAL_SYNC_AFTER).
    applied = await db.write_unit(apply, durable=False, one_trip=one_trip)
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
