"""Per-server settings: read (created with defaults on first use) and validated updates."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.db import Database
from bot.db.models import GuildSettings
from bot.errors import Conflict, Invalid

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class GuildConfig:
    """A detached, immutable copy of a server's settings."""

    guild_id: int
    timezone: str
    moderator_role_id: int | None
    mod_log_channel_id: int | None
    digest_channel_id: int | None
    digest_enabled: bool
    digest_weekday: int
    digest_hour: int
    digest_quiet_note: bool
    digest_failures: int
    digest_disabled_reason: str | None
    pairing_channel_id: int | None
    pairing_enabled: bool
    pairing_cadence_days: int
    pairing_weekday: int
    pairing_hour: int
    review_concepts: bool
    review_challenges: bool
    review_solutions: bool
    review_takeaways: bool
    private_channel_ids: tuple[int, ...]
    help_forum_channel_id: int | None = None
    help_forum_archive_hours: int = 24
    help_forum_nudge_hours: int = 72
    web_enabled: bool = False
    web_show_names: bool = False
    web_slug: str | None = None
    web_title: str | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


_FIELD_NAMES = frozenset({f.name for f in fields(GuildConfig)})
EDITABLE = _FIELD_NAMES - {"guild_id", "digest_failures"}


def _to_config(row: GuildSettings) -> GuildConfig:
    values: dict[str, Any] = {name: getattr(row, name) for name in _FIELD_NAMES}
    values["private_channel_ids"] = tuple(int(c) for c in (row.private_channel_ids or []))
    return GuildConfig(**values)


def _defaults(guild_id: int) -> GuildSettings:
    # Column defaults apply on flush; set them here too so the object is complete at once.
    row = GuildSettings(guild_id=guild_id)
    for column in GuildSettings.__table__.columns:
        if getattr(row, column.key) is None and column.default is not None:
            arg = column.default.arg
            if callable(arg):
                continue
            setattr(row, column.key, arg)
    row.private_channel_ids = []
    return row


async def get_settings(db: Database, guild_id: int) -> GuildConfig:
    async with db.reader() as session:
        row = await session.get(GuildSettings, guild_id)
        if row is not None:
            return _to_config(row)
    try:
        async with db.sessions.begin() as session:
            row = await session.get(GuildSettings, guild_id)
            if row is None:
                row = _defaults(guild_id)
                session.add(row)
                await session.flush()
            return _to_config(row)
    except IntegrityError:
        # Another process or task created the row between our read and insert.
        async with db.reader() as session:
            row = await session.get(GuildSettings, guild_id)
            if row is None:
                raise
            return _to_config(row)


def validate_timezone(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 64:
        raise Invalid("Pick a time zone from the list, e.g. Europe/Berlin or America/New_York.")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(
            f"`{name[:64]}` is not a time zone I know. Pick one from the list, "
            "e.g. Europe/Berlin or Africa/Lagos."
        ) from None
    return name


def _validate(changes: dict[str, Any]) -> dict[str, Any]:
    unknown = set(changes) - EDITABLE
    if unknown:
        raise Invalid(f"Unknown setting(s): {', '.join(sorted(unknown))}")
    out = dict(changes)
    if "timezone" in out:
        out["timezone"] = validate_timezone(out["timezone"])
    for key in ("digest_weekday", "pairing_weekday"):
        if key in out and not 0 <= int(out[key]) <= 6:
            raise Invalid("Weekday must be between Monday and Sunday.")
    for key in ("digest_hour", "pairing_hour"):
        if key in out and not 0 <= int(out[key]) <= 23:
            raise Invalid("Hour must be between 0 and 23.")
    if "pairing_cadence_days" in out and not 1 <= int(out["pairing_cadence_days"]) <= 28:
        raise Invalid("Pairing cadence must be between 1 and 28 days.")
    if "help_forum_archive_hours" in out and not 1 <= int(out["help_forum_archive_hours"]) <= 168:
        raise Invalid("Close solved posts after 1 to 168 hours.")
    if "help_forum_nudge_hours" in out and not 6 <= int(out["help_forum_nudge_hours"]) <= 720:
        raise Invalid("Nudge quiet posts after 6 to 720 hours (30 days).")
    if "private_channel_ids" in out:
        out["private_channel_ids"] = sorted({int(c) for c in out["private_channel_ids"]})
    if "web_slug" in out:
        out["web_slug"] = validate_web_slug(out["web_slug"])
    if out.get("web_title") is not None:
        out["web_title"] = " ".join(str(out["web_title"]).split())[:100] or None
    return out


_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
WEB_SLUG_MIN, WEB_SLUG_MAX = 2, 40


def web_slug_for(name: str) -> str:
    """A hub address from a server's name: lowercase words joined by hyphens."""
    words = re.findall(r"[a-z0-9]+", name.casefold())
    slug = "-".join(words)[:WEB_SLUG_MAX].strip("-")
    return slug if len(slug) >= WEB_SLUG_MIN else "server"


def validate_web_slug(text: str) -> str:
    slug = str(text).strip().casefold()
    if not WEB_SLUG_MIN <= len(slug) <= WEB_SLUG_MAX or not _SLUG.fullmatch(slug):
        raise Invalid(
            "The web address takes 2-40 lowercase letters, digits and single hyphens, "
            "e.g. `frontend-learners`."
        )
    return slug


async def update_settings(db: Database, guild_id: int, **changes: Any) -> GuildConfig:
    """Apply validated changes in one transaction and return the new settings."""
    clean = _validate(changes)
    try:
        return await _apply(db, guild_id, clean)
    except IntegrityError:
        if "web_slug" not in clean:
            raise
        raise Conflict(
            f"The web address `{clean['web_slug']}` is taken by another server: pick another."
        ) from None


async def _apply(db: Database, guild_id: int, clean: dict[str, Any]) -> GuildConfig:
    async with db.sessions.begin() as session:
        row = await session.get(GuildSettings, guild_id)
        if row is None:
            row = _defaults(guild_id)
            session.add(row)
        for key, value in clean.items():
            setattr(row, key, value)
        if "digest_channel_id" in clean or clean.get("digest_enabled"):
            row.digest_failures = 0
            row.digest_disabled_reason = None
        await session.flush()
        return _to_config(row)


async def all_settings(db: Database) -> list[GuildConfig]:
    async with db.reader() as session:
        rows = (await session.scalars(select(GuildSettings))).all()
        return [_to_config(r) for r in rows]


_ALL_ZONES: tuple[str, ...] | None = None


def timezone_choices(query: str, limit: int = 25) -> list[str]:
    """Time zones matching `query` (substring, case-insensitive), best first."""
    global _ALL_ZONES
    if _ALL_ZONES is None:
        _ALL_ZONES = tuple(sorted(z for z in available_timezones() if "/" in z or z == "UTC"))
    q = query.strip().lower().replace(" ", "_")
    if not q:
        popular = (
            "UTC",
            "Europe/London",
            "Europe/Berlin",
            "Africa/Lagos",
            "Africa/Nairobi",
            "America/New_York",
            "America/Los_Angeles",
            "Asia/Kolkata",
            "Asia/Tokyo",
        )
        return list(popular)[:limit]
    starts = [z for z in _ALL_ZONES if z.lower().startswith(q)]
    parts = [
        z
        for z in _ALL_ZONES
        if z not in starts and any(p.startswith(q) for p in z.lower().split("/"))
    ]
    contains = [z for z in _ALL_ZONES if z not in starts and z not in parts and q in z.lower()]
    return (starts + parts + contains)[:limit]
