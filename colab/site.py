"""The home page, the language and low-data switches, and the error pages."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from . import home as home_blocks
from . import low_data
from .accounts.forms import QUICK_EXIT
from .courses import service as courses
from .events import listing as events
from .extensions import db
from .i18n import is_language, set_locale_cookie
from .markup import inline
from .static_files import YEAR
from .urls import safe_next

bp = Blueprint("site", __name__)
bp.add_app_template_filter(inline)  # |inline: a one-paragraph text without its <p>, for a <label> or a <legend>


@bp.get("/")
def home():
    """Signed out: what Co-Lab is, for whom, and its courses. Signed in: the person's next steps, each block
    leading to its full page."""
    if not current_user.is_authenticated:
        return render_template("site/home.html", courses=courses.catalogue(), quick_exit_help=QUICK_EXIT)
    return render_template("site/home.html", courses=courses.catalogue(),
                           my_courses=home_blocks.my_courses(current_user),
                           my_cohorts=home_blocks.my_cohorts(current_user),
                           running=home_blocks.cohorts_i_run(current_user),
                           my_communities=home_blocks.my_communities(current_user),
                           upcoming_events=events.upcoming_for(current_user))


@bp.get("/favicon.ico")
def favicon():
    """What a browser or a crawler asks for on its own: nothing, for a year. Every page names its icon (Co-Lab's, or
    a neutral one in discreet mode) in <link rel="icon">; an icon here would outlast discreet mode in the cache."""
    response = Response(status=204)
    response.cache_control.public = True
    response.cache_control.max_age = YEAR
    return response


@bp.before_app_request
def refuse_nul_in_paths():
    """No address holds a NUL character, and PostgreSQL cannot compare text holding one: a 404, not a 500.
    (Forms: colab/extensions.py refuses a NUL in what a form reads.)"""
    if "\x00" in request.path:
        abort(404)


@bp.post("/low-data")
def choose_low_data():
    """Turn low-data mode on or off: on the account when signed in, and in a cookie for this browser either way
    (so it holds after signing out)."""
    on = request.form.get("on") == "1"
    if current_user.is_authenticated:
        current_user.low_data = on
        db.session.commit()
    response = low_data.remember(redirect(safe_next(request.form.get("next")) or url_for("site.home")), on)
    flash(_("Low-data mode is on.") if on else _("Low-data mode is off."), "success")
    return response


@bp.post("/language")
def language():
    """Switch the interface language; saved on the profile when signed in, else in a cookie."""
    code = request.form.get("lang")
    response = redirect(safe_next(request.form.get("next")) or url_for("site.home"))
    if is_language(code):
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
        set_locale_cookie(response, code)
    return response


ERRORS = {
    400: lambda: (_("Something in that request was not right"),
                  _("Please go back, reload the page and try again.")),
    403: lambda: (_("You cannot open this page"),
                  _("Your account does not have access to it. If you think it should, ask your facilitator.")),
    404: lambda: (_("Page not found"),
                  _("There is no page at this address. It may have moved, or the link may be mistyped.")),
    405: lambda: (_("Something in that request was not right"),
                  _("Please go back, reload the page and try again.")),
    413: lambda: (_("That was too much to send at once"),
                  _("Please go back, shorten the text and send it again.")),
    429: lambda: (_("Too many attempts"),
                  _("Please wait a while before trying again.")),
    500: lambda: (_("Something went wrong on our side"),
                  _("The error has been logged. Please try again in a moment.")),
}


def render_error(error):
    code = getattr(error, "code", 500) or 500
    if code == 500:
        db.session.rollback()
    title, explanation = ERRORS.get(code, ERRORS[500])()
    return render_template("errors/error.html", title=title, explanation=explanation, code=code), code


def csrf_error(error):
    title = _("This form has expired")
    explanation = _("For your safety, forms expire after a while or when you sign in again. "
                    "Go back, reload the page and send it again. Nothing was saved.")
    return render_template("errors/error.html", title=title, explanation=explanation, code=400), 400


def register_error_pages(app):
    for code in ERRORS:
        app.register_error_handler(code, render_error)
    app.register_error_handler(CSRFError, csrf_error)
