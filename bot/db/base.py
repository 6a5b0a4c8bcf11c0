"""Declarative base with a naming convention so constraints have stable names."""

from __future__ import annotations

from types import MappingProxyType

from sqlalchemy import Index, MetaData, text
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = MappingProxyType(
    {
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def featured_index(table: str) -> Index:
    """The few featured rows of a server by date (migration 0008): the digest asks whether
    a server featured anything this week, which otherwise reads every row of its 12-week
    range. Same columns as the (guild_id, status, created_at) indexes, so SQLite prefers
    this one; the predicate is spelled as SQLAlchemy renders `featured.is_(True)`, since
    SQLite uses a partial index only for a query term that matches its WHERE."""
    return Index(
        f"ix_{table}_guild_featured",
        "guild_id",
        "status",
        "created_at",
        sqlite_where=text("featured IS 1"),
        postgresql_where=text("featured IS true"),
    )
