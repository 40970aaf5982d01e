"""When a member last opened their community, for "new since your last visit" on the home page.

Revision ID: b7d1e4a9c2f5
Revises: 9e4b2c7a1d30
Create Date: 2026-11-30 08:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = "b7d1e4a9c2f5"
down_revision = "9e4b2c7a1d30"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("membership") as batch_op:
        batch_op.add_column(sa.Column("last_visited_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("membership") as batch_op:
        batch_op.drop_column("last_visited_at")
