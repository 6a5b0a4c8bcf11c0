"""Pairing follow-ups: midway/end check-ins, members' answers, learning notes, closing.

Follow-ups are claimed once per round with a conditional UPDATE on the round's
midway_sent / end_sent flag, so a restart or a second process never posts them twice.
Answers are idempotent per (pair, member): pressing a button twice changes nothing twice.
A round is closed some time after its end (CLOSE_GRACE, at most half the round): members
who answered nothing have their `ignored_rounds` counted up; after IGNORE_LIMIT rounds in
a row they are paused (and told so by the caller).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.db.models import Pair, PairMember, PairProfile, PairRound, Takeaway
from bot.db.types import EntryKind
from bot.errors import Invalid, NotAllowed, NotFound
from bot.services.guilds import get_settings, initial_status

IGNORE_LIMIT = 3
CLOSE_GRACE = timedelta(days=2)
LEARNING_MAX = 1000
ACTIONS = ("met", "notyet", "skip", "learn")
OUTCOME = MappingProxyType({"met": "met", "notyet": "not_yet", "skip": "skip"})
NOT_MEMBER = "Only the members of this pair can answer here."


@dataclass(frozen=True)
class FollowupTarget:
    pair_id: int
    thread_id: int
    member_ids: tuple[int, ...]


@dataclass(frozen=True)
class Answer:
    pair_id: int
    action: str
    outcome: str | None  # the pair's outcome after this answer
    changed: bool  # False when the same member had already given this answer


@dataclass(frozen=True)
class LearningSaved:
    takeaway_id: int
    status: str
    created: bool  # False: the member's earlier note for this pair was updated


@dataclass(frozen=True)
class ClosedRound:
    round_id: int
    guild_id: int
    paused_user_ids: tuple[int, ...]


def close_at(started_at: datetime, ends_at: datetime) -> datetime:
    return ends_at + min(CLOSE_GRACE, (ends_at - started_at) / 2)


async def claim_followup(
    db: Database, guild_id: int, round_id: int, kind: str, now: datetime
) -> list[FollowupTarget]:
    """Claim the round's midway/end follow-up if due and not sent: the threads to post in."""
    if kind not in ("midway", "end"):
        raise ValueError(kind)
    flag = PairRound.midway_sent if kind == "midway" else PairRound.end_sent
    due = PairRound.midpoint_at if kind == "midway" else PairRound.ends_at
    async with db.sessions.begin() as s:
        claimed = await s.execute(
            update(PairRound)
            .where(
                PairRound.guild_id == guild_id,
                PairRound.id == round_id,
                flag.is_(False),
                due <= now,
                PairRound.announced.is_(True),
            )
            .values({flag.key: True})
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return []
        rows = (
            await s.execute(
                select(Pair.id, Pair.thread_id, PairMember.user_id)
                .join(PairMember, PairMember.pair_id == Pair.id)
                .where(
                    Pair.guild_id == guild_id,
                    Pair.round_id == round_id,
                    Pair.thread_id.is_not(None),
                )
                .order_by(Pair.id)
            )
        ).all()
    targets: dict[int, tuple[int, list[int]]] = {}
    for pid, tid, uid in rows:
        targets.setdefault(int(pid), (int(tid or 0), []))[1].append(int(uid))
    return [FollowupTarget(p, t, tuple(m)) for p, (t, m) in targets.items()]


async def _member(
    s: AsyncSession, guild_id: int, pair_id: int, user_id: int
) -> tuple[Pair, PairMember]:
    pair = await s.get(Pair, pair_id)
    if pair is None or pair.guild_id != guild_id:
        raise NotFound("This pair no longer exists.")
    member = await s.get(PairMember, (pair_id, user_id))
    if member is None:
        raise NotAllowed(NOT_MEMBER)
    return pair, member


async def check_member(db: Database, guild_id: int, pair_id: int, user_id: int) -> None:
    """Raise NotAllowed/NotFound unless `user_id` is a member of this server's pair."""
    async with db.reader() as s:
        await _member(s, guild_id, pair_id, user_id)


async def record_answer(
    db: Database, guild_id: int, pair_id: int, user_id: int, action: str, now: datetime
) -> Answer:
    """ "We met" / "Not yet" / "Skip". Once a pair has met, it stays met."""
    if action not in OUTCOME:
        raise Invalid("Unknown answer.")
    new = OUTCOME[action]
    async with db.sessions.begin() as s:
        pair, member = await _member(s, guild_id, pair_id, user_id)
        changed = not member.responded
        member.responded = True
        if pair.outcome != new and pair.outcome != "met":
            pair.outcome = new
            pair.outcome_at = now
            changed = True
        return Answer(pair_id, action, pair.outcome, changed)


async def save_learning(
    db: Database,
    guild_id: int,
    pair_id: int,
    user_id: int,
    author_name: str,
    body: str,
    now: datetime,
) -> LearningSaved:
    """The member's "What did you learn?" answer, stored as a takeaway of this pair.

    One note per member per pair: submitting again updates it instead of adding another.
    """
    text = (body or "").strip()
    if not text:
        raise Invalid("Write a sentence or two about what you learned.")
    if len(text) > LEARNING_MAX:
        raise Invalid(f"Keep it under {LEARNING_MAX} characters.")
    cfg = await get_settings(db, guild_id)
    async with db.sessions.begin() as s:
        _, member = await _member(s, guild_id, pair_id, user_id)
        member.responded = True
        existing = await s.scalar(
            select(Takeaway).where(
                Takeaway.guild_id == guild_id,
                Takeaway.pair_id == pair_id,
                Takeaway.author_id == user_id,
                Takeaway.source == "pairing",
            )
        )
        if existing is not None:
            if existing.body != text:
                existing.body = text
            await s.flush()
            return LearningSaved(existing.id, existing.status, False)
        row = Takeaway(
            guild_id=guild_id,
            kind="lesson",
            body=text,
            author_id=user_id,
            author_name=" ".join(author_name.split())[:100] or "member",
            source="pairing",
            pair_id=pair_id,
            status=initial_status(cfg, EntryKind.TAKEAWAY).value,
            created_at=now,
            updated_at=now,
        )
        s.add(row)
        await s.flush()
        return LearningSaved(row.id, row.status, True)


async def close_round(
    db: Database, guild_id: int, round_id: int, now: datetime
) -> ClosedRound | None:
    """Close a finished round once (counting who ignored it). None if not due/closed."""
    async with db.sessions.begin() as s:
        rnd = await s.get(PairRound, round_id)
        if rnd is None or rnd.guild_id != guild_id or rnd.status != "active":
            return None
        if close_at(rnd.started_at, rnd.ends_at) > now:
            return None
        claimed = await s.execute(
            update(PairRound)
            .where(PairRound.id == round_id, PairRound.status == "active")
            .values(status="closed")
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None
        rows = (
            await s.execute(
                select(PairMember.user_id, PairMember.responded)
                .join(Pair, Pair.id == PairMember.pair_id)
                .where(Pair.guild_id == guild_id, Pair.round_id == round_id)
            )
        ).all()
        answered: dict[int, bool] = {}
        for uid, responded in rows:
            answered[int(uid)] = answered.get(int(uid), False) or bool(responded)
        paused: list[int] = []
        # Only a round whose members were actually asked counts towards "ignored".
        if answered and (rnd.midway_sent or rnd.end_sent):
            profiles = (
                await s.scalars(
                    select(PairProfile).where(
                        PairProfile.guild_id == guild_id, PairProfile.user_id.in_(sorted(answered))
                    )
                )
            ).all()
            for p in profiles:
                if answered[p.user_id]:
                    p.ignored_rounds = 0
                    continue
                p.ignored_rounds = (p.ignored_rounds or 0) + 1
                if p.ignored_rounds >= IGNORE_LIMIT and p.status == "active":
                    p.status = "paused"
                    p.paused_until = None
                    paused.append(p.user_id)
        return ClosedRound(round_id, guild_id, tuple(sorted(paused)))
