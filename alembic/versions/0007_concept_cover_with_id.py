"""PostgreSQL: the autocomplete covering index also holds the id

Revision ID: 0007
Revises: 0006

Without `id` (which PostgreSQL indexes do not carry implicitly, unlike SQLite's rowid)
every candidate row was fetched from the table, so the planner read the whole table
instead: 12.5 ms at 10,000 concepts. With it, an index-only scan: 7 ms. SQLite: nothing
to do.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_concepts_complete_cover"


def _recreate(include: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {INDEX}")
        op.execute(f"CREATE INDEX {INDEX} ON concepts (guild_id, status) INCLUDE ({include})")


def upgrade() -> None:
    _recreate("id, name, aliases")


def downgrade() -> None:
    _recreate("name, aliases")
