"""Running a cohort: settings, pacing and dates, live sessions, roster and facilitators."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import policy
from ..communities.models import Pacing
from ..extensions import db
from ..urls import or_404, page_arg
from . import pacing, service
from .forms import CohortSettingsForm, LiveSessionForm, MoveForm, RosterSearchForm, schedule_form

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")


@bp.before_request
@login_required
def signed_in_only():
    """Cohorts are run by signed-in people: nothing here is public."""


def cohort_or_404(cohort_id):
    """The cohort, if the current user may run it (cohort.manage): 404 when they may not even see its community,
    403 when they see it but do not run it."""
    cohort = or_404(service.find_cohort(cohort_id))
    if not policy.can("cohort.manage", cohort):
        abort(404 if not policy.can("community.view", cohort.community) else 403)
    return cohort


def _locale():
    return str(get_locale())


@bp.get("/")
def index():
    """The cohorts the current user runs or facilitates."""
    policy.require("cohort.list")
    page = service.my_cohorts(current_user, page_arg(), current_app.config["PER_PAGE"])
    return render_template("cohorts/index.html", page=page, facilitated=policy.facilitated_cohorts(current_user))


# --- settings ------------------------------------------------------------------------------------------

@bp.route("/<int:cohort_id>/settings", methods=["GET", "POST"])
def settings(cohort_id):
    """Name, dates, languages, time zone and pacing; "Preview dates" shows the module dates the change would give,
    saving nothing."""
    cohort = cohort_or_404(cohort_id)
    form = CohortSettingsForm(obj=cohort) if request.method == "GET" else CohortSettingsForm()
    if request.method == "GET":
        form.pacing.data = cohort.pacing.value
    preview = None
    if form.validate_on_submit():
        if request.form.get("action") == "save":
            changes = service.update_cohort(current_user, cohort, form.name.data, form.starts_on.data,
                                            form.ends_on.data, form.languages.data, form.timezone.data,
                                            form.pacing.data, form.reading_pair.data)
            db.session.commit()
            flash(_("The cohort is saved.") if changes else _("Nothing changed."), "success" if changes else "info")
            return redirect(url_for("communities.cohort", slug=cohort.community.slug, cohort_id=cohort.id))
        preview = service.preview_dates(cohort, form.starts_on.data, form.timezone.data, form.pacing.data)
    status = 400 if form.errors else 200
    return render_template("cohorts/settings.html", cohort=cohort, form=form, preview=preview,
                           new_timezone=form.timezone.data, new_pacing=form.pacing.data), status


# --- module dates ---------------------------------------------------------------------------------------

def scheduled_or_404(cohort_id):
    cohort = cohort_or_404(cohort_id)
    if cohort.pacing != Pacing.SCHEDULED:
        abort(404)
    return cohort


@bp.route("/<int:cohort_id>/schedule", methods=["GET", "POST"])
def schedule(cohort_id):
    """One date per module; empty or "use the course plan" follows the plan; dates never go backwards."""
    cohort = scheduled_or_404(cohort_id)
    openings = pacing.plan(cohort)
    plan_dates = service.course_plan(cohort)
    form = schedule_form(openings, formdata=None if request.method == "GET" else request.form)
    if request.method == "POST" and form.validate():
        dates = {opening.module.id: None if form[f"plan_{opening.module.id}"].data
                 else form[f"opens_{opening.module.id}"].data for opening in openings}
        problems = service.dates_out_of_order(cohort, dates)
        for module_id, (earlier, day) in problems.items():
            form[f"opens_{module_id}"].errors.append(
                _("This module would open before “%(module)s” (%(date)s). A module may not open before an "
                  "earlier one.", module=earlier.title_in(_locale()), date=format_date(day, "long")))
        if not problems:
            changes = service.set_module_dates(current_user, cohort, dates)
            db.session.commit()
            flash(_("The module dates are saved.") if changes else _("Nothing changed."),
                  "success" if changes else "info")
            return redirect(url_for(".schedule", cohort_id=cohort.id))
    status = 400 if request.method == "POST" else 200
    return render_template("cohorts/schedule.html", cohort=cohort, form=form, openings=openings,
                           plan_dates=plan_dates), status


# --- live sessions --------------------------------------------------------------------------------------

@bp.route("/<int:cohort_id>/sessions", methods=["GET", "POST"])
def sessions(cohort_id):
    cohort = cohort_or_404(cohort_id)
    form = LiveSessionForm()
    form.time.description = _("In the cohort's time zone, %(timezone)s. Everyone reads it in their own.",
                              timezone=cohort.timezone)
    if form.validate_on_submit():
        service.add_live_session(current_user, cohort, form.title.data, form.day.data, form.time.data,
                                 form.minutes.data, (form.link.data or "").strip())
        db.session.commit()
        flash(_("The live session is added."), "success")
        return redirect(url_for(".sessions", cohort_id=cohort.id))
    upcoming, past = service.live_sessions(cohort)
    return render_template("cohorts/sessions.html", cohort=cohort, form=form, upcoming=upcoming, past=past), \
        400 if form.is_submitted() else 200


@bp.post("/<int:cohort_id>/sessions/<int:session_id>/remove")
def remove_session(cohort_id, session_id):
    cohort = cohort_or_404(cohort_id)
    session = or_404(service.find_live_session(cohort, session_id))
    service.remove_live_session(current_user, cohort, session)
    db.session.commit()
    flash(_("The live session “%(title)s” is removed.", title=session.title), "info")
    return redirect(url_for(".sessions", cohort_id=cohort.id))


# --- roster ---------------------------------------------------------------------------------------------

def _roster_page(cohort, search_form=None, found=None, more=False, searched=False, status=200):
    page = service.roster_page(cohort, page_arg(), current_app.config["PER_PAGE"])
    targets = service.move_targets(current_user, cohort)
    move_form = MoveForm()
    move_form.to.choices = [(target.id, f"{target.name} · {target.community.name_in(_locale())}")
                            for target in targets]
    people, facilitators = found or [], service.facilitators(cohort)
    return render_template(
        "cohorts/roster.html", cohort=cohort, page=page, facilitators=facilitators,
        total=service.lesson_total(cohort.course_id), search_form=search_form or RosterSearchForm(),
        found=people, more=more, searched=searched, placed=service.cohort_ids_of(cohort, people),
        facilitator_ids={person.id for person in facilitators}, move_form=move_form,
        min_length=service.SEARCH_MIN_LENGTH), status


@bp.route("/<int:cohort_id>/roster", methods=["GET", "POST"])
def roster(cohort_id):
    """Learners and facilitators; a POST searches the community's members by display name."""
    cohort = cohort_or_404(cohort_id)
    if request.method == "GET":
        return _roster_page(cohort)
    form = RosterSearchForm()
    if not form.validate_on_submit():
        return _roster_page(cohort, form, status=400)
    found, more = service.find_members(cohort, form.q.data)
    return _roster_page(cohort, form, found, more, searched=True)


