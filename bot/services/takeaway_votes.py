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
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, func, select

from bot.db import Database
from bot.db.models import Takeaway, TakeawayConcept, TakeawayVote
from bot.errors import Invalid, NotFound
from bot.services.entry_common import (
    concept_tags,
    others_published,
    takeaway_info,
)
from bot.services.entry_types import VoteResult

NOT_FOUND = "I can't find that takeaway in this server (it may have been removed)."
OWN = "That's your own takeaway: upvotes are for the others to give."
MAX_BATCH = 256
_ATTR = "_nexus_takeaway_votes"

Outcome = VoteResult | Exception


@dataclass
class _Vote:
    guild_id: int
    takeaway_id: int
    user_id: int
    at: datetime
    answer: asyncio.Future[VoteResult] = field(repr=False)


class VoteQueue:
    """The votes waiting for the next batch, and the one task writing batches."""

    def __init__(self) -> None:
        self._waiting: list[_Vote] = []
        self._batch: list[_Vote] = []  # being written
        self._writing = False
        self.batches = 0  # transactions written (tests, benchmarks)

    async def vote(
        self, db: Database, guild_id: int, takeaway_id: int, user_id: int, at: datetime
    ) -> VoteResult:
        answer: asyncio.Future[VoteResult] = asyncio.get_running_loop().create_future()
        self._waiting.append(_Vote(guild_id, takeaway_id, user_id, at, answer))
        if not self._writing:
            self._writing = True
            db.spawn(self._write_all(db), name="takeaway-votes").add_done_callback(self._stopped)
        # A member who stops waiting (cancelled) does not unsend the click: it is applied.
        return await answer

    async def _write_all(self, db: Database) -> None:
        while self._waiting:
            self._batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
            try:
                outcomes = await write_batch(db, self._batch)
            except Exception as error:  # the transaction failed: so did its votes
                outcomes = [error] * len(self._batch)
            self.batches += 1
            for vote, outcome in zip(self._batch, outcomes, strict=True):
                _answer(vote, outcome)
            self._batch = []
        self._writing = False  # no await since the loop's check: a new vote spawns anew

    def _stopped(self, task: asyncio.Task[None]) -> None:
        """If the writer was cancelled (shutdown, even before it started), nobody is left
        waiting for an answer, and a later vote starts a new writer."""
        if not task.cancelled() and task.exception() is None:
            return
        self._writing = False
        left, self._batch, self._waiting = [*self._batch, *self._waiting], [], []
        for vote in left:
            _answer(vote, RuntimeError("The bot is shutting down; try again shortly."))


def _answer(vote: _Vote, outcome: Outcome) -> None:
    if vote.answer.done():
        return
    if isinstance(outcome, Exception):
        vote.answer.set_exception(outcome)
    else:
        vote.answer.set_result(outcome)


def vote_queue(db: Database) -> VoteQueue:
    return db.attached(_ATTR, VoteQueue)


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
_RECOUNT = (
    _TAKEAWAYS.update()
    .where(_TAKEAWAYS.c.id.in_(bindparam("ids", expanding=True)))
    .values(
        votes=select(func.count()).where(_VOTES.c.takeaway_id == _TAKEAWAYS.c.id).scalar_subquery()
    )
    .returning(_TAKEAWAYS.c.id, _TAKEAWAYS.c.votes)
)


async def write_batch(db: Database, batch: list[_Vote]) -> list[Outcome]:
    """Apply `batch` in order, in one transaction; one outcome per vote."""
    ids = sorted({v.takeaway_id for v in batch})
    users = sorted({v.user_id for v in batch})
    async with db.sessions.begin() as s:
        rows = {r.id: r for r in (await s.execute(_LOCK, {"ids": ids})).all()}
        found = await s.execute(_FOUND, {"ids": ids, "users": users})
        before = {(int(t), int(u)) for t, u in found.all()}
        now = set(before)
        voted_at: dict[tuple[int, int], datetime] = {}
        flags: list[bool | Exception] = []
        for v in batch:
            try:
                row = others_published(
                    rows.get(v.takeaway_id), v.guild_id, v.user_id, not_found=NOT_FOUND, own=OWN
                )
            except (NotFound, Invalid) as refused:
                flags.append(refused)
                continue
            if (key := (row.id, v.user_id)) in now:
                now.discard(key)
                flags.append(False)
            else:
                now.add(key)
                voted_at[key] = v.at
                flags.append(True)
        withdrawn, added = before - now, now - before
        if withdrawn:
            await s.execute(_WITHDRAW, [{"t": t, "u": u} for t, u in sorted(withdrawn)])
        if added:
            await s.execute(
                _ADD,
                [{"takeaway_id": t, "user_id": u, "created_at": voted_at[(t, u)]}
                 for t, u in sorted(added)],
            )  # fmt: skip
        counts: dict[int, int] = {}
        if changed := sorted({t for t, _ in withdrawn | added}):
            counted = await s.execute(_RECOUNT, {"ids": changed})
            counts = {int(t): int(n) for t, n in counted.all()}
    shown = sorted({v.takeaway_id for v, f in zip(batch, flags, strict=True)
                    if not isinstance(f, Exception)})  # fmt: skip
    async with db.reader() as r:  # concept tags: read after the write lock is released
        link = TakeawayConcept
        tags = await concept_tags(r, link.takeaway_id, link.concept_id, shown)
    infos = {i: takeaway_info(rows[i], tags.get(i, ()), votes=counts.get(i)) for i in shown}
    outcomes: list[Outcome] = []
    for v, flag in zip(batch, flags, strict=True):
        if isinstance(flag, Exception):
            outcomes.append(flag)
            continue
        info = infos[v.takeaway_id]
        outcomes.append(VoteResult(voted=flag, votes=info.votes, takeaway=info))
    return outcomes
