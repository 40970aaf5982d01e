"""Keeping the search index up to date: entries are rewritten in the same transaction as the rows they describe.

Session events note what changed (new, edited or deleted lesson texts, posts, threads, events, resources, directory
profiles, organisations; and the children a deleted parent takes with it), and after the flush each touched thing's
entries are rebuilt from its rows as they now are: deleted, then written again if the thing still exists. Bulk
UPDATE and DELETE statements through the session are followed the same way. Entries hold text, never rights: who
may find what is decided by the query (service.py), so a hidden post or profile drops out at once without a write
here. Bulk INSERT statements (insert(Model) with a list of rows) are not followed: run `flask search rebuild`."""
from collections import defaultdict

from sqlalchemy import Text, bindparam, cast, delete, event, func, insert, inspect, literal_column, select
from sqlalchemy.dialects.postgresql import REGCONFIG

from ..accounts.models import Region, User
from ..communities.models import Cohort, Community, Post, Thread
from ..courses.models import Course, Lesson, LessonText, Module
from ..directory.models import DirectoryProfile, Organisation
from ..events.models import Event
from ..extensions import db
from ..i18n import pick
from ..resources.models import Resource
from .models import CONFIGS, FTS_TABLE, SIMPLE, Kind, SearchEntry
from .text import plain_text, squash, words_only

BATCH = 500
PENDING = "search_pending"  # session.info key: {"objects": [...], "keys": {kind: {ids}}}
ENTRIES = SearchEntry.__table__


# --- what each kind's entries say ----------------------------------------------------------------------------

def _lessons(ids):
    rows = db.session.execute(select(LessonText.lesson_id, LessonText.locale, LessonText.title, LessonText.objectives,
                                     LessonText.body_html).where(LessonText.lesson_id.in_(ids)))
    for lesson_id, locale, title, objectives, body_html in rows:
        yield lesson_id, locale, title, " ".join([*(objectives or []), plain_text(body_html)])


def _posts(ids):
    for post_id, body_html in db.session.execute(select(Post.id, Post.body_html).where(Post.id.in_(ids))):
        yield post_id, "", "", plain_text(body_html)


def _threads(ids):
    rows = db.session.execute(select(Thread.id, Thread.title, Thread.framing_html).where(Thread.id.in_(ids)))
    for thread_id, title, framing_html in rows:
        yield thread_id, "", title, plain_text(framing_html)


def _events(ids):
    """One entry per language the event is held in (its text is the same; the reader's language comes first)."""
    rows = db.session.execute(select(Event.id, Event.title, Event.description_html, Event.place, Event.languages)
                              .where(Event.id.in_(ids)))
    for event_id, title, description_html, place, languages in rows:
        body = " ".join([place or "", plain_text(description_html)])
        for locale in dict.fromkeys(languages or [""]):
            yield event_id, locale, title, body


def _resources(ids):
    """One entry per language the title or summary is written in."""
    rows = db.session.execute(select(Resource.id, Resource.title, Resource.summary_html).where(Resource.id.in_(ids)))
    for resource_id, titles, summaries in rows:
        titles, summaries = titles or {}, summaries or {}
        for locale in dict.fromkeys([*titles, *summaries]):
            yield resource_id, locale, titles.get(locale) or pick(titles, locale)[1] or "", \
                plain_text(summaries.get(locale))


def _profiles(ids):
    rows = db.session.execute(select(DirectoryProfile.id, DirectoryProfile.display_name, DirectoryProfile.organisation,
                                     DirectoryProfile.bio_html).where(DirectoryProfile.id.in_(ids)))
    for profile_id, name, organisation, bio_html in rows:
        yield profile_id, "", name, " ".join([organisation or "", plain_text(bio_html)])


def _organisations(ids):
    """One entry per language of the description ("" when there is none)."""
    rows = db.session.execute(select(Organisation.id, Organisation.name, Organisation.description)
                              .where(Organisation.id.in_(ids)))
    for organisation_id, name, descriptions in rows:
        for locale, description in (descriptions or {"": ""}).items():
            yield organisation_id, locale, name, squash(description)


# kind -> (the model whose ids are the entries' object_id, the function that writes their text)
SOURCES = {Kind.LESSON: (Lesson, _lessons), Kind.RESOURCE: (Resource, _resources), Kind.EVENT: (Event, _events),
           Kind.PROFILE: (DirectoryProfile, _profiles), Kind.ORGANISATION: (Organisation, _organisations),
           Kind.THREAD: (Thread, _threads), Kind.POST: (Post, _posts)}

