"""What learners do with courses: enrol, read, answer, complete. No requests here."""
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.orm import selectinload

from ..extensions import db
from ..i18n import ONE_LANGUAGE
from ..markup import render
from ..models_base import utcnow
from . import snapshot
from .models import Course, Enrolment, Lesson, LessonProgress, Response

VISIT_EVERY = timedelta(minutes=5)  # a learner's "last seen" on a lesson is written at most this often


def catalogue():
    """Courses open to learners, in catalogue order (read-only views from the content snapshot)."""
    return sorted(snapshot.current().courses.values(), key=lambda course: (course.position, course.slug))


def find_course(slug):
    """The live course of that slug as a read-only view, or None."""
    return snapshot.current().course(slug)


def find_lesson(course, slug):
    """The live lesson of that slug in the course (a model row or a view) as a read-only view, or None."""
    return snapshot.current().lesson(course.id, slug)


@dataclass
class ModuleOutline:
    module: object  # a read-only module view (snapshot.ModuleView)
    lessons: list
    done: int

    @property
    def percent(self):
        return round(100 * self.done / len(self.lessons)) if self.lessons else 0


@dataclass
class Outline:
    """A course's live modules and lessons, in order, with one learner's completions and the modules that have
    not opened for them yet ({module_id: opens_at (UTC)})."""

    modules: list
    completed_ids: set
    locked: dict = field(default_factory=dict)

    @property
    def lessons(self):
        return [lesson for outline in self.modules for lesson in outline.lessons]

    @property
    def done(self):
        return sum(outline.done for outline in self.modules)

    @property
    def percent(self):
        total = len(self.lessons)
        return round(100 * self.done / total) if total else 0

    def _index(self, lesson):
        return [each.id for each in self.lessons].index(lesson.id)

    def next_after(self, lesson):
        lessons = self.lessons
        index = self._index(lesson)
        return lessons[index + 1] if index + 1 < len(lessons) else None

    def previous_before(self, lesson):
        lessons = self.lessons
        index = self._index(lesson)
        return lessons[index - 1] if index > 0 else None

    def first_unfinished(self):
        """The first lesson not done, open or not: None means the course is complete."""
        return next((lesson for lesson in self.lessons if lesson.id not in self.completed_ids), None)

    def opens_at(self, lesson):
        """When the lesson opens for this learner (UTC), or None when it is open."""
        return self.locked.get(lesson.module_id)

    def next_to_do(self, after=None):
        """The first open lesson not done (after the given one, if any); never a lesson that has not opened."""
        lessons = self.lessons
        if after is not None:
            lessons = lessons[self._index(after) + 1:]
        return next((lesson for lesson in lessons
                     if lesson.id not in self.completed_ids and lesson.module_id not in self.locked), None)

    def resume(self, enrolment):
        """Where "Continue" leads: the last lesson seen while it is open, not done, and some open lesson is left to
        do; after a lesson marked done, the next open one to do; None when the course is done or what is left has
        not opened yet."""
        if enrolment.completed_at or self.next_to_do() is None:
            return None
        last = next((lesson for lesson in self.lessons if lesson.id == enrolment.last_lesson_id), None)
        if last is not None and last.module_id not in self.locked:
            if last.id not in self.completed_ids:
                return last
            return self.next_to_do(after=last) or self.next_to_do()
        return self.next_to_do()


def outline(course, user=None):
    """The course outline (course, modules and lessons as read-only views), with the user's completed lessons
    and locked modules marked: one query for the user's completions, none for the content."""
    lessons = snapshot.current().live_lessons(course.id)
    completed = completed_lesson_ids(user, course) if user else set()
    modules = []
    for lesson in lessons:
        if not modules or modules[-1].module is not lesson.module:
            modules.append(ModuleOutline(lesson.module, [], 0))
        modules[-1].lessons.append(lesson)
        modules[-1].done += lesson.id in completed
    return Outline(modules, completed, locked_modules(user, course) if user else {})


def completed_lesson_ids(user, course):
    return set(db.session.scalars(
        db.select(LessonProgress.lesson_id).join(Lesson)
        .where(LessonProgress.user_id == user.id, Lesson.course_id == course.id,
               LessonProgress.completed_at.is_not(None))))


def enrolment_for(user, course):
    return db.session.scalar(db.select(Enrolment).filter_by(user_id=user.id, course_id=course.id))


def enrolments(user):
    """The user's enrolments in live courses, most recently active first."""
    rows = db.session.scalars(
        db.select(Enrolment).join(Course).where(Enrolment.user_id == user.id, Course.archived.is_(False))
        .options(selectinload(Enrolment.course), selectinload(Enrolment.last_lesson))
    ).all()
    return sorted(rows, key=lambda e: e.last_seen_at or e.enrolled_at, reverse=True)


def enrol(user, course):
    """Enrol the user in the course (once)."""
    enrolment = enrolment_for(user, course)
    if enrolment is None:
        enrolment = Enrolment(user_id=user.id, course_id=course.id)
        db.session.add(enrolment)
        db.session.flush()
    return enrolment


def record_visit(user, lesson):
    """Note that the user opened the lesson: enrols them and moves their bookmark. Reading the same lesson again
    within VISIT_EVERY writes nothing, so a page read is not a database write."""
    now = utcnow()
    enrolment = enrol(user, lesson.course)
    if enrolment.last_lesson_id != lesson.id or _stale(enrolment.last_seen_at, now):
        enrolment.last_lesson_id, enrolment.last_seen_at = lesson.id, now
    progress = progress_for(user, lesson)
    if progress is None:
        db.session.add(LessonProgress(user_id=user.id, lesson_id=lesson.id, started_at=now, last_seen_at=now))
    elif _stale(progress.last_seen_at, now):
        progress.last_seen_at = now
    db.session.flush()
    return enrolment


