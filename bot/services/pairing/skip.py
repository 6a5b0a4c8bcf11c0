"""Sitting out: skip only the next round.

"Skip the next round" is a pause that ends when the round after the next one is due: the
learner is left out of the next scheduled round (and of a round a moderator starts before
it) and is back for the one after. Snoozing until a date is `profiles.pause`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.db import Database
from bot.errors import Conflict, NotFound
from bot.services.guilds import get_settings
from bot.services.pairing.profiles import LEFT, NOT_JOINED, PAUSED, Profile, _get, to_profile
from bot.services.pairing.rounds import current_period


@dataclass(frozen=True)
class Skip:
    profile: Profile
    skipped: datetime  # when the round sat out is due
    back: datetime  # when the next round they take part in is due


async def skip_next_round(db: Database, guild_id: int, user_id: int, now: datetime) -> Skip:
    """Leave the member out of the next round only; they are back for the one after."""
    cfg = await get_settings(db, guild_id)
    skipped = current_period(cfg, now).end
    back = current_period(cfg, skipped).end
    async with db.sessions.begin() as s:
        row = await _get(s, guild_id, user_id)
        if row is None or row.status == LEFT:
            raise NotFound(NOT_JOINED)
        if row.status == PAUSED and (row.paused_until is None or row.paused_until > back):
            until = f" until <t:{int(row.paused_until.timestamp())}:D>" if row.paused_until else ""
            raise Conflict(
                f"You're already paused{until}, so you'll miss the next round anyway. "
                "Use `/pair resume` to come back sooner."
            )
        row.status = PAUSED
        row.paused_until = back
        await s.flush()
        return Skip(to_profile(row), skipped, back)
