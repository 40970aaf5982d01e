"""What publishing a course folder would change for learners: the loader's specs of the new folder compared with
the database (what learners see today) and the current files, lesson by lesson and language by language, with
the number of learners whose progress each change touches. Progress is never lost: archived lessons keep it."""
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..courses.models import Course, Lesson, LessonProgress, LessonText
from ..extensions import db
from ..i18n import LANGUAGES, pick
from ..markup import render

ADDED, CHANGED, RENAMED, MOVED, ARCHIVED, REMOVED = "added", "changed", "renamed", "moved", "archived", "removed"
KINDS = (ADDED, CHANGED, RENAMED, MOVED, ARCHIVED, REMOVED)
KIND_LABELS = {
    ADDED: _l("Added"), CHANGED: _l("Changed"), RENAMED: _l("Renamed"), MOVED: _l("Moved"),
    ARCHIVED: _l("Archived"), REMOVED: _l("Translation removed"),
}
PART_LABELS = {
    "text": _l("text"), "activities": _l("activities"), "minutes": _l("minutes"), "objectives": _l("objectives"),
    "content_note": _l("content note"), "summary": _l("summary"), "opens_after_days": _l("opening day"),
    "position": _l("place in the catalogue"), "resources": _l("library resources"),
}


@dataclass
class Place:
    """Where a lesson sits: its module's title in one language and its number in the module (from 1)."""
    module: str
    number: int


@dataclass
class LessonChange:
    kind: str
    lesson: str  # the slug
    title: str  # in this language (the old one for an archived lesson or a removed translation)
    learners: int = 0  # learners with progress on the lesson (none is lost)
    parts: tuple = ()  # for CHANGED: what changed (keys of PART_LABELS)
    before: str | Place | None = None  # RENAMED: the old title; MOVED: the old place
    after: str | Place | None = None
    back: bool = False  # ADDED: an archived lesson comes back, with its learners' progress


@dataclass
class CourseChange:
    kind: str
    module: str | None  # a module's slug, None for the course itself
    locale: str | None  # the language of a title or summary; None when it concerns every language
    title: str
    parts: tuple = ()
    before: str | None = None
    after: str | None = None


@dataclass
class Preview:
    slug: str
    lessons: dict = field(default_factory=dict)  # locale -> [LessonChange], languages in LANGUAGES order
    course: list = field(default_factory=list)  # [CourseChange]
    files: dict = field(default_factory=dict)  # ADDED / CHANGED / REMOVED -> [path inside the course folder]
    learners: int = 0  # distinct learners with progress on a lesson the change touches

    @property
    def empty(self):
        return not any(self.files.values())

    def counts(self):
        """{kind: number of distinct lessons} over every language, for the summary."""
        found = {}
        for changes in self.lessons.values():
            for change in changes:
                found.setdefault(change.kind, set()).add(change.lesson)
        return {kind: sorted(found[kind]) for kind in KINDS if kind in found}


def compare(slug, spec, current_files, new_files, locale="en"):
    """The Preview of replacing the course folder's current_files by new_files, whose loader spec is spec
    (course and module names in locale)."""
    preview = Preview(slug, files=_file_changes(current_files, new_files))
    course = db.session.scalar(select(Course).filter_by(slug=slug))
    lessons = {}
    if course is not None:
        query = (select(Lesson).filter_by(course_id=course.id)
                 .options(selectinload(Lesson.module), selectinload(Lesson.activities),
                          selectinload(Lesson.texts).undefer(LessonText.body_html)))
        lessons = {lesson.slug: lesson for lesson in db.session.scalars(query)}
    learners = _learners([lesson.id for lesson in lessons.values()])
    touched = set()
    for locale, change in _lesson_changes(spec, lessons, learners):
        preview.lessons.setdefault(locale, []).append(change)
        if change.lesson in lessons:
            touched.add(lessons[change.lesson].id)
    preview.lessons = {code: preview.lessons[code] for code in LANGUAGES if code in preview.lessons}
    preview.course = _course_changes(spec, course, locale)
    preview.learners = _distinct_learners(touched)
    return preview


