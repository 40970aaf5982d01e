"""Surveys for learners: which ones to offer and where, answering or skipping each once per course run; and the
facilitator guide of a course. No requests here: functions flush, views commit.

A course run is the cohort the learner takes the course in ("cohort:<id>"), else "self": a learner moved to
another cohort meets the surveys again there. Answers keep the survey's version, so a later edit of the questions
never changes what an answer meant."""
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from .. import policy
from ..courses import service as courses
from ..courses import snapshot
from ..courses import sync as course_sync
from ..courses.service import CoursePanel, LessonPanel
from ..extensions import db
from ..i18n import pick
from ..models_base import utcnow
from .models import CourseGuide, Survey, SurveyAnswer, SurveyKind
from .sync import sync_course

CARD = "surveys/_card.html"


def guide_for(course, locale):
    """The course's facilitator guide best for a reader of locale (theirs, else the first language that has one),
    or None when the course has none."""
    guides = {guide.locale: guide
              for guide in db.session.scalars(db.select(CourseGuide).filter_by(course_id=course.id))}
    return pick(guides, locale)[1]


def courses_with_a_guide(courses):
    """The ids of those courses that have a facilitator guide in some language."""
    ids = [course.id for course in courses]
    return set(db.session.scalars(db.select(CourseGuide.course_id).where(CourseGuide.course_id.in_(ids)).distinct()))


def course_surveys(course):
    """The course's live surveys: the pre survey, the module surveys in module order, the post survey (read once
    per request: a lesson's panels ask twice)."""
    def compute():
        rows = db.session.scalars(db.select(Survey).filter_by(course_id=course.id, archived=False)).all()
        order = {SurveyKind.PRE: 0, SurveyKind.MODULE: 1, SurveyKind.POST: 2}
        modules = snapshot.current().modules
        return sorted(rows, key=lambda s: (order[s.kind], modules[s.module_id].position if s.module_id else 0, s.slug))
    return policy.request_cache("course_surveys", course.id, compute)


def find_survey(course, slug):
    return db.session.scalar(db.select(Survey).filter_by(course_id=course.id, slug=slug, archived=False))


def run_key(enrolment):
    """The course run an answer belongs to: the learner's cohort, else their own pace."""
    return f"cohort:{enrolment.cohort_id}" if enrolment.cohort_id else "self"


def answers_in_run(user, enrolment):
    """{survey_id: SurveyAnswer} of the user's answers and skips in their current run of the course."""
    rows = db.session.scalars(db.select(SurveyAnswer).join(Survey)
                              .where(SurveyAnswer.user_id == user.id, Survey.course_id == enrolment.course_id,
                                     SurveyAnswer.run_key == run_key(enrolment)))
    return {row.survey_id: row for row in rows}


def answer_for(user, survey, enrolment):
    """The user's answer (or skip) of survey in their current run, or None."""
    return db.session.scalar(db.select(SurveyAnswer).filter_by(user_id=user.id, survey_id=survey.id,
                                                               run_key=run_key(enrolment)))


def module_done(outline, module_id):
    """Whether the learner has done every lesson of the module."""
    return any(part.module.id == module_id and part.lessons and part.done == len(part.lessons)
               for part in outline.modules)


def closed_reason(survey, enrolment, outline):
    """Why the survey is not open to the learner: "module" (a module survey before its module is done), "course"
    (the post survey before the course is completed), "completed" (the pre survey once it is), or None when open."""
    if survey.kind == SurveyKind.MODULE and not module_done(outline, survey.module_id):
        return "module"
    if survey.kind == SurveyKind.POST and enrolment.completed_at is None:
        return "course"
    if survey.kind == SurveyKind.PRE and enrolment.completed_at is not None:
        return "completed"
    return None


