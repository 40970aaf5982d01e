"""Load validated content into the database: an upsert keyed by slugs that keeps learners' records.

Other features store their part of a course folder (surveys, the facilitator guide) through CONTENT_SYNC_STEPS,
so courses need not know their models."""
import os
from collections import defaultdict
from dataclasses import dataclass

from ..extensions import db
from ..markup import render, render_all
from .loader import read_content
from .models import Activity, Course, Lesson, LessonText, Module


@dataclass
class SyncReport:
    courses: int = 0
    modules: int = 0
    lessons: int = 0
    texts: int = 0
    archived: int = 0
    surveys: int = 0
    guides: int = 0

    def __str__(self):
        return (f"{self.courses} courses, {self.modules} modules, {self.lessons} lessons, "
                f"{self.texts} lesson texts; {self.archived} items archived; "
                f"{self.surveys} surveys, {self.guides} facilitator guides")


# Each step is step(course, spec, report): it stores its part of the validated CourseSpec for the Course row
# (whose modules and lessons are already synced), counts what it did in report, and flushes. A step may raise
# ContentError for a problem only the database shows; the caller then rolls back and nothing is changed.
CONTENT_SYNC_STEPS = []


# Rendering is most of a first load's time; with this many texts to render, they are shared among processes.
PARALLEL_FROM = 200


def sync_content(root, workers=1):
    """Validate everything under root, then upsert it; on any error raise before writing. workers: processes that
    may render Markdown at once (the command line passes the machine's CPUs; a web request renders alone)."""
    specs = read_content(root)
    ready = _prerender(specs, workers)
    report = SyncReport()
    existing = {course.slug: course for course in db.session.scalars(db.select(Course))}
    for spec in specs:
        course = existing.pop(spec.slug, None) or Course(slug=spec.slug)
        db.session.add(course)
        course.position, course.title, course.summary, course.archived = spec.position, spec.title, spec.summary, False
        _sync_modules(course, spec, report, ready)
        db.session.flush()
        for step in CONTENT_SYNC_STEPS:
            step(course, spec, report)
        report.courses += 1
    for course in existing.values():
        if not course.archived:
            course.archived = True
            report.archived += 1
    db.session.flush()
    return report


def _sync_modules(course, spec, report, ready):
    modules = {module.slug: module for module in course.modules}
    lessons = {lesson.slug: lesson for lesson in db.session.scalars(db.select(Lesson).filter_by(course=course))} \
        if course.id else {}
    for position, mspec in enumerate(spec.modules):
        module = modules.pop(mspec.slug, None) or Module(slug=mspec.slug)
        if module not in course.modules:
            course.modules.append(module)
        module.position, module.title, module.summary, module.archived = position, mspec.title, mspec.summary, False
        module.opens_after_days = mspec.opens_after_days
        report.modules += 1
        for lposition, lslug in enumerate(mspec.lessons):
            lesson = lessons.pop(lslug, None) or Lesson(slug=lslug, course=course)
            lesson.module, lesson.position, lesson.archived = module, lposition, False
            db.session.add(lesson)
            _sync_lesson(lesson, spec.lessons[lslug], report, ready)
            report.lessons += 1
    for item in [*modules.values(), *lessons.values()]:
        if not item.archived:
            item.archived = True
            report.archived += 1


def _sync_lesson(lesson, versions, report, ready):
    """The lesson's texts and activities. A file whose text has not changed since the last sync is not rendered
    again (rendering is most of a sync's time); when every language's file is unchanged, neither are activities."""
    texts = {text.locale: text for text in lesson.texts}
    unchanged = set(texts) == set(versions) and all(texts[locale].source_digest == spec.digest
                                                      for locale, spec in versions.items())
    for locale, spec in versions.items():
        text = texts.pop(locale, None) or LessonText(locale=locale)
        if text not in lesson.texts:
            lesson.texts.append(text)
        text.title, text.minutes, text.objectives = spec.title, spec.minutes, spec.objectives
        text.content_note, text.resources = spec.content_note, spec.resources
        if text.source_digest != spec.digest:
            text.body_html, text.source_digest = _rendered(spec.body, ready), spec.digest
        report.texts += 1
    for stale in texts.values():
        lesson.texts.remove(stale)
    if not unchanged:
        _sync_activities(lesson, versions, ready)


def _sync_activities(lesson, versions, ready):
    activities = {activity.slug: activity for activity in lesson.activities}
    reference = next(iter(versions.values()))
    for position, aspec in enumerate(reference.activities):
        activity = activities.pop(aspec.slug, None) or Activity(slug=aspec.slug)
        if activity not in lesson.activities:
            lesson.activities.append(activity)
        activity.kind, activity.position, activity.archived = aspec.kind, position, False
        activity.correct_choice = aspec.correct
        activity.texts = {locale: _activity_text(spec.activities[position], ready) for locale, spec in versions.items()}
    for stale in activities.values():
        stale.archived = True


def _activity_text(spec, ready):
    return {
        "prompt_html": _rendered(spec.prompt, ready),
        "choices": [{"text_html": _rendered(text, ready), "feedback_html": _rendered(feedback, ready)}
                    for text, feedback in spec.choices],
    }


# --- rendering everything that changed at once ------------------------------------------------------------------

def _rendered(source, ready):
    """The HTML of a Markdown source: rendered ahead when it was, else now."""
    found = ready.get(source)
    return found if found is not None else render(source)


def _prerender(specs, workers):
    """{Markdown source: SafeHTML} of the lesson files that changed since the last sync (as their stored digests
    say), rendered ahead of the upsert in several processes when there are many; else {} (rendered as met)."""
    if workers < 2:
        return {}
    stored = defaultdict(dict)  # (course slug, lesson slug): {locale: digest of the file last rendered}
    for course, lesson, locale, digest in db.session.execute(
            db.select(Course.slug, Lesson.slug, LessonText.locale, LessonText.source_digest)
            .join(Lesson, Lesson.course_id == Course.id).join(LessonText, LessonText.lesson_id == Lesson.id)):
        stored[course, lesson][locale] = digest
    sources = []
    for spec in specs:
        for slug, versions in spec.lessons.items():
            known = stored.get((spec.slug, slug), {})
            changed = [locale for locale, version in versions.items() if known.get(locale) != version.digest]
            sources += [versions[locale].body for locale in changed]
            if changed or set(known) != set(versions):  # as _sync_lesson decides to write the activities again
                sources += [piece for version in versions.values() for activity in version.activities
                            for piece in (activity.prompt, *(part for choice in activity.choices for part in choice))]
    sources = list(dict.fromkeys(sources))  # the same text (a repeated feedback) is rendered once
    if len(sources) < PARALLEL_FROM:
        return {}
    return dict(zip(sources, render_all(sources, workers), strict=True))


def cpu_count():
    """The CPUs this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
