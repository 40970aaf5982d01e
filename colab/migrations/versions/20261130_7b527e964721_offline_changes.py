"""Changes a device made offline and sent later, recorded by id so that sending one again changes nothing.

Revision ID: 7b527e964721
Revises: 223bb78a3413
Create Date: 2026-11-30 05:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = "7b527e964721"
down_revision = "223bb78a3413"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "offline_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_offline_change_user_id_user"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offline_change")),
        sa.UniqueConstraint("user_id", "change_id", name=op.f("uq_offline_change_user_id")),
    )


def downgrade():
    op.drop_table("offline_change")
