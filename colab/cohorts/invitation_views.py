"""Inviting people to a cohort, one address or a CSV list, and accepting an invitation."""
from contextlib import nullcontext

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_user

from .. import mail_tasks, policy
from ..accounts import service as accounts
from ..extensions import db, limiter, rate_limit_key
from ..i18n import LANGUAGES, LOCALE_COOKIE, is_language, is_timezone, set_locale_cookie
from ..urls import or_404, page_arg
from . import invitations, service
from .invitation_forms import AcceptForm, InviteForm, ListForm, UploadForm
from .invitations import CsvProblem, InvitationError

bp = Blueprint("invitations", __name__)


# --- rate limits -------------------------------------------------------------------------------------------

def _mail_sent():
    """Sending counts against its limit when a mail was queued, not when the form had a mistake."""
    return g.get("invitations_sent", False)


# Inviting one address, sending a list and resending share one count per account.
send_limit = limiter.shared_limit(lambda: current_app.config["INVITATION_SEND_RATE_LIMIT"], scope="invitation-send",
                                  key_func=rate_limit_key, methods=["POST"], deduct_when=lambda response: _mail_sent())
accept_limit = limiter.limit(lambda: current_app.config["INVITATION_ACCEPT_RATE_LIMIT"], methods=["POST"],
                             key_func=rate_limit_key)


# --- words ---------------------------------------------------------------------------------------------------

def row_labels():
    """How each CSV row status reads on the preview and in the problem rows' download."""
    return {invitations.READY: _("Ready"),
            invitations.INVALID_EMAIL: _("Invalid address"),
            invitations.DUPLICATE: _("Duplicate in the file"),
            invitations.IN_COHORT: _("Already in the cohort"),
            invitations.INVITED: _("Already invited"),
            invitations.UNKNOWN_LANGUAGE: _("Unknown language"),
            invitations.NAME_TOO_LONG: _("Display name longer than 60 characters")}


def status_labels():
    return {"pending": _("Pending"), "expired": _("Expired"), "accepted": _("Accepted"), "revoked": _("Revoked")}


def _csv_message(problem):
    """What is wrong with the file as a whole, and that nothing happened."""
    messages = {
        "empty": lambda: _("The file is empty: it needs a first line naming the columns, then one row per person."),
        "encoding": lambda: _("The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8” and upload "
                              "it again."),
        "header": lambda: _("The first line must name the columns: email, and if you like display_name and "
                            "language. This file's first line is: “%(found)s”.", found=problem.details.get("found")),
        "unreadable": lambda: _("The file cannot be read as CSV (near line %(line)s).",
                                line=problem.details.get("line")),
        "too_many": lambda: _("The file has more than %(max)s rows. Split it into smaller files.",
                              max=problem.details.get("max")),
    }
    return messages[problem.reason]() + " " + _("Nothing was sent or stored.")


# --- mail ----------------------------------------------------------------------------------------------------

def _queue_mail(invitations_made):
    """Queue each invitation's mail in the transaction that stores it; it leaves once that commits (made and
    written in the invitee's language by colab.mail_tasks, tried again while the mail server fails)."""
    for invitation in invitations_made:
        mail_tasks.queue_invitation(invitation)
    if invitations_made:
        g.invitations_sent = True


# --- managing a cohort's invitations (policy "cohort.manage") ---------------------------------------------

def _cohort_or_404(cohort_id, rule="cohort.manage"):
    """The cohort, if the reader may do rule to it (cohort.invite: send; refused in an archived community)."""
    cohort = or_404(service.find_cohort(cohort_id))
    policy.require("cohort.manage", cohort)
    policy.require(rule, cohort)
    return cohort


def _invite_form(cohort, formdata=None):
    form = InviteForm(formdata=formdata)
    if formdata is None:
        form.language.data = invitations.default_language(cohort)
    return form


def _index_page(cohort, invite_form=None, upload_form=None, status=200):
    page = invitations.invitations_page(cohort, page_arg(), current_app.config["PER_PAGE"])
    return render_template(
        "invitations/index.html", cohort=cohort, page=page, inviters=invitations.inviter_names(page.items),
        status_of=invitations.status_of, status_labels=status_labels(),
        invite_form=invite_form or _invite_form(cohort), upload_form=upload_form or UploadForm(formdata=None),
        days=current_app.config["INVITATION_DAYS"], max_rows=current_app.config["INVITATION_MAX_ROWS"]), status


