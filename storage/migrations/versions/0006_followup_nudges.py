"""follow-ups are nudged on a schedule kept on their rows, and every step is kept

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 16:00:00

A follow-up says whether a time was promised (`has_time`) and the words that said when (read again
in the owner's zone once it is known), where it came from, which nudge comes next (`stage`), how
many reminders went out and when it was escalated; `followup_steps` keeps everything that happened.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("followups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("has_time", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("source", sa.String(length=16), nullable=False, server_default="command"))
        batch_op.add_column(sa.Column("stage", sa.String(length=16), nullable=False, server_default="due"))
        batch_op.add_column(sa.Column("reminders_sent", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("due_words", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("due_zone", sa.String(length=64), nullable=True))
    with op.batch_alter_table("followups", schema=None) as batch_op:
        for column in ("has_time", "source", "stage", "reminders_sent"):
            batch_op.alter_column(column, server_default=None)
    op.create_table(
        "followup_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("followup_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["followup_id"], ["followups.id"], name=op.f("fk_followup_steps_followup_id_followups"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_followup_steps_staff_id_staff"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup_steps")),
    )
    with op.batch_alter_table("followup_steps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_followup_steps_followup_id"), ["followup_id"], unique=False)


def downgrade() -> None:
    op.drop_table("followup_steps")
    with op.batch_alter_table("followups", schema=None) as batch_op:
        for column in ("due_zone", "due_words", "escalated_at", "reminders_sent", "stage", "source", "has_time"):
            batch_op.drop_column(column)
