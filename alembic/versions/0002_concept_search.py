"""Full-text search for concepts (owned by the Concepts feature)

SQLite: an external-content FTS5 table `concepts_fts` over name, aliases, summary and
body, kept in step by triggers on `concepts` (so every writer, not only our services,
keeps it current). When the SQLite build lacks FTS5 nothing is created and the service
falls back to LIKE at run time.
PostgreSQL: a GIN index on to_tsvector('english', search_text).

Every full-text object's name contains "_fts" so autogenerate's compare ignores it.
Also an ordinary index on concepts.overrides_id (in the model) for override resolution.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = "name, aliases, summary, body"
_NEW = "new.id, new.name, new.aliases, new.summary, new.body"
_OLD = "old.id, old.name, old.aliases, old.summary, old.body"

SQLITE_UP = [
    "CREATE VIRTUAL TABLE concepts_fts USING fts5("
    f"{_COLUMNS}, content='concepts', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER concepts_fts_ai AFTER INSERT ON concepts BEGIN "
    f"INSERT INTO concepts_fts(rowid, {_COLUMNS}) VALUES ({_NEW}); END",
    "CREATE TRIGGER concepts_fts_ad AFTER DELETE ON concepts BEGIN "
    f"INSERT INTO concepts_fts(concepts_fts, rowid, {_COLUMNS}) VALUES ('delete', {_OLD}); END",
    "CREATE TRIGGER concepts_fts_au AFTER UPDATE ON concepts BEGIN "
    f"INSERT INTO concepts_fts(concepts_fts, rowid, {_COLUMNS}) VALUES ('delete', {_OLD}); "
    f"INSERT INTO concepts_fts(rowid, {_COLUMNS}) VALUES ({_NEW}); END",
    # Index whatever is already there (no-op on a fresh database).
    "INSERT INTO concepts_fts(concepts_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS concepts_fts_au",
    "DROP TRIGGER IF EXISTS concepts_fts_ad",
    "DROP TRIGGER IF EXISTS concepts_fts_ai",
    "DROP TABLE IF EXISTS concepts_fts",
]
PG_UP = [
    "CREATE INDEX IF NOT EXISTS ix_concepts_search_fts ON concepts "
    "USING gin (to_tsvector('english', search_text))",
]
PG_DOWN = ["DROP INDEX IF EXISTS ix_concepts_search_fts"]


def _sqlite_has_fts5() -> bool:
    bind = op.get_bind()
    options = [row[0] for row in bind.exec_driver_sql("PRAGMA compile_options").fetchall()]
    if any(str(o).upper() == "ENABLE_FTS5" for o in options):
        return True
    try:  # some builds load FTS5 without advertising it
        bind.exec_driver_sql("CREATE VIRTUAL TABLE temp.probe_fts USING fts5(x)")
        bind.exec_driver_sql("DROP TABLE temp.probe_fts")
    except Exception:
        return False
    return True


def upgrade() -> None:
    with op.batch_alter_table("concepts", schema=None) as batch_op:
        batch_op.create_index("ix_concepts_overrides_id", ["overrides_id"], unique=False)
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        if not _sqlite_has_fts5():
            return  # the service detects the missing table and uses LIKE
        statements = SQLITE_UP
    elif dialect == "postgresql":
        statements = PG_UP
    else:
        return
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    statements = SQLITE_DOWN if dialect == "sqlite" else PG_DOWN if dialect == "postgresql" else []
    for statement in statements:
        op.execute(statement)
    with op.batch_alter_table("concepts", schema=None) as batch_op:
        batch_op.drop_index("ix_concepts_overrides_id")
