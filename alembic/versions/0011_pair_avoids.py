"""Pairing: a member's private list of members never to be paired with

Revision ID: 0011
Revises: 0010

Each row is (server, member, avoided member): only the member sees it (`/pair avoid`);
the matcher treats it as a hard constraint in both directions.
"""

from collections.abc import Sequence

import sqlalchemy as sa

import bot.db.types
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pair_avoids",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("avoided_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("avoided_name", sa.String(length=100), nullable=False),
        sa.Column("created_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "user_id", "avoided_id", name=op.f("pk_pair_avoids")),
    )


def downgrade() -> None:
    op.drop_table("pair_avoids")
