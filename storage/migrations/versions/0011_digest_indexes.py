"""the indexes the weekly digest reads by, so its cost does not grow with the years behind it

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 15:00:00

Which of a week's touchpoints have a feeling (`checkins.touchpoint_id`, only the check-ins that
follow a touchpoint), and a workspace's open
follow-ups by due moment (the overdue ones), each found without reading a workspace's history.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_checkins_touchpoint",
        "checkins",
        ["touchpoint_id"],
        unique=False,
        sqlite_where=sa.text("touchpoint_id IS NOT NULL"),
        postgresql_where=sa.text("touchpoint_id IS NOT NULL"),
    )
    op.create_index("ix_followups_team_open_due", "followups", ["team_id", "status", "due_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_followups_team_open_due", table_name="followups")
    op.drop_index("ix_checkins_touchpoint", table_name="checkins")
