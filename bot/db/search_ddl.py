"""Names of database objects that live outside the ORM models.

Migrations create them with raw DDL, differently per dialect: full-text search (FTS5
virtual tables on SQLite, tsvector GIN indexes on PostgreSQL; names hold `_fts`) and
covering indexes whose column lists differ by dialect (names end in `_cover`: SQLite has
no INCLUDE, and PostgreSQL cannot key a btree on json). Alembic's autogenerate compare
must ignore them.
"""

from __future__ import annotations

SEARCH_MARKER = "_fts"
COVER_SUFFIX = "_cover"


def is_search_object(name: str | None, type_: str) -> bool:
    """A raw-DDL object (full-text search or a per-dialect covering index)."""
    if not name or type_ not in ("table", "index"):
        return False
    return SEARCH_MARKER in name or (type_ == "index" and name.endswith(COVER_SUFFIX))
