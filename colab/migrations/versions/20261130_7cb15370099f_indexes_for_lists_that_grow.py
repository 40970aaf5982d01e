"""Indexes for what grows with the alliance: held posts, facilitators, admins, a community's thread list; and
the digest of each lesson text's source file, so that content sync renders only what changed

Revision ID: 7cb15370099f
Revises: acdcc279d642
Create Date: 2026-11-30 01:28:02.706276

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7cb15370099f'
down_revision = 'acdcc279d642'
branch_labels = None
depends_on = None


def _partial(where_pg, where_sqlite=None):
    return {"postgresql_where": sa.text(where_pg), "sqlite_where": sa.text(where_sqlite or where_pg)}


def upgrade():
    op.create_index('ix_membership_facilitators', 'membership', ['community_id'], **_partial("role = 'facilitator'"))
    op.create_index('ix_post_held', 'post', ['thread_id'], **_partial("status = 'held'"))
    op.create_index('ix_user_admins', 'user', ['id'], **_partial("is_admin", "is_admin = 1"))
    # The same expression as Thread.pinned_in_community() compiles to, so that the list's ORDER BY uses it.
    pinned = "pinned = 1" if op.get_bind().dialect.name == "sqlite" else "pinned"
    op.create_index('ix_thread_listing', 'thread', [
        sa.text('community_id'), sa.text(f'({pinned} AND cohort_id IS NULL) DESC'), sa.text('last_post_at DESC'),
        sa.text('id DESC')])
    with op.batch_alter_table('lesson_text') as batch_op:
        batch_op.add_column(sa.Column('source_digest', sa.String(length=64), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('lesson_text') as batch_op:
        batch_op.drop_column('source_digest')
    op.drop_index('ix_thread_listing', table_name='thread')
    op.drop_index('ix_user_admins', table_name='user')
    op.drop_index('ix_post_held', table_name='post')
    op.drop_index('ix_membership_facilitators', table_name='membership')
