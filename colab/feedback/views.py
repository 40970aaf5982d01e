"""Lesson feedback: a learner's answers at the end of a lesson."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from .. import policy
from ..courses.service import lesson_opens_at
from ..extensions import db
from ..urls import or_404
from . import service
from .forms import feedback_form, submitted_form

bp = Blueprint("feedback", __name__, url_prefix="/feedback")


def _open_lesson(lesson_id):
    policy.require("feedback.give")
    lesson = or_404(service.find_lesson(lesson_id))
    if lesson_opens_at(current_user, lesson) is not None:
        abort(403)
    return lesson


def _form_page(lesson, sent=None):
    """The form page: with the learner's earlier answers, or as sent (sent: the form) with what to fix."""
    feedback = service.feedback_for(current_user, lesson)
    return render_template("feedback/lesson.html", form=feedback_form(feedback) if sent is None else sent,
                           lesson=lesson, course=lesson.course, feedback=feedback, submitted=sent is not None)


@bp.route("/lessons/<int:lesson_id>", methods=["GET", "POST"])
def give(lesson_id):
    """The feedback form for a lesson open to the learner, filled with what they told us before; on POST, save (or
    change) their answers, or show the form again with what to fix (400). One rule for both methods, so a
    number too large for the database is a 404 whatever the method."""
    lesson = _open_lesson(lesson_id)
    if request.method == "GET":
        return _form_page(lesson)
    form = submitted_form()
    if not form.validate_on_submit():
        return _form_page(lesson, form), 400
    _feedback, flagged = service.give(current_user, lesson, lesson.text_in(str(get_locale())).locale,
                                      form.usefulness.data, form.better.data, form.unsafe.data)
    db.session.commit()
    if flagged:
        flash(_("Thank you for telling us. The course team has been told and will read it."), "success")
    else:
        flash(_("Thank you: your feedback is saved. You can change it at any time."), "success")
    return redirect(url_for("courses.lesson", course_slug=lesson.course.slug, lesson_slug=lesson.slug,
                            _anchor="feedback"))