# model -> (kind, how to find the thing's id on a row, the attributes whose change rewrites its entries)
TRACKED = {
    LessonText: (Kind.LESSON, lambda row: row.lesson_id,
                 ("lesson_id", "locale", "title", "objectives", "body_html")),
    Post: (Kind.POST, lambda row: row.id, ("body_html",)),
    Thread: (Kind.THREAD, lambda row: row.id, ("title", "framing_html")),
    Event: (Kind.EVENT, lambda row: row.id, ("title", "description_html", "place", "languages")),
    Resource: (Kind.RESOURCE, lambda row: row.id, ("title", "summary_html")),
    DirectoryProfile: (Kind.PROFILE, lambda row: row.id, ("display_name", "organisation", "bio_html")),
    Organisation: (Kind.ORGANISATION, lambda row: row.id, ("name", "description")),
}


def _thread_and_post_ids(thread_filter):
    threads = select(Thread.id).where(thread_filter)
    return {Kind.THREAD: threads, Kind.POST: select(Post.id).where(Post.thread_id.in_(threads))}


# A deleted parent takes rows with it (ON DELETE CASCADE): model -> ids -> {kind: select of the ids that go}.
CHILDREN = {
    Lesson: lambda ids: {Kind.LESSON: select(Lesson.id).where(Lesson.id.in_(ids))},
    Module: lambda ids: {Kind.LESSON: select(Lesson.id).where(Lesson.module_id.in_(ids))},
    Course: lambda ids: {Kind.LESSON: select(Lesson.id).where(Lesson.course_id.in_(ids)),
                         **_thread_and_post_ids(Thread.cohort_id.in_(select(Cohort.id).where(
                             Cohort.course_id.in_(ids)))),
                         Kind.EVENT: select(Event.id).where(Event.cohort_id.in_(select(Cohort.id).where(
                             Cohort.course_id.in_(ids))))},
    Thread: lambda ids: {Kind.POST: select(Post.id).where(Post.thread_id.in_(ids))},
    Community: lambda ids: {**_thread_and_post_ids(Thread.community_id.in_(ids)),
                            Kind.EVENT: select(Event.id).where(Event.community_id.in_(ids))},
    Cohort: lambda ids: {**_thread_and_post_ids(Thread.cohort_id.in_(ids)),
                         Kind.EVENT: select(Event.id).where(Event.cohort_id.in_(ids))},
    Region: lambda ids: {Kind.EVENT: select(Event.id).where(Event.region_id.in_(ids))},
    User: lambda ids: {Kind.PROFILE: select(DirectoryProfile.id).where(DirectoryProfile.user_id.in_(ids))},
}


# --- writing entries -----------------------------------------------------------------------------------------

def _chunks(ids, size=BATCH):
    ids = sorted(ids)
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _insert_statement(vectors):
    """INSERT for entries; on PostgreSQL (vectors) it also writes the tsvector from the accent-folded words."""
    statement = insert(ENTRIES)
    if not vectors:
        return statement
    config = cast(bindparam("v_config"), REGCONFIG)
    vector = func.setweight(func.to_tsvector(config, bindparam("v_title", type_=Text)), literal_column("'A'")).op(
        "||")(func.setweight(func.to_tsvector(config, bindparam("v_body", type_=Text)), literal_column("'B'")))
    return statement.values(search_vector=vector)


def _write(kind, ids, replace=True):
    """Rebuild the entries of these things of one kind from their rows (replace: delete the old ones first)."""
    if replace:
        db.session.execute(delete(ENTRIES).where(ENTRIES.c.kind == kind, ENTRIES.c.object_id.in_(ids)))
    rows, seen = [], set()
    vectors = db.session.get_bind().dialect.name == "postgresql"
    for object_id, locale, title, body in SOURCES[kind][1](ids):
        locale = (locale or "")[:10]
        if (object_id, locale) in seen:
            continue
        seen.add((object_id, locale))
        title, body = squash(title, 300), squash(body)
        row = {"kind": kind, "object_id": object_id, "locale": locale, "title": title, "body": body}
        if vectors:
            row.update(v_config=CONFIGS.get(locale, SIMPLE), v_title=words_only(title), v_body=words_only(body))
        rows.append(row)
    if rows:
        db.session.execute(_insert_statement(vectors), rows)
    return len(rows)


def reindex(keys):
    """Rewrite the entries of {kind: ids}: each thing's current text, or none when it is gone."""
    for kind, ids in keys.items():
        for chunk in _chunks(ids):
            _write(kind, chunk)


