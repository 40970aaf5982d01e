"""Pages of the member directory: the list of people, a profile, one's own profile, and the map of counts per
country. The messages and blocks are in message_views.py, the organisations in organisation_views.py, on the same
blueprint."""
from babel.lists import format_list
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from .. import policy
from ..extensions import db
from ..i18n import pick
from ..topics import TOPIC_NAMES, Topic
from ..urls import page_arg
from . import maps, messages, organisations, service
from .checks import InvalidEntry
from .countries import COUNTRIES, country_choices, country_name, language_choices, language_name
from .forms import ConfirmForm, ProfileForm

bp = Blueprint("directory", __name__, url_prefix="/directory")

# Why the service refused what was typed, said beside the field it concerns.
PROBLEMS = {
    "empty": _l("Enter a name."),
    "taken": _l("That name belongs to someone else on Co-Lab. Choose another."),
    "country": _l("Choose from the list."),
    "unknown": _l("Choose from the list."),
    "long": _l("This is too long: shorten it."),
    "url": _l("Give the full address, starting with https://"),
}


@bp.before_request
@login_required
def signed_in_only():
    """The directory is for signed-in members: nothing here is public."""


def reader_locale():
    """The reader's locale code, as the country and language lists want it."""
    return str(get_locale())


def filter_arg(name, allowed):
    """A filter from the query string: None when absent, a 404 when it names nothing that exists."""
    value = request.args.get(name) or None
    if value is not None and value not in allowed:
        abort(404)
    return value


def _topic_names():
    return {topic.value: str(label) for topic, label in TOPIC_NAMES.items()}


def template_helpers():
    """What the directory's templates use to name countries, languages and topics in the reader's language."""
    locale = reader_locale()
    return {"country_name": lambda code: country_name(code, locale),
            "language_list": lambda codes: format_list([language_name(code, locale) for code in codes], locale=locale),
            "topic_names": _topic_names(), "pick_text": lambda texts: pick(texts or {}, locale)[1]}


def profile_or_404(profile_id):
    """The profile, if the reader may see it (policy "directory.profile"); otherwise it does not exist for them."""
    profile = service.find_profile(profile_id)
    if profile is None or not policy.can("directory.profile", profile):
        abort(404)
    return profile


def select_choices(pairs):
    """(value, label) pairs as a select field's choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def show_refusal(form, error):
    """Put the service's reason beside its field."""
    form[error.field].errors = list(form[error.field].errors) + [PROBLEMS.get(error.reason, PROBLEMS["unknown"])]


# --- the list of people ------------------------------------------------------------------------------------

@bp.get("/")
def index():
    """Published profiles, by name, filtered by country and topic."""
    policy.require("directory.view")
    country = filter_arg("country", COUNTRIES)
    topic = filter_arg("topic", {topic.value for topic in Topic})
    page = service.profiles_page(current_user, page_arg(), current_app.config["PER_PAGE"], country, topic)
    present = service.people_by_country(current_user)
    locale = reader_locale()
    countries = sorted(((code, country_name(code, locale)) for code in set(present) | ({country} - {None})),
                       key=lambda pair: pair[1].casefold())
    filters = {key: value for key, value in (("country", country), ("topic", topic)) if value}
    return render_template("directory/index.html", page=page, countries=countries, filters=filters,
                           country=country, topic=topic, own=service.own_profile(current_user), **template_helpers())


@bp.get("/people/<int:profile_id>")
def profile(profile_id):
    found = profile_or_404(profile_id)
    refused = policy.refusal("directory.message", found)
    return render_template("directory/profile.html", profile=found, mine=found.user_id == current_user.id,
                           may_write=refused is None, closed=refused is not None and refused.reason == "unavailable",
                           blocked=messages.is_blocked(current_user, found.user), **template_helpers())


# --- one's own profile -------------------------------------------------------------------------------------

def _profile_form(profile):
    locale = reader_locale()
    if request.method == "POST":
        form = ProfileForm()
    elif profile is not None:
        form = ProfileForm(formdata=None, data={
            "display_name": profile.display_name, "organisation": profile.organisation, "country": profile.country,
            "languages": list(profile.languages or []), "topics": profile.topic_values, "bio": profile.bio_source,
            "accepts_messages": profile.accepts_messages, "visibility": "members" if profile.published else "private"})
    else:  # off by default: nothing is published until the person chooses so
        form = ProfileForm(formdata=None, data={"display_name": current_user.display_name, "country": "",
                                                "accepts_messages": True, "visibility": "private"})
    form.country.choices = [SelectChoice("", _("Not shown"))] + select_choices(country_choices(locale))
    form.languages.choices = select_choices(language_choices(locale))
    return form


def _profile_data(form):
    return service.ProfileData(
        display_name=form.display_name.data or "", organisation=form.organisation.data or "",
        country=form.country.data or "", languages=form.languages.data or [], topics=form.topics.data or [],
        bio=form.bio.data or "", accepts_messages=bool(form.accepts_messages.data),
        published=form.visibility.data == "members")


@bp.route("/me", methods=["GET", "POST"])
def me():
    """Write one's profile and choose who sees it; hide or delete it."""
    policy.require("directory.edit_own")
    profile = service.own_profile(current_user)
    form = _profile_form(profile)
    if form.validate_on_submit():
        try:
            profile = service.save_profile(current_user, _profile_data(form))
        except InvalidEntry as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("Your profile is saved and published: signed-in members can find it.") if profile.published
                  else _("Your profile is saved. It is not published: only you can see it."), "success")
            return redirect(url_for(".me"))
    return render_template("directory/me.html", form=form, profile=profile, confirm=ConfirmForm()), \
        400 if form.is_submitted() else 200


@bp.post("/me/hide")
def hide():
    policy.require("directory.edit_own")
    if ConfirmForm().validate_on_submit() and service.hide_profile(current_user) is not None:
        db.session.commit()
        flash(_("Your profile is hidden: it is out of the directory, the map and search. You can publish it "
                "again at any time."), "success")
    return redirect(url_for(".me"))


@bp.post("/me/delete")
def delete():
    policy.require("directory.edit_own")
    if ConfirmForm().validate_on_submit():
        service.delete_profile(current_user)
        db.session.commit()
        flash(_("Your directory profile is deleted."), "success")
    return redirect(url_for(".me"))


# --- the map -----------------------------------------------------------------------------------------------

@bp.get("/map")
def world_map():
    """Counts per country of published profiles and organisations: a tile map and the same numbers in a table."""
    policy.require("directory.view")
    shade_by = filter_arg("show", {"people", "organisations"}) or "people"
    people, organisation_counts = service.people_by_country(current_user), organisations.organisations_by_country()
    locale = reader_locale()
    return render_template("directory/map.html", shade_by=shade_by,
                           tile_map=maps.tile_map("directory-map", people, organisation_counts, shade_by, locale),
                           rows=maps.country_counts(people, organisation_counts, locale),
                           threshold=maps.PEOPLE_SHOWN_FROM)


from . import message_views, organisation_views  # noqa: E402, F401 - their routes are on bp
