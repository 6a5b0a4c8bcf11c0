"""Builders for curation tests: real rows in a real migrated database."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.db import Database
from bot.db.models import (
    BASE_GUILD_ID,
    Challenge,
    Concept,
    ConceptEdit,
    Solution,
    Takeaway,
)
from bot.db.types import utcnow
from bot.services.moderation.entries import Actor

G1 = 111_111_111_111
G2 = 222_222_222_222
MOD = 900
ACTOR = Actor(MOD, "Moddy")
ALICE, BOB, CAROL, DAVE = 1001, 1002, 1003, 1004


async def add(db: Database, row: Any, *, age_hours: float = 0.0) -> int:
    if age_hours and hasattr(row, "created_at"):
        row.created_at = utcnow() - timedelta(hours=age_hours)
    async with db.sessions.begin() as s:
        s.add(row)
        await s.flush()
        return int(getattr(row, "id", 0) or 0)


async def challenge(
    db: Database,
    guild: int = G1,
    *,
    status: str = "published",
    title: str = "CORS error on fetch",
    age_hours: float = 0.0,
    author: int = ALICE,
) -> int:
    return await add(
        db,
        Challenge(
            guild_id=guild,
            title=title,
            problem="The browser blocks my request",
            tried="Adding headers",
            author_id=author,
            author_name=f"user{author}",
            status=status,
            source_channel_id=5,
            jump_url="https://discord.com/channels/1/5/6",
        ),
        age_hours=age_hours,
    )


async def solution(
    db: Database,
    challenge_id: int,
    guild: int = G1,
    *,
    status: str = "published",
    body: str = "Set Access-Control-Allow-Origin",
    author: int = BOB,
    age_hours: float = 0.0,
    accepted: bool = False,
) -> int:
    return await add(
        db,
        Solution(
            guild_id=guild,
            challenge_id=challenge_id,
            body=body,
            author_id=author,
            author_name=f"user{author}",
            status=status,
            accepted=accepted,
        ),
        age_hours=age_hours,
    )


async def takeaway(
    db: Database,
    guild: int = G1,
    *,
    status: str = "published",
    body: str = "Always read the network tab",
    age_hours: float = 0.0,
    author: int = CAROL,
) -> int:
    return await add(
        db,
        Takeaway(
            guild_id=guild,
            body=body,
            author_id=author,
            author_name=f"user{author}",
            status=status,
        ),
        age_hours=age_hours,
    )


async def concept(
    db: Database,
    guild: int = G1,
    *,
    slug: str = "my-concept",
    status: str = "published",
    age_hours: float = 0.0,
    name: str = "My concept",
    author: int = DAVE,
) -> int:
    return await add(
        db,
        Concept(
            guild_id=guild,
            slug=slug,
            name=name,
            category="backend",
            tracks="backend",
            summary=f"{name} summary",
            body=f"{name} body",
            search_text=name,
            status=status,
            author_id=author,
            author_name=f"user{author}",
        ),
        age_hours=age_hours,
    )


async def base_concept_id(db: Database) -> int:
    async with db.reader() as s:
        cid = await s.scalar(
            select(Concept.id).where(Concept.guild_id == BASE_GUILD_ID).order_by(Concept.id)
        )
    if cid is None:  # seeds not loaded (yet): make one base concept
        return await concept(db, BASE_GUILD_ID, slug="base-concept", name="Base concept", author=0)
    return int(cid)


async def concept_edit(
    db: Database,
    concept_id: int,
    guild: int = G1,
    *,
    proposed: dict[str, Any] | None = None,
    age_hours: float = 0.0,
    author: int = ALICE,
) -> int:
    return await add(
        db,
        ConceptEdit(
            guild_id=guild,
            concept_id=concept_id,
            proposed=proposed or {"summary": "A better summary"},
            note="clearer",
            status="pending",
            author_id=author,
            author_name=f"user{author}",
        ),
        age_hours=age_hours,
    )


async def audit_rows(db: Database) -> list[Any]:
    from bot.db.models import AuditLog

    async with db.reader() as s:
        return list((await s.scalars(select(AuditLog).order_by(AuditLog.id))).all())


async def get(db: Database, model: Any, entry_id: int) -> Any:
    async with db.reader() as s:
        return await s.get(model, entry_id)


async def flag(
    db: Database,
    kind: str,
    entry_id: int,
    user: int,
    reason: str = "wrong",
    guild: int = G1,
    age_hours: float = 0.0,
) -> None:
    from bot.db.models import Flag

    await add(
        db,
        Flag(guild_id=guild, entry_kind=kind, entry_id=entry_id, user_id=user, reason=reason),
        age_hours=age_hours,
    )
