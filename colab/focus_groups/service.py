"""Focus-group sessions: what may be chosen when recording one, saving, listing, and the notes that mention a
lesson (for the course team's report). No requests here; services flush, views commit."""
from dataclasses import dataclass, field, replace
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import joinedload, selectinload

from .. import policy
from ..accounts.models import Region
from ..communities.models import Cohort, Community
from ..courses import service as courses
from ..courses.models import Lesson, Module
from ..extensions import db
from ..i18n import is_language
from ..models_base import utcnow
from .models import FocusGroup

MAX_PARTICIPANTS = 200
NOTE_FIELDS = ("worked", "did_not_work", "suggestions", "quotes")


class InvalidSession(ValueError):
    """What was asked to be saved breaks a rule of a session (field: the form field it concerns)."""

    def __init__(self, field_name, reason):
        super().__init__(f"{field_name}: {reason}")
        self.field, self.reason = field_name, reason


# --- what the recording form offers -------------------------------------------------------------------

def live_courses():
    """The courses a session can be about: those open to learners."""
    return courses.catalogue()


def find_course(slug):
    return courses.find_course(slug)


def modules_with_lessons(course):
    """[(module, [lesson, ...])] of the course's open modules and lessons, in course order (two queries)."""
    return [(part.module, part.lessons) for part in courses.outline(course).modules]


def cohort_choices(user, course, keep_id=None):
    """The cohorts of the course the user runs or facilitates (policy.followed_cohorts), newest first; keep_id:
    a cohort already chosen for the session, kept as a choice even if the user no longer follows it."""
    mine = policy.followed_cohorts(user)
    if keep_id is not None:
        mine = mine | (Cohort.id == keep_id)
    return db.session.scalars(
        db.select(Cohort).join(Community).where(Cohort.course_id == course.id, mine)
        .options(joinedload(Cohort.community)).order_by(Cohort.starts_on.desc(), Cohort.id.desc())).all()


def regions():
    return db.session.scalars(db.select(Region).order_by(Region.position, Region.slug)).all()


