"""The language a thread's title and framing, and each post, were written in (the author's interface language), so
that a page in another language marks them with lang.

Revision ID: c3e8f2a6d5b1
Revises: b7d1e4a9c2f5
Create Date: 2026-11-30 09:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = "c3e8f2a6d5b1"
down_revision = "b7d1e4a9c2f5"
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not batch mode: SQLite (3.35 and later) adds and drops a column in place, and rebuilding the
# thread table would lose its expression index (ix_thread_listing), which batch mode cannot copy.


def upgrade():
    for table in ("thread", "post"):
        op.add_column(table, sa.Column("language", sa.String(length=10), nullable=True))


def downgrade():
    for table in ("post", "thread"):
        op.drop_column(table, "language")
