"""Lists of users and courses for admins."""
from flask import Blueprint, current_app, render_template
from sqlalchemy import func

from .. import policy
from ..accounts.models import User
from ..courses.models import Course, Enrolment
from ..extensions import db
from ..urls import page_arg

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def only_admins():
    policy.require("admin.view")


@bp.get("/users")
def users():
    page = db.paginate(db.select(User).order_by(User.created_at.desc(), User.id.desc()),
                       page=page_arg(), per_page=current_app.config["PER_PAGE"],
                       error_out=False)
    return render_template("admin/users.html", page=page)


@bp.get("/courses")
def courses():
    counts = dict(db.session.execute(
        db.select(Enrolment.course_id, func.count()).group_by(Enrolment.course_id)).all())
    completed = dict(db.session.execute(
        db.select(Enrolment.course_id, func.count()).where(Enrolment.completed_at.is_not(None))
        .group_by(Enrolment.course_id)).all())
    rows = db.session.scalars(db.select(Course).order_by(Course.archived, Course.position)).all()
    return render_template("admin/courses.html", courses=rows, counts=counts, completed=completed)