def _file_changes(current, new):
    return {ADDED: sorted(set(new) - set(current)),
            CHANGED: sorted(path for path in set(new) & set(current) if new[path] != current[path]),
            REMOVED: sorted(set(current) - set(new))}


def _learners(lesson_ids):
    """{lesson id: learners with progress on it} (one row per learner and lesson)."""
    if not lesson_ids:
        return {}
    rows = db.session.execute(select(LessonProgress.lesson_id, func.count(LessonProgress.id))
                              .where(LessonProgress.lesson_id.in_(lesson_ids)).group_by(LessonProgress.lesson_id))
    return dict(rows.all())


def _distinct_learners(lesson_ids):
    if not lesson_ids:
        return 0
    return db.session.scalar(select(func.count(func.distinct(LessonProgress.user_id)))
                             .where(LessonProgress.lesson_id.in_(lesson_ids))) or 0


# --- lessons ------------------------------------------------------------------------------------------------

def _order(pairs):
    """{lesson slug: (module slug, index)} from (module slug, [lesson slugs]) pairs."""
    return {lesson: (module, index) for module, slugs in pairs for index, lesson in enumerate(slugs)}


def _lcs(first, second):
    """The longest common subsequence of two short lists."""
    table = [[[] for _ in range(len(second) + 1)] for _ in range(len(first) + 1)]
    for i, a in enumerate(first):
        for j, b in enumerate(second):
            table[i + 1][j + 1] = table[i][j] + [a] if a == b else max(table[i][j + 1], table[i + 1][j], key=len)
    return table[-1][-1]


def _moved(old, new):
    """The slugs that changed group, or place among those that stayed in their group: after inserting or removing
    one lesson the others have not moved; after swapping two, one has."""
    common = set(old) & set(new)
    moved = {slug for slug in common if old[slug][0] != new[slug][0]}
    for group in {place[0] for place in new.values()}:
        staying = [slug for slug in common - moved if new[slug][0] == group]
        before = sorted(staying, key=lambda slug: old[slug][1])
        after = sorted(staying, key=lambda slug: new[slug][1])
        moved |= set(after) - set(_lcs(before, after))
    return moved


def _lesson_changes(spec, lessons, learners):
    """(locale, LessonChange) for every lesson the new spec adds, changes, renames, moves or archives."""
    live = {slug: lesson for slug, lesson in lessons.items() if not lesson.archived}
    old_modules = {}
    for lesson in sorted(live.values(), key=lambda lesson: (lesson.module.position, lesson.position)):
        old_modules.setdefault(lesson.module.slug, (lesson.module, []))[1].append(lesson.slug)
    old = _order((module, slugs) for module, (_row, slugs) in old_modules.items())
    new = _order((module.slug, module.lessons) for module in spec.modules)
    new_modules = {module.slug: module for module in spec.modules}
    moved = _moved(old, new)
    for slug, (module_slug, index) in new.items():
        versions, lesson = spec.lessons.get(slug, {}), live.get(slug)
        count = learners.get(lessons[slug].id, 0) if slug in lessons else 0
        if lesson is None:
            for locale, version in versions.items():
                yield locale, LessonChange(ADDED, slug, version.title, count, back=slug in lessons)
            continue
        texts = {text.locale: text for text in lesson.texts}
        if slug in moved:
            old_module, old_index = old[slug]
            for locale, version in versions.items():
                before = Place(pick(old_modules[old_module][0].title, locale)[1] or old_module, old_index + 1)
                after = Place(pick(new_modules[module_slug].title, locale)[1] or module_slug, index + 1)
                yield locale, LessonChange(MOVED, slug, version.title, count, before=before, after=after)
        for locale in LANGUAGES:
            text, version = texts.get(locale), versions.get(locale)
            if text is None and version is not None:
                yield locale, LessonChange(ADDED, slug, version.title, count)
            elif text is not None and version is None:
                yield locale, LessonChange(REMOVED, slug, text.title, count)
            elif text is not None:
                if text.title != version.title:
                    yield locale, LessonChange(RENAMED, slug, version.title, count, before=text.title,
                                               after=version.title)
                parts = _changed_parts(lesson, text, version, locale)
                if parts:
                    yield locale, LessonChange(CHANGED, slug, version.title, count, parts=parts)
    for slug, lesson in live.items():
        if slug not in new:
            for text in lesson.texts:
                yield text.locale, LessonChange(ARCHIVED, slug, text.title, learners.get(lesson.id, 0))


