"""Pairing numbers: /pair stats for moderators, and outcomes for the digest and export.

Definitions (also in docs/readme/pairing.md):
* pairs made: pairs and trios created (a trio counts once);
* met rate: pairs whose members pressed "We met" / pairs that were asked (their round's
  midway or end follow-up has been posted);
* repeat rate: pairs whose members had been paired before / pairs made;
* unmatched: learners who sat a round out (each with a recorded reason).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from bot.db import Database
from bot.db.models import Pair, PairMember, PairProfile, PairRound, PairUnmatched, Takeaway
from bot.db.types import Status


@dataclass(frozen=True)
class PairingStats:
    participants: dict[str, int]  # track -> active (incl. paused-until) profiles
    paused: int
    left: int
    rounds: int
    pairs_made: int
    trios: int
    asked: int  # pairs whose round has sent a follow-up
    met: int
    repeats: int
    unmatched: int
    last_round_started: datetime | None

    @property
    def met_rate(self) -> float | None:
        return self.met / self.asked if self.asked else None

    @property
    def repeat_rate(self) -> float | None:
        return self.repeats / self.pairs_made if self.pairs_made else None


@dataclass(frozen=True)
class LearningNote:
    takeaway_id: int
    pair_id: int | None
    author_id: int
    author_name: str
    body: str
    status: str
    created_at: datetime


@dataclass(frozen=True)
class PairingOutcomes:
    """What pairing produced between two instants (for the weekly digest / export)."""

    start: datetime
    end: datetime
    rounds: int
    pairs_made: int
    met: int
    asked: int
    repeats: int
    unmatched: int
    notes: tuple[LearningNote, ...]

    @property
    def met_rate(self) -> float | None:
        return self.met / self.asked if self.asked else None

    @property
    def repeat_rate(self) -> float | None:
        return self.repeats / self.pairs_made if self.pairs_made else None


_ASKED = or_(PairRound.midway_sent.is_(True), PairRound.end_sent.is_(True))


async def pairing_stats(db: Database, guild_id: int) -> PairingStats:
    async with db.reader() as s:
        by_status = (
            await s.execute(
                select(PairProfile.track, PairProfile.status, func.count())
                .where(PairProfile.guild_id == guild_id)
                .group_by(PairProfile.track, PairProfile.status)
            )
        ).all()
        participants = {"frontend": 0, "backend": 0, "fullstack": 0}
        paused = left = 0
        for track, status, n in by_status:
            if status == "left":
                left += n
                continue
            if status == "paused":
                paused += n
            participants[track] = participants.get(track, 0) + n
        rounds = await s.scalar(
            select(func.count()).select_from(PairRound).where(PairRound.guild_id == guild_id)
        )
        last = await s.scalar(
            select(func.max(PairRound.started_at)).where(PairRound.guild_id == guild_id)
        )
        base = select(func.count()).select_from(Pair).where(Pair.guild_id == guild_id)
        pairs_made = await s.scalar(base)
        repeats = await s.scalar(base.where(Pair.is_repeat.is_(True)))
        asked_q = base.join(PairRound, PairRound.id == Pair.round_id).where(_ASKED)
        asked = await s.scalar(asked_q)
        met = await s.scalar(asked_q.where(Pair.outcome == "met"))
        sizes = (
            select(PairMember.pair_id)
            .where(PairMember.guild_id == guild_id)
            .group_by(PairMember.pair_id)
            .having(func.count() >= 3)
            .subquery()
        )
        trios = await s.scalar(select(func.count()).select_from(sizes))
        unmatched = await s.scalar(
            select(func.count())
            .select_from(PairUnmatched)
            .where(PairUnmatched.guild_id == guild_id)
        )
    return PairingStats(
        participants=participants,
        paused=paused,
        left=left,
        rounds=rounds or 0,
        pairs_made=pairs_made or 0,
        trios=trios or 0,
        asked=asked or 0,
        met=met or 0,
        repeats=repeats or 0,
        unmatched=unmatched or 0,
        last_round_started=last,
    )


async def pairing_outcomes(
    db: Database,
    guild_id: int,
    start: datetime,
    end: datetime,
    *,
    include_pending_notes: bool = False,
    notes_limit: int = 50,
) -> PairingOutcomes:
    """Rounds started, pairs made, met/repeat rates and learning notes in [start, end).

    Pairs and rates count rounds STARTED in the window; learning notes are the pairing
    takeaways WRITTEN in the window (published only unless include_pending_notes).
    """
    async with db.reader() as s:
        in_window = (
            PairRound.guild_id == guild_id,
            PairRound.started_at >= start,
            PairRound.started_at < end,
        )
        rounds = await s.scalar(select(func.count()).select_from(PairRound).where(*in_window))
        base = (
            select(func.count())
            .select_from(Pair)
            .join(PairRound, PairRound.id == Pair.round_id)
            .where(Pair.guild_id == guild_id, *in_window)
        )
        pairs_made = await s.scalar(base)
        repeats = await s.scalar(base.where(Pair.is_repeat.is_(True)))
        asked = await s.scalar(base.where(_ASKED))
        met = await s.scalar(base.where(_ASKED, Pair.outcome == "met"))
        unmatched = await s.scalar(
            select(func.count())
            .select_from(PairUnmatched)
            .join(PairRound, PairRound.id == PairUnmatched.round_id)
            .where(PairUnmatched.guild_id == guild_id, *in_window)
        )
        q = select(Takeaway).where(
            Takeaway.guild_id == guild_id,
            Takeaway.source == "pairing",
            Takeaway.created_at >= start,
            Takeaway.created_at < end,
        )
        if not include_pending_notes:
            q = q.where(Takeaway.status == Status.PUBLISHED.value)
        rows = (await s.scalars(q.order_by(Takeaway.created_at).limit(notes_limit))).all()
        notes = tuple(
            LearningNote(
                r.id, r.pair_id, r.author_id, r.author_name, r.body, r.status, r.created_at
            )
            for r in rows
        )
    return PairingOutcomes(
        start=start,
        end=end,
        rounds=rounds or 0,
        pairs_made=pairs_made or 0,
        met=met or 0,
        asked=asked or 0,
        repeats=repeats or 0,
        unmatched=unmatched or 0,
        notes=notes,
    )