def rebuild(batch=BATCH, progress=None):
    """Empty the index and write it again from every source row, batch by batch (memory stays bounded: rows are
    read as plain values, never loaded as objects). Returns {kind: entries written}. The caller commits."""
    db.session.execute(delete(ENTRIES))
    written = {}
    for kind, (model, _source) in SOURCES.items():
        written[kind], last = 0, 0
        while True:
            ids = db.session.scalars(select(model.id).where(model.id > last).order_by(model.id).limit(batch)).all()
            if not ids:
                break
            written[kind] += _write(kind, ids, replace=False)
            last = ids[-1]
            if progress:
                progress(kind, written[kind])
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.connection().exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
    return written


# --- following the session -----------------------------------------------------------------------------------

def _pending(session):
    return session.info.setdefault(PENDING, {"objects": [], "keys": defaultdict(set)})


def _changed(obj, attributes):
    """Whether any of these attributes of a persistent object was given a different value."""
    state = inspect(obj)
    for name in attributes:
        history = state.attrs[name].history
        if history.added or history.deleted:
            if not (history.added and history.deleted and history.added[0] == history.deleted[0]):
                return True
    return False


def _add_children(session, model, ids, keys):
    """Note the things a deleted parent takes with it, while their rows still exist."""
    children = CHILDREN.get(model)
    if children is None or not ids:
        return
    with session.no_autoflush:
        for kind, query in children(ids).items():
            keys[kind].update(session.scalars(query))


def _before_flush(session, flush_context, instances):
    pending = _pending(session)
    for obj in session.new:
        if type(obj) in TRACKED:
            pending["objects"].append(obj)
    for obj in session.dirty:
        tracked = TRACKED.get(type(obj))
        if tracked is not None and _changed(obj, tracked[2]):
            pending["objects"].append(obj)
            if type(obj) is LessonText and _changed(obj, ("lesson_id",)):  # moved: its old lesson loses it
                old = inspect(obj).attrs.lesson_id.history.deleted
                pending["keys"][Kind.LESSON].update(value for value in old if value is not None)
    deleted = defaultdict(list)
    for obj in session.deleted:
        tracked = TRACKED.get(type(obj))
        if tracked is not None:
            pending["keys"][tracked[0]].add(tracked[1](obj))
        if type(obj) in CHILDREN:
            deleted[type(obj)].append(obj.id)
    for model, ids in deleted.items():
        _add_children(session, model, ids, pending["keys"])


def _after_flush_postexec(session, flush_context):
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    keys = pending["keys"]
    for obj in pending["objects"]:
        kind, object_id, _attributes = TRACKED[type(obj)]
        key = object_id(obj)
        if key is not None:
            keys[kind].add(key)
    for ids in keys.values():
        ids.discard(None)
    if any(keys.values()):
        reindex(keys)


def _forget(session, *args):
    session.info.pop(PENDING, None)


def _updated_names(statement):
    """The attribute names an UPDATE sets, or None when they cannot be told."""
    values = getattr(statement, "_values", None)
    if not values:
        return None
    return {getattr(key, "key", None) or getattr(key, "name", None) or str(key) for key in values}


def _on_execute(state):
    """Follow UPDATE and DELETE statements run through the session on indexed models (and deleted parents)."""
    if not (state.is_update or state.is_delete) or state.bind_mapper is None:
        return None
    model = state.bind_mapper.class_
    tracked = TRACKED.get(model)
    if state.is_update and (tracked is None or _updated_names(state.statement) is not None
                            and not _updated_names(state.statement) & set(tracked[2])):
        return None
    if state.is_delete and tracked is None and model not in CHILDREN:
        return None
    session, keys = state.session, defaultdict(set)
    where = state.statement.whereclause

    def matching(column):
        return session.scalars(select(column).where(where) if where is not None else select(column)).all()

    with session.no_autoflush:
        if tracked is not None:  # tracked[1] on the class gives the column (Post.id, LessonText.lesson_id)
            keys[tracked[0]].update(matching(tracked[1](model)))
        if state.is_delete and model in CHILDREN:
            _add_children(session, model, matching(model.id), keys)
    result = state.invoke_statement()
    if any(keys.values()):
        reindex(keys)
    return result


def register():
    """Listen to the app's sessions (once)."""
    for name, listener in (("before_flush", _before_flush), ("after_flush_postexec", _after_flush_postexec),
                           ("after_rollback", _forget), ("do_orm_execute", _on_execute)):
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)


register()
