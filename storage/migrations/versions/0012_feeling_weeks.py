"""each client's check-ins added up per calendar week, kept as they are logged

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 17:00:00

`feeling_weeks` holds, per workspace, week (counted from Monday 5 January 1970, UTC) and client: the check-ins, their scores'
sum, how many said whether expectations were met and how many said "below", and the newest. Health
and the weekly digest read it instead of the check-ins. The weeks of the check-ins already there are
added up once, here.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feeling_weeks",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("checkins", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("rated", sa.Integer(), nullable=False),
        sa.Column("below", sa.Integer(), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_feeling_weeks_client_id_clients"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("team_id", "week", "client_id", name=op.f("pk_feeling_weeks")),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_feeling_weeks_client", "feeling_weeks", ["client_id", "week"], unique=False)
    # the recent touchpoints' index carries what the last contact per client needs
    op.drop_index("ix_touchpoints_team_time", table_name="touchpoints")
    op.create_index(
        "ix_touchpoints_team_time",
        "touchpoints",
        ["team_id", "happened_at", "client_id", "cancelled"],
        unique=False,
    )
    from storage.weeks import rebuild

    rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_touchpoints_team_time", table_name="touchpoints")
    op.create_index("ix_touchpoints_team_time", "touchpoints", ["team_id", "happened_at"], unique=False)
    op.drop_index("ix_feeling_weeks_client", table_name="feeling_weeks")
    op.drop_table("feeling_weeks")
