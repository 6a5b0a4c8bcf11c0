"""Community entries: challenges, solutions and takeaways, with their votes and tags."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, featured_index
from bot.db.types import UTCDateTime, utcnow


class Challenge(Base):
    __tablename__ = "challenges"
    __table_args__ = (
        Index("ix_challenges_guild_status_created", "guild_id", "status", "created_at"),
        featured_index("challenges"),
        Index("ix_challenges_guild_author", "guild_id", "author_id"),
        # A chat message is saved as a challenge at most once per server.
        Index("ux_challenges_guild_source_message", "guild_id", "source_message_id", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(String(200))
    tried: Mapped[str] = mapped_column(Text, default="")
    problem: Mapped[str] = mapped_column(Text, default="")
    search_text: Mapped[str] = mapped_column(Text, default="")
    track: Mapped[str | None] = mapped_column(String(16))  # which track can help
    author_id: Mapped[int] = mapped_column(BigInteger)
    author_name: Mapped[str] = mapped_column(String(100))
    source_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    source_message_id: Mapped[int | None] = mapped_column(BigInteger)
    jump_url: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="published")
    # Saved from a private thread: never shown on the web hub, whatever its status.
    source_private: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    solved: Mapped[bool] = mapped_column(Boolean, default=False)
    solved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Plain column, not a foreign key: solutions already reference challenges, and a
    # cycle of foreign keys cannot be created on SQLite. The service keeps it consistent.
    accepted_solution_id: Mapped[int | None] = mapped_column(Integer)
    featured: Mapped[bool] = mapped_column(Boolean, default=False)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("challenges.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ChallengeConcept(Base):
    __tablename__ = "challenge_concepts"
    # A concept's challenges (the web hub's concept page), newest ids first.
    __table_args__ = (Index("ix_challenge_concepts_concept", "concept_id", "challenge_id"),)

    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True
    )
    concept_id: Mapped[int] = mapped_column(
        ForeignKey("concepts.id", ondelete="CASCADE"), primary_key=True
    )


class Solution(Base):
    __tablename__ = "solutions"
    __table_args__ = (
        Index("ix_solutions_challenge", "challenge_id"),
        Index("ix_solutions_guild_status_created", "guild_id", "status", "created_at"),
        featured_index("solutions"),
        # A chat message is saved as a solution to one challenge at most once.
        Index(
            "ux_solutions_challenge_source_message",
            "challenge_id",
            "source_message_id",
            unique=True,
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(BigInteger)
    author_name: Mapped[str] = mapped_column(String(100))
    source_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    source_message_id: Mapped[int | None] = mapped_column(BigInteger)
    jump_url: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="published")
    # Saved from a private thread: never shown on the web hub, whatever its status.
    source_private: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(BigInteger)
    helped_count: Mapped[int] = mapped_column(Integer, default=0)
    featured: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class SolutionHelped(Base):
    """ "This helped me": one per member per solution."""

    __tablename__ = "solution_helped"

    solution_id: Mapped[int] = mapped_column(
        ForeignKey("solutions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Takeaway(Base):
    __tablename__ = "takeaways"
    __table_args__ = (
        Index("ix_takeaways_guild_status_created", "guild_id", "status", "created_at"),
        featured_index("takeaways"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16), default="lesson")  # lesson | practice
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(BigInteger)
    author_name: Mapped[str] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(16), default="command")  # command | pairing
    pair_id: Mapped[int | None] = mapped_column(ForeignKey("pairs.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default="published")
    votes: Mapped[int] = mapped_column(Integer, default=0)
    featured: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class TakeawayConcept(Base):
    __tablename__ = "takeaway_concepts"

    takeaway_id: Mapped[int] = mapped_column(
        ForeignKey("takeaways.id", ondelete="CASCADE"), primary_key=True
    )
    concept_id: Mapped[int] = mapped_column(
        ForeignKey("concepts.id", ondelete="CASCADE"), primary_key=True
    )


class TakeawayVote(Base):
    """One upvote per member per takeaway; pressing again withdraws it."""

    __tablename__ = "takeaway_votes"

    takeaway_id: Mapped[int] = mapped_column(
        ForeignKey("takeaways.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