def _stale(seen_at, now):
    return seen_at is None or now - seen_at >= VISIT_EVERY


def progress_for(user, lesson):
    return db.session.scalar(db.select(LessonProgress).filter_by(user_id=user.id, lesson_id=lesson.id))


def set_completed(user, lesson, completed=True):
    """Mark the lesson done (or not done) and update the course's completion."""
    enrolment = record_visit(user, lesson)
    progress = progress_for(user, lesson)
    progress.completed_at = (progress.completed_at or utcnow()) if completed else None
    db.session.flush()
    course_outline = outline(lesson.course, user)
    finished = course_outline.first_unfinished() is None
    if finished and enrolment.completed_at is None:
        enrolment.completed_at = utcnow()
    elif not finished:
        enrolment.completed_at = None
    return course_outline


def responses_for(user, lesson):
    """The user's responses to the lesson's activities, keyed by activity id."""
    ids = [activity.id for activity in lesson.activities]
    rows = db.session.scalars(db.select(Response).where(Response.user_id == user.id, Response.activity_id.in_(ids)))
    return {row.activity_id: row for row in rows}


def _response(user, activity):
    response = db.session.scalar(db.select(Response).filter_by(user_id=user.id, activity_id=activity.id))
    if response is None:
        response = Response(user_id=user.id, activity_id=activity.id)
        db.session.add(response)
    return response


def save_reflection(user, activity, text):
    """Keep the learner's private reflection, source and rendered HTML side by side."""
    response = _response(user, activity)
    response.text_source, response.text_html = text, render(text)
    response.updated_at = utcnow()
    db.session.flush()
    return response


def answer_selfcheck(user, activity, choice):
    """Record the learner's choice; retries overwrite it and count attempts."""
    response = _response(user, activity)
    response.choice = choice
    response.attempts = (response.attempts or 0) + 1
    response.updated_at = utcnow()
    db.session.flush()
    return response


def find_activity(lesson, slug):
    return next((a for a in lesson.activities if a.slug == slug and not a.archived), None)


# Other features add links under a lesson ("discuss this lesson") without courses knowing them:
# each provider is provider(user, lesson, locale) -> [(label, url)].
LESSON_LINK_PROVIDERS = []


def lesson_links(user, lesson, locale):
    return [link for provider in LESSON_LINK_PROVIDERS for link in provider(user, lesson, locale)]


# Other features may keep modules closed until a date (a scheduled cohort) without courses knowing them:
# each provider is provider(user, course) -> {module_id: opens_at (UTC)} for the modules not open yet.
MODULE_LOCK_PROVIDERS = []


def locked_modules(user, course):
    """{module_id: opens_at} for the modules of course the user cannot open yet (the latest date wins)."""
    locked = {}
    for provider in MODULE_LOCK_PROVIDERS:
        for module_id, opens_at in provider(user, course).items():
            locked[module_id] = max(opens_at, locked.get(module_id, opens_at))
    return locked


def lesson_opens_at(user, lesson):
    """When the lesson opens for user (UTC), or None when they may open it now."""
    return locked_modules(user, lesson.course).get(lesson.module_id)


# Other features may suggest a second language without courses knowing them (a cohort's default pair): each
# provider is provider(enrolment) -> (locale, locale) or None.
READING_PAIR_PROVIDERS = []


def second_language(user, enrolment, reading):
    """The language to show beside a lesson read in `reading`, or None: the person's own choice, else the other
    half of their cohort's default pair when `reading` is one half."""
    chosen = user.second_language
    if chosen:
        return None if chosen in (ONE_LANGUAGE, reading) else chosen
    for provider in READING_PAIR_PROVIDERS if enrolment else ():
        pair = provider(enrolment)
        if pair and reading in pair:
            return pair[1] if pair[0] == reading else pair[0]
    return None


def choose_second_language(user, choice):
    """Remember the language the person reads lessons beside (a locale or ONE_LANGUAGE; None: as their cohort
    suggests)."""
    user.second_language = choice or None
    db.session.flush()


@dataclass
class LessonPanel:
    """A piece of a lesson page that another feature fills (shared reflections of a cohort): the template to
    include and what it needs. activity_id places it under that activity's form (None: after the activities);
    hint replaces the "private" hint of that activity's reflection field."""

    template: str
    data: dict
    activity_id: int | None = None
    hint: str | None = None


# Other features add panels to a lesson page without courses knowing them: each provider is
@dataclass
class LessonPage:
    """What a lesson page already knows, handed to each panel provider so none asks for it again."""

    user: object
    lesson: Lesson
    responses: dict  # the user's {activity_id: Response}
    outline: Outline
    enrolment: Enrolment | None


# provider(page: LessonPage) -> [LessonPanel]
LESSON_PANEL_PROVIDERS = []


def lesson_panels(page):
    return [panel for provider in LESSON_PANEL_PROVIDERS for panel in provider(page)]


@dataclass
class CoursePanel:
    """A piece of a course overview page that another feature fills (a survey to answer): the template to include
    and what it needs. module_id places it in that module's section (None: under the course's progress)."""

    template: str
    data: dict
    module_id: int | None = None


# Other features add panels to a course overview without courses knowing them: each provider is
# provider(user, course, outline, enrolment) -> [CoursePanel], for a signed-in learner enrolled in the course.
COURSE_PANEL_PROVIDERS = []


def course_panels(user, course, outline, enrolment):
    return [panel for provider in COURSE_PANEL_PROVIDERS for panel in provider(user, course, outline, enrolment)]
