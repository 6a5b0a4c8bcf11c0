"""Which servers are on the hub, and a member's choice to keep their entries off it."""

from __future__ import annotations

from sqlalchemy import select

from bot.db import Database
from bot.db.models import GuildSettings, MemberPrefs
from bot.errors import NotFound
from bot.services.web.types import Hub

NO_HUB = "There is no knowledge hub at this address."


def _hub(row: GuildSettings) -> Hub:
    return Hub(
        guild_id=row.guild_id,
        slug=str(row.web_slug),
        title=row.web_title or row.web_slug or "Nexus server",
        show_names=bool(row.web_show_names),
        private_channel_ids=tuple(int(c) for c in (row.private_channel_ids or [])),
    )


_ON = (GuildSettings.web_enabled.is_(True), GuildSettings.web_slug.is_not(None))


async def list_hubs(db: Database) -> tuple[Hub, ...]:
    """Every server that opted in, by title."""
    async with db.reader() as s:
        rows = await s.scalars(select(GuildSettings).where(*_ON))
        return tuple(sorted((_hub(r) for r in rows), key=lambda h: h.title.casefold()))


async def get_hub(db: Database, slug: str) -> Hub:
    """The opted-in server at `slug`; NotFound for unknown or switched-off servers."""
    if not 0 < len(slug) <= 40:
        raise NotFound(NO_HUB)
    async with db.reader() as s:
        row = await s.scalar(select(GuildSettings).where(GuildSettings.web_slug == slug, *_ON))
        if row is None:
            raise NotFound(NO_HUB)
        return _hub(row)


async def hub_for_guild(db: Database, guild_id: int) -> Hub | None:
    """The server's hub if it is on (for "View on the web" buttons), else None."""
    async with db.reader() as s:
        row = await s.get(GuildSettings, guild_id)
        if row is None or not row.web_enabled or not row.web_slug:
            return None
        return _hub(row)


async def set_web_hidden(db: Database, guild_id: int, user_id: int, hidden: bool) -> bool:
    """Keep (True) or stop keeping a member's entries off this server's hub."""
    async with db.sessions.begin() as s:
        row = await s.get(MemberPrefs, (guild_id, user_id))
        if row is None:
            row = MemberPrefs(guild_id=guild_id, user_id=user_id, dm_notifications=True)
            s.add(row)
        row.web_hidden = hidden
        await s.flush()
    return hidden


async def is_web_hidden(db: Database, guild_id: int, user_id: int) -> bool:
    async with db.reader() as s:
        row = await s.get(MemberPrefs, (guild_id, user_id))
        return bool(row is not None and row.web_hidden)
