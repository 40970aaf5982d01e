"""Confidential harassment reports: file, follow, add to; handle for focal points and admins."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import policy
from ..accounts import service as accounts
from ..communities.models import Post
from ..directory import service as directory
from ..extensions import db, limiter
from ..urls import int_arg, page_arg, parse_int
from . import service as harassment
from .forms import (
    AddInformationForm,
    HandleReportForm,
    HarassmentForm,
    NoteForm,
    place_choices,
    reported_labels,
    status_choices,
)
from .models import HarassmentReport, ReportedPerson

bp = Blueprint("harassment", __name__, url_prefix="/reports")


@bp.before_request
@login_required
def signed_in_only():
    """Only signed-in people file or read reports."""


def harassment_limit():
    return current_app.config["HARASSMENT_RATE_LIMIT"]


def _searching():
    return request.method == "POST" and request.form.get("action") == "search"


def _filed(response):
    """Only a report filed or information added counts towards HARASSMENT_RATE_LIMIT (not a search, not an error)."""
    return response.status_code == 302


def _readable_post(post_id):
    """The post a report starts from, if the reporter may read it (policy "post.read"); else none is attached."""
    post = db.session.get(Post, post_id) if post_id else None
    return post if post is not None and policy.can("post.read", post) else None


@bp.route("/harassment/new", methods=["GET", "POST"])
@limiter.limit(harassment_limit, methods=["POST"], deduct_when=_filed)
@limiter.limit(lambda: current_app.config["WRITE_RATE_LIMIT"], methods=["POST"],
               exempt_when=lambda: not _searching())
def new():
    """One form that works without JavaScript: "Search" lists people (sent by POST, so no name reaches a URL or
    a log) and shows the form again with everything typed; "Send" files the report."""
    policy.require("harassment.create")
    post = _readable_post(int_arg("post"))
    # From the directory (?profile= or ?message=): the person, by the name the reporter knows them by there.
    about = None if post else directory.report_subject(current_user, int_arg("profile"), int_arg("message"))
    regions = accounts.regions()
    form = HarassmentForm()
    form.region.choices = [(region.id, region.name) for region in regions]
    if request.method == "GET":
        _fill_defaults(form, post, regions, about)
    chosen = harassment.nameable_person(current_user, parse_int(form.person.data or ""), post, about)
    found, more = harassment.find_people(current_user, form.search.data) if _searching() else ([], False)
    form.person.choices = [(str(person.id), about.name if about and person.id == about.user.id else person.display_name)
                           for person in harassment.people_offered(current_user, post, chosen, found)]
    form.person.choices += [(kind.value, label) for kind, label in reported_labels().items()]
    region = next((region for region in regions if region.id == form.region.data), None)
    readers = harassment.readers_sentence(current_user, region, chosen)
    readers_key = harassment.readers_key(current_user, region, chosen)
    sent = request.method == "POST" and not _searching()
    if sent and form.validate() and form.readers_for.data == readers_key:
        report = harassment.create(
            current_user, region.id, form.place.data, form.description.data, post=post,
            reported_user_id=chosen.id if chosen else None,
            reported_kind=ReportedPerson.MEMBER if chosen else ReportedPerson(form.person.data),
            reported_description=form.person_description.data)
        db.session.commit()
        flash(_("Your report has been received. Only the people handling it can read it; "
                "you will be told when its status changes."), "success")
        return redirect(url_for(".show", report_id=report.id))
    readers_changed = sent and not form.errors and form.readers_for.data != readers_key
    form.readers_for.data = readers_key
    return render_template("harassment/new.html", form=form, post=post, readers=readers, found=found, more=more,
                           searched=_searching(), readers_changed=readers_changed,
                           min_length=harassment.SEARCH_MIN_LENGTH), 400 if sent else 200


def _fill_defaults(form, post, regions, about=None):
    """A new form: the region of the post's community (else the reporter's, else the first); from a post, the
    place "post" and its author chosen; from the directory, the place ("profile" or "message") and the person."""
    if post is not None and post.thread.community.region_id:
        form.region.data = post.thread.community.region_id
    else:
        form.region.data = current_user.region_id or (regions[0].id if regions else None)
    if post is not None:
        form.place.data = "post"
        if post.author_id and post.author_id != current_user.id:
            form.person.data = str(post.author_id)
    elif about is not None:
        form.place.data, form.person.data = about.place, str(about.user.id)


@bp.get("/")
def index():
    inbox = None
    if policy.can("harassment.inbox"):
        inbox = harassment.inbox(current_user, page_arg(), current_app.config["PER_PAGE"])
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
        "harassment/show.html", report=report, handles=handles,
        status_labels=dict(status_choices()),
        place_labels=dict(place_choices()), reported_labels=reported_labels(),
        entries=harassment.entries(report, include_notes=handles),
        info_form=forms.get("info") or AddInformationForm(),
        status_form=forms.get("status") or HandleReportForm(status=report.status, outcome=report.outcome),
        note_form=forms.get("note") or NoteForm())


def _handle_form(report_id, form_key, form_class, act, action, message=None):
    """Validate one of the report page's forms, act on it, or show the page again with the errors."""
    report = report_or_404(report_id)
    policy.require(action, report)
    form = form_class()
    if form.validate_on_submit():
        act(report, form)
        db.session.commit()
        if message:
            flash(message(), "success")
        return redirect(url_for(".show", report_id=report_id))
    return show(report_id, forms={form_key: form}), 400


@bp.post("/<int:report_id>/information")
@limiter.limit(harassment_limit, deduct_when=_filed)
def add_information(report_id):
    return _handle_form(
        report_id, "info", AddInformationForm,
        lambda report, form: harassment.add_information(current_user, report, form.body.data),
        "harassment.add_information", message=lambda: _("Your information has been added to the report."))


@bp.post("/<int:report_id>/status")
def update_status(report_id):
    return _handle_form(
        report_id, "status", HandleReportForm,
        lambda report, form: harassment.update_status(report, form.status.data, form.outcome.data or ""),
        "harassment.handle", message=lambda: _("The report is updated and the reporter has been told."))


@bp.post("/<int:report_id>/notes")
def add_note(report_id):
    return _handle_form(
        report_id, "note", NoteForm, lambda report, form: harassment.add_note(current_user, report, form.body.data),
        "harassment.handle")
