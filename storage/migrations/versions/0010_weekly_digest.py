"""the weekly digest: where and when each workspace's is posted, and who may change it

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 12:00:00

`digest_schedules` holds one channel, weekday and time (in the zone of the admin who set it) per
workspace, with the next posting moment. `staff.is_admin` keeps whether users.info called the person
a workspace owner or admin, the last time their profile was read.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_admin", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "digest_schedules",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("channel_name", sa.String(length=200), nullable=True),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("at_time", sa.String(length=5), nullable=False),
        sa.Column("tz", sa.String(length=64), nullable=True),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["set_by_id"], ["staff.id"], name=op.f("fk_digest_schedules_set_by_id_staff"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_digest_schedules")),
    )


def downgrade() -> None:
    op.drop_table("digest_schedules")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("is_admin")
