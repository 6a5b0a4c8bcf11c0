"""Full-text search for challenges, solutions and takeaways (Challenges feature)

SQLite: an external-content FTS5 table `challenges_fts` over (title, tried, problem,
guild_id), kept in sync by triggers so every writer (services, curation, bulk loads) is
indexed. The guild id is indexed as a token so a search intersects with one server's
rows inside the index instead of ranking every server's matches. Without FTS5 the
table is skipped and the service falls back to LIKE on `search_text`.

PostgreSQL: a GIN index on to_tsvector('english', search_text), queried with
websearch_to_tsquery (which never raises on user input).

Both: unique indexes so a chat message is saved as a challenge once per server, and as a
solution once per challenge ("Save as ..." pressed twice changes nothing twice).

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLS = "title, tried, problem, guild_id"

SQLITE_UP = [
    f"""CREATE VIRTUAL TABLE challenges_fts USING fts5(
        {_COLS},
        content='challenges', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )""",
    f"""CREATE TRIGGER challenges_fts_ai AFTER INSERT ON challenges BEGIN
        INSERT INTO challenges_fts(rowid, {_COLS})
        VALUES (new.id, new.title, new.tried, new.problem, new.guild_id);
    END""",
    f"""CREATE TRIGGER challenges_fts_ad AFTER DELETE ON challenges BEGIN
        INSERT INTO challenges_fts(challenges_fts, rowid, {_COLS})
        VALUES ('delete', old.id, old.title, old.tried, old.problem, old.guild_id);
    END""",
    f"""CREATE TRIGGER challenges_fts_au AFTER UPDATE OF {_COLS} ON challenges BEGIN
        INSERT INTO challenges_fts(challenges_fts, rowid, {_COLS})
        VALUES ('delete', old.id, old.title, old.tried, old.problem, old.guild_id);
        INSERT INTO challenges_fts(rowid, {_COLS})
        VALUES (new.id, new.title, new.tried, new.problem, new.guild_id);
    END""",
    "INSERT INTO challenges_fts(challenges_fts) VALUES ('rebuild')",
]

SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS challenges_fts_au",
    "DROP TRIGGER IF EXISTS challenges_fts_ad",
    "DROP TRIGGER IF EXISTS challenges_fts_ai",
    "DROP TABLE IF EXISTS challenges_fts",
]

PG_UP = [
    "CREATE INDEX IF NOT EXISTS ix_challenges_search_fts ON challenges "
    "USING gin (to_tsvector('english', search_text))",
]

PG_DOWN = ["DROP INDEX IF EXISTS ix_challenges_search_fts"]


def _has_fts5(bind: sa.engine.Connection) -> bool:
    try:
        options = [r[0] for r in bind.exec_driver_sql("PRAGMA compile_options").fetchall()]
    except Exception:  # pragma: no cover - exotic builds
        return False
    return any("ENABLE_FTS5" in str(o) for o in options)


def upgrade() -> None:
    op.create_index(
        "ux_challenges_guild_source_message",
        "challenges",
        ["guild_id", "source_message_id"],
        unique=True,
    )
    op.create_index(
        "ux_solutions_challenge_source_message",
        "solutions",
        ["challenge_id", "source_message_id"],
        unique=True,
    )
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        if not _has_fts5(bind):
            return  # the service falls back to LIKE
        for sql in SQLITE_UP:
            op.execute(sql)
    elif bind.dialect.name == "postgresql":
        for sql in PG_UP:
            op.execute(sql)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for sql in SQLITE_DOWN:
            op.execute(sql)
    elif bind.dialect.name == "postgresql":
        for sql in PG_DOWN:
            op.execute(sql)
    op.drop_index("ux_solutions_challenge_source_message", table_name="solutions")
    op.drop_index("ux_challenges_guild_source_message", table_name="challenges")
