"""Store a course's surveys and facilitator guides from its validated files: a step of `content sync`
(registered in courses.sync.CONTENT_SYNC_STEPS). Surveys are upserted by slug and archived when their file goes;
answers are never deleted."""
from ..courses.loader import ContentError, Problem
from ..extensions import db
from ..markup import render
from .models import CourseGuide, Survey, SurveyKind

SHAPE = ("slug", "type", "choices", "min", "max")  # what an answer means; wording and "required" may change freely


def sync_course(course, spec, report):
    """Upsert the course's surveys and facilitator guides; raise ContentError when a survey's questions changed
    without a higher version (answers keep the version they answered, so it must say which questions they were)."""
    problems = _sync_surveys(course, spec, report)
    _sync_guides(course, spec, report)
    if problems:
        raise ContentError(problems)
    db.session.flush()


def _question(spec):
    return {"slug": spec.slug, "type": spec.type, "required": spec.required, "choices": spec.choices,
            "min": spec.min, "max": spec.max}


def _texts(spec):
    """{locale: {"title", "intro", "questions": {slug: {"text", "choices" | "low", "high"}}}}."""
    return {locale: {"title": title, "intro": spec.intro.get(locale, ""),
                     "questions": {q.slug: q.texts[locale] for q in spec.questions}}
            for locale, title in spec.title.items()}


def _shape(questions):
    return [tuple(question.get(key) for key in SHAPE) for question in questions]


def _version_problem(survey, spec, questions):
    if spec.same_as is not None:  # it follows the survey it copies, where any problem is reported
        return None
    line = spec.lines.get("version")
    if spec.version < survey.version:
        return Problem(spec.path, line, f"version went down from {survey.version} to {spec.version}: a version "
                                        "only goes up")
    if spec.version == survey.version and _shape(survey.questions) != _shape(questions):
        return Problem(spec.path, line, f"the questions changed since the last sync (slugs, types, choices or "
                                        f"scale) but the version is still {spec.version}: raise it, so earlier "
                                        "answers keep the questions they answered")
    return None


def _sync_surveys(course, spec, report):
    existing = {survey.slug: survey for survey in db.session.scalars(db.select(Survey).filter_by(course_id=course.id))}
    modules = {module.slug: module for module in course.modules}
    problems = []
    for sspec in spec.surveys:
        questions = [_question(question) for question in sspec.questions]
        survey = existing.pop(sspec.slug, None)
        if survey is None:
            survey = Survey(course=course, slug=sspec.slug)
            db.session.add(survey)
        elif (problem := _version_problem(survey, sspec, questions)) is not None:
            problems.append(problem)
        survey.kind, survey.module = SurveyKind(sspec.kind), modules.get(sspec.module)
        survey.version, survey.questions, survey.texts = sspec.version, questions, _texts(sspec)
        survey.archived = False
        report.surveys += 1
    for stale in existing.values():
        if not stale.archived:
            stale.archived = True
            report.archived += 1
    return problems


def _sync_guides(course, spec, report):
    existing = {guide.locale: guide for guide in db.session.scalars(db.select(CourseGuide)
                                                                      .filter_by(course_id=course.id))}
    for locale, gspec in spec.guides.items():
        guide = existing.pop(locale, None)
        if guide is None:
            guide = CourseGuide(course=course, locale=locale)
            db.session.add(guide)
        guide.title, guide.body_html = gspec.title, render(gspec.body)
        report.guides += 1
    for stale in existing.values():  # a guide is content only: nobody's record hangs on it
        db.session.delete(stale)
