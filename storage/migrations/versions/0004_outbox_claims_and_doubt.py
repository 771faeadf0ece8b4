"""outbox claims last as long as a send can take; a send whose outcome is unknown is looked up first

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 15:00:00

A claimed row says until when its claim holds (`claimed_until`), set from the longest its send can
take instead of a fixed five minutes; a row whose send began and whose outcome was never recorded
says since when (`in_doubt_since`), so the next worker asks Slack before sending it again. A send
attempt can carry a note (such as "found in Slack"). Rows claimed when this revision runs keep the
five minutes they were claimed under; they carry no key Slack could be asked about.
"""

from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OLD_CLAIM_TIMEOUT = timedelta(minutes=5)


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("in_doubt_since", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("send_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))

    outbox = sa.table(
        "outbox",
        sa.column("id", sa.Integer()),
        sa.column("status", sa.String()),
        sa.column("claimed_at", sa.DateTime(timezone=True)),
        sa.column("claimed_until", sa.DateTime(timezone=True)),
    )
    connection = op.get_bind()
    claimed = connection.execute(
        sa.select(outbox.c.id, outbox.c.claimed_at).where(
            outbox.c.status == "sending", outbox.c.claimed_at.is_not(None)
        )
    ).all()
    for outbox_id, claimed_at in claimed:
        connection.execute(
            sa.update(outbox)
            .where(outbox.c.id == outbox_id)
            .values(claimed_until=claimed_at + OLD_CLAIM_TIMEOUT)
        )


def downgrade() -> None:
    with op.batch_alter_table("send_attempts", schema=None) as batch_op:
        batch_op.drop_column("note")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("in_doubt_since")
        batch_op.drop_column("claimed_until")
