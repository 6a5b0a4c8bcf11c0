"""Concepts get a frontend angle and a backend angle

Revision ID: 0009
Revises: 0008

Concepts where both tracks meet (CORS, JWT, pagination, ...) explain how each side sees
them, so a frontend-backend pair can talk to each other; a lookup shows the asker's
track's angle first. Empty for concepts of one track.
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("concepts") as batch:
        batch.add_column(sa.Column("frontend_angle", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("backend_angle", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("concepts") as batch:
        batch.drop_column("backend_angle")
        batch.drop_column("frontend_angle")
