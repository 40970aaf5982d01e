"""Creating, editing and archiving communities, and a region's page of people and places (admins, focal points)."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from .. import policy
from ..accounts.models import User
from ..admin import service as admin
from ..extensions import db
from ..i18n import LANGUAGES
from ..urls import or_404, page_arg, safe_next
from . import management
from . import service as communities
from .agreements import DEFAULT_AGREEMENTS
from .manage_forms import ButtonForm, CommunityForm, MemberSearchForm, NewCommunityForm, PeopleSearchForm, ReasonForm
from .models import CommunityKind

bp = Blueprint("manage", __name__, url_prefix="/manage")

# A region's page: admins and the region's focal points, the people dashboard.region lets in.
REGION_RULE = "dashboard.region"


@bp.before_request
@login_required
def signed_in_only():
    """Nothing here is public: strangers are sent to sign in."""


def _locale():
    return str(get_locale())


def _community(slug):
    return or_404(communities.find_community(slug))


def _back(default):
    """Where a button on another page asked to return to (a path on this site), else default."""
    return redirect(safe_next(request.form.get("next")) or default)


# --- create and edit ------------------------------------------------------------------------------------

def _region_choices(form):
    """Admins: any region or none; focal points: one of their regions."""
    regions = management.placeable_regions(current_user)
    choices = [SelectChoice(region.slug, region.name) for region in regions]
    if management.may_place_without_region(current_user):
        choices.insert(0, SelectChoice("", _("No region (cross-regional or thematic)")))
    form.region.choices = choices


def _draft(form, agreements):
    """The form as a CommunityDraft, or None with the error beside the region field."""
    region = None
    if form.region.data:
        region = management.find_region(form.region.data)
        if region is None:
            form.region.errors.append(_("Choose a region from the list."))
            return None
    texts = {code: group.form for code, group in form.texts()}
    return management.CommunityDraft(
        kind=CommunityKind(form.kind.data), region=region, members_only=form.members_only.data,
        premoderate_posts=form.premoderate_posts.data or 0,
        names={code: texts[code].name.data.strip() for code in texts if (texts[code].name.data or "").strip()},
        descriptions={code: texts[code].description.data.strip() for code in texts
                      if (texts[code].description.data or "").strip()},
        agreements=agreements)


def _typed_agreements(form, keep_blank=()):
    """{locale: Markdown} from the form; a blank language in keep_blank is left out (it keeps its agreements)."""
    typed = {code: (group.form.agreements.data or "").strip() for code, group in form.texts()}
    return {code: text for code, text in typed.items() if text or code not in keep_blank}


def _saved(form, save):
    """Run save(); on Invalid put the message beside its field and return None."""
    try:
        return save()
    except management.Invalid as error:
        form[error.field].errors.append(error.message)
    except policy.Refused:
        form.region.errors.append(_("You can only place a community in a region you are a focal point for."))
    return None


@bp.route("/communities/new", methods=["GET", "POST"])
def new_community():
    policy.require("community.create")
    form = NewCommunityForm()
    _region_choices(form)
    if request.method == "GET":
        form.region.data = request.args.get("region", form.region.choices[0].value if form.region.choices else "")
        for code, group in form.texts():
            group.form.agreements.data = DEFAULT_AGREEMENTS.get(code, "")
    elif form.validate_on_submit():
        draft = _draft(form, _typed_agreements(form))
        community = draft and _saved(form, lambda: management.create(current_user, form.slug.data, draft))
        if community is not None:
            db.session.commit()
            flash(_("The community %(community)s is created.", community=community.name_in(_locale())), "success")
            return redirect(url_for("communities.show", slug=community.slug))
    status = 400 if request.method == "POST" else 200
    return render_template("manage/community_form.html", form=form, community=None, unknown=set(),
                           reason_form=None), status


def _edit_data(community):
    known, _unknown = management.agreements_sources(community)
    data = {"kind": community.kind.value, "region": community.region.slug if community.region else "",
            "members_only": community.members_only, "premoderate_posts": community.premoderate_posts}
    for code in LANGUAGES:
        data[f"texts_{code}"] = {"name": community.name.get(code, ""),
                                 "description": community.description.get(code, ""),
                                 "agreements": known.get(code, "")}
    return data


def _edit_page(community, form, reason_form=None, status=200):
    _known, unknown = management.agreements_sources(community)
    return render_template("manage/community_form.html", form=form, community=community, unknown=unknown,
                           reason_form=reason_form or ReasonForm(formdata=None)), status


@bp.route("/communities/<slug>/edit", methods=["GET", "POST"])
def edit_community(slug):
    community = _community(slug)
    policy.require("community.edit", community)
    form = CommunityForm(data=_edit_data(community) if request.method == "GET" else None)
    _region_choices(form)
    if form.validate_on_submit():
        _known, unknown = management.agreements_sources(community)
        draft = _draft(form, _typed_agreements(form, keep_blank=unknown))
        changes = draft and _saved(form, lambda: management.edit(current_user, community, draft))
        if changes is not None:
            db.session.commit()
            flash(_("The community is saved.") if changes else _("Nothing changed."), "success" if changes else "info")
            return redirect(url_for("communities.show", slug=community.slug))
    return _edit_page(community, form, status=400 if request.method == "POST" else 200)


def _archive_or_reopen(slug, act, done, already):
    community = _community(slug)
    policy.require("community.archive", community)
    form = ReasonForm()
    if not form.validate_on_submit():
        edit_form = CommunityForm(formdata=None, data=_edit_data(community))
        _region_choices(edit_form)
        return _edit_page(community, edit_form, reason_form=form, status=400)
    changed = act(current_user, community, form.reason.data.strip())
    db.session.commit()
    flash(done() if changed else already(), "info")
    return redirect(url_for("communities.show", slug=community.slug))


@bp.post("/communities/<slug>/archive")
def archive_community(slug):
    return _archive_or_reopen(slug, management.archive,
                              lambda: _("The community is archived: it stays readable and takes no new members "
                                        "or posts."),
                              lambda: _("The community was already archived."))


@bp.post("/communities/<slug>/reopen")
def reopen_community(slug):
    return _archive_or_reopen(slug, management.reopen, lambda: _("The community is open again."),
                              lambda: _("The community was not archived."))


# --- a community's facilitators -------------------------------------------------------------------------

@bp.get("/communities/<slug>/facilitators")
def facilitators(slug):
    community = _community(slug)
    policy.require("community.edit", community)
    search = MemberSearchForm(request.args)
    search.validate()
    found = management.find_members(community, search.q.data) if not search.q.errors else []
    current = management.facilitators_of([community])[community.id]
    return render_template("manage/facilitators.html", community=community, facilitators=current, found=found,
                           search=search, may_set_role=_may_set_role(current + found))


def _may_set_role(members):
    """{membership id: whether the current user may change this member's role}."""
    return {member.id: management.may_set_role(current_user, member) for member in members}


def _member(community, user_id):
    member = or_404(management.find_member(community, user_id))
    if not management.may_set_role(current_user, member):
        abort(403)
    return member


def _set_role(slug, user_id, act, done, already):
    community = _community(slug)
    policy.require("community.edit", community)
    member = _member(community, user_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    changed = act(current_user, member)
    db.session.commit()
    flash(done(member) if changed else already(member), "info")
    return _back(url_for(".facilitators", slug=slug))


@bp.post("/communities/<slug>/facilitators/<int:user_id>")
def appoint_facilitator(slug, user_id):
    return _set_role(slug, user_id, management.appoint_facilitator,
                     lambda m: _("%(name)s facilitates %(community)s.", name=m.user.display_name,
                                 community=m.community.name_in(_locale())),
                     lambda m: _("%(name)s already facilitates this community.", name=m.user.display_name))


@bp.post("/communities/<slug>/facilitators/<int:user_id>/remove")
def remove_facilitator(slug, user_id):
    return _set_role(slug, user_id, management.remove_facilitator,
                     lambda m: _("%(name)s no longer facilitates %(community)s.", name=m.user.display_name,
                                 community=m.community.name_in(_locale())),
                     lambda m: _("%(name)s was not a facilitator of this community.", name=m.user.display_name))


# --- regions --------------------------------------------------------------------------------------------

@bp.get("/regions/")
def regions():
    found = management.managed_regions(current_user)
    if not found:
        abort(403)  # neither an admin nor a focal point: no region page to open
    regionless = management.communities_in(None) if management.may_place_without_region(current_user) else []
    return render_template("manage/regions.html", regions=found, regionless=regionless,
                           facilitators=management.facilitators_of(regionless))


def _region(slug):
    region = or_404(management.find_region(slug))
    policy.require(REGION_RULE, region)
    return region


@bp.get("/regions/<slug>")
def region(slug):
    region_ = _region(slug)
    search = PeopleSearchForm(request.args)
    search.validate()
    people = []
    if policy.can("admin.manage_people") and not search.q.errors:
        people = management.find_people(search.q.data)
    listed = management.communities_in(region_)
    facilitators_ = management.facilitators_of(listed)
    members = [member for group in facilitators_.values() for member in group]
    return render_template("manage/region.html", region=region_, focal_points=management.focal_points(region_),
                           communities=listed, facilitators=facilitators_, may_set_role=_may_set_role(members),
                           cohorts=management.cohorts_page(region_, page_arg(), current_app.config["PER_PAGE"]),
                           search=search, people=people)


def _focal_point_act(slug, user_id, rule, act, done, already):
    region_ = _region(slug)
    policy.require("admin.manage_people")  # before looking the person up: others never learn who exists
    person = or_404(db.session.get(User, user_id))
    policy.require(rule, person)
    if not ButtonForm().validate_on_submit():
        abort(400)
    changed = act(current_user, person, region_)
    db.session.commit()
    flash((done if changed else already)(person, region_), "info")
    return redirect(url_for(".region", slug=slug))


@bp.post("/regions/<slug>/focal-points/<int:user_id>")
def appoint_focal_point(slug, user_id):
    return _focal_point_act(slug, user_id, "admin.appoint", admin.appoint_focal_point,
                            lambda p, r: _("%(name)s is a focal point of %(region)s.", name=p.display_name,
                                           region=r.name),
                            lambda p, r: _("%(name)s was already a focal point of %(region)s.",
                                           name=p.display_name, region=r.name))


@bp.post("/regions/<slug>/focal-points/<int:user_id>/remove")
def remove_focal_point(slug, user_id):
    return _focal_point_act(slug, user_id, "admin.remove_role", admin.remove_focal_point,
                            lambda p, r: _("%(name)s is no longer a focal point of %(region)s.",
                                           name=p.display_name, region=r.name),
                            lambda p, r: _("%(name)s was not a focal point of %(region)s.",
                                           name=p.display_name, region=r.name))
