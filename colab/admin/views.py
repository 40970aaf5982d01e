"""The secretariat's console: people (their roles and status), courses, the audit log."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from .. import policy
from ..accounts.models import Region, User
from ..cohorts import service as cohorts
from ..communities.models import Community
from ..extensions import db
from ..urls import or_404, page_arg
from . import service
from .forms import CohortForm, CommunityForm, ConfirmForm, DeleteForm, PeopleFilterForm, RegionForm, SuspendForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def only_admins():
    policy.require("admin.view")


# --- people ---------------------------------------------------------------------------------------------

@bp.get("/users")
def users():
    policy.require("admin.manage_people")
    form = PeopleFilterForm(request.args)
    form.region.choices = [SelectChoice("", _("Any region"))] + _region_choices()
    form.validate()
    chosen = {name: form[name].data or None for name in ("q", "region", "role", "status") if not form[name].errors}
    region = service.find_region(chosen["region"]) if chosen.get("region") else None
    page = service.people_page(page_arg(), current_app.config["PER_PAGE"], chosen.get("q"), region,
                               chosen.get("role"), chosen.get("status"))
    return render_template("admin/users.html", page=page, form=form, roles=service.roles_of(page.items),
                           filters={name: value for name, value in chosen.items() if value})


def _region_choices():
    return [SelectChoice(r.slug, r.name) for r in service.regions()]


def _person(user_id):
    return or_404(db.session.get(User, user_id))


def _person_page(user, status=200, **forms):
    region_form = forms.get("region_form") or RegionForm()
    region_form.region.choices = [SelectChoice("", _("Choose a region"))] + _region_choices()
    community_form = forms.get("community_form") or CommunityForm()
    community_form.community.choices = [SelectChoice("", _("Choose a community"))] + [
        SelectChoice(str(c.id), c.name_in(_locale())) for c in service.communities()]
    cohort_form = forms.get("cohort_form") or CohortForm()
    cohort_form.cohort.choices = [SelectChoice("", _("Choose a cohort"))] + _cohort_choices()
    return render_template("admin/person.html", person=user, roles=service.roles_of([user])[user.id],
                           facilitated=service.facilitated_communities(user), cohort_form=cohort_form,
                           facilitated_cohorts=cohorts.facilitated_by(user),
                           refused=policy.refusal("admin.delete", user), region_form=region_form,
                           community_form=community_form, suspend_form=forms.get("suspend_form") or SuspendForm(),
                           delete_form=forms.get("delete_form") or DeleteForm(), confirm_form=ConfirmForm()), status


def _locale():
    return str(get_locale())


def _cohort_choices():
    return [SelectChoice(str(c.id), f"{c.name} · {c.course.title_in(_locale())} · {c.community.name_in(_locale())}")
            for c in cohorts.every_cohort()]


def _done(user, message):
    db.session.commit()
    flash(message, "info")
    return redirect(url_for("admin.person", user_id=user.id))


def _confirmed(user, rule, act, message):
    """A button-only act on a person: the policy decides, the form carries CSRF, the service acts."""
    policy.require(rule, user)
    if not ConfirmForm().validate_on_submit():
        return _person_page(user, 400)
    act(current_user, user)
    return _done(user, message())


@bp.get("/users/<int:user_id>")
def person(user_id):
    policy.require("admin.manage_people")
    return _person_page(_person(user_id))


@bp.post("/users/<int:user_id>/suspend")
def suspend(user_id):
    user = _person(user_id)
    policy.require("admin.suspend", user)
    form = SuspendForm()
    if not form.validate_on_submit():
        return _person_page(user, 400, suspend_form=form)
    service.suspend(current_user, user, form.reason.data.strip())
    return _done(user, _("The account is suspended and signed out everywhere."))


@bp.post("/users/<int:user_id>/reactivate")
def reactivate(user_id):
    return _confirmed(_person(user_id), "admin.reactivate", service.reactivate,
                      lambda: _("The account is active again."))


@bp.post("/users/<int:user_id>/delete")
def delete(user_id):
    user = _person(user_id)
    policy.require("admin.delete", user)
    form = DeleteForm()
    if not form.validate_on_submit():
        return _person_page(user, 400, delete_form=form)
    service.delete(current_user, user, form.reason.data.strip())
    db.session.commit()
    flash(_("The account is deleted. Its posts stay, signed “a former member”."), "info")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/admin")
def make_admin(user_id):
    return _confirmed(_person(user_id), "admin.make_admin", service.make_admin, lambda: _("They are now an admin."))


@bp.post("/users/<int:user_id>/course-team")
def appoint_course_team(user_id):
    return _confirmed(_person(user_id), "admin.set_course_team",
                      lambda actor, user: service.set_course_team(actor, user, True),
                      lambda: _("They are on the course team: they read the course team's report and publish content."))


@bp.post("/users/<int:user_id>/course-team/remove")
def remove_course_team(user_id):
    return _confirmed(_person(user_id), "admin.set_course_team",
                      lambda actor, user: service.set_course_team(actor, user, False),
                      lambda: _("They are no longer on the course team."))


@bp.post("/users/<int:user_id>/admin/remove")
def remove_admin(user_id):
    return _confirmed(_person(user_id), "admin.remove_admin", service.remove_admin,
                      lambda: _("They are no longer an admin."))


def _appoint(user_id, form, choices, appoint, message):
    """Appoint a person to what the form's one menu names (a region, a community, a cohort); the page again with
    status 400 when the choice is not one of the menu's. appoint(user, value) acts and returns what was chosen."""
    user = _person(user_id)
    policy.require("admin.appoint", user)
    menu = next(field for field in form if field.type == "SelectField")
    menu.choices = choices
    if not form.validate_on_submit():
        return _person_page(user, 400, **{f"{menu.name}_form": form})
    return _done(user, message(appoint(user, menu.data)))


