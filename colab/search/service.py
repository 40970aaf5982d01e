"""Search: the entries a person may see that match a query, the reader's language first, then the best matches.

Who may find what is decided in the query itself, kind by kind, with the policy's SQL twins, so what a person may
not see is neither shown nor counted: posts only when visible, in a thread not held, in a community they view;
threads not held in such communities; events they may see (cancelled ones too, marked); published resources,
directory profiles and organisations; lessons of courses and lessons not archived."""
from dataclasses import dataclass, field
from math import ceil

from sqlalchemy import and_, bindparam, case, column, distinct, func, literal_column, or_, select, table, text
from sqlalchemy.dialects.postgresql import REGCONFIG

from .. import policy
from ..communities.models import Community, Post, PostStatus, Thread
from ..courses.models import Course, Lesson
from ..directory.models import DirectoryProfile, Organisation
from ..events.models import Event, EventStatus
from ..extensions import db
from ..i18n import pick
from ..markup import highlight
from ..resources.models import Resource, ResourceStatus
from . import indexing  # noqa: F401 - keeps the index up to date on every write
from .models import CONFIGS, FTS_TABLE, SIMPLE, Kind, SearchEntry
from .text import MAX_QUERY, excerpt, fts5_query, query_terms, tsquery

PER_PAGE = 20
# The most entries one search ranks and counts. A word in half the forum would otherwise rank every post on each
# request (seconds at 100 times the alliance); past this, the reader is told there are more and to add a word.
CANDIDATES = 1000
E = SearchEntry


@dataclass
class Hit:
    """One result: what it is, its title and an excerpt with the matched words marked (SafeHTML), where it leads
    (endpoint and values, for the view's url_for) and what else the list shows (a post's community and thread, an
    event's start and whether it is cancelled, a lesson's course)."""

    kind: Kind
    object_id: int
    locale: str
    title: object
    snippet: object
    endpoint: str = ""
    values: dict = field(default_factory=dict)
    community: str = ""
    thread: str = ""
    course: str = ""
    starts_at: object = None
    cancelled: bool = False
    url: str | None = None  # filled in by the view from endpoint and values


@dataclass
class Results:
    """A page of hits with what the pager needs (the attributes of Flask-SQLAlchemy's Pagination)."""

    query: str
    terms: list
    kind: Kind | None
    page: int
    per_page: int
    counts: dict  # {Kind: things found} of every kind, whatever the filter
    items: list = field(default_factory=list)
    trimmed: bool = False  # the query was longer than MAX_QUERY and only its start was read
    capped: bool = False  # more entries matched than CANDIDATES: counts and pages cover the first CANDIDATES
    candidates: int = 0  # the bound the counts stop at

    @property
    def total(self):
        return self.counts.get(self.kind, 0) if self.kind else sum(self.counts.values())

    @property
    def pages(self):
        return ceil(self.total / self.per_page) if self.total else 0

    @property
    def has_prev(self):
        return self.page > 1

    @property
    def prev_num(self):
        return self.page - 1

    @property
    def has_next(self):
        return self.page < self.pages

    @property
    def next_num(self):
        return self.page + 1


# --- who may find what ---------------------------------------------------------------------------------------

def _viewable(user):
    """The SQL filter over entries: each kind joined to its rows with the policy's twins."""
    posts = (select(Post.id).join(Thread, Thread.id == Post.thread_id)
             .join(Community, Community.id == Thread.community_id)
             .where(Post.id == E.object_id, Post.status == PostStatus.VISIBLE, Thread.held.is_(False),
                    policy.viewed_communities(user)))
    threads = (select(Thread.id).join(Community, Community.id == Thread.community_id)
               .where(Thread.id == E.object_id, Thread.held.is_(False), policy.viewed_communities(user)))
    lessons = (select(Lesson.id).join(Course, Course.id == Lesson.course_id)
               .where(Lesson.id == E.object_id, Lesson.archived.is_(False), Course.archived.is_(False)))
    events = select(Event.id).where(Event.id == E.object_id, policy.visible_events(user))
    resources = select(Resource.id).where(Resource.id == E.object_id, Resource.status == ResourceStatus.PUBLISHED)
    profiles = select(DirectoryProfile.id).where(DirectoryProfile.id == E.object_id, policy.listed_profiles(user))
    organisations = select(Organisation.id).where(Organisation.id == E.object_id, Organisation.published.is_(True))
    rules = {Kind.POST: posts, Kind.THREAD: threads, Kind.LESSON: lessons, Kind.EVENT: events,
             Kind.RESOURCE: resources, Kind.PROFILE: profiles, Kind.ORGANISATION: organisations}
    return or_(*(and_(E.kind == kind, query.exists()) for kind, query in rules.items()))


