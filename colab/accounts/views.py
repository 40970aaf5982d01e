"""Sign-up, sign-in, password reset, profile, data export and account deletion."""
import json

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from .. import mail
from ..extensions import db, limiter
from ..i18n import set_locale_cookie
from ..urls import safe_next
from . import service
from .forms import (ChangePasswordForm, DeleteAccountForm, ForgotPasswordForm, ProfileForm, ResetPasswordForm,
                    SignInForm, SignUpForm)

bp = Blueprint("accounts", __name__)


def _with_regions(form):
    form.region.choices = [("", _("None"))] + [(str(r.id), r.name) for r in service.regions()]
    return form


def sign_in_limit():
    return current_app.config["SIGN_IN_RATE_LIMIT"]


@bp.route("/sign-up", methods=["GET", "POST"])
def sign_up():
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = _with_regions(SignUpForm())
    if request.method == "GET":
        form.locale.data = str(get_locale())
    if form.validate_on_submit():
        try:
            user = service.create_user(form.email.data, form.display_name.data, form.password.data,
                                       form.locale.data, form.timezone.data, form.region.data)
        except service.EmailTaken:
            form.email.errors.append(_("An account with this email already exists. Sign in or reset your password."))
        else:
            db.session.commit()
            login_user(user)
            flash(_("Welcome to Co-Lab, %(name)s.", name=user.display_name), "success")
            return redirect(safe_next(request.args.get("next")) or url_for("courses.catalogue"))
    return render_template("accounts/sign_up.html", form=form)


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
        else:
            login_user(user, remember=form.remember.data)
            response = redirect(safe_next(request.args.get("next")) or url_for("site.home"))
            return set_locale_cookie(response, user.locale)
    return render_template("accounts/sign_in.html", form=form)


@bp.post("/sign-out")
def sign_out():
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("site.home"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(sign_in_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = service.find_by_email(form.email.data)
        if user is not None:
            link = url_for("accounts.reset_password", token=service.reset_token(user), _external=True)
            minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
            mail.send(user.email, _("Reset your Co-Lab password"),
                      render_template("accounts/reset_email.txt", user=user, link=link, minutes=minutes))
        # The same answer whether or not the address has an account.
        flash(_("If an account uses that address, we have sent it a link to choose a new password."), "info")
        return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    try:
        user = service.user_for_reset_token(token)
    except service.ResetLinkExpired:
        return _bad_reset_link(_("This link has expired. Ask for a new one below."))
    except service.ResetLinkInvalid:
        return _bad_reset_link(_("This link has already been used or is not valid. Ask for a new one below."))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        service.set_password(user, form.password.data)
        db.session.commit()
        flash(_("Your password is changed. Sign in with the new one."), "success")
        return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/reset_password.html", form=form)


def _bad_reset_link(message):
    flash(message, "error")
    return render_template("accounts/forgot_password.html", form=ForgotPasswordForm()), 400


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    form = _with_regions(ProfileForm(obj=current_user if request.method == "GET" else None))
    if request.method == "GET":
        form.region.data = current_user.region_id
    if form.validate_on_submit():
        try:
            service.update_profile(current_user, form.email.data, form.display_name.data, form.locale.data,
                                   form.timezone.data, form.region.data)
        except service.EmailTaken:
            form.email.errors.append(_("Another account already uses this email address."))
        else:
            db.session.commit()
            flash(_("Your profile is saved."), "success")
            return set_locale_cookie(redirect(url_for("accounts.profile")), current_user.locale)
    return render_template("accounts/profile.html", form=form, password_form=ChangePasswordForm())


@bp.post("/account/password")
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if current_user.check_password(form.current.data):
            service.set_password(current_user, form.password.data)
            db.session.commit()
            flash(_("Your password is changed."), "success")
            return redirect(url_for("accounts.profile"))
        form.current.errors.append(_("That is not your current password."))
    profile_form = _with_regions(ProfileForm(obj=current_user))
    profile_form.region.data = current_user.region_id
    return render_template("accounts/profile.html", form=profile_form, password_form=form), 400


@bp.get("/account/export")
@login_required
def export():
    body = json.dumps(service.export_data(current_user), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="colab-my-data.json"'})


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if current_user.check_password(form.password.data):
            user = current_user._get_current_object()
            logout_user()
            service.delete_user(user)
            db.session.commit()
            flash(_("Your account and everything in it have been deleted."), "info")
            return redirect(url_for("site.home"))
        form.password.errors.append(_("That is not your password."))
    return render_template("accounts/delete.html", form=form)
