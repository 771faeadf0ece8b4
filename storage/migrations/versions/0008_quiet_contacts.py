"""touchpoints have a direction; outreaches awaiting an answer are kept, to notice quiet contacts

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 18:00:00

A touchpoint says who reached out (`direction`: inbound, outbound or both). `waits` keeps each
outreach to a client still awaiting an answer, with its nudge schedule. How many working days an
outreach may go unanswered can be set per client (`clients.quiet_after_days`) and per segment
(`segments`).
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("touchpoints", schema=None) as batch_op:
        batch_op.add_column(sa.Column("direction", sa.String(length=8), nullable=False, server_default="both"))
    with op.batch_alter_table("touchpoints", schema=None) as batch_op:
        batch_op.alter_column("direction", server_default=None)
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quiet_after_days", sa.Integer(), nullable=True))
    op.create_table(
        "segments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("name_key", sa.String(length=50), nullable=False),
        sa.Column("quiet_after_days", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_segments")),
        sa.UniqueConstraint("team_id", "name_key", name=op.f("uq_segments_team_id_name_key")),
    )
    op.create_table(
        "waits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("about", sa.Text(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_outreach_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("next_check_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("nudged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_waits_client_id_clients"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_waits_contact_id_contacts"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_waits_staff_id_staff"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["staff.id"], name=op.f("fk_waits_closed_by_id_staff"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waits")),
    )
    with op.batch_alter_table("waits", schema=None) as batch_op:
        batch_op.create_index("ix_waits_status_check", ["status", "next_check_at"], unique=False)
        batch_op.create_index("ix_waits_team_client", ["team_id", "client_id", "status"], unique=False)


def downgrade() -> None:
    op.drop_table("waits")
    op.drop_table("segments")
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_column("quiet_after_days")
    with op.batch_alter_table("touchpoints", schema=None) as batch_op:
        batch_op.drop_column("direction")
