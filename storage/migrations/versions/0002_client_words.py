"""client word index

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 14:00:00

Each client name and alias key, filed under every word it has, so that finding names with a word
starting with what someone typed is an index range instead of a scan of every name.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

WORD = sa.String(length=200).with_variant(sa.String(length=200, collation="C"), "postgresql")


# A copy of storage.words.word_starts as it was when this migration was written: a migration must
# file names the same way whatever the application code becomes later.
def _word_starts(key: str) -> list[str]:
    return [key[i:] for i in range(len(key)) if key[i] != " " and (i == 0 or key[i - 1] == " ")]


def upgrade() -> None:
    words = op.create_table(
        "client_words",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("word", WORD, nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_client_words_client_id_clients"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("team_id", "word", "client_id", "key", name=op.f("pk_client_words")),
    )
    with op.batch_alter_table("client_words", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_client_words_client_id"), ["client_id"], unique=False)

    # File the names and aliases already there.
    connection = op.get_bind()
    keys = connection.execute(
        sa.text(
            "SELECT team_id, id, name_key FROM clients "
            "UNION ALL SELECT c.team_id, c.id, a.key FROM client_aliases a JOIN clients c ON c.id = a.client_id"
        )
    )
    rows = sorted({(team, word, cid, key) for team, cid, key in keys for word in _word_starts(key)})
    for start in range(0, len(rows), 5000):
        op.bulk_insert(
            words,
            [
                {"team_id": team, "word": word, "client_id": cid, "key": key}
                for team, word, cid, key in rows[start : start + 5000]
            ],
        )


def downgrade() -> None:
    with op.batch_alter_table("client_words", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_client_words_client_id"))
    op.drop_table("client_words")