@bp.route("/cohorts/<int:cohort_id>/invitations", methods=["GET", "POST"])
@send_limit
def index(cohort_id):
    """The cohort's invitations, with the forms to invite; a POST invites one address."""
    cohort = _cohort_or_404(cohort_id, "cohort.manage" if request.method == "GET" else "cohort.invite")
    if request.method == "GET":
        return _index_page(cohort)
    form = _invite_form(cohort, request.form)
    if form.validate_on_submit():
        try:
            invitation, _token = invitations.invite(cohort, form.email.data, form.display_name.data,
                                                    form.language.data, current_user)
        except InvitationError as error:
            form.email.errors.append({
                invitations.INVALID_EMAIL: _("Enter a valid email address."),
                invitations.IN_COHORT: _("A person with this address already learns in this cohort."),
                invitations.INVITED: _("This address already has an open invitation. Use Resend in the list "
                                       "below to send it again."),
            }[error.reason])
        else:
            _queue_mail([invitation])
            db.session.commit()
            flash(_("The invitation to %(email)s is sent.", email=invitation.email), "success")
            return redirect(url_for(".index", cohort_id=cohort.id))
    return _index_page(cohort, invite_form=form, status=400)


@bp.post("/cohorts/<int:cohort_id>/invitations/upload")
def upload(cohort_id):
    """The dry run: every row of the file classified. Nothing is sent or stored."""
    cohort = _cohort_or_404(cohort_id, "cohort.invite")
    form = UploadForm()
    if form.validate_on_submit():
        try:
            text = invitations.decode(form.file.data.read())
            preview = invitations.check(cohort, text)
        except CsvProblem as problem:
            form.file.errors.append(_csv_message(problem))
        else:
            return render_template("invitations/preview.html", cohort=cohort, preview=preview, text=text,
                                   labels=row_labels(), filename=form.file.data.filename or "")
    return _index_page(cohort, upload_form=form, status=400)


def _checked_text():
    form = ListForm()
    if not form.validate_on_submit():
        abort(400)
    return form.csv_text.data


@bp.post("/cohorts/<int:cohort_id>/invitations/send")
@send_limit
def send_list(cohort_id):
    """Check the carried file again and invite its ready rows only."""
    cohort = _cohort_or_404(cohort_id, "cohort.invite")
    text = _checked_text()
    try:
        preview, made = invitations.send_list(cohort, text, current_user)
    except CsvProblem as problem:
        flash(_csv_message(problem), "error")
        return redirect(url_for(".index", cohort_id=cohort.id))
    _queue_mail([invitation for invitation, _token in made])
    db.session.commit()
    flash(ngettext("%(num)s invitation is sent.", "%(num)s invitations are sent.", len(made)), "success")
    if preview.problems:
        flash(ngettext("%(num)s row of the file was not sent.", "%(num)s rows of the file were not sent.",
                       len(preview.problems)), "info")
    return redirect(url_for(".index", cohort_id=cohort.id))


@bp.post("/cohorts/<int:cohort_id>/invitations/problems.csv")
def problem_rows(cohort_id):
    """The rows that are not ready, as written, plus a status column; safe to open in a spreadsheet."""
    cohort = _cohort_or_404(cohort_id)
    try:
        preview = invitations.check(cohort, _checked_text())
    except CsvProblem as problem:
        flash(_csv_message(problem), "error")
        return redirect(url_for(".index", cohort_id=cohort.id))
    body = "\ufeff" + invitations.problem_rows_csv(preview, row_labels())  # the mark: spreadsheets then read UTF-8
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="invitations-problem-rows.csv"', "Cache-Control": "no-store"})


def _invitation_or_404(cohort_id, invitation_id):
    cohort = _cohort_or_404(cohort_id)
    return cohort, or_404(invitations.find_invitation(cohort, invitation_id))


def _cannot(error, invitation):
    """Back to the list, saying why the invitation cannot be resent or revoked (a second click, another tab)."""
    flash({"accepted": lambda: _("This invitation was already accepted."),
           "revoked": lambda: _("This invitation was already revoked."),
           invitations.IN_COHORT: lambda: _("This person already learns in this cohort."),
           invitations.INVITED: lambda: _("A newer invitation to this address is still open."),
           }[error.reason](), "info")
    return redirect(url_for(".index", cohort_id=invitation.cohort_id))


@bp.post("/cohorts/<int:cohort_id>/invitations/<int:invitation_id>/resend")
@send_limit
def resend(cohort_id, invitation_id):
    """A new link with a new expiry; the old link stops working at once."""
    cohort, invitation = _invitation_or_404(cohort_id, invitation_id)
    policy.require("cohort.invite", cohort)
    try:
        invitations.resend(invitation, current_user)  # the earlier link stops working now; the mail brings a new one
    except InvitationError as error:
        return _cannot(error, invitation)
    _queue_mail([invitation])
    db.session.commit()
    flash(_("A new invitation is sent to %(email)s. The earlier link no longer works.", email=invitation.email),
          "success")
    return redirect(url_for(".index", cohort_id=cohort.id, page=request.args.get("page")))


