"""A content version token, changed with every change of the content, so each process knows when its read-only
copy of the courses is out of date.

Revision ID: 5c0a7e1d9f21
Revises: 7b527e964721
Create Date: 2026-11-30 08:20:00

"""
import uuid

import sqlalchemy as sa
from alembic import op

revision = "5c0a7e1d9f21"
down_revision = "7b527e964721"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "content_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_version")),
    )
    # a token of this database's own: two databases never share one, even at the same address
    op.bulk_insert(table, [{"id": 1, "token": uuid.uuid4().hex}])


def downgrade():
    op.drop_table("content_version")
