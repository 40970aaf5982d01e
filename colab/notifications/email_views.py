"""Stopping summary emails from the link in one, without signing in (a shared or lost device must not matter)."""
from flask import Blueprint, abort, render_template, request
from flask_wtf import FlaskForm

from ..extensions import db
from . import email

bp = Blueprint("email_settings", __name__, url_prefix="/email")


@bp.route("/stop/<token>", methods=["GET", "POST"])
def stop(token):
    """A page with one button (a link alone must not change anything: mail scanners open links)."""
    person = email.person_for_unsubscribe(token)
    if person is None:
        abort(404)
    form = FlaskForm()
    if request.method == "POST" and form.validate_on_submit():
        email.stop_email(person)
        db.session.commit()
        return render_template("notifications/email_stop.html", form=None, stopped=True)
    return render_template("notifications/email_stop.html", form=form, stopped=False)
