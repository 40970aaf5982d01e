"""Sign-up, sign-in and devices, password reset, profile, email changes, data export and account deletion."""
import json

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from .. import low_data, mail_tasks, personal_data
from ..extensions import db, limiter, rate_limit_key
from ..i18n import set_locale_cookie
from ..urls import safe_next
from . import service
from .forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    ConfirmSignUpForm,
    DeleteAccountForm,
    ExportForm,
    ForgotPasswordForm,
    ProfileForm,
    ResetPasswordForm,
    SignInForm,
    SignUpForm,
)

bp = Blueprint("accounts", __name__)


def _with_regions(form):
    form.region.choices = [("", _("None"))] + [(str(r.id), r.name) for r in service.regions()]
    return form


# --- rate limits: each read from the app's settings -------------------------------------------------

def _setting(name):
    return lambda: current_app.config[name]


def sign_in_limit():
    return current_app.config["SIGN_IN_RATE_LIMIT"]


def _mail_sent():
    """Sign-ups count against their limits when they queue mail, not when the form had a mistake."""
    return g.get("account_mail_sent", False)


def _sign_up_address_key():
    return "sign-up:" + service.normalise_email(request.form.get("email"))


# Every form that checks the current password shares one count, so a stolen session cannot guess it.
password_check_limit = limiter.shared_limit(_setting("PASSWORD_CHECK_RATE_LIMIT"), scope="account-password",
                                            key_func=rate_limit_key, methods=["POST"])
account_limit = limiter.shared_limit(_setting("ACCOUNT_RATE_LIMIT"), scope="account-changes",
                                     key_func=rate_limit_key, methods=["POST"])


# --- mail -----------------------------------------------------------------------------------------------

def _queue_account_mail(kind, **about):
    """Queue an account mail in the transaction of the change it is about; it leaves once that commits, written
    in the recipient's language, its link made then (colab.mail_tasks)."""
    mail_tasks.queue_account_mail(kind, **about)
    g.account_mail_sent = True


def _name_taken(form):
    form.display_name.errors.append(_("That display name is taken. Try another."))


def _link_problem(message, status=400):
    return render_template("accounts/link_problem.html", message=message), status


# --- sign-up --------------------------------------------------------------------------------------------

@bp.route("/sign-up", methods=["GET", "POST"])
@limiter.limit(_setting("SIGN_UP_RATE_LIMIT"), methods=["POST"], deduct_when=lambda response: _mail_sent())
@limiter.limit(_setting("SIGN_UP_EMAIL_RATE_LIMIT"), key_func=_sign_up_address_key, methods=["POST"],
               deduct_when=lambda response: _mail_sent())
def sign_up():
    """Ask for the details, then answer "check your inbox" whether or not the address has an account."""
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = _with_regions(SignUpForm())
    if request.method == "GET":
        form.locale.data = str(get_locale())
    if form.validate_on_submit():
        try:
            found = service.request_sign_up(form.email.data, form.display_name.data, form.password.data,
                                            form.locale.data, form.timezone.data, form.region.data)
        except service.NameTaken:
            _name_taken(form)
        else:
            if found.existing is not None:
                _queue_account_mail("sign_up_existing", user=found.existing)
            else:
                _queue_account_mail("sign_up_confirm", pending=found.pending,
                                    next_path=safe_next(request.args.get("next")))
            db.session.commit()
            return render_template("accounts/check_inbox.html",
                                   hours=service.link_hours("SIGN_UP_CONFIRM_MAX_AGE"))
    return render_template("accounts/sign_up.html", form=form)


@bp.route("/sign-up/confirm/<token>", methods=["GET", "POST"])
@limiter.limit(sign_in_limit, methods=["POST"])
def confirm_sign_up(token):
    """The link from the confirmation mail: create the account (a button, so link scanners create nothing)."""
    try:
        pending = service.pending_sign_up(token)
    except service.LinkExpired:
        return _link_problem(_("This link has expired. Sign up again to get a new one."))
    except service.LinkInvalid:
        return _link_problem(_("This link has already been used or is not valid. Sign in, or sign up again."))
    form = ConfirmSignUpForm()
    if request.method == "GET":
        form.display_name.data = pending.display_name
    if form.validate_on_submit():
        try:
            user = service.confirm_sign_up(pending, form.display_name.data)
        except service.NameTaken:
            _name_taken(form)
        except service.EmailTaken:
            db.session.commit()
            return _link_problem(_("This address already has an account. Sign in, or reset your password."))
        else:
            if current_user.is_authenticated:  # someone else was signed in on this browser
                service.end_session(current_user.session_token)
            service.start_session(user, request.user_agent.string)
            db.session.commit()
            login_user(user)
            flash(_("Welcome to Co-Lab, %(name)s.", name=user.display_name), "success")
            response = redirect(safe_next(request.args.get("next")) or url_for("courses.catalogue"))
            return set_locale_cookie(response, user.locale)
    return render_template("accounts/confirm_sign_up.html", form=form)


