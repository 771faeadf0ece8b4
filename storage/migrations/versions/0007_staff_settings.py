"""each person chooses how hard Rapport chases them: light or standard

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08 10:00:00

`staff.intensity` ("light" or "standard", set with `/rapport settings`); everyone already there keeps
the standard reminders, and so does anyone added without one (the column's default).
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("intensity", sa.String(length=16), nullable=False, server_default="standard")
        )


def downgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("intensity")
