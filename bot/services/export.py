"""Markdown export of a server's published knowledge (filled in by the Challenges feature)."""

from __future__ import annotations

from pathlib import Path

from bot.db import Database


async def export_guild(db: Database, guild_id: int, out: Path) -> list[Path]:
    raise NotImplementedError("export is not built yet")
