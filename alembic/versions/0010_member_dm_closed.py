"""Remember when a member's DMs were found closed (Discord 403 / 50007)

Revision ID: 0010
Revises: 0009

Nexus DMs an author when a moderator hides or rejects their entry, and asks for consent
before a capture from a private thread is published. A member whose DMs are closed made
every such DM a refused request; the time of the refusal is kept so that none is tried for
a while (and /notifications dms:True clears it).
"""

from collections.abc import Sequence

import sqlalchemy as sa

import bot.db.types
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("member_prefs") as batch:
        batch.add_column(
            sa.Column("dm_closed_at", bot.db.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("member_prefs") as batch:
        batch.drop_column("dm_closed_at")
