"""Help forum: the forum channel in the server's settings, and the posts Nexus follows

Revision ID: 0014
Revises: 0013

guild_settings gets help_forum_channel_id (NULL: no help forum), help_forum_archive_hours
(after a marked solution) and help_forum_nudge_hours (inactivity before a nudge).
forum_posts has one row per post: its challenge, state and the times that drive the
nudge and the closing.
"""

from collections.abc import Sequence

import sqlalchemy as sa

import bot.db.types
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("guild_settings") as batch:
        batch.add_column(sa.Column("help_forum_channel_id", sa.BigInteger(), nullable=True))
        batch.add_column(
            sa.Column("help_forum_archive_hours", sa.Integer(), nullable=False, server_default="24")
        )
        batch.add_column(
            sa.Column("help_forum_nudge_hours", sa.Integer(), nullable=False, server_default="72")
        )
    op.create_table(
        "forum_posts",
        sa.Column("thread_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("forum_id", sa.BigInteger(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("answered", sa.Boolean(), nullable=False),
        sa.Column("created_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_activity_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("nudged_at", bot.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("solved_at", bot.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("solution_message_id", sa.BigInteger(), nullable=True),
        sa.Column("archive_at", bot.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenges.id"],
            name=op.f("fk_forum_posts_challenge_id_challenges"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("thread_id", name=op.f("pk_forum_posts")),
    )
    op.create_index("ix_forum_posts_guild_state", "forum_posts", ["guild_id", "state"])


def downgrade() -> None:
    op.drop_index("ix_forum_posts_guild_state", table_name="forum_posts")
    op.drop_table("forum_posts")
    with op.batch_alter_table("guild_settings") as batch:
        batch.drop_column("help_forum_nudge_hours")
        batch.drop_column("help_forum_archive_hours")
        batch.drop_column("help_forum_channel_id")
