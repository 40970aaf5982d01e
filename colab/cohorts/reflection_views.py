"""Sharing a reflection with one's cohort, and a facilitator hiding one."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from .. import policy
from ..extensions import db
from ..urls import or_404
from . import reflections

bp = Blueprint("reflections", __name__, url_prefix="/reflections")


class HideForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(_l("Say briefly why: it goes to the audit log.")),
                                                     Length(max=500)],
                           description=_l("For the audit log. The reflection's text is not recorded there."))


class RestoreForm(FlaskForm):
    reason = TextAreaField(_l("Reason (optional)"), validators=[Optional(), Length(max=500)])


def _signed_in():
    """Reflections belong to lessons: strangers go to sign in first."""
    policy.require("lesson.read")


def _back_to(response):
    lesson = response.activity.lesson
    return redirect(url_for("courses.lesson", course_slug=lesson.course.slug, lesson_slug=lesson.slug,
                            _anchor=f"activity-{response.activity.slug}"))


def _own_reflection_or_404(response_id):
    _signed_in()
    return or_404(reflections.own_reflection(current_user, response_id))


@bp.post("/<int:response_id>/share")
def share(response_id):
    response = _own_reflection_or_404(response_id)
    policy.require("reflection.share", response)
    cohort = reflections.share(current_user, response)
    db.session.commit()
    flash(_("Your reflection is shared with %(cohort)s.", cohort=cohort.name), "success")
    return _back_to(response)


@bp.post("/<int:response_id>/unshare")
def unshare(response_id):
    response = _own_reflection_or_404(response_id)
    policy.require("reflection.share", response)
    reflections.unshare(current_user, response)
    db.session.commit()
    flash(_("Your reflection is private again."), "success")
    return _back_to(response)


def _shared_or_404(shared_id):
    """The shared reflection, for someone who may read its cohort's reflections (404 for everyone else)."""
    _signed_in()
    shared = or_404(reflections.find_shared(shared_id))
    cohort = or_404(reflections.cohort_of(shared))
    if not policy.can("cohort.members", cohort) or not reflections.is_listed(shared):
        abort(404)
    policy.require("reflection.hide", shared)
    return shared, cohort


@bp.post("/shared/<int:shared_id>/hide")
def hide(shared_id):
    shared, cohort = _shared_or_404(shared_id)
    form = HideForm()
    if not form.validate_on_submit():
        return render_template("reflections/hide.html", form=form, shared=shared, cohort=cohort), 400
    if reflections.hide(current_user, shared, form.reason.data.strip()):
        db.session.commit()
        flash(_("The reflection is hidden from %(cohort)s.", cohort=cohort.name), "success")
    return _back_to(shared.response)


@bp.post("/shared/<int:shared_id>/restore")
def restore(shared_id):
    shared, cohort = _shared_or_404(shared_id)
    form = RestoreForm()
    if not form.validate_on_submit():
        return render_template("reflections/hide.html", form=form, shared=shared, cohort=cohort, restoring=True), 400
    if reflections.restore(current_user, shared, (form.reason.data or "").strip()):
        db.session.commit()
        flash(_("The reflection is shown to %(cohort)s again.", cohort=cohort.name), "success")
    return _back_to(shared.response)
