"""The library: finding published resources, suggesting one (a link or a checked file), reviewing, editing,
retiring. No requests here: views pass what was typed; files are judged and stored by files.py."""
import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from flask import current_app
from sqlalchemy.orm import lazyload, selectinload

from .. import policy
from ..accounts.models import REGION_NAMES, Region
from ..extensions import db
from ..markup import render
from ..models_base import utcnow
from ..topics import Topic
from . import files
from .models import Resource, ResourceKind, ResourceLanguage, ResourceStatus, ResourceTopic

GLOBAL = "global"  # the region filter for resources of no single region
RESERVED_SLUGS = {"suggest", "mine", "review"}  # the library's own pages
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")  # as lessons write them in their front matter
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
# The languages a suggestion may say the item is in: the alliance's most used, beyond the platform's own.
ITEM_LANGUAGES = ("en", "es", "fr", "pt", "ar", "sw", "am", "ha", "yo", "zu", "rw", "hi", "bn", "ur", "ne", "id",
                  "fil", "zh", "ru", "tr", "fa", "de", "nl", "it")
# Notification kinds (registered by panels.register()): the suggester hears how their suggestion was decided.
APPROVED, DECLINED = "resource_approved", "resource_declined"


class Invalid(Exception):
    """What was typed cannot be saved: problems is {field: reason}."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__(problems)


# --- finding --------------------------------------------------------------------------------------------------

def library_folder():
    """Where uploaded files live: instance/resources/."""
    return Path(current_app.instance_path) / "resources"


def find(slug):
    """The resource with this slug, whatever its state (the views ask the policy who may see it)."""
    if not isinstance(slug, str) or not SLUG.match(slug) or len(slug) > 80:
        return None
    return db.session.scalar(db.select(Resource).filter_by(slug=slug).options(selectinload(Resource.region)))


@dataclass(frozen=True)
class Filters:
    """The list's filters, each a plain value or None: a topic, a language code, a region slug (or GLOBAL),
    a kind."""

    topic: str | None = None
    language: str | None = None
    region: str | None = None
    kind: str | None = None

    def args(self, **changes):
        """The query-string values of these filters with some changed (None drops one)."""
        values = {**{name: getattr(self, name) for name in ("topic", "language", "region", "kind")}, **changes}
        return {name: value for name, value in values.items() if value}

    def changed(self, name, value):
        """The query-string values with one filter set to value (None: dropped), for a filter link."""
        return self.args(**{name: value})

    @property
    def active(self):
        return bool(self.args())


def filters_from(args):
    """Filters from a query string; None when a value is not one the library knows (the view answers 404)."""
    values = {name: (args.get(name) or None) for name in ("topic", "language", "region", "kind")}
    checks = {"topic": lambda value: value in {topic.value for topic in Topic},
              "language": lambda value: bool(LANGUAGE_CODE.match(value)),
              "region": lambda value: value == GLOBAL or value in REGION_NAMES,
              "kind": lambda value: value in {kind.value for kind in ResourceKind}}
    if any(value is not None and not checks[name](value) for name, value in values.items()):
        return None
    return Filters(**values)


def _published(filters, skip=None):
    """The SQL conditions of a published resource matching filters (all but the one named skip)."""
    conditions = [Resource.status == ResourceStatus.PUBLISHED]
    if filters.topic and skip != "topic":
        conditions.append(Resource.id.in_(db.select(ResourceTopic.resource_id)
                                          .where(ResourceTopic.topic == Topic(filters.topic))))
    if filters.language and skip != "language":
        conditions.append(Resource.id.in_(db.select(ResourceLanguage.resource_id)
                                          .where(ResourceLanguage.locale == filters.language)))
    if filters.region and skip != "region":
        conditions.append(Resource.region_id.is_(None) if filters.region == GLOBAL else Resource.region_id.in_(
            db.select(Region.id).where(Region.slug == filters.region)))
    if filters.kind and skip != "kind":
        conditions.append(Resource.kind == ResourceKind(filters.kind))
    return conditions


def published_page(filters, page, per_page):
    """A page of the published resources that match, newest first."""
    query = (db.select(Resource).where(*_published(filters))
             .order_by(Resource.published_at.desc(), Resource.id.desc()).options(selectinload(Resource.region)))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def facet_counts(filters):
    """{"topic"|"language"|"region"|"kind": {value: count}}: how many published resources each choice would
    show, the other filters kept. Four grouped queries, however large the library."""
    count = db.func.count(Resource.id)
    topic = db.select(ResourceTopic.topic, count).join(Resource, Resource.id == ResourceTopic.resource_id) \
        .where(*_published(filters, "topic")).group_by(ResourceTopic.topic)
    language = db.select(ResourceLanguage.locale, count) \
        .join(Resource, Resource.id == ResourceLanguage.resource_id) \
        .where(*_published(filters, "language")).group_by(ResourceLanguage.locale)
    region = db.select(Region.slug, count).select_from(Resource).outerjoin(Region, Region.id == Resource.region_id) \
        .where(*_published(filters, "region")).group_by(Region.slug)
    kind = db.select(Resource.kind, count).where(*_published(filters, "kind")).group_by(Resource.kind)
    found = {name: {str(value) if value is not None else GLOBAL: number
                    for value, number in db.session.execute(query)}
             for name, query in (("topic", topic), ("language", language), ("region", region), ("kind", kind))}
    return found


def published_by_slugs(slugs):
    """The published resources among slugs, in the order given, in one query (a lesson's "From the library")."""
    wanted = [slug for slug in dict.fromkeys(slugs or []) if isinstance(slug, str)]
    if not wanted:
        return []
    rows = db.session.scalars(db.select(Resource).where(Resource.slug.in_(wanted),
                                                        Resource.status == ResourceStatus.PUBLISHED)
                              .options(lazyload(Resource.topics), lazyload(Resource.languages)))
    by_slug = {row.slug: row for row in rows}
    return [by_slug[slug] for slug in wanted if slug in by_slug]


def mine_page(user, page, per_page):
    """The person's own suggestions, newest first, whatever became of them."""
    query = db.select(Resource).where(Resource.suggested_by_id == user.id) \
        .order_by(Resource.created_at.desc(), Resource.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


REVIEW_STATUSES = (ResourceStatus.SUGGESTED, ResourceStatus.PUBLISHED, ResourceStatus.RETIRED,
                   ResourceStatus.DECLINED)


def review_page(user, status, page, per_page):
    """The resources in one state that the reviewer decides on: suggestions oldest first, others latest first."""
    order = (Resource.created_at.asc(),) if status == ResourceStatus.SUGGESTED else (Resource.updated_at.desc(),)
    query = (db.select(Resource).where(policy.reviewable_resources(user), Resource.status == status)
             .order_by(*order, Resource.id.desc())
             .options(selectinload(Resource.region), selectinload(Resource.suggested_by)))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def review_counts(user):
    """{status: how many} of the resources the reviewer decides on."""
    rows = db.session.execute(db.select(Resource.status, db.func.count(Resource.id))
                              .where(policy.reviewable_resources(user)).group_by(Resource.status))
    return {ResourceStatus(status): number for status, number in rows}


# --- suggesting and editing -----------------------------------------------------------------------------------

@dataclass
class ResourceData:
    """What a suggestion or an edit says about a resource (the view fills it from the form)."""

    titles: dict  # {locale: title}
    summaries: dict  # {locale: Markdown}
    languages: list  # codes of the languages the item is in
    topics: list  # Topic values
    region_id: int | None
    kind: str
    url: str = ""
    slug: str | None = None  # an edit may change it; a suggestion gets one from its title


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes = field(repr=False)


def _url_problem(url):
    """None when url is a plain web address (http or https, a host, no credentials), else a reason."""
    from urllib.parse import urlsplit
    try:
        parts = urlsplit(url)
    except ValueError:
        return "url"
    if parts.scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc or len(url) > 500 \
            or any(char.isspace() or ord(char) < 32 for char in url):
        return "url"
    return None


def _problems(data, upload=None, resource=None):
    problems = {}
    if upload is None and resource is None and not data.url:
        problems["url"] = "link_or_file"
    elif upload is not None and data.url:
        problems["url"] = "not_both"
    elif data.url and _url_problem(data.url):
        problems["url"] = _url_problem(data.url)
    elif resource is not None and resource.stored_name is None and not data.url:
        problems["url"] = "link_needed"
    if data.region_id is not None and db.session.get(Region, data.region_id) is None:
        problems["region"] = "unknown"
    if not any(title.strip() for title in data.titles.values()):
        problems["title"] = "no_title"
    if data.slug is not None and resource is not None and data.slug != resource.slug:
        if not SLUG.match(data.slug) or len(data.slug) > 80 or data.slug in RESERVED_SLUGS:
            problems["slug"] = "slug"
        elif db.session.scalar(db.select(Resource.id).filter_by(slug=data.slug)) is not None:
            problems["slug"] = "slug_taken"
    return problems


def slugify(text):
    """Lowercase ASCII letters, digits and hyphens from a title ("Masculinités & paix" -> "masculinites-paix")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:60].strip("-") or "resource"


def new_slug(title):
    """A slug from the title not yet taken (nor one of the library's pages): "title", else "title-2", …"""
    base = slugify(title)
    taken = set(db.session.scalars(db.select(Resource.slug).where(
        (Resource.slug == base) | Resource.slug.like(f"{base}-%")))) | RESERVED_SLUGS
    number, slug = 1, base
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def _set_rows(rows, wanted, make, key):
    """Make the collection hold one row per wanted value, keeping the rows that stay (no delete-then-insert of the
    same key in one flush)."""
    for row in list(rows):
        if key(row) not in wanted:
            rows.remove(row)
    have = {key(row) for row in rows}
    rows.extend(make(value) for value in sorted(wanted - have))


def _fill(resource, data):
    titles = {locale: title.strip() for locale, title in data.titles.items() if title and title.strip()}
    summaries = {locale: text.strip() for locale, text in data.summaries.items() if text and text.strip()}
    resource.title, resource.summary_source = titles, summaries
    resource.summary_html = {locale: render(text) for locale, text in summaries.items()}
    resource.kind, resource.region_id = ResourceKind(data.kind), data.region_id
    _set_rows(resource.topics, {Topic(value) for value in data.topics}, lambda value: ResourceTopic(topic=value),
              lambda row: Topic(row.topic))
    _set_rows(resource.languages, set(data.languages), lambda value: ResourceLanguage(locale=value),
              lambda row: row.locale)
    if resource.stored_name is None:
        resource.url = data.url
    if data.slug is not None:
        resource.slug = data.slug
    resource.updated_at = utcnow()


@contextmanager
def suggested(user, data, upload=None):
    """Suggest a resource: a link, or a file checked by its bytes and stored under a random name. Raises
    files.Refused for the file, Invalid for the rest, before anything is written. The block commits; if it (or
    the flush) fails, the stored file is removed, so a failed save leaves neither file nor row."""
    policy.ensure("resource.suggest", None, user)
    problems = _problems(replace(data, slug=None), upload)
    if problems:
        raise Invalid(problems)
    checked = None
    if upload is not None:
        checked = files.check(upload.name, upload.data, current_app.config["RESOURCE_MAX_UPLOAD_BYTES"])
    first_title = next(title for title in data.titles.values() if title.strip())
    resource = Resource(slug=new_slug(first_title), status=ResourceStatus.SUGGESTED, suggested_by_id=user.id,
                        url="", topics=[], languages=[])
    _fill(resource, replace(data, slug=None, url="" if checked else data.url))
    folder, stored = library_folder(), None
    try:
        if checked is not None:
            stored = files.store(folder, upload.data, checked.format)
            resource.stored_name, resource.file_name = stored, checked.file_name
            resource.content_type, resource.file_size = checked.format.content_type, checked.size
        db.session.add(resource)
        db.session.flush()
        yield resource
    except BaseException:
        if stored is not None:
            files.remove(folder, stored)
        raise


def update(editor, resource, data):
    """Change every field of a suggestion or a published resource (not its file); Invalid says what is wrong."""
    policy.ensure("resource.edit", resource, editor)
    problems = _problems(data, resource=resource)
    if problems:
        raise Invalid(problems)
    _fill(resource, data)
    db.session.flush()
    return resource


# --- deciding -------------------------------------------------------------------------------------------------

def _tell(resource, kind, link, actor):
    """An in-app notification to the suggester (not to a reviewer deciding their own suggestion)."""
    from ..notifications.service import KINDS, notify
    if kind in KINDS and resource.suggested_by_id is not None and resource.suggested_by_id != actor.id:
        notify(resource.suggested_by_id, kind, link=link, resource=resource.id)


def approve(reviewer, resource, link=""):
    """Publish a suggestion (or one declined before): it joins the list now."""
    policy.ensure("resource.approve", resource, reviewer)
    now = utcnow()
    resource.status, resource.published_at, resource.updated_at = ResourceStatus.PUBLISHED, now, now
    resource.reviewed_by_id, resource.review_note = reviewer.id, ""
    _tell(resource, APPROVED, link, reviewer)
    db.session.flush()
    return resource


def decline(reviewer, resource, note, link=""):
    """Decline a suggestion with a note its author reads."""
    policy.ensure("resource.decline", resource, reviewer)
    resource.status, resource.updated_at = ResourceStatus.DECLINED, utcnow()
    resource.reviewed_by_id, resource.review_note = reviewer.id, note.strip()[:500]
    _tell(resource, DECLINED, link, reviewer)
    db.session.flush()
    return resource


def retire(reviewer, resource):
    """Take a published resource out of the library (and out of lessons); it can be reinstated."""
    policy.ensure("resource.retire", resource, reviewer)
    resource.status, resource.updated_at, resource.reviewed_by_id = ResourceStatus.RETIRED, utcnow(), reviewer.id
    db.session.flush()
    return resource


def reinstate(reviewer, resource):
    """Put a retired resource back, at its old place in the list."""
    policy.ensure("resource.reinstate", resource, reviewer)
    resource.status, resource.updated_at, resource.reviewed_by_id = ResourceStatus.PUBLISHED, utcnow(), reviewer.id
    resource.published_at = resource.published_at or utcnow()
    db.session.flush()
    return resource


def file_path(resource):
    """The stored file of a resource, or None (a link, or a file that is not on disk)."""
    path = files.path_of(library_folder(), resource.stored_name)
    return path if path is not None and path.is_file() else None


def regions():
    return db.session.scalars(db.select(Region).order_by(Region.position)).all()
