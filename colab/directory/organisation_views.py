"""The alliance's member organisations: the list, and entering, changing, unpublishing and publishing them again
(policy "organisation.manage"). On the directory blueprint of views.py."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from .. import policy
from ..extensions import db
from ..i18n import LANGUAGES as PLATFORM_LANGUAGES
from ..topics import Topic
from ..urls import or_404, page_arg, parse_int
from . import organisations as organisation_service
from .checks import InvalidEntry
from .countries import COUNTRIES, country_choices, country_name
from .forms import ConfirmForm, OrganisationForm
from .views import bp, filter_arg, reader_locale, select_choices, show_refusal, template_helpers


@bp.get("/organisations/")
def organisations():
    """The alliance's member organisations, filtered by country, region and topic; managers also list the ones
    they unpublished."""
    policy.require("directory.view")
    manages = policy.can("organisation.manage")
    unpublished = filter_arg("show", {"unpublished"} if manages else set()) is not None
    country = filter_arg("country", COUNTRIES)
    topic = filter_arg("topic", {topic.value for topic in Topic})
    regions = organisation_service.regions()
    region_arg = request.args.get("region") or None
    region_id = parse_int(region_arg) if region_arg else None
    if region_arg and region_id not in {region.id for region in regions}:
        abort(404)
    page = organisation_service.organisations_page(current_user, page_arg(), current_app.config["PER_PAGE"], country,
                                                   region_id, topic, unpublished)
    locale = reader_locale()
    present = organisation_service.organisations_by_country()
    countries = sorted(((code, country_name(code, locale)) for code in set(present) | ({country} - {None})),
                       key=lambda pair: pair[1].casefold())
    filters = {key: value for key, value in (("country", country), ("region", region_id), ("topic", topic),
                                             ("show", "unpublished" if unpublished else None)) if value}
    return render_template("directory/organisations.html", page=page, countries=countries, regions=regions,
                           filters=filters, country=country, region_id=region_id, topic=topic,
                           unpublished=unpublished, manages=manages, confirm=ConfirmForm(), locale=locale,
                           **template_helpers())


def _organisation_form(organisation=None):
    if request.method == "POST":
        form = OrganisationForm()
    elif organisation is not None:
        form = OrganisationForm(formdata=None, data={
            "name": organisation.name, "country": organisation.country, "region": organisation.region_id,
            "website": organisation.website, "topics": organisation.topic_values,
            **{f"description_{code}": (organisation.description or {}).get(code, "") for code in PLATFORM_LANGUAGES}})
    else:
        form = OrganisationForm(formdata=None, data={"region": current_user.region_id})
    mine, regionless = organisation_service.managed_regions(current_user)
    form.country.choices = [SelectChoice("", _("Choose a country"))] + select_choices(country_choices(reader_locale()))
    form.region.choices = ([SelectChoice(None, _("No single region"))] if regionless else []) + [
        SelectChoice(region.id, region.name) for region in mine]
    return form


def _organisation_data(form):
    return organisation_service.OrganisationData(
        name=form.name.data or "", country=form.country.data or "", region_id=form.region.data,
        website=form.website.data or "", topics=form.topics.data or [],
        description={code: form[f"description_{code}"].data or "" for code in PLATFORM_LANGUAGES})


def _save_organisation(form, organisation=None):
    """Validate and save; the organisation, or None with the reasons beside the fields."""
    if not form.validate_on_submit():
        return None
    try:
        if organisation is None:
            return organisation_service.create_organisation(current_user, _organisation_data(form))
        return organisation_service.update_organisation(current_user, organisation, _organisation_data(form))
    except InvalidEntry as error:
        db.session.rollback()
        show_refusal(form, error)
        return None


def _organisation_page(form, organisation=None):
    return render_template("directory/organisation_form.html", form=form, organisation=organisation,
                           languages=PLATFORM_LANGUAGES), 400 if form.is_submitted() else 200


@bp.route("/organisations/new", methods=["GET", "POST"])
def new_organisation():
    policy.require("organisation.manage")
    form = _organisation_form()
    saved = _save_organisation(form)
    if saved is not None:
        db.session.commit()
        flash(_("%(name)s is in the directory.", name=saved.name), "success")
        return redirect(url_for(".organisations", country=saved.country))
    return _organisation_page(form)


def _organisation_or_404(organisation_id):
    """The organisation if it is published or the reader manages it (else it does not exist for them); 403 when
    they see it but may not change it."""
    organisation = or_404(organisation_service.find_organisation(organisation_id))
    manages = policy.can("organisation.manage", organisation)
    if not organisation.published and not manages:
        abort(404)
    if not manages:
        abort(403)
    return organisation


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
def edit_organisation(organisation_id):
    organisation = _organisation_or_404(organisation_id)
    form = _organisation_form(organisation)
    if _save_organisation(form, organisation) is not None:
        db.session.commit()
        flash(_("%(name)s is saved.", name=organisation.name), "success")
        return redirect(url_for(".organisations", country=organisation.country))
    return _organisation_page(form, organisation)


def _set_published(organisation_id, published, message):
    organisation = _organisation_or_404(organisation_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    organisation_service.set_published(current_user, organisation, published)
    db.session.commit()
    flash(message(organisation.name), "success")
    return redirect(url_for(".organisations", **({} if published else {"show": "unpublished"})))


@bp.post("/organisations/<int:organisation_id>/unpublish")
def unpublish_organisation(organisation_id):
    return _set_published(organisation_id, False, lambda name: _(
        "%(name)s is unpublished: it is out of the list and the map.", name=name))


@bp.post("/organisations/<int:organisation_id>/publish")
def publish_organisation(organisation_id):
    return _set_published(organisation_id, True, lambda name: _("%(name)s is published again.", name=name))
