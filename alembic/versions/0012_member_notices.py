"""Notifications per kind: a member mutes some kinds; the rate limit remembers the last DM

Revision ID: 0012
Revises: 0011

One row per (server, member, kind of notification: solution, accepted, helped,
moderation): whether the member muted that kind, when Nexus last DMed them about it, and
how many such events the rate limit held back since (summarised in the next DM).
"""

from collections.abc import Sequence

import sqlalchemy as sa

import bot.db.types
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "member_notices",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("muted", sa.Boolean(), nullable=False),
        sa.Column("last_sent_at", bot.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("held", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "user_id", "kind", name=op.f("pk_member_notices")),
    )


def downgrade() -> None:
    op.drop_table("member_notices")
