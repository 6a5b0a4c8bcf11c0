"""Concept search covers the tracks' angles

Revision ID: 0015
Revises: 0014

A pasted error's telling words are often only in a concept's body or in its frontend or
backend angle (0009), which search did not read. SQLite: the FTS5 table `concepts_fts`
gets the two angle columns (bm25 weighs them like the body, below name, aliases and
summary); its triggers are recreated to match. Both engines: `search_text` (the LIKE
fallback's haystack and PostgreSQL's GIN-indexed tsvector) is rebuilt with the angles.
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_COLUMNS = ("name", "aliases", "summary", "body")
_NEW_COLUMNS = (*_OLD_COLUMNS, "frontend_angle", "backend_angle")
_OLD_TOKENIZE = "unicode61 remove_diacritics 2"
# Porter stemming, as PostgreSQL's 'english' configuration does: "closed" finds "closes",
# "renders" finds "re-render".
_NEW_TOKENIZE = f"porter {_OLD_TOKENIZE}"
_TRIGGERS = ("concepts_fts_au", "concepts_fts_ad", "concepts_fts_ai")


def _fts_statements(columns: Sequence[str], tokenize: str) -> list[str]:
    cols = ", ".join(columns)
    new = ", ".join(["new.id", *(f"new.{c}" for c in columns)])
    old = ", ".join(["old.id", *(f"old.{c}" for c in columns)])
    return [
        *(f"DROP TRIGGER IF EXISTS {t}" for t in _TRIGGERS),
        "DROP TABLE IF EXISTS concepts_fts",
        f"CREATE VIRTUAL TABLE concepts_fts USING fts5({cols}, content='concepts', "
        f"content_rowid='id', tokenize='{tokenize}')",
        "CREATE TRIGGER concepts_fts_ai AFTER INSERT ON concepts BEGIN "
        f"INSERT INTO concepts_fts(rowid, {cols}) VALUES ({new}); END",
        "CREATE TRIGGER concepts_fts_ad AFTER DELETE ON concepts BEGIN "
        f"INSERT INTO concepts_fts(concepts_fts, rowid, {cols}) VALUES ('delete', {old}); END",
        "CREATE TRIGGER concepts_fts_au AFTER UPDATE ON concepts BEGIN "
        f"INSERT INTO concepts_fts(concepts_fts, rowid, {cols}) VALUES ('delete', {old}); "
        f"INSERT INTO concepts_fts(rowid, {cols}) VALUES ({new}); END",
        "INSERT INTO concepts_fts(concepts_fts) VALUES ('rebuild')",
    ]


def _has_fts_table() -> bool:
    found = op.get_bind().exec_driver_sql(
        "SELECT count(*) FROM sqlite_master WHERE name = 'concepts_fts'"
    )
    return bool(found.scalar())


def _aliases(value: Any) -> list[Any]:
    if isinstance(value, str):  # JSON text on drivers that do not decode it
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return value if isinstance(value, list) else []


def _rebuild_search_text(with_angles: bool) -> None:
    """search_text as bot.db.models.concepts.concept_search_text builds it (a copy: a
    migration must not change when the application does)."""
    concepts = sa.table(
        "concepts",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("aliases", sa.JSON),
        sa.column("summary", sa.String),
        sa.column("body", sa.Text),
        sa.column("frontend_angle", sa.Text),
        sa.column("backend_angle", sa.Text),
        sa.column("search_text", sa.Text),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(concepts).order_by(concepts.c.id)).all()
    for row in rows:
        alias_text = " ".join(str(a) for a in _aliases(row.aliases))
        parts = [row.name, alias_text, row.summary, row.body]
        if with_angles:
            parts += [row.frontend_angle, row.backend_angle]
        text = "\n".join(p for p in parts if p)
        if text != row.search_text:
            bind.execute(concepts.update().where(concepts.c.id == row.id).values(search_text=text))


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite" and _has_fts_table():
        for statement in _fts_statements(_NEW_COLUMNS, _NEW_TOKENIZE):
            op.execute(statement)
    _rebuild_search_text(with_angles=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite" and _has_fts_table():
        for statement in _fts_statements(_OLD_COLUMNS, _OLD_TOKENIZE):
            op.execute(statement)
    _rebuild_search_text(with_angles=False)
