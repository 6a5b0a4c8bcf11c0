"""Partial indexes of featured entries and concepts, per server and date

Revision ID: 0008
Revises: 0007

The weekly digest first asks whether a server featured anything this week. Nothing
featured (the usual case) meant reading every row of the server's 12-week range to find
none: 35-45 ms for a server with 50,000 entries in the week, a fifth of its digest. These
indexes hold only featured rows (a handful per server), so the answer is an index probe.
Same columns as the (guild_id, status, created_at) indexes: SQLite then prefers the
partial one; its WHERE is spelled as SQLAlchemy renders `featured.is_(True)`, since SQLite
uses a partial index only for a query term matching it (bot.db.base.featured_index).
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("challenges", "solutions", "takeaways", "concepts")


def upgrade() -> None:
    for table in TABLES:
        op.create_index(
            f"ix_{table}_guild_featured",
            table,
            ["guild_id", "status", "created_at"],
            sqlite_where=sa.text("featured IS 1"),
            postgresql_where=sa.text("featured IS true"),
        )


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(f"ix_{table}_guild_featured", table_name=table)
