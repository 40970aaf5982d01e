"""Lesson feedback: a learner's answers at the end of a lesson."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from .. import policy
from ..courses.service import lesson_opens_at
from ..extensions import db
from ..urls import or_404
from . import service
from .forms import submitted_form

bp = Blueprint("feedback", __name__, url_prefix="/feedback")


@bp.post("/lessons/<int:lesson_id>")
def give(lesson_id):
    """Save (or change) the learner's feedback on a lesson open to them; errors re-show the form (400)."""
    policy.require("feedback.give")
    lesson = or_404(service.find_lesson(lesson_id))
    if lesson_opens_at(current_user, lesson) is not None:
        abort(403)
    form = submitted_form()
    if not form.validate_on_submit():
        feedback = service.feedback_for(current_user, lesson)
        return render_template("feedback/lesson.html", form=form, lesson=lesson, course=lesson.course,
                               feedback=feedback), 400
    _feedback, flagged = service.give(current_user, lesson, lesson.text_in(str(get_locale())).locale,
                                      form.usefulness.data, form.better.data, form.unsafe.data)
    db.session.commit()
    if flagged:
        flash(_("Thank you for telling us. The course team has been told and will read it."), "success")
    else:
        flash(_("Thank you: your feedback is saved. You can change it at any time."), "success")
    return redirect(url_for("courses.lesson", course_slug=lesson.course.slug, lesson_slug=lesson.slug,
                            _anchor="feedback"))
