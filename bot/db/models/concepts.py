"""Concepts: the curated knowledge base. guild_id 0 holds the base every server sees."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, featured_index
from bot.db.types import UTCDateTime, utcnow

BASE_GUILD_ID = 0


class Concept(Base):
    __tablename__ = "concepts"
    __table_args__ = (
        UniqueConstraint("guild_id", "slug"),
        Index("ix_concepts_guild_status", "guild_id", "status"),
        # Resolving a base concept for a server looks its override up by this column.
        Index("ix_concepts_overrides_id", "overrides_id"),
        featured_index("concepts"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, default=BASE_GUILD_ID)
    slug: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(100))
    aliases: Mapped[list[Any]] = mapped_column(JSON, default=list)
    category: Mapped[str] = mapped_column(String(32))
    tracks: Mapped[str] = mapped_column(String(16))
    related: Mapped[list[Any]] = mapped_column(JSON, default=list)
    summary: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    # How each track sees a concept both tracks meet (empty for single-track concepts).
    frontend_angle: Mapped[str] = mapped_column(Text, default="", server_default="")
    backend_angle: Mapped[str] = mapped_column(Text, default="", server_default="")
    links: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # Denormalised "name aliases summary body angles" for the plain LIKE fallback and PG tsvector.
    search_text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="published")
    featured: Mapped[bool] = mapped_column(Boolean, default=False)
    # A server's override of a base entry points at the base row it replaces.
    overrides_id: Mapped[int | None] = mapped_column(ForeignKey("concepts.id", ondelete="SET NULL"))
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("concepts.id", ondelete="SET NULL")
    )
    source_hash: Mapped[str | None] = mapped_column(String(64))  # seeds: detect changes
    author_id: Mapped[int | None] = mapped_column(BigInteger)
    author_name: Mapped[str | None] = mapped_column(String(100))
    verified_by_id: Mapped[int | None] = mapped_column(BigInteger)
    verified_by_name: Mapped[str | None] = mapped_column(String(100))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


def concept_search_text(
    name: str, aliases: list[Any] | None, summary: str, body: str, *angles: str
) -> str:
    """The denormalised text the LIKE fallback and the PostgreSQL tsvector search over:
    name, aliases, summary, body and the tracks' angles (a pasted error's telling words
    are often only in the body or an angle)."""
    alias_text = " ".join(str(a) for a in (aliases or []))
    return "\n".join(part for part in (name, alias_text, summary, body, *angles) if part)


@event.listens_for(Concept, "before_insert")
@event.listens_for(Concept, "before_update")
def _refresh_search_text(_mapper: Any, _connection: Any, target: Concept) -> None:
    # Every ORM write keeps search_text in step with the fields it is built from.
    target.search_text = concept_search_text(
        target.name or "",
        target.aliases,
        target.summary or "",
        target.body or "",
        target.frontend_angle or "",
        target.backend_angle or "",
    )


class ConceptEdit(Base):
    """A member's proposed edit to an existing concept, waiting for a moderator."""

    __tablename__ = "concept_edits"
    __table_args__ = (Index("ix_concept_edits_guild_status", "guild_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    concept_id: Mapped[int] = mapped_column(ForeignKey("concepts.id", ondelete="CASCADE"))
    proposed: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    author_id: Mapped[int] = mapped_column(BigInteger)
    author_name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConceptLookup(Base):
    """One row per successful lookup (feeds "most looked-up" in the digest)."""

    __tablename__ = "concept_lookups"
    __table_args__ = (Index("ix_concept_lookups_guild_created", "guild_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    concept_id: Mapped[int] = mapped_column(ForeignKey("concepts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MissedLookup(Base):
    """A lookup that matched nothing: what the community wants and the base lacks."""

    __tablename__ = "missed_lookups"
    __table_args__ = (Index("ix_missed_lookups_guild_created", "guild_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    query: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
