"""The set-up guide Nexus posts when it joins a server: once per server, ever.

The claim is written before the guide is sent (a row in bot_state), so that two joins
seen at the same moment (a reconnect, two processes) cannot both send it; a guide that
could be delivered nowhere gives its claim back, and the next join tries again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from bot.db import Database
from bot.db.models import BotState


def _key(guild_id: int) -> str:
    return f"setup-guide:{guild_id}"


async def claim_setup_guide(db: Database, guild_id: int, now: datetime) -> bool:
    """True if this server never got the guide (it is now claimed), else False."""
    try:
        async with db.sessions.begin() as s:
            if await s.get(BotState, _key(guild_id)) is not None:
                return False
            s.add(BotState(key=_key(guild_id), value=f"claimed {now.isoformat()}"))
    except IntegrityError:  # claimed at the same moment elsewhere
        return False
    return True


async def record_setup_guide(db: Database, guild_id: int, where: str) -> None:
    """Where the guide went ("owner-dm" or "system-channel"), for the record."""
    async with db.sessions.begin() as s:
        row = await s.get(BotState, _key(guild_id))
        if row is not None:
            row.value = f"sent to {where}"[:512]


async def release_setup_guide(db: Database, guild_id: int) -> None:
    """Nothing was delivered: the next join may try again."""
    async with db.sessions.begin() as s:
        await s.execute(delete(BotState).where(BotState.key == _key(guild_id)))