# --- matching ------------------------------------------------------------------------------------------------

def _matches(terms):
    """(the FROM, the WHERE and the score, lower is better) of the full-text match on this database."""
    if db.session.get_bind().dialect.name == "postgresql":
        query = bindparam("tsq", tsquery(terms))
        combined = None
        for config in (*CONFIGS.values(), SIMPLE):
            part = func.to_tsquery(literal_column(f"'{config}'", REGCONFIG), query)
            combined = part if combined is None else combined.op("||")(part)
        return E.__table__, E.search_vector.op("@@")(combined), -func.ts_rank(E.search_vector, combined)
    fts = table(FTS_TABLE, column("rowid"))
    match = literal_column(FTS_TABLE).op("MATCH")(bindparam("fts", fts5_query(terms)))
    return E.__table__.join(fts, fts.c.rowid == E.id), match, func.bm25(literal_column(FTS_TABLE), 10.0, 1.0)


def _hits(user, terms, locale, kind=None):
    """A subquery of at most CANDIDATES matching entries the user may see: id, kind, object_id, locale, score,
    preference. The index hands them over in its own order; only these are ranked."""
    source, match, score = _matches(terms)
    query = (select(E.id, E.kind, E.object_id, E.locale, score.label("score"),
                    case((E.locale == locale, 0), (E.locale == "", 1), else_=2).label("preference"))
             .select_from(source).where(match, _viewable(user)))
    if kind is not None:
        query = query.where(E.kind == kind)
    return query.limit(CANDIDATES).subquery("hits")


def search(user, query, locale, page=1, per_page=PER_PAGE, kind=None):
    """The page-th page of what the user may find with this query, one hit per thing (in the reader's language
    when it has one), the reader's language first, then by rank; counts by kind."""
    trimmed = len(query or "") > MAX_QUERY
    terms = query_terms(query)
    results = Results(query=(query or "")[:MAX_QUERY], terms=terms, kind=kind, page=page, per_page=per_page,
                      counts={}, trimmed=trimmed)
    if not terms:
        return results
    if db.session.get_bind().dialect.name == "postgresql":
        # The planner prices these OR'ed EXISTS filters high enough to JIT-compile them, which costs half a second
        # and saves nothing at this size; for this transaction only.
        db.session.execute(text("SET LOCAL jit = off"))
    hits = _hits(user, terms, locale)
    counted = db.session.execute(select(hits.c.kind, func.count(distinct(hits.c.object_id)), func.count())
                                 .group_by(hits.c.kind)).all()
    results.counts = {Kind(found): number for found, number, _ in counted}
    results.candidates = CANDIDATES
    results.capped = sum(entries for _, _, entries in counted) >= CANDIDATES
    if not results.total or page > results.pages:
        return results
    hits = _hits(user, terms, locale, kind)
    best = func.row_number().over(partition_by=(hits.c.kind, hits.c.object_id),
                                  order_by=(hits.c.preference, hits.c.score, hits.c.id))
    ranked = select(hits, best.label("best")).subquery("ranked")
    rows = db.session.execute(
        select(ranked.c.kind, ranked.c.object_id, ranked.c.locale, E.title, E.body)
        .join(E, E.id == ranked.c.id).where(ranked.c.best == 1)
        .order_by(ranked.c.preference, ranked.c.score, ranked.c.kind, ranked.c.object_id)
        .limit(per_page).offset((page - 1) * per_page)).all()
    results.items = [Hit(kind=Kind(row.kind), object_id=row.object_id, locale=row.locale,
                         title=highlight(row.title, terms), snippet=highlight(excerpt(row.body, terms), terms))
                     for row in rows]
    _describe(results.items, terms, locale)
    return results


