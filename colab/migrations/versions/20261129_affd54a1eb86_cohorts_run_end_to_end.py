"""Cohorts run end to end: pacing, facilitators, live sessions, invitations, shared reflections; archived
communities; the audit log's new acts

Revision ID: affd54a1eb86
Revises: 8fde5a647359
Create Date: 2026-11-29 18:45:04.980205

"""
import sqlalchemy as sa
from alembic import op

OLD_ACTS = ("suspend", "reactivate", "delete", "appoint_focal_point", "remove_focal_point", "make_admin",
            "remove_admin", "appoint_facilitator", "remove_facilitator")
NEW_ACTS = OLD_ACTS + ("create_community", "edit_community", "archive_community", "reopen_community",
                       "create_cohort", "edit_cohort", "appoint_cohort_facilitator", "remove_cohort_facilitator",
                       "add_learner", "remove_learner", "move_learner", "hide_reflection", "restore_reflection")


def _acts_check(batch_op, acts, length):
    """Replace the CHECK on admin_action.action (the model's Enum) with one allowing acts."""
    batch_op.drop_constraint(op.f("ck_admin_action_admin_act"), type_="check")
    batch_op.alter_column("action", existing_type=sa.String(20 if length == 32 else 32), type_=sa.String(length),
                          existing_nullable=False)
    quoted = ", ".join(f"'{act}'" for act in acts)
    batch_op.create_check_constraint(op.f("ck_admin_action_admin_act"), f"action IN ({quoted})")


# revision identifiers, used by Alembic.
revision = 'affd54a1eb86'
down_revision = '8fde5a647359'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cohort_facilitator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('appointed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_cohort_facilitator_cohort_id_cohort'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_cohort_facilitator_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort_facilitator')),
    sa.UniqueConstraint('cohort_id', 'user_id', name=op.f('uq_cohort_facilitator_cohort_id'))
    )
    with op.batch_alter_table('cohort_facilitator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_facilitator_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cohort_facilitator_user_id'), ['user_id'], unique=False)

    op.create_table('invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('display_name', sa.String(length=60), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Enum('pending', 'accepted', 'revoked', name='invitation_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['user.id'], name=op.f('fk_invitation_accepted_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_invitation_cohort_id_cohort'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['user.id'], name=op.f('fk_invitation_invited_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitation_token_hash'))
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_accepted_by_id'), ['accepted_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitation_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitation_email'), ['email'], unique=False)

    op.create_table('live_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_live_session_cohort_id_cohort'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_session'))
    )
    with op.batch_alter_table('live_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_session_cohort_id'), ['cohort_id'], unique=False)

    op.create_table('module_release',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_module_release_cohort_id_cohort'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['module_id'], ['module.id'], name=op.f('fk_module_release_module_id_module'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_module_release')),
    sa.UniqueConstraint('cohort_id', 'module_id', name=op.f('uq_module_release_cohort_id'))
    )
    with op.batch_alter_table('module_release', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_module_release_cohort_id'), ['cohort_id'], unique=False)

    op.create_table('shared_reflection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('shared_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_shared_reflection_cohort_id_cohort'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['user.id'], name=op.f('fk_shared_reflection_hidden_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['response_id'], ['response.id'], name=op.f('fk_shared_reflection_response_id_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shared_reflection')),
    sa.UniqueConstraint('response_id', name=op.f('uq_shared_reflection_response_id'))
    )
    with op.batch_alter_table('shared_reflection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shared_reflection_cohort_id'), ['cohort_id'], unique=False)

    with op.batch_alter_table('admin_action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cohort_id', sa.Integer(), nullable=True))
        _acts_check(batch_op, NEW_ACTS, 32)
        batch_op.create_foreign_key(batch_op.f('fk_admin_action_cohort_id_cohort'), 'cohort', ['cohort_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.add_column(sa.Column('languages', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('timezone', sa.String(length=64), server_default='UTC', nullable=False))
        batch_op.add_column(sa.Column('pacing', sa.Enum('self-paced', 'scheduled', name='cohort_pacing', native_enum=False, create_constraint=True, length=20), server_default='self-paced', nullable=False))

    with op.batch_alter_table('community', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))
        # The agreements' Markdown, kept beside their HTML from now on (earlier communities start empty).
        batch_op.add_column(sa.Column('agreements_source', sa.JSON(), server_default='{}', nullable=False))

    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cohort_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_enrolment_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_enrolment_cohort_id_cohort'), 'cohort', ['cohort_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('module', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opens_after_days', sa.Integer(), nullable=True))



def downgrade():
    with op.batch_alter_table('module', schema=None) as batch_op:
        batch_op.drop_column('opens_after_days')

    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_enrolment_cohort_id_cohort'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_enrolment_cohort_id'))
        batch_op.drop_column('cohort_id')

    with op.batch_alter_table('community', schema=None) as batch_op:
        batch_op.drop_column('agreements_source')
        batch_op.drop_column('archived_at')

    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_cohort_cohort_pacing"), type_="check")
        batch_op.drop_column('pacing')
        batch_op.drop_column('timezone')
        batch_op.drop_column('languages')

    with op.batch_alter_table('admin_action', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_admin_action_cohort_id_cohort'), type_='foreignkey')
        _acts_check(batch_op, OLD_ACTS, 20)
        batch_op.drop_column('cohort_id')

    with op.batch_alter_table('shared_reflection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shared_reflection_cohort_id'))

    op.drop_table('shared_reflection')
    with op.batch_alter_table('module_release', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_module_release_cohort_id'))

    op.drop_table('module_release')
    with op.batch_alter_table('live_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_session_cohort_id'))

    op.drop_table('live_session')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_email'))
        batch_op.drop_index(batch_op.f('ix_invitation_cohort_id'))
        batch_op.drop_index(batch_op.f('ix_invitation_accepted_by_id'))

    op.drop_table('invitation')
    with op.batch_alter_table('cohort_facilitator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_facilitator_user_id'))
        batch_op.drop_index(batch_op.f('ix_cohort_facilitator_cohort_id'))

    op.drop_table('cohort_facilitator')
