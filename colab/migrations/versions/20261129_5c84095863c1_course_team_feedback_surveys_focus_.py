"""The course team: lesson feedback, surveys and facilitator guides from content, focus groups, publications of
content, the course team role and its audit acts

Revision ID: 5c84095863c1
Revises: affd54a1eb86
Create Date: 2026-11-29 20:20:44.909017

"""
import sqlalchemy as sa
from alembic import op

# The audit log's acts before and after this revision (the CHECK on admin_action.action lists them).
COHORT_ACTS = ("suspend", "reactivate", "delete", "appoint_focal_point", "remove_focal_point", "make_admin",
               "remove_admin", "appoint_facilitator", "remove_facilitator", "create_community", "edit_community",
               "archive_community", "reopen_community", "create_cohort", "edit_cohort", "appoint_cohort_facilitator",
               "remove_cohort_facilitator", "add_learner", "remove_learner", "move_learner", "hide_reflection",
               "restore_reflection")
COURSE_TEAM_ACTS = COHORT_ACTS + ("appoint_course_team", "remove_course_team", "publish_content", "restore_content")


def _acts_check(acts):
    with op.batch_alter_table("admin_action", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_admin_action_admin_act"), type_="check")
        quoted = ", ".join(f"'{act}'" for act in acts)
        batch_op.create_check_constraint(op.f("ck_admin_action_admin_act"), f"action IN ({quoted})")


# revision identifiers, used by Alembic.
revision = '5c84095863c1'
down_revision = 'affd54a1eb86'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('course_guide',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_course_guide_course_id_course'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_guide')),
    sa.UniqueConstraint('course_id', 'locale', name=op.f('uq_course_guide_course_id'))
    )
    with op.batch_alter_table('course_guide', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_guide_course_id'), ['course_id'], unique=False)

    op.create_table('publication',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_slug', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.Enum('publish', 'restore', name='publication_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('before_zip', sa.LargeBinary(), nullable=False),
    sa.Column('after_zip', sa.LargeBinary(), nullable=False),
    sa.Column('restores_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['published_by_id'], ['user.id'], name=op.f('fk_publication_published_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['restores_id'], ['publication.id'], name=op.f('fk_publication_restores_id_publication'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publication'))
    )
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publication_course_slug'), ['course_slug'], unique=False)
        batch_op.create_index(batch_op.f('ix_publication_created_at'), ['created_at'], unique=False)

    op.create_table('staged_upload',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('course_slug', sa.String(length=80), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('base_digest', sa.String(length=64), nullable=False),
    sa.Column('candidate_zip', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_staged_upload_uploaded_by_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staged_upload')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_staged_upload_token_hash'))
    )
    with op.batch_alter_table('staged_upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staged_upload_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_staged_upload_uploaded_by_id'), ['uploaded_by_id'], unique=False)

    op.create_table('survey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.Enum('pre', 'post', 'module', name='survey_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('questions', sa.JSON(), nullable=False),
    sa.Column('texts', sa.JSON(), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_survey_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['module_id'], ['module.id'], name=op.f('fk_survey_module_id_module'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey')),
    sa.UniqueConstraint('course_id', 'slug', name=op.f('uq_survey_course_id'))
    )
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_course_id'), ['course_id'], unique=False)

    op.create_table('focus_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=True),
    sa.Column('participants', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=True),
    sa.Column('lesson_ids', sa.JSON(), nullable=False),
    sa.Column('worked', sa.Text(), nullable=False),
    sa.Column('did_not_work', sa.Text(), nullable=False),
    sa.Column('suggestions', sa.Text(), nullable=False),
    sa.Column('quotes', sa.Text(), nullable=False),
    sa.Column('quotes_consent', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_focus_group_cohort_id_cohort'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_focus_group_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['module_id'], ['module.id'], name=op.f('fk_focus_group_module_id_module'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_focus_group_recorded_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_focus_group_region_id_region'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_focus_group'))
    )
    with op.batch_alter_table('focus_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_focus_group_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_focus_group_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_focus_group_recorded_by_id'), ['recorded_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_focus_group_region_id'), ['region_id'], unique=False)

    op.create_table('lesson_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=True),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('usefulness', sa.Integer(), nullable=True),
    sa.Column('better', sa.Text(), nullable=False),
    sa.Column('unsafe', sa.Text(), nullable=False),
    sa.Column('unsafe_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_lesson_feedback_cohort_id_cohort'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lesson_id'], ['lesson.id'], name=op.f('fk_lesson_feedback_lesson_id_lesson'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_lesson_feedback_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lesson_feedback')),
    sa.UniqueConstraint('user_id', 'lesson_id', name=op.f('uq_lesson_feedback_user_id'))
    )
    with op.batch_alter_table('lesson_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_feedback_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lesson_feedback_lesson_id'), ['lesson_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lesson_feedback_updated_at'), ['updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_lesson_feedback_user_id'), ['user_id'], unique=False)

    op.create_table('survey_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=True),
    sa.Column('run_key', sa.String(length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('skipped', sa.Boolean(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_survey_answer_cohort_id_cohort'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_survey_answer_survey_id_survey'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_survey_answer_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answer')),
    sa.UniqueConstraint('user_id', 'survey_id', 'run_key', name=op.f('uq_survey_answer_user_id'))
    )
    with op.batch_alter_table('survey_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_answer_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_answer_submitted_at'), ['submitted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_answer_survey_id'), ['survey_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_answer_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('user', schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.add_column(sa.Column('is_course_team', sa.Boolean(), server_default=sa.false(), nullable=False))
    _acts_check(COURSE_TEAM_ACTS)



def downgrade():
    _acts_check(COHORT_ACTS)
    with op.batch_alter_table('user', schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_column('is_course_team')

    with op.batch_alter_table('survey_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_answer_user_id'))
        batch_op.drop_index(batch_op.f('ix_survey_answer_survey_id'))
        batch_op.drop_index(batch_op.f('ix_survey_answer_submitted_at'))
        batch_op.drop_index(batch_op.f('ix_survey_answer_cohort_id'))

    op.drop_table('survey_answer')
    with op.batch_alter_table('lesson_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_feedback_user_id'))
        batch_op.drop_index(batch_op.f('ix_lesson_feedback_updated_at'))
        batch_op.drop_index(batch_op.f('ix_lesson_feedback_lesson_id'))
        batch_op.drop_index(batch_op.f('ix_lesson_feedback_cohort_id'))

    op.drop_table('lesson_feedback')
    with op.batch_alter_table('focus_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_focus_group_region_id'))
        batch_op.drop_index(batch_op.f('ix_focus_group_recorded_by_id'))
        batch_op.drop_index(batch_op.f('ix_focus_group_course_id'))
        batch_op.drop_index(batch_op.f('ix_focus_group_cohort_id'))

    op.drop_table('focus_group')
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_course_id'))

    op.drop_table('survey')
    with op.batch_alter_table('staged_upload', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staged_upload_uploaded_by_id'))
        batch_op.drop_index(batch_op.f('ix_staged_upload_created_at'))

    op.drop_table('staged_upload')
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publication_created_at'))
        batch_op.drop_index(batch_op.f('ix_publication_course_slug'))

    op.drop_table('publication')
    with op.batch_alter_table('course_guide', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_guide_course_id'))

    op.drop_table('course_guide')