def _save(user, survey, enrolment, locale, answers, skipped):
    """Record an answer or a skip in the learner's run; an earlier answer stands (returns it, unchanged), an earlier
    skip gives way to answers. Returns (row, saved)."""
    policy.ensure("survey.answer", survey, user)
    row = answer_for(user, survey, enrolment)
    if row is not None and (not row.skipped or skipped):
        return row, False
    if row is None:
        row = SurveyAnswer(user_id=user.id, survey_id=survey.id, run_key=run_key(enrolment))
    row.cohort_id, row.version, row.locale = enrolment.cohort_id, survey.version, locale
    row.answers, row.skipped, row.submitted_at = answers, skipped, utcnow()
    try:
        with db.session.begin_nested():  # the same form sent twice at once: the first one counts
            db.session.add(row)
    except IntegrityError:
        return answer_for(user, survey, enrolment), False
    return row, True


def submit(user, survey, enrolment, answers, locale):
    """Keep the learner's answers ({question slug: value}) with the survey's version; once per run."""
    known = {question["slug"] for question in survey.questions}
    return _save(user, survey, enrolment, locale, {k: v for k, v in answers.items() if k in known}, False)


def skip(user, survey, enrolment, locale):
    """Note that the learner chose not to answer in this run (they may still answer later)."""
    return _save(user, survey, enrolment, locale, {}, True)


# --- where learners meet surveys: cards on the course overview and on lesson pages ------------------------

@dataclass
class Offer:
    survey: Survey
    module_id: int | None  # the module section of the overview it belongs in (module surveys)


def offers(course, outline, enrolment, done):
    """The surveys to offer now, given the run's answers and skips (done: {survey_id: SurveyAnswer}): the pre
    survey until the course is completed, a module survey once its module is done, the post survey once the course
    is completed."""
    found = []
    for survey in course_surveys(course):
        if survey.id in done:
            continue
        if closed_reason(survey, enrolment, outline) is None:
            found.append(Offer(survey, survey.module_id))
    return found


def _card(offer, course, heading=2):
    """What surveys/_card.html needs; heading: the level of its heading (3 inside a module's section)."""
    return {"survey": offer.survey, "course": course, "module": snapshot.current().modules.get(offer.survey.module_id),
            "heading": heading}


def course_panels(user, course, outline, enrolment):
    """Cards on the course overview (registered in courses.service.COURSE_PANEL_PROVIDERS)."""
    if not user.is_authenticated or enrolment is None:
        return []
    return [CoursePanel(CARD, _card(offer, course, 3 if offer.module_id else 2), module_id=offer.module_id)
            for offer in offers(course, outline, enrolment, answers_in_run(user, enrolment))]


def _shown_at(offer, lesson, outline):
    """Whether a lesson page shows the offer: the pre survey at the first lesson, a module survey at the last
    lesson of its module and at the first lesson after it, the post survey at the last lesson of the course."""
    lessons = outline.lessons
    if offer.survey.kind == SurveyKind.PRE:
        return lessons[:1] == [lesson]
    if offer.survey.kind == SurveyKind.POST:
        return lessons[-1:] == [lesson]
    for number, part in enumerate(outline.modules):
        if part.module.id == offer.survey.module_id:
            following = outline.modules[number + 1].lessons[:1] if number + 1 < len(outline.modules) else []
            return lesson in (part.lessons[-1:] + following)
    return False


def lesson_panels(page):
    """Cards on a lesson page (registered in courses.service.LESSON_PANEL_PROVIDERS)."""
    user, lesson, enrolment, outline = page.user, page.lesson, page.enrolment, page.outline
    if not user.is_authenticated or enrolment is None or not course_surveys(lesson.course):
        return []
    found = offers(lesson.course, outline, enrolment, answers_in_run(user, enrolment))
    return [LessonPanel(CARD, _card(offer, lesson.course)) for offer in found if _shown_at(offer, lesson, outline)]


def register():
    """Plug surveys into courses: the content sync step and the cards on lesson and overview pages."""
    for registry, hook in ((course_sync.CONTENT_SYNC_STEPS, sync_course),
                           (courses.LESSON_PANEL_PROVIDERS, lesson_panels),
                           (courses.COURSE_PANEL_PROVIDERS, course_panels)):
        if hook not in registry:
            registry.append(hook)
