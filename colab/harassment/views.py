"""Confidential harassment reports: file, follow, add to; handle for focal points and admins."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import policy
from ..accounts import service as accounts
from ..extensions import db
from ..urls import int_arg, page_arg
from ..communities.models import Post
from . import service as harassment
from .forms import AddInformationForm, HandleReportForm, HarassmentForm, NoteForm, status_choices
from .models import HarassmentReport

bp = Blueprint("harassment", __name__, url_prefix="/reports")


@bp.before_request
@login_required
def signed_in_only():
    """Only signed-in people file or read reports."""


def _visible_post(post_id):
    post = db.session.get(Post, post_id) if post_id else None
    if post is not None and not policy.can("community.view", post.thread.community):
        return None
    return post


@bp.route("/harassment/new", methods=["GET", "POST"])
def new():
    policy.require("harassment.create")
    post = _visible_post(int_arg("post"))
    form = HarassmentForm()
    form.region.choices = [(region.id, region.name) for region in accounts.regions()]
    if request.method == "GET":
        form.region.data = (post.thread.community.region_id if post and post.thread.community.region_id
                            else current_user.region_id)
        form.place.data = "post" if post else form.place.data
        form.person.data = request.args.get("person") or (post.author.display_name if post and post.author else "")
    if form.validate_on_submit():
        reported = _reported_person(form.person.data, post)
        report = harassment.create(current_user, form.region.data, form.place.data, form.description.data,
                                   reported_user_id=reported.id if reported else None, post=post)
        db.session.commit()
        flash(_("Your report has been received. Only the people handling it can read it; "
                "you will be told when its status changes."), "success")
        return redirect(url_for(".show", report_id=report.id))
    return render_template("harassment/new.html", form=form, post=post)


def _reported_person(name, post):
    """The account a report is about: the post's author when the name is theirs, else a unique display name."""
    if not name:
        return None
    if post is not None and post.author and post.author.display_name.lower() == name.strip().lower():
        return post.author
    return accounts.find_by_display_name(name)


@bp.get("/")
def index():
    inbox = None
    if policy.can("harassment.inbox"):
        inbox = harassment.inbox(current_user, policy.focal_regions(current_user),
                                 page_arg(), current_app.config["PER_PAGE"])
    return render_template("harassment/index.html", mine=harassment.reports_for_reporter(current_user),
                           inbox=inbox, status_labels=dict(status_choices()))


def report_or_404(report_id):
    report = db.session.get(HarassmentReport, report_id)
    if report is None or not policy.can("harassment.read", report):
        abort(404)
    return report


@bp.get("/<int:report_id>")
def show(report_id, forms=None):
    report = report_or_404(report_id)
    handles = policy.can("harassment.handle", report)
    forms = forms or {}
    return render_template(
        "harassment/show.html", report=report, handles=handles, status_labels=dict(status_choices()),
        entries=harassment.entries(report, include_notes=handles),
        info_form=forms.get("info") or AddInformationForm(),
        status_form=forms.get("status") or HandleReportForm(status=report.status, outcome=report.outcome),
        note_form=forms.get("note") or NoteForm())


def _handle_form(report_id, form_key, form_class, act, allowed, message=None):
    """Validate one of the report page's forms, act on it, or show the page again with the errors."""
    report = report_or_404(report_id)
    if not allowed(report):
        abort(403)
    form = form_class()
    if form.validate_on_submit():
        act(report, form)
        db.session.commit()
        if message:
            flash(message(), "success")
        return redirect(url_for(".show", report_id=report_id))
    return show(report_id, forms={form_key: form}), 400


@bp.post("/<int:report_id>/information")
def add_information(report_id):
    return _handle_form(
        report_id, "info", AddInformationForm,
        lambda report, form: harassment.add_information(current_user, report, form.body.data),
        allowed=lambda report: report.reporter_id == current_user.id,
        message=lambda: _("Your information has been added to the report."))


@bp.post("/<int:report_id>/status")
def update_status(report_id):
    return _handle_form(
        report_id, "status", HandleReportForm,
        lambda report, form: harassment.update_status(report, form.status.data, form.outcome.data or ""),
        allowed=lambda report: policy.can("harassment.handle", report),
        message=lambda: _("The report is updated and the reporter has been told."))


@bp.post("/<int:report_id>/notes")
def add_note(report_id):
    return _handle_form(
        report_id, "note", NoteForm, lambda report, form: harassment.add_note(current_user, report, form.body.data),
        allowed=lambda report: policy.can("harassment.handle", report))
