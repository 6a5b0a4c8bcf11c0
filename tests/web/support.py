"""Build a small knowledge base for the web hub's tests: plain rows in a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.db import Database
from bot.db.models import Challenge, Concept, DigestPost, MemberPrefs, Solution, Takeaway
from bot.services import guilds

G = 111_111_111_111_111_111
OTHER = 222_222_222_222_222_222
ALICE, BOB, CAROL = 1001, 1002, 1003
PUBLIC_CH, PRIVATE_CH = 5001, 5002
T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday
WEEK = T0.date().isoformat()


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


async def open_hub(
    db: Database, guild_id: int = G, slug: str = "learners", *, names: bool = True
) -> None:
    await guilds.update_settings(
        db,
        guild_id,
        web_enabled=True,
        web_show_names=names,
        web_slug=slug,
        web_title=f"{slug.title()} server",
    )


async def add(db: Database, row: Any) -> int:
    async with db.sessions.begin() as s:
        s.add(row)
        await s.flush()
        return int(getattr(row, "id", 0))


async def concept(
    db: Database,
    name: str,
    *,
    guild_id: int = G,
    status: str = "published",
    author_id: int | None = ALICE,
    related: list[str] | None = None,
    body: str = "",
    tracks: str = "both",
    category: str = "technology",
    merged_into_id: int | None = None,
    frontend: str = "",
    backend: str = "",
) -> int:
    return await add(
        db,
        Concept(
            guild_id=guild_id,
            slug=name.lower().replace(" ", "-"),
            name=name,
            aliases=[],
            category=category,
            tracks=tracks,
            related=related or [],
            summary=f"About {name}.",
            body=body,
            frontend_angle=frontend,
            backend_angle=backend,
            links=[],
            status=status,
            author_id=author_id,
            author_name=None if author_id is None else f"member{author_id}",
            merged_into_id=merged_into_id,
            created_at=at(1),
        ),
    )


async def challenge(
    db: Database,
    title: str,
    *,
    guild_id: int = G,
    status: str = "published",
    author_id: int = ALICE,
    author_name: str = "Alice",
    channel_id: int | None = PUBLIC_CH,
    private: bool = False,
    solved: bool = False,
    problem: str = "It fails.",
    merged_into_id: int | None = None,
) -> int:
    return await add(
        db,
        Challenge(
            guild_id=guild_id,
            title=title,
            problem=problem,
            tried="",
            search_text=f"{title}\n{problem}",
            author_id=author_id,
            author_name=author_name,
            source_channel_id=channel_id,
            source_message_id=None,
            jump_url=f"https://discord.com/channels/{guild_id}/{channel_id}/99",
            status=status,
            solved=solved,
            solved_at=at(2) if solved else None,
            source_private=private,
            merged_into_id=merged_into_id,
            created_at=at(0),
        ),
    )


async def solution(
    db: Database,
    challenge_id: int,
    body: str,
    *,
    guild_id: int = G,
    status: str = "published",
    author_id: int = BOB,
    author_name: str = "Bob",
    accepted: bool = False,
    helped: int = 0,
    private: bool = False,
    channel_id: int | None = PUBLIC_CH,
    minutes: int = 0,
) -> int:
    return await add(
        db,
        Solution(
            guild_id=guild_id,
            challenge_id=challenge_id,
            body=body,
            author_id=author_id,
            author_name=author_name,
            source_channel_id=channel_id,
            status=status,
            accepted=accepted,
            helped_count=helped,
            source_private=private,
            created_at=at(1) + timedelta(minutes=minutes),
        ),
    )


async def takeaway(
    db: Database,
    body: str,
    *,
    guild_id: int = G,
    status: str = "published",
    author_id: int = CAROL,
    votes: int = 0,
    source: str = "command",
) -> int:
    return await add(
        db,
        Takeaway(
            guild_id=guild_id,
            kind="lesson",
            body=body,
            author_id=author_id,
            author_name="Carol",
            source=source,
            status=status,
            votes=votes,
            created_at=at(3),
        ),
    )


async def opt_out(db: Database, user_id: int, guild_id: int = G) -> None:
    async with db.sessions.begin() as s:
        s.add(MemberPrefs(guild_id=guild_id, user_id=user_id, web_hidden=True))


async def posted_digest(db: Database, guild_id: int = G, period: str = WEEK) -> None:
    await add(
        db,
        DigestPost(guild_id=guild_id, period=period, status="posted", nonce="n", message_ids=[]),
    )
