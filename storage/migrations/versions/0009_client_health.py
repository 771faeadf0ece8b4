"""client health: each segment's contact window, and the indexes that read a workspace's recent weeks

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 09:00:00

`segments.contact_ideal_days` and `segments.contact_max_days` say how often a segment's clients
should hear from us (the health score's contact part). Two indexes read the last weeks of a whole
workspace's check-ins and touchpoints by time, so the score and the weekly digest cost the same
however long the history behind them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_ideal_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("contact_max_days", sa.Integer(), nullable=True))
    op.create_index(
        "ix_checkins_team_time",
        "checkins",
        ["team_id", "created_at", "client_id", "score", "expectation"],
        unique=False,
    )
    op.create_index("ix_touchpoints_team_time", "touchpoints", ["team_id", "happened_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_touchpoints_team_time", table_name="touchpoints")
    op.drop_index("ix_checkins_team_time", table_name="checkins")
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.drop_column("contact_max_days")
        batch_op.drop_column("contact_ideal_days")
