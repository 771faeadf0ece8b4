"""outbox rows can carry a nudge's key and a bundle; sends keep to Slack's pace

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 09:00:00

A nudge is queued with a key (its subject and stage), unique with its workspace and kind, so asking
for the same nudge twice queues it once. Nudges for one person that go out in one message share a
`bundle_id`. A person's rows are found by workspace, channel and status. `send_pace` keeps when the
next message may go, per workspace, per channel and per person's nudges, for every clock process.
Rows queued before this revision have no key and no bundle, and go out as they would have.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("bundle_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_outbox_team_id_kind_key"), ["team_id", "kind", "key"]
        )
        batch_op.create_index("ix_outbox_recipient", ["team_id", "channel", "status"], unique=False)
    op.create_table(
        "send_pace",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "scope", name=op.f("pk_send_pace")),
    )


def downgrade() -> None:
    op.drop_table("send_pace")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_recipient")
        batch_op.drop_constraint(batch_op.f("uq_outbox_team_id_kind_key"), type_="unique")
        batch_op.drop_column("bundle_id")
        batch_op.drop_column("key")