_REFUSALS = {
    "suspended": lambda: _("Nothing was changed: this person's account is suspended. The secretariat must "
                           "reactivate it first."),
    "other_cohort": lambda: _("Nothing was changed: this person takes the course in another cohort. The focal "
                              "points who run that cohort can move them here."),
}


def _roster_act(cohort, act, done):
    """Run a roster change; say what happened, or why nothing did, and go back to the roster."""
    try:
        changed = act()
    except policy.Refused as refused:
        db.session.rollback()
        flash(_REFUSALS.get(refused.refusal.reason, lambda: _("Nothing was changed."))(), "error")
        return redirect(url_for(".roster", cohort_id=cohort.id))
    db.session.commit()
    flash(done() if changed is not False else _("Nothing changed."), "success" if changed is not False else "info")
    return redirect(url_for(".roster", cohort_id=cohort.id))


@bp.post("/<int:cohort_id>/learners/<int:user_id>/add")
def add_learner(cohort_id, user_id):
    cohort = cohort_or_404(cohort_id)
    person = or_404(service.find_member(cohort, user_id))
    return _roster_act(cohort, lambda: service.add_learner(current_user, cohort, person),
                       lambda: _("%(name)s is a learner of this cohort.", name=person.display_name))


@bp.post("/<int:cohort_id>/learners/<int:user_id>/remove")
def remove_learner(cohort_id, user_id):
    cohort = cohort_or_404(cohort_id)
    person = or_404(service.find_learner(cohort, user_id))
    return _roster_act(cohort, lambda: service.remove_learner(current_user, cohort, person),
                       lambda: _("%(name)s is no longer in this cohort. They keep their progress and can go on at "
                                 "their own pace.", name=person.display_name))


@bp.post("/<int:cohort_id>/learners/<int:user_id>/move")
def move_learner(cohort_id, user_id):
    cohort = cohort_or_404(cohort_id)
    person = or_404(service.find_learner(cohort, user_id))
    form = MoveForm()
    targets = {target.id: target for target in service.move_targets(current_user, cohort)}
    form.to.choices = [(target_id, target.name) for target_id, target in targets.items()]
    if not form.validate_on_submit():
        abort(404)  # not a cohort this person runs, of the same course
    target = targets[form.to.data]
    return _roster_act(cohort, lambda: service.move_learner(current_user, cohort, person, target),
                       lambda: _("%(name)s moved to %(cohort)s, with their progress.", name=person.display_name,
                                 cohort=target.name))


@bp.post("/<int:cohort_id>/facilitators/<int:user_id>/add")
def appoint_facilitator(cohort_id, user_id):
    cohort = cohort_or_404(cohort_id)
    person = or_404(service.find_member(cohort, user_id))
    return _roster_act(cohort, lambda: service.appoint_facilitator(current_user, cohort, person),
                       lambda: _("%(name)s facilitates this cohort.", name=person.display_name))


@bp.post("/<int:cohort_id>/facilitators/<int:user_id>/remove")
def remove_facilitator(cohort_id, user_id):
    cohort = cohort_or_404(cohort_id)
    person = or_404(service.find_facilitator(cohort, user_id))
    return _roster_act(cohort, lambda: service.dismiss_facilitator(current_user, cohort, person),
                       lambda: _("%(name)s no longer facilitates this cohort.", name=person.display_name))
