"""A cohort's people: who learns in it and who facilitates it. No requests here: functions flush, views commit.

join_cohort is the one door into a cohort as a learner (an accepted invitation, a focal point adding someone,
a move from another cohort): it enrols the person in the course within the cohort, keeping any progress, and
makes them a member of the cohort's community."""
from sqlalchemy.orm import joinedload

from .. import policy
from ..accounts.models import User
from ..communities.models import Cohort, Membership
from ..courses.models import Enrolment
from ..extensions import db
from .models import CohortFacilitator


def join_cohort(user, cohort):
    """Enrol user in cohort's course within cohort (moving them from another cohort of it) and in its community.
    Returns the enrolment; progress and answers are the person's and stay as they were."""
    enrolment = db.session.scalar(db.select(Enrolment).filter_by(user_id=user.id, course_id=cohort.course_id))
    if enrolment is None:
        enrolment = Enrolment(user_id=user.id, course_id=cohort.course_id)
        db.session.add(enrolment)
    enrolment.cohort_id = cohort.id
    _ensure_member(user, cohort)
    db.session.flush()
    policy.forget(user)
    return enrolment


def _ensure_member(user, cohort):
    """Make user a member of the cohort's community (admitting them if they had asked to join)."""
    member = db.session.scalar(db.select(Membership).filter_by(user_id=user.id, community_id=cohort.community_id))
    if member is None:
        db.session.add(Membership(user_id=user.id, community_id=cohort.community_id))
    elif member.pending:
        member.pending = False


def leave_cohort(user, cohort):
    """Take user out of cohort: they keep the course, their progress and their community membership, and go on
    at their own pace. Returns False if they were not its learner."""
    enrolment = db.session.scalar(db.select(Enrolment).filter_by(user_id=user.id, course_id=cohort.course_id,
                                                                 cohort_id=cohort.id))
    if enrolment is None:
        return False
    enrolment.cohort_id = None
    db.session.flush()
    policy.forget(user)
    return True


def learner_enrolments(cohort):
    """The cohort's learners' enrolments, with the people, by display name."""
    return db.session.scalars(db.select(Enrolment).join(User, User.id == Enrolment.user_id)
                              .where(Enrolment.cohort_id == cohort.id)
                              .options(joinedload(Enrolment.user))
                              .order_by(User.display_name)).all()


def is_learner(user, cohort):
    return db.session.scalar(db.select(Enrolment.id).filter_by(user_id=user.id, cohort_id=cohort.id)) is not None


def facilitators(cohort):
    """The people who facilitate the cohort, by display name."""
    return db.session.scalars(db.select(User).join(CohortFacilitator, CohortFacilitator.user_id == User.id)
                              .where(CohortFacilitator.cohort_id == cohort.id).order_by(User.display_name)).all()


def add_facilitator(user, cohort):
    """Make user a facilitator of cohort (and a member of its community); False if they already were."""
    if db.session.scalar(db.select(CohortFacilitator.id).filter_by(user_id=user.id, cohort_id=cohort.id)):
        return False
    db.session.add(CohortFacilitator(user_id=user.id, cohort_id=cohort.id))
    _ensure_member(user, cohort)
    db.session.flush()
    policy.forget(user)
    return True


def remove_facilitator(user, cohort):
    row = db.session.scalar(db.select(CohortFacilitator).filter_by(user_id=user.id, cohort_id=cohort.id))
    if row is None:
        return False
    db.session.delete(row)
    db.session.flush()
    policy.forget(user)
    return True


def find_cohort(cohort_id):
    return db.session.get(Cohort, cohort_id)