def _activity_html(activity):
    """An activity's texts in one language as the sync stores them."""
    return {"prompt_html": render(activity.prompt),
            "choices": [{"text_html": render(text), "feedback_html": render(feedback)}
                        for text, feedback in activity.choices]}


def _changed_parts(lesson, text, version, locale):
    parts = []
    if str(text.body_html) != str(render(version.body)):
        parts.append("text")
    active = sorted((activity for activity in lesson.activities if not activity.archived),
                    key=lambda activity: activity.position)
    if ([(a.slug, a.kind, a.correct_choice, a.texts.get(locale)) for a in active]
            != [(a.slug, a.kind, a.correct, _activity_html(a)) for a in version.activities]):
        parts.append("activities")
    if text.minutes != version.minutes:
        parts.append("minutes")
    if list(text.objectives or []) != list(version.objectives):
        parts.append("objectives")
    if (text.content_note or "") != version.content_note:
        parts.append("content_note")
    if list(text.resources or []) != list(version.resources):
        parts.append("resources")
    return tuple(parts)


# --- the course and its modules -----------------------------------------------------------------------------

def _title_changes(module, old, new):
    for locale in LANGUAGES:
        if old.get(locale) != new.get(locale) and old.get(locale) and new.get(locale):
            yield CourseChange(RENAMED, module, locale, new[locale], before=old[locale], after=new[locale])


def _course_changes(spec, course, locale):
    """Changes to the course's title, summary and place, and to its modules (added, archived, renamed, moved)."""
    title = pick(spec.title, locale)[1] or spec.slug
    if course is None:
        return [CourseChange(ADDED, None, None, title)]
    found = list(_title_changes(None, course.title or {}, spec.title))
    parts = tuple(part for part, changed in (("summary", (course.summary or {}) != spec.summary),
                                             ("position", course.position != spec.position)) if changed)
    if parts:
        found.append(CourseChange(CHANGED, None, None, title, parts=parts))
    live = {module.slug: module for module in course.modules if not module.archived}
    old = {slug: ("", index) for index, slug in enumerate(live)}
    new = {module.slug: ("", index) for index, module in enumerate(spec.modules)}
    moved = _moved(old, new)
    for index, module in enumerate(spec.modules):
        name = pick(module.title, locale)[1] or module.slug
        row = live.get(module.slug)
        if row is None:
            found.append(CourseChange(ADDED, module.slug, None, name))
            continue
        found.extend(_title_changes(module.slug, row.title or {}, module.title))
        parts = tuple(part for part, changed in (("summary", (row.summary or {}) != module.summary),
                                                 ("opens_after_days", row.opens_after_days != module.opens_after_days))
                      if changed)
        if parts:
            found.append(CourseChange(CHANGED, module.slug, None, name, parts=parts))
        if module.slug in moved:
            found.append(CourseChange(MOVED, module.slug, None, name, before=str(old[module.slug][1] + 1),
                                      after=str(index + 1)))
    for slug, row in live.items():
        if slug not in new:
            found.append(CourseChange(ARCHIVED, slug, None, pick(row.title, locale)[1] or slug))
    return found
