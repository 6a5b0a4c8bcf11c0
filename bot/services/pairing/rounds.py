"""Pairing rounds: plan (preview), create once per period, and the pair spaces to announce.

A round belongs to the schedule period that contains its start (see
availability.period_at); PairRound is unique on (guild_id, period_key), so two processes,
a restart or a moderator racing the scheduler never create two rounds for one period.
Creating a round writes the round, its pairs, their members and the unmatched learners in
ONE transaction. Announcing (threads, messages) happens afterwards in the cog, pair by
pair, each recorded with set_pair_thread; a round is marked `announced` only when every
pair has its thread, so an interrupted announcement is resumed, never repeated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.db import Database
from bot.db.models import Pair, PairMember, PairProfile, PairRound, PairUnmatched
from bot.errors import Conflict, Invalid
from bot.services.guilds import GuildConfig, get_settings
from bot.services.pairing.availability import Period, period_at, utc_masks, week_start_for
from bot.services.pairing.avoid import avoid_pairs
from bot.services.pairing.matcher import MatchResult, match
from bot.services.pairing.profiles import ACTIVE, PAUSED, Profile, load_profiles
from bot.services.pairing.projects import Project, pick_project
from bot.services.pairing.scoring import Candidate, interest_tokens


@dataclass(frozen=True)
class RoundInfo:
    id: int
    guild_id: int
    period_key: str
    started_at: datetime
    midpoint_at: datetime
    ends_at: datetime
    announced: bool
    midway_sent: bool
    end_sent: bool
    status: str


@dataclass(frozen=True)
class PlannedGroup:
    members: tuple[Profile, ...]
    sides: tuple[str, ...]
    score: float
    overlap_hours: int
    is_repeat: bool
    project: Project


@dataclass(frozen=True)
class RoundPlan:
    guild_id: int
    period: Period
    week_start: datetime
    groups: tuple[PlannedGroup, ...]
    unmatched: tuple[tuple[Profile, str], ...]

    @property
    def participants(self) -> int:
        return sum(len(g.members) for g in self.groups) + len(self.unmatched)


@dataclass(frozen=True)
class RoundStart:
    round: RoundInfo
    pairs: int
    unmatched: int
    resumed: bool  # an earlier, unfinished announcement of this period's round
    no_overlap: int = 0  # pairs whose members share no free hour this week


def round_info(r: PairRound) -> RoundInfo:
    return RoundInfo(
        id=r.id,
        guild_id=r.guild_id,
        period_key=r.period_key,
        started_at=r.started_at,
        midpoint_at=r.midpoint_at,
        ends_at=r.ends_at,
        announced=r.announced,
        midway_sent=r.midway_sent,
        end_sent=r.end_sent,
        status=r.status,
    )


def current_period(cfg: GuildConfig, now: datetime) -> Period:
    return period_at(
        now,
        zone=cfg.timezone,
        weekday=cfg.pairing_weekday,
        hour=cfg.pairing_hour,
        cadence_days=cfg.pairing_cadence_days,
    )


async def _history(session: AsyncSession, guild_id: int) -> list[tuple[int, int]]:
    a, b = aliased(PairMember), aliased(PairMember)
    rows = await session.execute(
        select(a.user_id, b.user_id)
        .join(b, and_(a.pair_id == b.pair_id, a.user_id < b.user_id))
        .where(a.guild_id == guild_id)
    )
    return [(int(x), int(y)) for x, y in rows.all()]


def eligible(profiles: dict[int, Profile], moment: datetime) -> list[Profile]:
    """Active learners, plus paused ones whose pause is over. Never those who left."""
    return sorted((p for p in profiles.values() if p.is_active_at(moment)), key=lambda p: p.user_id)


def build_plan(
    guild_id: int,
    period: Period,
    now: datetime,
    people: list[Profile],
    history: list[tuple[int, int]],
    avoid: Sequence[tuple[int, int]] = (),
) -> RoundPlan:
    week = week_start_for(now)
    masks = utc_masks(
        [[list(s) for s in p.availability] for p in people], [p.timezone for p in people], week
    )
    cands = [
        Candidate(p.user_id, p.track, masks[i], interest_tokens(p.stack, p.goals))
        for i, p in enumerate(people)
    ]
    result: MatchResult = match(cands, history, avoid)
    by_id = {p.user_id: p for p in people}
    tokens = {c.user_id: c.tokens for c in cands}
    groups = []
    for g in result.groups:
        ids = g.user_ids
        toks = frozenset().union(*(tokens[u] for u in ids))
        groups.append(
            PlannedGroup(
                members=tuple(by_id[u] for u in ids),
                sides=tuple(side for _, side in g.members),
                score=g.score,
                overlap_hours=g.overlap_hours,
                is_repeat=g.is_repeat,
                project=pick_project(toks, f"{period.key}:{'-'.join(map(str, sorted(ids)))}"),
            )
        )
    unmatched = tuple((by_id[u.user_id], u.reason) for u in result.unmatched)
    return RoundPlan(guild_id, period, week, tuple(groups), unmatched)


async def preview_round(db: Database, guild_id: int, now: datetime) -> RoundPlan:
    """The pairs a round started now would make, with scores. Nothing is written."""
    cfg = await get_settings(db, guild_id)
    async with db.reader() as s:
        people = eligible(await load_profiles(s, guild_id), now)
        history = await _history(s, guild_id)
        avoid = await avoid_pairs(s, guild_id)
    if not people:
        raise Invalid("Nobody is taking part in pairing yet: members join with `/pair join`.")
    return build_plan(guild_id, current_period(cfg, now), now, people, history, avoid)


async def _round_for_period(s: AsyncSession, guild_id: int, key: str) -> PairRound | None:
    return await s.scalar(
        select(PairRound).where(PairRound.guild_id == guild_id, PairRound.period_key == key)
    )


async def start_round(
    db: Database,
    guild_id: int,
    now: datetime,
    *,
    created_by: int | None = None,
    scheduled: bool = False,
) -> RoundStart | None:
    """Create this period's round (pairs, members, unmatched) in one transaction.

    A period that already has a round: if its announcement is unfinished it is returned
    for resuming (resumed=True); otherwise a scheduled call returns None and a manual one
    raises Conflict. No eligible learner: None when scheduled, Invalid when manual.
    """
    cfg = await get_settings(db, guild_id)
    period = current_period(cfg, now)
    try:
        async with db.sessions.begin() as s:
            existing = await _round_for_period(s, guild_id, period.key)
            if existing is not None:
                if not existing.announced:
                    return await _start_info(s, existing, resumed=True)
                if scheduled:
                    return None
                raise Conflict(
                    "A pairing round already ran for this period (started "
                    f"<t:{int(existing.started_at.timestamp())}:f>). The next one starts "
                    f"<t:{int(period.end.timestamp())}:f>."
                )
            profiles = await load_profiles(s, guild_id)
            people = eligible(profiles, now)
            if not people:
                if scheduled:
                    return None
                raise Invalid(
                    "Nobody is taking part in pairing yet: members join with `/pair join`."
                )
            plan = build_plan(
                guild_id,
                period,
                now,
                people,
                await _history(s, guild_id),
                await avoid_pairs(s, guild_id),
            )
            rnd = PairRound(
                guild_id=guild_id,
                period_key=period.key,
                status="active",
                started_at=now,
                midpoint_at=now + (period.end - now) / 2,
                ends_at=period.end,
                created_by_id=created_by,
                announced=False,
            )
            s.add(rnd)
            await s.flush()
            # Paused learners whose pause is over are active again.
            back = [p.user_id for p in people if p.status == PAUSED]
            if back:
                await s.execute(
                    update(PairProfile)
                    .where(PairProfile.guild_id == guild_id, PairProfile.user_id.in_(back))
                    .values(status=ACTIVE, paused_until=None)
                )
            await _write_plan(s, rnd, plan)
            return RoundStart(
                round_info(rnd),
                len(plan.groups),
                len(plan.unmatched),
                False,
                sum(1 for g in plan.groups if g.overlap_hours == 0),
            )
    except IntegrityError:
        # Another process created this period's round between our check and insert.
        if scheduled:
            return None
        raise Conflict("A pairing round for this period was just started.") from None


async def _write_plan(s: AsyncSession, rnd: PairRound, plan: RoundPlan) -> None:
    pairs = [
        Pair(
            guild_id=rnd.guild_id,
            round_id=rnd.id,
            project=g.project.key,
            score=g.score,
            overlap_hours=g.overlap_hours,
            is_repeat=g.is_repeat,
        )
        for g in plan.groups
    ]
    s.add_all(pairs)
    await s.flush()
    for pair, g in zip(pairs, plan.groups, strict=True):
        s.add_all(
            PairMember(pair_id=pair.id, user_id=m.user_id, guild_id=rnd.guild_id, side=side)
            for m, side in zip(g.members, g.sides, strict=True)
        )
    s.add_all(
        PairUnmatched(
            round_id=rnd.id, user_id=p.user_id, guild_id=rnd.guild_id, reason=reason[:300]
        )
        for p, reason in plan.unmatched
    )
    if not pairs:
        rnd.announced = True  # nothing to announce; unmatched notes still go out
    await s.flush()


async def _start_info(s: AsyncSession, rnd: PairRound, *, resumed: bool) -> RoundStart:
    pairs = len((await s.scalars(select(Pair.id).where(Pair.round_id == rnd.id))).all())
    unmatched = len(
        (
            await s.scalars(select(PairUnmatched.user_id).where(PairUnmatched.round_id == rnd.id))
        ).all()
    )
    return RoundStart(round_info(rnd), pairs, unmatched, resumed)