def today_for(user):
    """Today's date where the user is (a session held today is never "in the future")."""
    try:
        zone = ZoneInfo(user.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return datetime.now(zone).date()


# --- recording, changing, deleting ------------------------------------------------------------------------

@dataclass
class SessionData:
    """What a recorder gives: ids for region, cohort and module; lesson_ids a list of ints; notes plain text."""

    held_on: object
    region_id: int | None
    locale: str
    cohort_id: int | None
    participants: int
    module_id: int | None
    lesson_ids: list = field(default_factory=list)
    worked: str = ""
    did_not_work: str = ""
    suggestions: str = ""
    quotes: str = ""
    quotes_consent: bool = False


def problems(user, course, data, group=None):
    """{field: reason} of every rule data breaks as a session of course recorded by user (group: the session being
    changed, whose cohort stays allowed); empty when it may be saved. Values the form could not read (None) are
    left to the form."""
    found = {}
    if data.held_on is not None and data.held_on > today_for(user):
        found["held_on"] = "future"
    if data.participants is not None and not 1 <= data.participants <= MAX_PARTICIPANTS:
        found["participants"] = "range"
    if not is_language(data.locale):
        found["locale"] = "unknown"
    if data.region_id is not None and db.session.get(Region, data.region_id) is None:
        found["region"] = "unknown"
    if data.cohort_id is not None:
        keep = group.cohort_id if group is not None else None
        if data.cohort_id not in {cohort.id for cohort in cohort_choices(user, course, keep)}:
            found["cohort"] = "not_followed"
    outline = modules_with_lessons(course)
    modules = {module.id for module, _lessons in outline} | ({group.module_id} if group is not None else set())
    if data.module_id is not None and data.module_id not in modules:
        found["module"] = "unknown"
    lessons = {lesson.id for _module, lessons in outline for lesson in lessons}
    kept = {lesson_id for lesson_id in (group.lesson_ids or []) if lesson_id not in lessons} if group else set()
    if not set(data.lesson_ids) <= lessons | kept:
        found["lessons"] = "unknown"
    elif data.module_id is None and not data.lesson_ids and not kept:
        found["lessons"] = "nothing_discussed"
    if not any((getattr(data, name) or "").strip() for name in NOTE_FIELDS):
        found["worked"] = "no_notes"
    if (data.quotes or "").strip() and not data.quotes_consent:
        found["quotes"] = "no_consent"
    return found


def check(user, course, data, group=None):
    """Raise InvalidSession (the first problem) unless data may be saved."""
    for name, reason in problems(user, course, data, group).items():
        raise InvalidSession(name, reason)
    if data.held_on is None or data.participants is None:
        raise InvalidSession("held_on" if data.held_on is None else "participants", "missing")


def _apply(group, data):
    group.held_on, group.region_id, group.locale = data.held_on, data.region_id, data.locale
    group.cohort_id, group.participants, group.module_id = data.cohort_id, data.participants, data.module_id
    group.lesson_ids = sorted(set(data.lesson_ids))
    for name in NOTE_FIELDS:
        setattr(group, name, (getattr(data, name) or "").strip())
    group.quotes_consent = bool(group.quotes) and bool(data.quotes_consent)  # no quotes: nothing was consented to


def record(user, course, data):
    """Record a session of course held by user; the new FocusGroup (flushed)."""
    policy.ensure("focus_group.record", None, user)
    check(user, course, data)
    now = utcnow()
    group = FocusGroup(course_id=course.id, recorded_by_id=user.id, created_at=now, updated_at=now)
    _apply(group, data)
    db.session.add(group)
    db.session.flush()
    return group


def hidden_lesson_ids(group):
    """The lessons the session discussed that the form cannot show (archived since): a change keeps them."""
    shown = {lesson.id for _module, lessons in modules_with_lessons(group.course) for lesson in lessons}
    return [lesson_id for lesson_id in group.lesson_ids or [] if lesson_id not in shown]


def update(user, group, data):
    """Change a session's details and notes (its course stays; lessons archived since stay named)."""
    policy.ensure("focus_group.edit", group, user)
    data = replace(data, lesson_ids=[*data.lesson_ids, *hidden_lesson_ids(group)])
    check(user, group.course, data, group)
    _apply(group, data)
    group.updated_at = utcnow()
    db.session.flush()
    return group


def delete(user, group):
    policy.ensure("focus_group.delete", group, user)
    db.session.delete(group)
    db.session.flush()


def find(group_id):
    return db.session.scalar(db.select(FocusGroup).where(FocusGroup.id == group_id).options(
        joinedload(FocusGroup.course), joinedload(FocusGroup.region), joinedload(FocusGroup.cohort),
        joinedload(FocusGroup.module), joinedload(FocusGroup.recorded_by)))


def lessons_of(group):
    """The lessons a session discussed, in course order (one query); lessons since removed are left out."""
    if not group.lesson_ids:
        return []
    return db.session.scalars(
        db.select(Lesson).join(Module).where(Lesson.id.in_([int(i) for i in group.lesson_ids]),
                                             Lesson.course_id == group.course_id)
        .options(selectinload(Lesson.module)).order_by(Module.position, Lesson.position)).all()


# --- lists ----------------------------------------------------------------------------------------------

def _filtered(query, course_id=None, region_id=None, locale=None, cohort_id=None, since=None, until=None):
    if course_id is not None:
        query = query.where(FocusGroup.course_id == course_id)
    if region_id is not None:
        query = query.where(FocusGroup.region_id == region_id)
    if locale:
        query = query.where(FocusGroup.locale == locale)
    if cohort_id is not None:
        query = query.where(FocusGroup.cohort_id == cohort_id)
    if since is not None:
        query = query.where(FocusGroup.held_on >= since)
    if until is not None:
        query = query.where(FocusGroup.held_on <= until)
    return query


def _newest_first(query):
    return query.order_by(FocusGroup.held_on.desc(), FocusGroup.id.desc())


def sessions_page(user, page, per_page, course_id=None, region_id=None, locale=None):
    """One page of the sessions user may read (their own; every one for the course team), newest first."""
    query = _filtered(db.select(FocusGroup).where(policy.visible_focus_groups(user)), course_id, region_id, locale)
    query = _newest_first(query).options(
        joinedload(FocusGroup.course), joinedload(FocusGroup.region), joinedload(FocusGroup.cohort),
        joinedload(FocusGroup.module), joinedload(FocusGroup.recorded_by))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


# --- for the course team's report ---------------------------------------------------------------------------

@dataclass
class NotesIndex:
    """The sessions of one course (already filtered), looked up by lesson or module without further queries."""

    sessions: list
    by_lesson: dict  # lesson id -> [FocusGroup] that named the lesson itself
    by_module: dict  # module id -> [FocusGroup] that named the module

    def for_lesson(self, lesson_id, module_id=None):
        """The sessions that discussed the lesson: named it, or named its module (module_id), newest first."""
        found = {group.id: group for group in self.by_lesson.get(lesson_id, [])}
        found.update((group.id, group) for group in self.by_module.get(module_id, []))
        return sorted(found.values(), key=lambda group: (group.held_on, group.id), reverse=True)

    def for_module(self, module_id, lesson_ids=()):
        """The sessions that named the module, or any of its lessons (lesson_ids), newest first."""
        found = {group.id: group for group in self.by_module.get(module_id, [])}
        for lesson_id in lesson_ids:
            found.update((group.id, group) for group in self.by_lesson.get(lesson_id, []))
        return sorted(found.values(), key=lambda group: (group.held_on, group.id), reverse=True)


def notes_index(course, *, cohort_id=None, region_id=None, locale=None, since=None, until=None):
    """Every session of course that passes the filters (held_on between since and until, both included), indexed
    by lesson and module: ONE query, then lesson_ids are read in Python (JSON containment is not portable between
    SQLite and PostgreSQL, and a course has few sessions). The caller has checked course_team.report (whose
    holders read every session)."""
    query = _filtered(db.select(FocusGroup), course.id, region_id, locale, cohort_id, since, until)
    sessions = db.session.scalars(_newest_first(query).options(
        joinedload(FocusGroup.region), joinedload(FocusGroup.cohort))).all()
    by_lesson, by_module = {}, {}
    for group in sessions:
        for lesson_id in set(group.lesson_ids or []):
            by_lesson.setdefault(int(lesson_id), []).append(group)
        if group.module_id is not None:
            by_module.setdefault(group.module_id, []).append(group)
    return NotesIndex(sessions, by_lesson, by_module)


def notes_mentioning(course, lesson_ids=None, module_ids=None, *, cohort_id=None, region_id=None, locale=None,
                     since=None, until=None):
    """The sessions of course that discussed any of lesson_ids (named the lesson, or its module) or any of
    module_ids (named the module), newest first, filtered like notes_index. With neither, every session of the
    course that passes the filters. Two queries at most."""
    index = notes_index(course, cohort_id=cohort_id, region_id=region_id, locale=locale, since=since, until=until)
    if lesson_ids is None and module_ids is None:
        return index.sessions
    lesson_ids, module_ids = set(lesson_ids or ()), set(module_ids or ())
    if lesson_ids:
        module_ids |= set(db.session.scalars(db.select(Lesson.module_id).where(
            Lesson.id.in_(sorted(lesson_ids)), Lesson.course_id == course.id)))
    wanted = [group for group in index.sessions
              if group.module_id in module_ids or lesson_ids & {int(i) for i in group.lesson_ids or []}]
    return wanted
