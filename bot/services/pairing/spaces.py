"""Pair spaces: what each pair's private thread shows, and the announcement bookkeeping.

The cog creates a thread per pair and records it with set_pair_thread (only once: the
update is conditional on the pair having no thread); finish_announcement marks the round
announced when every pair has one, so an interrupted announcement is resumed later.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.db.models import Concept, Pair, PairMember, PairRound, PairUnmatched
from bot.db.models.concepts import BASE_GUILD_ID
from bot.services.pairing.availability import Window, utc_masks, week_start_for, windows
from bot.services.pairing.profiles import load_profiles
from bot.services.pairing.projects import Project, project_by_key
from bot.services.pairing.rounds import RoundInfo, round_info


@dataclass(frozen=True)
class SpaceMember:
    user_id: int
    display_name: str
    track: str
    side: str
    timezone: str
    stack: str


@dataclass(frozen=True)
class PairSpace:
    """Everything the starter message of a pair's thread shows."""

    pair_id: int
    round_id: int
    members: tuple[SpaceMember, ...]
    overlap_hours: int
    windows: tuple[Window, ...]
    project: Project | None
    concepts: tuple[str, ...]  # concept names of the project that exist in the base
    is_repeat: bool


async def _known_concepts(s: AsyncSession, guild_id: int, names: set[str]) -> set[str]:
    if not names:
        return set()
    rows = await s.scalars(
        select(Concept.name).where(
            Concept.guild_id.in_([BASE_GUILD_ID, guild_id]),
            Concept.name.in_(sorted(names)),
            Concept.status == "published",
        )
    )
    return set(rows.all())


async def pending_spaces(db: Database, guild_id: int, round_id: int) -> list[PairSpace]:
    """Pairs of a round that have no thread yet, with everything their starter shows."""
    async with db.reader() as s:
        rnd = await s.get(PairRound, round_id)
        if rnd is None or rnd.guild_id != guild_id:
            return []
        pairs = (
            await s.scalars(
                select(Pair)
                .where(
                    Pair.guild_id == guild_id, Pair.round_id == round_id, Pair.thread_id.is_(None)
                )
                .order_by(Pair.id)
            )
        ).all()
        if not pairs:
            return []
        members = (
            await s.execute(
                select(PairMember.pair_id, PairMember.user_id, PairMember.side).where(
                    PairMember.pair_id.in_([p.id for p in pairs])
                )
            )
        ).all()
        profiles = await load_profiles(s, guild_id, sorted({m.user_id for m in members}))
        wanted = {c for p in pairs if (pr := project_by_key(p.project)) for c in pr.concepts}
        known = await _known_concepts(s, guild_id, wanted)
    by_pair: dict[int, list[tuple[int, str]]] = {}
    for pid, uid, side in members:
        by_pair.setdefault(pid, []).append((int(uid), side))
    week = week_start_for(rnd.started_at)
    out = []
    for p in pairs:
        mem = sorted(by_pair.get(p.id, []), key=lambda m: (m[1] != "frontend", m[0]))
        profs = [profiles[u] for u, _ in mem if u in profiles]
        masks = utc_masks(
            [[list(x) for x in pr.availability] for pr in profs],
            [pr.timezone for pr in profs],
            week,
        )
        common: np.ndarray = np.logical_and.reduce(masks, axis=0)
        project = project_by_key(p.project)
        out.append(
            PairSpace(
                pair_id=p.id,
                round_id=round_id,
                members=tuple(
                    SpaceMember(
                        u,
                        profiles[u].display_name,
                        profiles[u].track,
                        side,
                        profiles[u].timezone,
                        profiles[u].stack,
                    )
                    for u, side in mem
                    if u in profiles
                ),
                overlap_hours=int(common.sum()),
                windows=tuple(windows(common, week, limit=4)),
                project=project,
                concepts=tuple(c for c in (project.concepts if project else ()) if c in known),
                is_repeat=p.is_repeat,
            )
        )
    return out


async def set_pair_thread(db: Database, guild_id: int, pair_id: int, thread_id: int) -> None:
    async with db.sessions.begin() as s:
        await s.execute(
            update(Pair)
            .where(Pair.guild_id == guild_id, Pair.id == pair_id, Pair.thread_id.is_(None))
            .values(thread_id=thread_id)
        )


async def finish_announcement(db: Database, guild_id: int, round_id: int) -> bool:
    """Mark the round announced when every pair has its thread. Returns True if so."""
    async with db.sessions.begin() as s:
        missing = await s.scalar(
            select(Pair.id)
            .where(Pair.guild_id == guild_id, Pair.round_id == round_id, Pair.thread_id.is_(None))
            .limit(1)
        )
        if missing is not None:
            return False
        await s.execute(
            update(PairRound)
            .where(PairRound.guild_id == guild_id, PairRound.id == round_id)
            .values(announced=True)
        )
        return True


async def unannounced_rounds(db: Database, guild_id: int) -> list[RoundInfo]:
    async with db.reader() as s:
        rows = (
            await s.scalars(
                select(PairRound).where(
                    PairRound.guild_id == guild_id, PairRound.announced.is_(False)
                )
            )
        ).all()
        return [round_info(r) for r in rows]


async def open_rounds(db: Database) -> list[RoundInfo]:
    """Rounds of every server still waiting for a follow-up or for closing."""
    async with db.reader() as s:
        rows = (await s.scalars(select(PairRound).where(PairRound.status == "active"))).all()
        return [round_info(r) for r in rows]


async def get_round(db: Database, guild_id: int, round_id: int) -> RoundInfo | None:
    async with db.reader() as s:
        r = await s.get(PairRound, round_id)
        return round_info(r) if r is not None and r.guild_id == guild_id else None


@dataclass(frozen=True)
class UnmatchedNote:
    user_id: int
    reason: str


async def pending_unmatched(db: Database, guild_id: int, round_id: int) -> list[UnmatchedNote]:
    async with db.reader() as s:
        rows = (
            await s.execute(
                select(PairUnmatched.user_id, PairUnmatched.reason).where(
                    PairUnmatched.guild_id == guild_id,
                    PairUnmatched.round_id == round_id,
                    PairUnmatched.notified.is_(False),
                )
            )
        ).all()
        return [UnmatchedNote(int(u), r) for u, r in rows]


async def mark_unmatched_notified(
    db: Database, guild_id: int, round_id: int, user_ids: list[int]
) -> None:
    if not user_ids:
        return
    async with db.sessions.begin() as s:
        await s.execute(
            update(PairUnmatched)
            .where(
                PairUnmatched.guild_id == guild_id,
                PairUnmatched.round_id == round_id,
                PairUnmatched.user_id.in_(user_ids),
            )
            .values(notified=True)
        )
