"""Pairing profiles: join, view, edit, pause, resume, leave."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.db.models import PairProfile
from bot.db.types import Track
from bot.errors import Conflict, Invalid, NotFound
from bot.services.guilds import validate_timezone
from bot.services.pairing.availability import (
    describe_slots,
    parse_availability,
    parse_pause_until,
    validate_slots,
)

STACK_MAX = 200
GOALS_MAX = 500
NAME_MAX = 100
ACTIVE, PAUSED, LEFT = "active", "paused", "left"
TRACK_NAMES = MappingProxyType(
    {"frontend": "Frontend", "backend": "Backend", "fullstack": "Full-stack"}
)

NOT_JOINED = "You haven't joined pairing yet: use `/pair join` to create your profile."


@dataclass(frozen=True)
class Profile:
    guild_id: int
    user_id: int
    display_name: str
    track: str
    stack: str
    timezone: str
    availability: tuple[tuple[int, int, int], ...]
    availability_text: str  # canonical, e.g. "Mon 19-22, Wed 19-22"
    goals: str
    status: str  # active | paused | left
    paused_until: datetime | None
    ignored_rounds: int

    def is_active_at(self, moment: datetime) -> bool:
        if self.status == ACTIVE:
            return True
        return (
            self.status == PAUSED and self.paused_until is not None and self.paused_until <= moment
        )


def to_profile(row: PairProfile) -> Profile:
    slots = validate_slots(row.availability)
    return Profile(
        guild_id=row.guild_id,
        user_id=row.user_id,
        display_name=row.display_name,
        track=row.track,
        stack=row.stack or "",
        timezone=row.timezone,
        availability=tuple((d, s, e) for d, s, e in slots),
        availability_text=describe_slots(slots),
        goals=row.goals or "",
        status=row.status,
        paused_until=row.paused_until,
        ignored_rounds=row.ignored_rounds or 0,
    )


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(value: str | None, limit: int, label: str) -> str:
    # Control characters go, as on every other write path (PostgreSQL refuses NUL).
    text = _CONTROL.sub("", value or "").strip()
    if len(text) > limit:
        raise Invalid(f"{label} is limited to {limit} characters (you wrote {len(text)}).")
    return text


def _track(value: str) -> str:
    raw = (value or "").strip().lower().replace("-", "").replace(" ", "")
    try:
        return Track(raw).value
    except ValueError:
        raise Invalid("Track must be frontend, backend or full-stack.") from None


def _clean(changes: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "track" in changes:
        out["track"] = _track(changes["track"])
    if "stack" in changes:
        out["stack"] = _text(changes["stack"], STACK_MAX, "Stack / skills")
    if "goals" in changes:
        out["goals"] = _text(changes["goals"], GOALS_MAX, "What you want to build or learn")
    if "timezone" in changes:
        out["timezone"] = validate_timezone(changes["timezone"] or "")
    if "availability" in changes:
        slots = parse_availability(changes["availability"])
        out["availability"] = slots
        out["availability_text"] = describe_slots(slots)
    if "display_name" in changes:
        name = " ".join((changes["display_name"] or "").split())[:NAME_MAX]
        out["display_name"] = name or "member"
    return out


async def _get(session: AsyncSession, guild_id: int, user_id: int) -> PairProfile | None:
    return await session.get(PairProfile, (guild_id, user_id))


async def join(
    db: Database,
    guild_id: int,
    user_id: int,
    *,
    display_name: str,
    track: str,
    timezone: str,
    availability: str,
    stack: str = "",
    goals: str = "",
) -> Profile:
    """Create a profile (or re-activate one that left). Validates everything first."""
    clean = _clean(
        {
            "display_name": display_name,
            "track": track,
            "timezone": timezone,
            "availability": availability,
            "stack": stack,
            "goals": goals,
        }
    )
    async with db.sessions.begin() as s:
        row = await _get(s, guild_id, user_id)
        if row is not None and row.status != LEFT:
            hint = " or `/pair resume` to come back" if row.status == PAUSED else ""
            raise Conflict(
                f"You're already in pairing: use `/pair profile` to view or edit it{hint}."
            )
        if row is None:
            row = PairProfile(guild_id=guild_id, user_id=user_id)
            s.add(row)
        for key, value in clean.items():
            setattr(row, key, value)
        row.status = ACTIVE
        row.paused_until = None
        row.ignored_rounds = 0
        await s.flush()
        return to_profile(row)


async def get_profile(db: Database, guild_id: int, user_id: int) -> Profile:
    async with db.reader() as s:
        row = await _get(s, guild_id, user_id)
        if row is None or row.status == LEFT:
            raise NotFound(NOT_JOINED)
        return to_profile(row)


async def member_track(db: Database, guild_id: int, user_id: int) -> str | None:
    """The member's track from their pairing profile, None without one (or left)."""
    async with db.reader() as s:
        row = await _get(s, guild_id, user_id)
        return None if row is None or row.status == LEFT else row.track


async def update_profile(db: Database, guild_id: int, user_id: int, **changes: Any) -> Profile:
    """Edit fields (track, stack, timezone, availability, goals, display_name)."""
    unknown = set(changes) - {"track", "stack", "timezone", "availability", "goals", "display_name"}
    if unknown:
        raise Invalid(f"Unknown profile field(s): {', '.join(sorted(unknown))}")
    clean = _clean(changes)
    async with db.sessions.begin() as s:
        row = await _get(s, guild_id, user_id)
        if row is None or row.status == LEFT:
            raise NotFound(NOT_JOINED)
        for key, value in clean.items():
            setattr(row, key, value)
        await s.flush()
        return to_profile(row)


async def pause(db: Database, guild_id: int, user_id: int, until: str, now: datetime) -> Profile:
    """Pause until a date (YYYY-MM-DD, local to the profile) or for N weeks (<= 6 months)."""
    async with db.sessions.begin() as s:
        row = await _get(s, guild_id, user_id)
        if row is None or row.status == LEFT:
            raise NotFound(NOT_JOINED)
        row.paused_until = parse_pause_until(until, now, row.timezone)
        row.status = PAUSED
        await s.flush()
        return to_profile(row)


async def resume(db: Database, guild_id: int, user_id: int) -> Profile:
    async with db.sessions.begin() as s:
        row = await _get(s, guild_id, user_id)
        if row is None or row.status == LEFT:
            raise NotFound(NOT_JOINED)
        row.status = ACTIVE
        row.paused_until = None
        row.ignored_rounds = 0
        await s.flush()
        return to_profile(row)


async def leave(db: Database, guild_id: int, user_id: int) -> Profile:
    """Stop taking part. The profile is kept (marked left) so past pairs stay in history."""
    async with db.sessions.begin() as s:
        row = await _get(s, guild_id, user_id)
        if row is None or row.status == LEFT:
            raise NotFound(NOT_JOINED)
        row.status = LEFT
        row.paused_until = None
        await s.flush()
        return to_profile(row)


async def load_profiles(
    session: AsyncSession, guild_id: int, user_ids: list[int] | None = None
) -> dict[int, Profile]:
    query = select(PairProfile).where(PairProfile.guild_id == guild_id)
    if user_ids is not None:
        query = query.where(PairProfile.user_id.in_(user_ids))
    rows = (await session.scalars(query)).all()
    return {r.user_id: to_profile(r) for r in rows}
