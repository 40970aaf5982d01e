"""The alliance's member organisations in the directory: the list, counts per country, and entering, changing,
unpublishing them (policy "organisation.manage"). No requests here; services flush, views commit."""
from dataclasses import dataclass, field

from sqlalchemy import false, func, or_
from sqlalchemy.orm import selectinload

from .. import policy
from ..accounts.models import Region
from ..extensions import db
from ..i18n import LANGUAGES as PLATFORM_LANGUAGES
from ..models_base import utcnow
from ..topics import Topic
from .checks import InvalidEntry, valid_country, valid_topics
from .models import Organisation, OrganisationTopic

MAX_DESCRIPTION = 1000  # an organisation's description, per language


@dataclass
class OrganisationData:
    """An organisation as a manager enters it; country an ISO code, topics values, description plain text."""

    name: str
    country: str
    region_id: int | None = None
    website: str = ""
    topics: list = field(default_factory=list)
    description: dict = field(default_factory=dict)  # {locale: plain text}


def regions():
    return db.session.scalars(db.select(Region).order_by(Region.position, Region.slug)).all()


def managed_regions(user):
    """The regions whose organisations the user may enter (policy "organisation.manage" asked of each), and whether
    they may enter one of no region."""
    mine = [region for region in regions() if policy.can("organisation.manage", region, user)]
    return mine, policy.can("organisation.manage", Organisation(region_id=None), user)


def _managed(user):
    """SQL over Organisation rows: those whose region the user may manage, from policy's answers per region."""
    mine, regionless = managed_regions(user)
    return or_(Organisation.region_id.in_([region.id for region in mine]),
               Organisation.region_id.is_(None) if regionless else false())


def organisations_page(viewer, page, per_page, country=None, region_id=None, topic=None, unpublished=False):
    """One page of published organisations by name (unpublished: those the viewer manages that are unpublished),
    filtered by country, region and topic."""
    query = db.select(Organisation).options(selectinload(Organisation.region))
    query = query.where(Organisation.published.is_(False), _managed(viewer)) if unpublished \
        else query.where(Organisation.published.is_(True))
    if country:
        query = query.where(Organisation.country == country)
    if region_id:
        query = query.where(Organisation.region_id == region_id)
    if topic:
        query = query.where(Organisation.id.in_(db.select(OrganisationTopic.organisation_id)
                                                .filter_by(topic=Topic(topic))))
    query = query.order_by(func.lower(Organisation.name), Organisation.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def organisations_by_country():
    """{country code: number of published organisations there}, in one GROUP BY."""
    rows = db.session.execute(
        db.select(Organisation.country, func.count(Organisation.id))
        .where(Organisation.published.is_(True)).group_by(Organisation.country))
    return {code: count for code, count in rows}


def find_organisation(organisation_id):
    return db.session.get(Organisation, organisation_id)


def _website(value):
    value = (value or "").strip()
    if value and not value.lower().startswith(("https://", "http://")):
        raise InvalidEntry("website", "url")
    return value


def _apply(organisation, data):
    name = " ".join((data.name or "").split())
    if not name:
        raise InvalidEntry("name", "empty")
    organisation.name, organisation.country = name, valid_country(data.country, required=True)
    organisation.region_id, organisation.website = data.region_id, _website(data.website)
    description = {code: text.strip() for code, text in (data.description or {}).items()
                   if code in PLATFORM_LANGUAGES and (text or "").strip()}
    for code, text in description.items():
        if len(text) > MAX_DESCRIPTION:
            raise InvalidEntry(f"description_{code}", "long")
    organisation.description = description
    organisation.topics = [OrganisationTopic(topic=Topic(value)) for value in valid_topics(data.topics)]
    organisation.updated_at = utcnow()


def create_organisation(actor, data):
    """Enter an organisation of a region the actor manages (policy "organisation.manage"); published at once."""
    policy.ensure("organisation.manage", Organisation(region_id=data.region_id), actor)
    organisation = Organisation(created_by_id=actor.id, published=True)
    _apply(organisation, data)
    db.session.add(organisation)
    db.session.flush()
    return organisation


def update_organisation(actor, organisation, data):
    """Change an organisation; moving it to another region needs that region too."""
    policy.ensure("organisation.manage", organisation, actor)
    policy.ensure("organisation.manage", Organisation(region_id=data.region_id), actor)
    _apply(organisation, data)
    db.session.flush()
    return organisation


def set_published(actor, organisation, published):
    """Unpublish an organisation (out of the list and the map at once) or publish it again."""
    policy.ensure("organisation.manage", organisation, actor)
    organisation.published, organisation.updated_at = bool(published), utcnow()
    db.session.flush()
