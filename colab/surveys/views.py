"""Surveys: answering or skipping a course's pre, post and end-of-module surveys, once per course run."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from .. import policy
from ..courses import service as courses
from ..extensions import db
from ..urls import or_404, safe_next
from . import service
from .forms import survey_form

bp = Blueprint("surveys", __name__, url_prefix="/surveys")


@bp.route("/<course_slug>/<survey_slug>", methods=["GET", "POST"])
def answer(course_slug, survey_slug):
    """The survey in the reader's language: answer it, or skip it; once per course run (only its learners)."""
    policy.require("survey.answer")
    course = or_404(courses.find_course(course_slug))
    survey = or_404(service.find_survey(course, survey_slug))
    enrolment = or_404(courses.enrolment_for(current_user, course))
    locale = survey.locale_for(str(get_locale()))
    text = survey.texts[locale]
    back = safe_next(request.values.get("next")) or url_for("courses.overview", course_slug=course.slug)
    page = {"course": course, "survey": survey, "text": text, "text_locale": locale, "back": back}
    closed = service.closed_reason(survey, enrolment, courses.outline(course, current_user))
    if closed:
        return render_template("surveys/closed.html", reason=closed, **page), 403
    previous = service.answer_for(current_user, survey, enrolment)
    if previous is not None and not previous.skipped:
        if request.method == "POST":
            return redirect(url_for(".answer", course_slug=course.slug, survey_slug=survey.slug, next=back))
        return render_template("surveys/answered.html", previous=previous, **page)
    form = survey_form(survey, text)
    if request.method == "POST" and request.form.get("skip"):
        service.skip(current_user, survey, enrolment, locale)
        db.session.commit()
        flash(_("You skipped the survey. Thank you all the same."), "success")
        return redirect(back)
    if form.validate_on_submit():
        service.submit(current_user, survey, enrolment, form.answers(survey), locale)
        db.session.commit()
        flash(_("Thank you: your answers are saved."), "success")
        return redirect(back)
    status = 400 if request.method == "POST" else 200
    return render_template("surveys/survey.html", form=form, items=form.items(survey, text), previous=previous,
                           **page), status
