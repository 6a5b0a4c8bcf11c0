"""Column types shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Status(StrEnum):
    """Lifecycle of every community entry (concept, challenge, solution, takeaway)."""

    PENDING = "pending"
    PUBLISHED = "published"
    HIDDEN = "hidden"
    REJECTED = "rejected"
    # Captured from a private thread by someone else: only its author sees it until they
    # agree (then the server's review policy applies) or decline (then it is withdrawn).
    AWAITING_AUTHOR = "awaiting_author"
    # Removed by its author: its text is erased and nobody sees it, the author included;
    # the row stays so that the same message cannot be saved again.
    WITHDRAWN = "withdrawn"


class EntryKind(StrEnum):
    CONCEPT = "concept"
    CHALLENGE = "challenge"
    SOLUTION = "solution"
    TAKEAWAY = "takeaway"
    CONCEPT_EDIT = "concept_edit"


class Track(StrEnum):
    FRONTEND = "frontend"
    BACKEND = "backend"
    FULLSTACK = "fullstack"
