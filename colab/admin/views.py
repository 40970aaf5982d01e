"""The secretariat's console: lists of people and courses."""
from flask import Blueprint, current_app, render_template

from .. import policy
from ..urls import page_arg
from . import service

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def only_admins():
    policy.require("admin.view")


@bp.get("/users")
def users():
    return render_template("admin/users.html", page=service.people_page(page_arg(), current_app.config["PER_PAGE"]))


@bp.get("/courses")
def courses():
    rows, counts, completed = service.course_figures()
    return render_template("admin/courses.html", courses=rows, counts=counts, completed=completed)
