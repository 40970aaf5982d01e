"""The published courses as plain read-only objects, built once per process and content version.

Content changes only when it is synced or published, yet every lesson page used to load the course, its outline,
texts and activities as ORM objects (a third of the page's time). Here they are read once into plain objects and
shared by every request until the content changes. Any flush that adds, changes or deletes a content row gives the
content a new version token in the same transaction, so every process and server sees the change on its next
request: each request reads the token once (one tiny query) and uses the snapshot built for it.

The objects answer the same questions as the models (`title_in`, `text_in`, `locales`…), so templates do not
know which they hold. They are never added to a database session: writes use their ids.
"""
import threading
import uuid
from collections import OrderedDict

from flask import g, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db
from ..i18n import LANGUAGES, pick
from .models import Activity, ContentVersion, Course, Lesson, LessonText, Module

CONTENT_MODELS = (Course, Module, Lesson, LessonText, Activity)
KEEP = 4  # snapshots kept per process: the current one, and a few for databases of other apps (tests, benches)


class CourseView:
    """A course; modules holds every module, archived ones too (as the model's relationship does)."""

    def __init__(self, row):
        self.id, self.slug, self.position = row.id, row.slug, row.position
        self.title, self.summary, self.archived = row.title, row.summary, row.archived
        self.modules = []

    def title_in(self, locale):
        return pick(self.title, locale)[1]

    def summary_in(self, locale):
        return pick(self.summary, locale)[1]

    def __repr__(self):
        return f"<CourseView {self.slug}>"


class ModuleView:
    def __init__(self, row, course):
        self.id, self.course_id, self.slug, self.position = row.id, row.course_id, row.slug, row.position
        self.title, self.summary, self.archived = row.title, row.summary, row.archived
        self.opens_after_days = row.opens_after_days
        self.course = course
        self.lessons = []

    def title_in(self, locale):
        return pick(self.title, locale)[1]

    def __repr__(self):
        return f"<ModuleView {self.slug}>"


class LessonView:
    def __init__(self, row, course, module):
        self.id, self.course_id, self.module_id = row.id, row.course_id, row.module_id
        self.slug, self.position, self.archived = row.slug, row.position, row.archived
        self.course, self.module = course, module
        self.texts, self.activities = [], []

    def text_in(self, locale):
        """The text best for this reader (their language, else the first that exists)."""
        return pick({text.locale: text for text in self.texts}, locale)[1]

    def text_exactly_in(self, locale):
        return next((text for text in self.texts if text.locale == locale), None)

    @property
    def locales(self):
        return [code for code in LANGUAGES if self.text_exactly_in(code)]

    def __repr__(self):
        return f"<LessonView {self.slug}>"


class TextView:
    """A lesson in one language; its body is read from the database the first time a page shows it."""

    FIELDS = ("id", "lesson_id", "locale", "title", "minutes", "objectives", "content_note", "resources",
              "source_digest")

    def __init__(self, row):
        for name in self.FIELDS:
            setattr(self, name, getattr(row, name))
        self._body = None

    @property
    def body_html(self):
        if self._body is None:
            self._body = db.session.scalar(db.select(LessonText.body_html).where(LessonText.id == self.id))
        return self._body


class ActivityView:
    def __init__(self, row):
        self.id, self.lesson_id, self.slug, self.kind = row.id, row.lesson_id, row.slug, row.kind
        self.position, self.correct_choice, self.texts = row.position, row.correct_choice, row.texts
        self.archived = row.archived

    def text_in(self, locale):
        return pick(self.texts, locale)[1]

    def language_in(self, locale):
        """The language text_in(locale) is in (another one when the reader's is missing)."""
        return pick(self.texts, locale)[0]

    def answered_right(self, response):
        """Whether the learner's response chose the right answer."""
        return response.choice is not None and response.choice == self.correct_choice


