"""The learner's certificate page, public verification by code, and the admin's revoke page."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import format_decimal, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from .. import policy
from ..extensions import db
from ..urls import or_404
from . import service
from .forms import PrintedNameForm, RevokeForm, VisibilityForm

bp = Blueprint("certificates", __name__)


def _own_certificate(course_slug):
    """The current user's certificate for the course, issued on first asking; 404 unless they completed it."""
    policy.require("certificate.open")
    course = or_404(service.find_course(course_slug))
    if not policy.can("certificate.view", service.enrolment(current_user, course)):
        abort(404)
    return service.issue(current_user, course)


def _hours(half_hours):
    """The learning time in words: "About half an hour", "About 6 hours", "About 1.5 hours"."""
    if half_hours <= 1:
        return _("About half an hour")
    if half_hours % 2 == 0:
        return ngettext("About %(num)s hour", "About %(num)s hours", half_hours // 2)
    return _("About %(hours)s hours", hours=format_decimal(half_hours / 2))


def _render_own(certificate, name_form=None, status=200):
    locale = str(get_locale())
    cohort, facilitators = service.cohort_of(current_user, certificate.course)
    name_form = name_form or PrintedNameForm(formdata=None, printed_name=certificate.printed_name)
    return render_template(
        "certificates/show.html", certificate=certificate, course=certificate.course,
        completed_at=service.completed_at(certificate),
        hours=_hours(service.estimated_half_hours(certificate.course, locale)), cohort=cohort,
        facilitators=[person.display_name for person in facilitators], name_form=name_form,
        visibility_form=VisibilityForm(formdata=None, public=certificate.public)), status


@bp.get("/courses/<course_slug>/certificate")
def show(course_slug):
    certificate = _own_certificate(course_slug)
    db.session.commit()  # issued on first opening
    return _render_own(certificate)


@bp.post("/courses/<course_slug>/certificate/name")
def rename(course_slug):
    certificate = _own_certificate(course_slug)
    policy.require("certificate.edit", certificate)
    form = PrintedNameForm()
    if not form.validate_on_submit():
        db.session.commit()
        return _render_own(certificate, name_form=form, status=400)
    service.rename(current_user, certificate, form.printed_name.data)
    db.session.commit()
    flash(_("The name on your certificate is saved."), "success")
    return redirect(url_for("certificates.show", course_slug=course_slug))


@bp.post("/courses/<course_slug>/certificate/visibility")
def visibility(course_slug):
    certificate = _own_certificate(course_slug)
    policy.require("certificate.edit", certificate)
    form = VisibilityForm()
    if not form.validate_on_submit():
        abort(400)
    service.set_public(current_user, certificate, form.public.data)
    db.session.commit()
    if certificate.public:
        flash(_("Your certificate is public: anyone with its code can confirm it."), "success")
    else:
        flash(_("Your certificate is private: its code confirms nothing."), "success")
    return redirect(url_for("certificates.show", course_slug=course_slug))


@bp.get("/verify/<code>")
def verify(code):
    certificate = service.verified(code, current_user)
    if certificate is None:
        abort(404)  # unknown, private, revoked or no longer completed: one answer for all
    response = render_template("certificates/verify.html", certificate=certificate,
                               completed_at=service.completed_at(certificate))
    return response, 200, {"X-Robots-Tag": "noindex, nofollow"}


@bp.get("/certificates/<code>/manage")
def manage(code):
    policy.require("certificate.manage")
    certificate = or_404(service.find_by_code(code))
    return _render_manage(certificate, RevokeForm(formdata=None))


def _render_manage(certificate, form, status=200):
    return render_template("certificates/manage.html", certificate=certificate, form=form,
                           completed_at=service.completed_at(certificate)), status


@bp.post("/certificates/<int:certificate_id>/revoke")
def revoke(certificate_id):
    policy.require("certificate.manage")
    certificate = or_404(service.find_by_id(certificate_id))
    policy.require("certificate.revoke", certificate)
    form = RevokeForm()
    if not form.validate_on_submit():
        return _render_manage(certificate, form, status=400)
    service.revoke(current_user, certificate, form.reason.data)
    db.session.commit()
    flash(_("The certificate is revoked."), "success")
    return redirect(url_for("certificates.manage", code=certificate.code))
