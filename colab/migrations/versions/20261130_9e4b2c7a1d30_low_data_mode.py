"""Low-data mode, chosen on the account (a cookie keeps it for a reader who is signed out).

Revision ID: 9e4b2c7a1d30
Revises: 5c0a7e1d9f21
Create Date: 2026-11-30 08:25:00

"""
import sqlalchemy as sa
from alembic import op

revision = "9e4b2c7a1d30"
down_revision = "5c0a7e1d9f21"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", table_kwargs={"sqlite_autoincrement": True}) as batch_op:  # ids never reused
        batch_op.add_column(sa.Column("low_data", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("user", table_kwargs={"sqlite_autoincrement": True}) as batch_op:  # ids never reused
        batch_op.drop_column("low_data")
