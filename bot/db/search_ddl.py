"""Names of full-text search objects that live outside the ORM models.

Migrations create them with raw DDL (FTS5 virtual tables on SQLite, tsvector GIN indexes
on PostgreSQL); Alembic's autogenerate compare must ignore them.
"""

from __future__ import annotations

SEARCH_MARKER = "_fts"


def is_search_object(name: str | None, type_: str) -> bool:
    return bool(name) and SEARCH_MARKER in str(name) and type_ in ("table", "index")
