"""What a member typed into a concept command, cleaned (shared by lookup and search)."""

from __future__ import annotations

import re

QUERY_MAX = 100
PER_PAGE_MAX = 25
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_query(text: str | None, limit: int = QUERY_MAX) -> str:
    """Collapse whitespace, drop control characters (NUL breaks PostgreSQL), clip."""
    return " ".join(_CONTROL.sub(" ", text or "").split())[:limit]