@bp.post("/cohorts/<int:cohort_id>/invitations/<int:invitation_id>/revoke")
def revoke(cohort_id, invitation_id):
    cohort, invitation = _invitation_or_404(cohort_id, invitation_id)
    try:
        invitations.revoke(invitation, current_user)
    except InvitationError as error:
        return _cannot(error, invitation)
    db.session.commit()
    flash(_("The invitation to %(email)s is revoked: its link no longer works.", email=invitation.email), "success")
    return redirect(url_for(".index", cohort_id=cohort.id, page=request.args.get("page")))


# --- accepting: the link in the mail -----------------------------------------------------------------------

def _in_language_of(invitation):
    """The page is in the invitation's language unless the reader chose one (signed in, or the switcher)."""
    chose = current_user.is_authenticated or is_language(request.cookies.get(LOCALE_COOKIE))
    if invitation is None or chose or not is_language(invitation.locale):
        return nullcontext()
    return force_locale(invitation.locale)


def _no_store(response, status=200):
    """The link's pages carry its token: no shared device keeps a copy."""
    response = current_app.make_response((response, status))
    response.headers["Cache-Control"] = "no-store"
    return response


def _dead_link(invitation):
    """One page for every link that cannot be used, naming no cohort: 404 unknown, 410 used, revoked or expired."""
    return _no_store(render_template("invitations/dead_link.html"), 404 if invitation is None else 410)


def _course_url(cohort):
    return url_for("courses.overview", course_slug=cohort.course.slug)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@accept_limit
def accept(token):
    """Signed in: a button to join. An account has the address: sign in first. Else: create the account here."""
    invitation = invitations.find_by_token(token)
    with _in_language_of(invitation):
        if not invitations.usable(invitation):
            return _dead_link(invitation)
        if current_user.is_authenticated:
            return _join(invitation)
        if invitations.account_for(invitation) is not None:
            sign_in = url_for("accounts.sign_in", next=url_for(".accept", token=token))
            return _no_store(render_template("invitations/accept.html", invitation=invitation, mode="sign_in",
                                             sign_in_url=sign_in), 200 if request.method == "GET" else 400)
        return _sign_up(invitation)


def _join(invitation):
    cohort = invitation.cohort
    if request.method == "GET":
        return _no_store(render_template("invitations/accept.html", invitation=invitation, mode="join",
                                         already=service.is_learner(current_user, cohort)))
    try:
        invitations.accept(invitation, current_user)
    except InvitationError:
        db.session.rollback()
        return _dead_link(invitation)
    db.session.commit()
    flash(_("You joined %(cohort)s.", cohort=cohort.name), "success")
    return redirect(_course_url(cohort))


def _sign_up(invitation):
    """A new account for the invitation's address (the link confirms it), signed in and enrolled."""
    cohort = invitation.cohort
    form = AcceptForm(invitation.email)
    if request.method == "GET":
        form.display_name.data = invitation.display_name
        form.locale.data = str(get_locale()) if str(get_locale()) in LANGUAGES else invitation.locale
        form.timezone.data = cohort.timezone if is_timezone(cohort.timezone) else "UTC"
    elif form.validate_on_submit():
        try:
            user = invitations.sign_up_and_accept(invitation, form.display_name.data, form.password.data,
                                                  form.locale.data, form.timezone.data)
        except accounts.NameTaken:
            db.session.rollback()
            form.display_name.errors.append(_("That display name is taken. Try another."))
        except accounts.EmailTaken:  # an account was made for the address meanwhile: sign in with it
            db.session.rollback()
            return redirect(url_for(".accept", token=request.view_args["token"]))
        except InvitationError:
            db.session.rollback()
            return _dead_link(invitation)
        else:
            accounts.start_session(user, request.user_agent.string)
            db.session.commit()
            login_user(user)
            with force_locale(user.locale):  # the language the person just chose
                flash(_("Welcome to Co-Lab, %(name)s. You joined %(cohort)s.", name=user.display_name,
                        cohort=cohort.name), "success")
            return set_locale_cookie(redirect(_course_url(cohort)), user.locale)
    return _no_store(render_template("invitations/accept.html", invitation=invitation, mode="sign_up", form=form),
                     200 if request.method == "GET" else 400)
