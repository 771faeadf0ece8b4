"""outbox kinds decide how a message is sent; periodic jobs keep their schedule in job_runs

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 14:00:00

An outbox message's kind now says how it is drawn and sent, so the `method` column goes. Edits of
prompt messages queued before this revision (kind "update", drawn when queued) become the kinds
that draw them when sent. Jobs that run every few hours keep when they may next run in `job_runs`.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("next_run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_runs")),
    )
    # Pending edits of a prompt that expired show it expired; any other pending edit pointed at the
    # reminder. Both are drawn afresh when sent.
    op.execute(
        "UPDATE outbox SET kind = 'prompt_expired' WHERE kind = 'update' AND ref_type = 'prompt' "
        "AND ref_id IN (SELECT id FROM prompts WHERE status = 'expired')"
    )
    op.execute("UPDATE outbox SET kind = 'prompt_moved' WHERE kind = 'update' AND ref_type = 'prompt'")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("method")


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("method", sa.String(length=40), nullable=False, server_default="chat.postMessage")
        )
    op.execute("UPDATE outbox SET method = 'chat.update' WHERE kind IN ('prompt_moved', 'prompt_expired')")
    op.drop_table("job_runs")