# --- what each hit shows and where it leads ----------------------------------------------------------------

def _describe(hits, terms, locale):
    """Fill in each hit's link and context, one query per kind on the page."""
    by_kind = {}
    for hit in hits:
        by_kind.setdefault(hit.kind, {})[hit.object_id] = hit
    for kind, found in by_kind.items():
        DESCRIBERS[kind](found, terms, locale)


def _describe_lessons(found, terms, locale):
    rows = db.session.execute(select(Lesson.id, Lesson.slug, Course.slug, Course.title)
                              .join(Course, Course.id == Lesson.course_id).where(Lesson.id.in_(found)))
    for lesson_id, lesson_slug, course_slug, course_title in rows:
        hit = found[lesson_id]
        hit.endpoint, hit.values = "courses.lesson", {"course_slug": course_slug, "lesson_slug": lesson_slug}
        hit.course = pick(course_title or {}, locale)[1] or ""


def _describe_threads(found, terms, locale):
    rows = db.session.execute(select(Thread.id, Thread.title, Community.slug, Community.name)
                              .join(Community, Community.id == Thread.community_id).where(Thread.id.in_(found)))
    for thread_id, title, slug, name in rows:
        hit = found[thread_id]
        hit.title = highlight(title, terms)
        hit.endpoint, hit.values = "communities.thread", {"slug": slug, "thread_id": thread_id}
        hit.community = pick(name or {}, locale)[1] or ""


def _describe_posts(found, terms, locale):
    rows = db.session.execute(select(Post.id, Thread.id, Thread.title, Community.slug, Community.name)
                              .join(Thread, Thread.id == Post.thread_id)
                              .join(Community, Community.id == Thread.community_id).where(Post.id.in_(found)))
    for post_id, thread_id, title, slug, name in rows:
        hit = found[post_id]
        hit.title = highlight(title, terms)
        hit.thread = title
        hit.endpoint, hit.values = "communities.thread", {"slug": slug, "thread_id": thread_id, "post": post_id}
        hit.community = pick(name or {}, locale)[1] or ""


def _describe_events(found, terms, locale):
    rows = db.session.execute(select(Event.id, Event.starts_at, Event.status).where(Event.id.in_(found)))
    for event_id, starts_at, status in rows:
        hit = found[event_id]
        hit.endpoint, hit.values = "calendar.show", {"event_id": event_id}
        hit.starts_at, hit.cancelled = starts_at, status == EventStatus.CANCELLED


def _describe_resources(found, terms, locale):
    for resource_id, slug in db.session.execute(select(Resource.id, Resource.slug).where(Resource.id.in_(found))):
        found[resource_id].endpoint, found[resource_id].values = "resources.show", {"slug": slug}


def _describe_profiles(found, terms, locale):
    for profile_id in found:
        found[profile_id].endpoint, found[profile_id].values = "directory.profile", {"profile_id": profile_id}


def _describe_organisations(found, terms, locale):
    """Organisations have no page of their own: the list of those in the same country (anchored to the entry)."""
    rows = db.session.execute(select(Organisation.id, Organisation.country).where(Organisation.id.in_(found)))
    for organisation_id, country in rows:
        found[organisation_id].endpoint = "directory.organisations"
        found[organisation_id].values = {"country": country, "_anchor": f"organisation-{organisation_id}"}


DESCRIBERS = {Kind.LESSON: _describe_lessons, Kind.THREAD: _describe_threads, Kind.POST: _describe_posts,
              Kind.EVENT: _describe_events, Kind.RESOURCE: _describe_resources, Kind.PROFILE: _describe_profiles,
              Kind.ORGANISATION: _describe_organisations}
