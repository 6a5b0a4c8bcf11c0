"""A member's opt-out of reuse of their words outside the conversation (/privacy)

Revision ID: 0013
Revises: 0012

Opted out, a member's messages cannot be saved by others ("Save as challenge" / "Save as
solution") and nothing they wrote is in the digest or an export. Existing members have
not opted out (server default false).
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("member_prefs") as batch:
        batch.add_column(
            sa.Column("reuse_opt_out", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("member_prefs") as batch:
        batch.drop_column("reuse_opt_out")
