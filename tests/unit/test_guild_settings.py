"""Per-server settings, the publishing policy, and the render budget."""

from __future__ import annotations

import discord
import pytest

from bot.db import Database
from bot.db.types import EntryKind, Status
from bot.errors import Invalid
from bot.services.guilds import settings as guilds
from bot.services.guilds.policy import initial_status
from bot.ui.render import (
    EMBED_TOTAL_MAX,
    FIELD_VALUE_MAX,
    add_field,
    batch_embeds,
    clip,
    embed_size,
    make_embed,
    split_lines,
)
from bot.wiring import open_database


async def test_defaults_created_on_first_read(db: Database) -> None:
    cfg = await guilds.get_settings(db, 42)
    assert cfg.timezone == "UTC" and cfg.digest_enabled and cfg.digest_weekday == 0
    assert cfg.review_concepts and not cfg.review_challenges
    assert cfg.private_channel_ids == ()
    again = await guilds.get_settings(db, 42)
    assert again == cfg


async def test_update_validates_and_scopes(db: Database) -> None:
    await guilds.update_settings(db, 1, timezone="Europe/Berlin", digest_hour=9)
    other = await guilds.get_settings(db, 2)
    assert other.timezone == "UTC" and other.digest_hour == 17
    cfg = await guilds.get_settings(db, 1)
    assert cfg.timezone == "Europe/Berlin" and cfg.digest_hour == 9
    with pytest.raises(Invalid, match="time zone"):
        await guilds.update_settings(db, 1, timezone="Mars/Olympus")
    with pytest.raises(Invalid):
        await guilds.update_settings(db, 1, digest_hour=24)
    with pytest.raises(Invalid):
        await guilds.update_settings(db, 1, digest_failures=5)
    assert (await guilds.get_settings(db, 1)).timezone == "Europe/Berlin"


def test_timezone_choices() -> None:
    assert guilds.timezone_choices("berl")[0] == "Europe/Berlin"
    assert "America/New_York" in guilds.timezone_choices("new york")
    assert len(guilds.timezone_choices("a")) == 25
    assert guilds.timezone_choices("") and guilds.timezone_choices("zzzz") == []


async def test_policy(db: Database) -> None:
    cfg = await guilds.update_settings(db, 7, private_channel_ids=[99], review_takeaways=True)
    assert initial_status(cfg, EntryKind.CHALLENGE) is Status.PUBLISHED
    assert initial_status(cfg, EntryKind.TAKEAWAY) is Status.PENDING
    assert initial_status(cfg, EntryKind.TAKEAWAY, by_moderator=True) is Status.PUBLISHED
    assert initial_status(cfg, EntryKind.CHALLENGE, source_channel_id=99) is Status.PENDING
    assert (
        initial_status(cfg, EntryKind.CHALLENGE, source_channel_id=99, by_moderator=True)
        is Status.PENDING
    )


def test_clip_and_budget() -> None:
    assert clip("short", 10) == "short"
    cut = clip("word " * 100, 50)
    assert len(cut) <= 50 and cut.endswith("…")
    fenced = clip("```python\n" + "x = 1\n" * 100 + "```", 60)
    assert len(fenced) <= 60 and fenced.count("```") % 2 == 0
    embed = make_embed("t" * 300, "d" * 5000)
    assert len(embed.title or "") == 256 and len(embed.description or "") == 4096
    added = 0
    while add_field(embed, "n" * 300, "v" * 2000):
        added += 1
    assert embed_size(embed) <= EMBED_TOTAL_MAX
    assert all(len(f.value or "") <= FIELD_VALUE_MAX for f in embed.fields)
    assert 0 < added < 25


def test_batching_and_splitting() -> None:
    embeds = [discord.Embed(description="x" * 2500) for _ in range(5)]
    batches = batch_embeds(embeds)
    assert all(sum(embed_size(e) for e in b) <= EMBED_TOTAL_MAX for b in batches)
    assert sum(len(b) for b in batches) == 5
    chunks = split_lines([f"line {i}" for i in range(1000)], 1000)
    assert all(len(c) <= 1000 for c in chunks)
    assert "\n".join(chunks).count("line") == 1000


async def test_concurrent_first_reads_create_one_row(db: Database) -> None:
    import asyncio

    others = [open_database(db.engine.url.render_as_string(hide_password=False)) for _ in range(4)]
    try:
        configs = await asyncio.gather(*(guilds.get_settings(o, 555) for o in others * 3))
    finally:
        for o in others:
            await o.dispose()
    assert len({c.guild_id for c in configs}) == 1