class Snapshot:
    """Every course with all its modules, lessons, texts and activities, archived ones too (a certificate or a
    cohort may outlive its course); finding a course by its slug finds only live ones."""

    def __init__(self):
        self.courses = {}  # slug: CourseView
        self.by_id = {}  # course id: CourseView
        self.lessons = {}  # lesson id: LessonView
        self.modules = {}  # module id: ModuleView
        self.live_by_slug = {}  # (course id, lesson slug): the live LessonView
        for row in db.session.scalars(db.select(Course)):
            self.by_id[row.id] = CourseView(row)
            if not row.archived:
                self.courses[row.slug] = self.by_id[row.id]
        if self.by_id:
            ids = list(self.by_id)
            for row in db.session.scalars(db.select(Module).where(Module.course_id.in_(ids))
                                          .order_by(Module.position, Module.id)):
                module = self.modules[row.id] = ModuleView(row, self.by_id[row.course_id])
                module.course.modules.append(module)
            for row in db.session.execute(db.select(Lesson.__table__).where(Lesson.course_id.in_(ids))
                                          .order_by(Lesson.position, Lesson.id)):
                module = self.modules[row.module_id]
                lesson = self.lessons[row.id] = LessonView(row, module.course, module)
                module.lessons.append(lesson)
                if not lesson.archived:
                    self.live_by_slug[lesson.course_id, lesson.slug] = lesson
            self._texts_and_activities()

    def _texts_and_activities(self):
        columns = [getattr(LessonText, name) for name in TextView.FIELDS]
        for row in db.session.execute(db.select(*columns).where(LessonText.lesson_id.in_(list(self.lessons)))
                                      .order_by(LessonText.id)):
            self.lessons[row.lesson_id].texts.append(TextView(row))
        for row in db.session.scalars(db.select(Activity).where(Activity.lesson_id.in_(list(self.lessons)))
                                      .order_by(Activity.position, Activity.id)):
            self.lessons[row.lesson_id].activities.append(ActivityView(row))

    def course(self, slug):
        return self.courses.get(slug)

    def course_by_id(self, course_id):
        return self.by_id.get(course_id)

    def lesson(self, course_id, slug):
        """The live lesson of that slug in the course, or None."""
        return self.live_by_slug.get((course_id, slug))

    def live_lessons(self, course_id):
        """The course's lessons that are live, in live modules, in course order."""
        course = self.by_id.get(course_id)
        if course is None:
            return []
        return [lesson for module in course.modules if not module.archived
                for lesson in module.lessons if not lesson.archived]


_snapshots = OrderedDict()  # (database URL, token): Snapshot
_lock = threading.Lock()


def current():
    """The snapshot of the content as this request (or app context) sees it."""
    if has_app_context() and "content_snapshot" in g:
        return g.content_snapshot
    token = db.session.scalar(db.select(ContentVersion.token).where(ContentVersion.id == ContentVersion.ONLY))
    key = (str(db.engine.url), token)
    with _lock:
        found = _snapshots.get(key) if token else None
    if found is None:
        found = Snapshot()
        if token:
            with _lock:
                _snapshots[key] = found
                while len(_snapshots) > KEEP:
                    _snapshots.popitem(last=False)
    if has_app_context():
        g.content_snapshot = found
    return found


def _forget_in_context():
    if has_app_context():
        g.pop("content_snapshot", None)


@event.listens_for(Session, "before_flush")
def _new_version_on_change(session, flush_context, instances):
    """A flush that changes content also gives the content a new version token."""
    changed = [*session.new, *session.deleted, *(item for item in session.dirty if session.is_modified(item))]
    if not any(isinstance(item, CONTENT_MODELS) for item in changed):
        return
    row = session.get(ContentVersion, ContentVersion.ONLY)
    if row is None:
        session.add(ContentVersion(id=ContentVersion.ONLY, token=uuid.uuid4().hex))
    else:
        row.token = uuid.uuid4().hex
    _forget_in_context()


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session):
    _forget_in_context()
