"""What the secretariat's console lists: people and courses. No requests here."""
from sqlalchemy import func

from ..accounts.models import User
from ..courses.models import Course, Enrolment
from ..extensions import db


def people_page(page, per_page):
    """One page of accounts, newest first."""
    query = db.select(User).order_by(User.created_at.desc(), User.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def course_figures():
    """Every course (archived last) with {course_id: enrolments} and {course_id: completions}."""
    enrolled = dict(db.session.execute(
        db.select(Enrolment.course_id, func.count()).group_by(Enrolment.course_id)).all())
    completed = dict(db.session.execute(
        db.select(Enrolment.course_id, func.count()).where(Enrolment.completed_at.is_not(None))
        .group_by(Enrolment.course_id)).all())
    courses = db.session.scalars(db.select(Course).order_by(Course.archived, Course.position)).all()
    return courses, enrolled, completed
