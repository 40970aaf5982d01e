"""Side-by-side lessons: the second language each person reads beside, and a cohort's default pair.

Revision ID: 223bb78a3413
Revises: 7cb15370099f
Create Date: 2026-11-30 04:44:53.171232

"""
import sqlalchemy as sa
from alembic import op

revision = "223bb78a3413"
down_revision = "7cb15370099f"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reading_pair", sa.String(length=12), server_default="", nullable=False))
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("second_language", sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("second_language")
    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.drop_column("reading_pair")