@bp.post("/users/<int:user_id>/focal-points")
def appoint_focal_point(user_id):
    def appoint(user, slug):
        region = service.find_region(slug)
        service.appoint_focal_point(current_user, user, region)
        return region
    return _appoint(user_id, RegionForm(), _region_choices(), appoint,
                    lambda region: _("They are a focal point of %(region)s.", region=region.name))


@bp.post("/users/<int:user_id>/focal-points/<int:region_id>/remove")
def remove_focal_point(user_id, region_id):
    user, region = _person(user_id), or_404(db.session.get(Region, region_id))
    return _confirmed(user, "admin.remove_role", lambda actor, user: service.remove_focal_point(actor, user, region),
                      lambda: _("They are no longer a focal point of %(region)s.", region=region.name))


@bp.post("/users/<int:user_id>/facilitator")
def appoint_facilitator(user_id):
    def appoint(user, community_id):
        community = db.session.get(Community, int(community_id))
        service.appoint_facilitator(current_user, user, community)
        return community
    return _appoint(user_id, CommunityForm(), [SelectChoice(str(c.id), c.slug) for c in service.communities()],
                    appoint, lambda community: _("They facilitate %(community)s.",
                                                 community=community.name_in(_locale())))


@bp.post("/users/<int:user_id>/facilitator/<int:community_id>/remove")
def remove_facilitator(user_id, community_id):
    user, community = _person(user_id), or_404(db.session.get(Community, community_id))
    return _confirmed(user, "admin.remove_role",
                      lambda actor, user: service.remove_facilitator(actor, user, community),
                      lambda: _("They no longer facilitate %(community)s.", community=community.name_in(_locale())))


@bp.post("/users/<int:user_id>/cohort-facilitator")
def appoint_cohort_facilitator(user_id):
    def appoint(user, cohort_id):
        cohort = cohorts.find_cohort(int(cohort_id))
        cohorts.appoint_facilitator(current_user, cohort, user)
        return cohort
    return _appoint(user_id, CohortForm(), _cohort_choices(), appoint,
                    lambda cohort: _("They facilitate the cohort %(cohort)s.", cohort=cohort.name))


@bp.post("/users/<int:user_id>/cohort-facilitator/<int:cohort_id>/remove")
def remove_cohort_facilitator(user_id, cohort_id):
    user, cohort = _person(user_id), or_404(cohorts.find_cohort(cohort_id))
    policy.require("admin.remove_role", user)
    if not ConfirmForm().validate_on_submit():
        return _person_page(user, 400)
    try:
        cohorts.dismiss_facilitator(current_user, cohort, user)
    except policy.Refused:
        db.session.rollback()
        flash(_("Nothing was changed: the account is suspended. Reactivate it first."), "error")
        return redirect(url_for("admin.person", user_id=user.id))
    return _done(user, _("They no longer facilitate the cohort %(cohort)s.", cohort=cohort.name))


# --- the audit log and courses --------------------------------------------------------------------------

@bp.get("/audit")
def audit():
    policy.require("admin.audit")
    return render_template("admin/audit.html", page=service.audit_page(page_arg(), current_app.config["PER_PAGE"]))


@bp.get("/courses")
def courses():
    rows, counts, completed = service.course_figures()
    return render_template("admin/courses.html", courses=rows, counts=counts, completed=completed)
