"""The read-only web knowledge hub: a server's opt-in, members' opt-out, private origins

Revision ID: 0016
Revises: 0015

- guild_settings.web_enabled (off by default): the server's published knowledge appears
  on `nexus web`; web_show_names: members' names are shown there (off: "a member");
  web_slug: the server's address on the hub (/s/<slug>/, never its Discord id);
  web_title: the name shown there (the server's name when the hub was turned on).
- member_prefs.web_hidden: a member keeps everything they wrote off the hub.
- challenges/solutions.source_private: saved from a private thread (never on the hub,
  whatever its status).
- ix_challenge_concepts_concept: a concept's challenges (its hub page) without walking
  every challenge of the server.
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FALSE = sa.false()


def upgrade() -> None:
    # Plain ADD COLUMN, not batch mode: on SQLite a batch operation may rebuild the table,
    # which would drop the FTS5 sync triggers of challenges and solutions' neighbours.
    op.add_column(
        "guild_settings",
        sa.Column("web_enabled", sa.Boolean(), nullable=False, server_default=_FALSE),
    )
    op.add_column(
        "guild_settings",
        sa.Column("web_show_names", sa.Boolean(), nullable=False, server_default=_FALSE),
    )
    op.add_column("guild_settings", sa.Column("web_slug", sa.String(length=40), nullable=True))
    op.add_column("guild_settings", sa.Column("web_title", sa.String(length=100), nullable=True))
    op.create_index("ux_guild_settings_web_slug", "guild_settings", ["web_slug"], unique=True)
    op.add_column(
        "member_prefs",
        sa.Column("web_hidden", sa.Boolean(), nullable=False, server_default=_FALSE),
    )
    for table in ("challenges", "solutions"):
        op.add_column(
            table,
            sa.Column("source_private", sa.Boolean(), nullable=False, server_default=_FALSE),
        )
    op.create_index(
        "ix_challenge_concepts_concept", "challenge_concepts", ["concept_id", "challenge_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_challenge_concepts_concept", table_name="challenge_concepts")
    # SQLite drops a column in place (3.35+), keeping the tables' triggers.
    for table in ("solutions", "challenges"):
        op.drop_column(table, "source_private")
    op.drop_column("member_prefs", "web_hidden")
    op.drop_index("ux_guild_settings_web_slug", table_name="guild_settings")
    for column in ("web_title", "web_slug", "web_show_names", "web_enabled"):
        op.drop_column("guild_settings", column)
