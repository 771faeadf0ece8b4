"""outbox claims last as long as a send can take; a send whose outcome is unknown is looked up first

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 15:00:00

A claimed row says until when its claim holds (`claimed_until`), set from the longest its send can
take instead of a fixed five minutes (a claim without it, made before this revision, still holds
for five minutes: see storage.queries); a row whose send began and whose outcome was never recorded
says since when (`in_doubt_since`), so the next worker asks Slack before sending it again. A send
attempt can carry a note (such as "found in Slack").
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("in_doubt_since", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("send_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("send_attempts", schema=None) as batch_op:
        batch_op.drop_column("note")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("in_doubt_since")
        batch_op.drop_column("claimed_until")