# --- signing in and out ---------------------------------------------------------------------------

@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(sign_in_limit, methods=["POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = SignInForm()
    if form.validate_on_submit():
        user = service.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("The email or password is not right."))
        elif user.suspended:  # told only after the right password, so strangers learn nothing of the account
            with force_locale(user.locale or "en"):
                suspension = {"locale": user.locale, "message": _("This account is suspended."),
                              "reason_label": _("Reason given by the secretariat:"), "reason": user.suspension_reason}
            return render_template("accounts/sign_in.html", form=form, suspension=suspension), 403
        else:
            service.start_session(user, request.user_agent.string, remember=form.remember.data)
            db.session.commit()
            login_user(user, remember=form.remember.data)
            response = redirect(safe_next(request.args.get("next")) or url_for("site.home"))
            return set_locale_cookie(response, user.locale)
    return render_template("accounts/sign_in.html", form=form)


@bp.post("/sign-out")
def sign_out():
    """End this device's session: its cookies, even copied, sign in no more."""
    if current_user.is_authenticated:
        service.end_session(current_user.session_token)
        db.session.commit()
    logout_user()
    flash(_("You are signed out."), "info")
    return _forgetting_this_device(redirect(url_for("site.home")))


# What a shared device keeps of Co-Lab once the person leaves: nothing the browser cached or stored for the site (the
# session cookie is reset by signing out). Browsers honour it over HTTPS and on localhost.
FORGET_THIS_DEVICE = '"cache", "storage"'


def _forgetting_this_device(response):
    response.headers["Clear-Site-Data"] = FORGET_THIS_DEVICE
    return response


@bp.post("/device/forget")
def forget_device():
    """Remove everything Co-Lab's pages left in this browser (cached pages, saved lessons, stored data), signed in
    or not; the sign-in stays."""
    flash(_("Everything Co-Lab saved on this device is removed."), "success")
    return _forgetting_this_device(redirect(url_for("site.home")))


# --- password reset -------------------------------------------------------------------------------

@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(sign_in_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = service.find_by_email(form.email.data)
        if user is not None:  # the link is signed when the mail leaves: no job holds it
            _queue_account_mail("reset", user=user)
            db.session.commit()
        # The same answer whether or not the address has an account.
        flash(_("If an account uses that address, we have sent it a link to choose a new password."), "info")
        return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(sign_in_limit, methods=["POST"])
def reset_password(token):
    try:
        user = service.user_for_reset_token(token)
    except service.LinkExpired:
        return _bad_reset_link(_("This link has expired. Ask for a new one below."))
    except service.LinkInvalid:
        return _bad_reset_link(_("This link has already been used or is not valid. Ask for a new one below."))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        service.reset_password(user, form.password.data)  # every device is signed out
        db.session.commit()
        logout_user()
        flash(_("Your password is changed and every device is signed out. Sign in with the new password."),
              "success")
        return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/reset_password.html", form=form)


def _bad_reset_link(message):
    flash(message, "error")
    return render_template("accounts/forgot_password.html", form=ForgotPasswordForm()), 400


# --- the account page -----------------------------------------------------------------------------

def _profile_page(status=200, form=None, email_form=None, password_form=None):
    """The account page; the form that was sent keeps what was typed, the others start afresh."""
    if form is None:
        form = _with_regions(ProfileForm(formdata=None, obj=current_user))
        form.region.data = current_user.region_id
        form.second_language.data = current_user.second_language or ""
        form.low_data.data = low_data.is_on()
    return render_template(
        "accounts/profile.html", form=form, email_form=email_form or ChangeEmailForm(formdata=None),
        password_form=password_form or ChangePasswordForm(formdata=None),
        devices=service.sessions_for(current_user), this_device=current_user.current_session), status


@bp.route("/account", methods=["GET", "POST"])
@login_required
@account_limit
def profile():
    if request.method == "GET":
        return _profile_page()
    form = _with_regions(ProfileForm(digest=current_user.digest.value,  # a form without the field keeps it
                                     second_language=current_user.second_language or ""))
    if form.validate_on_submit():
        try:
            service.update_profile(current_user, form.display_name.data, form.locale.data, form.timezone.data,
                                   form.region.data, form.discreet.data, form.digest.data, form.second_language.data,
                                   form.low_data.data)
        except service.NameTaken:
            _name_taken(form)
        else:
            db.session.commit()
            flash(_("Your profile is saved."), "success")
            response = set_locale_cookie(redirect(url_for("accounts.profile")), current_user.locale)
            return low_data.remember(response, current_user.low_data)
    return _profile_page(form=form)


@bp.post("/account/email")
@login_required
@password_check_limit
@limiter.limit(_setting("EMAIL_CHANGE_RATE_LIMIT"), key_func=rate_limit_key)
def change_email():
    """After the password, mail a link to the new address; the page says the same whether it is free or not."""
    form = ChangeEmailForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.password.data):
            form.password.errors.append(_("That is not your current password."))
        else:
            try:
                owner = service.request_email_change(current_user, form.email.data)
            except service.SameEmail:
                form.email.errors.append(_("This is already your email address."))
            else:
                new_email = service.normalise_email(form.email.data)
                if owner is not None:
                    _queue_account_mail("email_taken", user=owner)
                else:
                    _queue_account_mail("email_confirm", user=current_user, address=new_email)
                db.session.commit()
                flash(_("We have sent a message to %(email)s. Your email address changes when you open "
                        "the link in it.", email=new_email), "info")
                return redirect(url_for("accounts.profile"))
    return _profile_page(400, email_form=form)


@bp.route("/account/email/confirm/<token>", methods=["GET", "POST"])
@limiter.limit(sign_in_limit, methods=["POST"])
def confirm_email(token):
    """The link sent to a new address: a button that makes it the account's email."""
    try:
        user, new_email = service.email_change_for_token(token)
    except service.LinkExpired:
        return _link_problem(_("This link has expired. Ask for a new one on your account page."))
    except service.LinkInvalid:
        return _link_problem(_("This link has already been used or is not valid."))
    if request.method == "POST":
        old_email = user.email
        try:
            service.confirm_email_change(user, new_email)
        except service.EmailTaken:
            return _link_problem(_("This address is now used by another account. Choose another one."))
        _queue_account_mail("email_changed", user=user, address=old_email)
        db.session.commit()
        flash(_("Your email address is changed."), "success")
        signed_in_here = current_user.is_authenticated and current_user.id == user.id
        return redirect(url_for("accounts.profile" if signed_in_here else "accounts.sign_in"))
    return render_template("accounts/confirm_email.html", new_email=new_email)


@bp.post("/account/password")
@login_required
@password_check_limit
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if current_user.check_password(form.current.data):
            service.change_password(current_user, form.password.data, keep_token=current_user.session_token)
            db.session.commit()
            flash(_("Your password is changed. Any other devices are signed out."), "success")
            return redirect(url_for("accounts.profile"))
        form.current.errors.append(_("That is not your current password."))
    return _profile_page(400, password_form=form)


@bp.post("/account/devices/<int:session_id>/sign-out")
@login_required
@account_limit
def sign_out_device(session_id):
    if session_id == current_user.current_session.id:
        return sign_out()
    if not service.end_device(current_user, session_id):
        abort(404)
    db.session.commit()
    flash(_("That device is signed out."), "success")
    return redirect(url_for("accounts.profile") + "#devices")


@bp.post("/account/devices/sign-out-others")
@login_required
@account_limit
def sign_out_other_devices():
    ended = service.end_all_sessions(current_user, except_token=current_user.session_token)
    db.session.commit()
    flash(ngettext("%(num)s other device is signed out.", "%(num)s other devices are signed out.", ended),
          "success")
    return redirect(url_for("accounts.profile") + "#devices")


# --- the person's data ----------------------------------------------------------------------------

@bp.route("/account/export", methods=["GET", "POST"])
@login_required
@password_check_limit
def export():
    """After the password, everything Co-Lab holds about the person, as a JSON download."""
    form = ExportForm()
    if form.validate_on_submit():
        if current_user.check_password(form.password.data):
            body = json.dumps(personal_data.export(current_user), ensure_ascii=False, indent=2)
            return Response(body, mimetype="application/json",
                            headers={"Content-Disposition": 'attachment; filename="colab-my-data.json"',
                                     "Cache-Control": "no-store"})
        form.password.errors.append(_("That is not your current password."))
    return render_template("accounts/export.html", form=form), 400 if request.method == "POST" else 200


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
@password_check_limit
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if current_user.check_password(form.password.data):
            user = current_user._get_current_object()
            personal_data.erase(user, remove_posts=form.posts.data == "remove",
                                keep_thread_titles=form.keep_titles.data)
            db.session.commit()
            logout_user()
            flash(_("Your account is deleted."), "info")
            return redirect(url_for("site.home"))
        form.password.errors.append(_("That is not your password."))
    return render_template("accounts/delete.html", form=form, mine=personal_data.summary(current_user))
