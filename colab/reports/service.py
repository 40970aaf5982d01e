"""The course team's report: per course, module and lesson, what learners did (started, completed) and said
(usefulness, comments, unsafe answers), the change between the pre- and post-course surveys, and the focus-group
notes. No requests here.

THE SMALL-GROUP RULE (`minimum` below: the REPORT_MIN_GROUP setting, 5). Every figure comes from a group of people:
the learners who started a lesson (started, completed, completion %), those who rated it (the distribution, the
mean), those who commented on it (the comments and their number), those who answered a survey question before and
after the course (its means or shares). A figure is shown only when
  1. its group, under the filters asked for, has at least `minimum` people, and
  2. no filter moves it by fewer than `minimum` people: the people the figure would count without the filters,
     split by which side of each active filter they are on (every combination; for the period: before it, in it
     or after it), are none or at least `minimum` in each part. Otherwise the same figure with and without a
     filter (or with either of two filters and both, or without one end of the period) would differ by one to four
     people's answers, and a reader who knows who they are would learn what they said.
A hidden figure is None (the tables say "fewer than 5"), including when its group is empty, so that "none" and
"one" never look different. A module's usefulness distribution and comment count are sums of its lessons', so they
are shown only when no lesson's parts are small (else module minus lessons would give a hidden lesson away).

UNSAFE ANSWERS are the exception: the course team must read them at once, so each is shown whatever their number,
never with a name, with only its day and language. So that no filter ties one to a person, the cohort and region
filters never apply to them nor to their count (language and period do: each answer shows both anyway).

What the rule cannot stop: subtracting two overlapping periods that are not open-ended (1 to 20 May from 1 to 21
May), or adding up every value of a filter one by one and subtracting the sum from the total. Reading the report is
for the course team only (rule course_team.report).

Each page costs a fixed number of queries whatever the number of learners: aggregates with GROUP BY, except the
pre/post survey answers, read one row per answer (their JSON cannot be aggregated the same way in SQLite and
PostgreSQL)."""
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import joinedload

from ..accounts.models import Region, User
from ..communities.models import Cohort
from ..courses import service as courses
from ..courses.models import Course, Enrolment, Lesson, LessonProgress, Module
from ..extensions import db
from ..feedback.models import LessonFeedback
from ..focus_groups import service as focus_groups
from ..focus_groups.models import FocusGroup
from ..i18n import LANGUAGES
from ..surveys.models import Survey, SurveyAnswer, SurveyKind

DIMS = ("cohort", "region", "language", "period")  # the filters, in the order their flags are kept
SCALE = (1, 2, 3, 4, 5)  # "Was this lesson useful?"
# Which side of a filter a person is on: they fail it (OUT) or pass it (IN); for the period, BEFORE it, IN it or AFTER
# it, so that leaving out either end of the period is a difference the rule checks too.
OUT, IN = 0, 1
BEFORE, AFTER = 0, 2


# --- filters ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    """What the reader narrowed the report to. cohort: a cohort of the course (the run feedback and answers were
    given in; a learner's enrolment for progress). region: the learners' own region. locale: the language the
    feedback or the survey answer was given in (for progress: the learner's language, the one lessons are shown
    in). start, end: the period's first and last days, in the reader's time zone `zone`."""

    cohort_id: int | None = None
    region_id: int | None = None
    locale: str | None = None
    start: date | None = None
    end: date | None = None
    zone: str = "UTC"

    @property
    def dims(self):
        """The active filters, in DIMS order."""
        active = {"cohort": self.cohort_id is not None, "region": self.region_id is not None,
                  "language": bool(self.locale), "period": self.start is not None or self.end is not None}
        return tuple(dim for dim in DIMS if active[dim])

    @property
    def since(self):
        """The period's first moment (UTC), or None."""
        return _midnight(self.start, self.zone) if self.start else None

    @property
    def until(self):
        """The moment after the period (UTC), or None."""
        return _midnight(self.end + timedelta(days=1), self.zone) if self.end else None

    def period_part(self, moment):
        """BEFORE, IN or AFTER the period (a moment that is None is before it)."""
        if moment is None or (self.since is not None and moment < self.since):
            return BEFORE
        return AFTER if self.until is not None and moment >= self.until else IN

    def notes_args(self):
        """The filters as colab.focus_groups.service takes them (a session's day is held_on)."""
        return {"cohort_id": self.cohort_id, "region_id": self.region_id, "locale": self.locale or None,
                "since": self.start, "until": self.end}


def _midnight(day, zone):
    try:
        tzinfo = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        tzinfo = UTC
    return datetime.combine(day, time(0), tzinfo=tzinfo).astimezone(UTC)


def _between(column, filters):
    """SQL: column falls in the period."""
    conditions = [column.is_not(None)]
    if filters.since is not None:
        conditions.append(column >= filters.since)
    if filters.until is not None:
        conditions.append(column < filters.until)
    return and_(*conditions)


def _flags(filters, conditions, dims=None):
    """One column per active filter (of dims, default all), labelled f_<dim>: which side of it the row is on (IN,
    OUT; for the period BEFORE, IN, AFTER). conditions: {dim: a function giving the SQL condition; for "period",
    the column whose moment counts}."""
    columns = []
    for dim in filters.dims:
        if dims is not None and dim not in dims:
            continue
        if dim == "period":
            column = conditions[dim]()
            sides = [(column.is_(None), BEFORE)]
            if filters.since is not None:
                sides.append((column < filters.since, BEFORE))
            if filters.until is not None:
                sides.append((column >= filters.until, AFTER))
            columns.append(case(*sides, else_=IN).label("f_" + dim))
        else:
            columns.append(case((conditions[dim](), IN), else_=OUT).label("f_" + dim))
    return columns


def _count_by(inner):
    """SELECT every column of inner, count(*) GROUP BY them (through a subquery, so that PostgreSQL groups by the
    very columns it selects, bound parameters and all)."""
    sub = inner.subquery()
    columns = list(sub.c)
    return db.session.execute(select(*columns, func.count()).group_by(*columns)).all()


def _live():
    return and_(Lesson.archived.is_(False), Module.archived.is_(False))


# --- the small-group rule ------------------------------------------------------------------------------------------

class Crowd:
    """People split by which side of each active filter they are on: {(side, ...) in Filters.dims order: how
    many}, a side being IN or OUT (BEFORE, IN or AFTER for the period)."""

    def __init__(self):
        self.parts = Counter()

    def add(self, flags, number=1):
        self.parts[tuple(int(flag) for flag in flags)] += number

    @property
    def chosen(self):
        """The people every active filter chooses."""
        return sum(number for flags, number in self.parts.items() if _is_chosen(flags))

    def safe(self, minimum):
        """No part (those chosen, and those each combination of filters leaves out) has 1 to minimum-1 people."""
        return all(number == 0 or number >= minimum for number in self.parts.values())

    def shown(self, minimum):
        return self.safe(minimum) and self.chosen >= minimum


def _is_chosen(flags):
    """Whether a row on these sides of the active filters is one they choose."""
    return all(flag == IN for flag in flags)


@dataclass
class Progress:
    """Learners who started (in the period), and of them those who completed (by its end). None: hidden."""

    started: int | None = None
    completed: int | None = None

    @property
    def percent(self):
        return None if self.started is None else _percent(self.completed, self.started)


def _percent(part, whole):
    return round(100 * part / whole) if whole else 0


def _progress(crowd, completed, minimum):
    return Progress(crowd.chosen, completed) if crowd.shown(minimum) else Progress()


@dataclass
class Usefulness:
    """How many people answered 1, 2, 3, 4, 5 to "Was this lesson useful?"; counts None: hidden."""

    counts: list | None = None

    @property
    def answers(self):
        return None if self.counts is None else sum(self.counts)

    @property
    def mean(self):
        if not self.counts or not sum(self.counts):
            return None
        return sum(value * number for value, number in zip(SCALE, self.counts, strict=True)) / sum(self.counts)


@dataclass
class LessonFigures:
    lesson: Lesson
    progress: Progress = field(default_factory=Progress)
    usefulness: Usefulness = field(default_factory=Usefulness)
    comments: int | None = None  # how many people commented; None: hidden
    unsafe: int = 0  # unsafe answers: never hidden, never split by cohort or region
    notes: int = 0  # focus-group sessions that discussed the lesson or its module
    raters: Crowd = field(default_factory=Crowd, repr=False)
    commenters: Crowd = field(default_factory=Crowd, repr=False)
    chosen_counts: Counter = field(default_factory=Counter, repr=False)


@dataclass
class ModuleFigures:
    module: Module
    lessons: list  # LessonFigures
    progress: Progress = field(default_factory=Progress)
    usefulness: Usefulness = field(default_factory=Usefulness)
    comments: int | None = None
    unsafe: int = 0
    notes: int = 0


# --- what the report reads ----------------------------------------------------------------------------------------

def live_courses():
    return courses.catalogue()


def find_course(slug):
    return courses.find_course(slug)


def find_lesson(course, slug):
    """A live lesson of the course (its module live too), or None."""
    return db.session.scalar(select(Lesson).join(Module, Module.id == Lesson.module_id)
                             .where(Lesson.course_id == course.id, Lesson.slug == slug, _live()))


def cohorts(course=None):
    """The cohorts of a course (of every live course when None), newest first, with their course."""
    query = select(Cohort).join(Course, Course.id == Cohort.course_id).where(Course.archived.is_(False))
    if course is not None:
        query = query.where(Cohort.course_id == course.id)
    return db.session.scalars(query.options(joinedload(Cohort.course))
                              .order_by(Cohort.starts_on.desc(), Cohort.name, Cohort.id)).all()


def regions():
    return db.session.scalars(select(Region).order_by(Region.position, Region.slug)).all()


def find_region(slug):
    return db.session.scalar(select(Region).filter_by(slug=slug))


# --- progress -------------------------------------------------------------------------------------------------------

def _progress_conditions(filters):
    return {"cohort": lambda: Enrolment.cohort_id == filters.cohort_id,
            "region": lambda: User.region_id == filters.region_id,
            "language": lambda: User.locale == filters.locale,
            "period": lambda: LessonProgress.started_at}


def _progress_from(query):
    """query FROM progress on live lessons, with each learner and their enrolment in the lesson's course."""
    return (query.select_from(LessonProgress).join(Lesson, Lesson.id == LessonProgress.lesson_id)
            .join(Module, Module.id == Lesson.module_id).join(User, User.id == LessonProgress.user_id)
            .outerjoin(Enrolment, and_(Enrolment.user_id == LessonProgress.user_id,
                                       Enrolment.course_id == Lesson.course_id))
            .where(_live()))


def _lesson_progress(filters, where):
    """{lesson_id: (Crowd of who started it, how many of those chosen completed it by the period's end)}: one
    GROUP BY lesson and flags."""
    done = LessonProgress.completed_at.is_not(None)
    if filters.until is not None:
        done = and_(done, LessonProgress.completed_at < filters.until)
    inner = _progress_from(select(LessonProgress.lesson_id.label("lesson_id"),
                                  case((done, 1), else_=0).label("done"),
                                  *_flags(filters, _progress_conditions(filters)))).where(where)
    found = defaultdict(lambda: [Crowd(), 0])
    for lesson_id, completed, *flags, number in _count_by(inner):
        found[lesson_id][0].add(flags, number)
        if completed and _is_chosen(flags):
            found[lesson_id][1] += number
    return found


def _learner_rows(filters, key, where):
    """Per learner and key (Lesson.module_id or Lesson.course_id), over live lessons: (user_id, key, when they
    completed the course (their enrolment), their flags but the period's..., first start, last completion, lessons
    completed): one GROUP BY. The period is applied in Python, to the first start."""
    user_dims = tuple(dim for dim in DIMS if dim != "period")
    inner = _progress_from(select(
        LessonProgress.user_id.label("user_id"), key.label("key"), Enrolment.completed_at.label("finished"),
        LessonProgress.started_at.label("started_at"), LessonProgress.completed_at.label("completed_at"),
        *_flags(filters, _progress_conditions(filters), user_dims))).where(where).subquery()
    flags = [column for column in inner.c if column.name.startswith("f_")]
    group = [inner.c.user_id, inner.c.key, inner.c.finished, *flags]
    return db.session.execute(select(*group, func.min(inner.c.started_at), func.max(inner.c.completed_at),
                                     func.count(inner.c.completed_at)).group_by(*group)).all()


def _with_period(filters, flags, first_start):
    return (*flags, filters.period_part(first_start)) if "period" in filters.dims else tuple(flags)


def _finished(filters, moment):
    return moment is not None and (filters.until is None or moment < filters.until)


# --- feedback -------------------------------------------------------------------------------------------------------

def _feedback_conditions(filters):
    return {"cohort": lambda: LessonFeedback.cohort_id == filters.cohort_id,
            "region": lambda: User.region_id == filters.region_id,
            "language": lambda: LessonFeedback.locale == filters.locale,
            "period": lambda: LessonFeedback.updated_at}


def _feedback_from(query):
    return (query.select_from(LessonFeedback).join(User, User.id == LessonFeedback.user_id)
            .join(Lesson, Lesson.id == LessonFeedback.lesson_id).join(Module, Module.id == Lesson.module_id)
            .where(_live()))


def _lesson_feedback(filters, where, figures):
    """Fill each LessonFigures of figures ({lesson_id: LessonFigures}) with its raters, commenters and the chosen
    raters' answers: one GROUP BY lesson, answer, commented and flags."""
    inner = _feedback_from(select(
        LessonFeedback.lesson_id.label("lesson_id"), LessonFeedback.usefulness.label("usefulness"),
        case((LessonFeedback.better != "", 1), else_=0).label("commented"),
        *_flags(filters, _feedback_conditions(filters)))).where(where)
    for lesson_id, usefulness, commented, *flags, number in _count_by(inner):
        found = figures.get(lesson_id)
        if found is None:
            continue
        if usefulness in SCALE:
            found.raters.add(flags, number)
            if _is_chosen(flags):
                found.chosen_counts[usefulness] += number
        if commented:
            found.commenters.add(flags, number)


def _settle(figures, minimum):
    """Decide, from its crowds, what a lesson's feedback figures show."""
    if figures.raters.shown(minimum):
        figures.usefulness = Usefulness([figures.chosen_counts[value] for value in SCALE])
    figures.comments = figures.commenters.chosen if figures.commenters.shown(minimum) else None


def _unsafe_where(filters):
    """The unsafe answers the report lists: language and period apply, never cohort nor region."""
    conditions = [LessonFeedback.unsafe != "", LessonFeedback.unsafe_at.is_not(None)]
    if filters.locale:
        conditions.append(LessonFeedback.locale == filters.locale)
    if "period" in filters.dims:
        conditions.append(_between(LessonFeedback.unsafe_at, filters))
    return and_(*conditions)


def _unsafe_counts(filters, key, where):
    query = (select(key, func.count()).select_from(LessonFeedback)
             .join(Lesson, Lesson.id == LessonFeedback.lesson_id).join(Module, Module.id == Lesson.module_id)
             .where(_live(), where, _unsafe_where(filters)).group_by(key))
    return dict(db.session.execute(query).all())


# --- the list of courses --------------------------------------------------------------------------------------------

@dataclass
class CourseLine:
    course: Course
    progress: Progress  # learners who started the course (in the period) and completed it (by its end)
    unsafe: int
    sessions: int  # focus-group sessions


def overview(filters, minimum):
    """A line per live course: its learners, unsafe answers and focus-group sessions. Five queries."""
    found = live_courses()
    ids = [course.id for course in found]
    crowds, completed = defaultdict(Crowd), Counter()
    for _user, course_id, finished, *flags, first_start, _last, _done in _learner_rows(
            filters, Lesson.course_id, Lesson.course_id.in_(ids)):
        flags = _with_period(filters, flags, first_start)
        crowds[course_id].add(flags)
        if _is_chosen(flags) and _finished(filters, finished):
            completed[course_id] += 1
    unsafe = _unsafe_counts(filters, Lesson.course_id, Lesson.course_id.in_(ids))
    sessions = _session_counts(filters, ids)
    return [CourseLine(course, _progress(crowds[course.id], completed[course.id], minimum),
                       unsafe.get(course.id, 0), sessions.get(course.id, 0)) for course in found]


def _session_counts(filters, course_ids):
    query = select(FocusGroup.course_id, func.count()).where(FocusGroup.course_id.in_(course_ids))
    args = filters.notes_args()
    for column, value in ((FocusGroup.cohort_id, args["cohort_id"]), (FocusGroup.region_id, args["region_id"]),
                          (FocusGroup.locale, args["locale"])):
        if value is not None:
            query = query.where(column == value)
    if args["since"] is not None:
        query = query.where(FocusGroup.held_on >= args["since"])
    if args["until"] is not None:
        query = query.where(FocusGroup.held_on <= args["until"])
    return dict(db.session.execute(query.group_by(FocusGroup.course_id)).all())


# --- one course -----------------------------------------------------------------------------------------------------

@dataclass
class CourseReport:
    course: Course
    progress: Progress  # the whole course
    modules: list  # ModuleFigures, in course order
    pre_post: object  # PrePost, or None when the course has no pre and post survey

    @property
    def lessons(self):
        return [figures for module in self.modules for figures in module.lessons]


def course_report(course, filters, minimum, locale):
    """The course's figures per module and lesson, and its pre/post change. A fixed number of queries."""
    outline = courses.outline(course)
    where = Lesson.course_id == course.id
    modules = [ModuleFigures(part.module, [LessonFigures(lesson) for lesson in part.lessons])
               for part in outline.modules]
    by_lesson = {figures.lesson.id: figures for module in modules for figures in module.lessons}
    for lesson_id, (crowd, completed) in _lesson_progress(filters, where).items():
        if lesson_id in by_lesson:
            by_lesson[lesson_id].progress = _progress(crowd, completed, minimum)
    _lesson_feedback(filters, where, by_lesson)
    unsafe = _unsafe_counts(filters, Lesson.id, where)
    notes = focus_groups.notes_index(course, **filters.notes_args())
    for module in modules:
        for figures in module.lessons:
            _settle(figures, minimum)
            figures.unsafe = unsafe.get(figures.lesson.id, 0)
            figures.notes = len(notes.for_lesson(figures.lesson.id, module.module.id))
        _sum_module(module, minimum)
        module.notes = len(notes.for_module(module.module.id, [f.lesson.id for f in module.lessons]))
    course_progress = _module_progress(filters, course, modules, minimum)
    return CourseReport(course, course_progress, modules, pre_post(course, filters, minimum, locale))


def _sum_module(module, minimum):
    """A module's distribution and comments: its lessons' summed, when none of their parts is small."""
    lessons = module.lessons
    module.unsafe = sum(figures.unsafe for figures in lessons)
    if all(figures.raters.safe(minimum) for figures in lessons) and \
            sum(figures.raters.chosen for figures in lessons) >= minimum:
        module.usefulness = Usefulness([sum(figures.chosen_counts[value] for figures in lessons)
                                        for value in SCALE])
    if all(figures.commenters.safe(minimum) for figures in lessons) and \
            sum(figures.commenters.chosen for figures in lessons) >= minimum:
        module.comments = sum(figures.commenters.chosen for figures in lessons)


def _module_progress(filters, course, modules, minimum):
    """Each module's progress (who started one of its lessons in the period; who completed every live lesson of it
    by the period's end), and the course's (who completed the course: their enrolment), from one GROUP BY per
    learner and module."""
    sizes = {module.module.id: len(module.lessons) for module in modules}
    crowds, completed = defaultdict(Crowd), Counter()
    learners = {}  # user_id: [flags without the period, first start, course completed at]
    for user_id, module_id, finished, *rest in _learner_rows(filters, Lesson.module_id,
                                                             Lesson.course_id == course.id):
        *flags, first_start, last_done, done = rest
        with_period = _with_period(filters, flags, first_start)
        crowds[module_id].add(with_period)
        if _is_chosen(with_period) and done == sizes.get(module_id) and _finished(filters, last_done):
            completed[module_id] += 1
        learner = learners.setdefault(user_id, [flags, first_start, finished])
        if first_start is not None and (learner[1] is None or first_start < learner[1]):
            learner[1] = first_start
    for module in modules:
        module.progress = _progress(crowds[module.module.id], completed[module.module.id], minimum)
    course_crowd, course_completed = Crowd(), 0
    for flags, first_start, finished in learners.values():
        with_period = _with_period(filters, flags, first_start)
        course_crowd.add(with_period)
        course_completed += _is_chosen(with_period) and _finished(filters, finished)
    return _progress(course_crowd, course_completed, minimum)


# --- one lesson -----------------------------------------------------------------------------------------------------

@dataclass
class Answer:
    """A comment or an unsafe answer as the report shows it: its moment (shown as a day), language and text."""

    moment: datetime
    locale: str
    text: str


@dataclass
class LessonReport:
    course: Course
    lesson: Lesson
    figures: LessonFigures
    comments: list | None  # Answer, newest first; None: fewer than `minimum` people commented (hidden)
    unsafe: list  # Answer, newest first: always shown, without names
    notes: list  # FocusGroup sessions that discussed the lesson or its module, newest first
    sources: list  # (locale, "content/<course>/<locale>/<module>/<lesson>.md")


def lesson_report(course, lesson, filters, minimum):
    """One lesson: its figures, unsafe answers, comments (when enough people gave them) and focus-group notes."""
    where = Lesson.id == lesson.id
    figures = LessonFigures(lesson)
    found = _lesson_progress(filters, where).get(lesson.id)
    if found is not None:
        figures.progress = _progress(found[0], found[1], minimum)
    _lesson_feedback(filters, where, {lesson.id: figures})
    _settle(figures, minimum)
    unsafe = [Answer(*row) for row in db.session.execute(
        select(LessonFeedback.unsafe_at, LessonFeedback.locale, LessonFeedback.unsafe)
        .where(LessonFeedback.lesson_id == lesson.id, _unsafe_where(filters))
        .order_by(LessonFeedback.unsafe_at.desc(), LessonFeedback.id.desc()))]
    figures.unsafe = len(unsafe)
    notes = focus_groups.notes_mentioning(course, lesson_ids=[lesson.id], **filters.notes_args())
    figures.notes = len(notes)
    return LessonReport(course, lesson, figures, _comments(lesson, filters, minimum), unsafe, notes,
                        sources(course, lesson))


def _comments(lesson, filters, minimum):
    """The chosen comments, newest first, when their crowd may be shown; else None. One query."""
    rows = db.session.execute(_feedback_from(select(
        LessonFeedback.updated_at, LessonFeedback.locale, LessonFeedback.better,
        *_flags(filters, _feedback_conditions(filters))))
        .where(LessonFeedback.lesson_id == lesson.id, LessonFeedback.better != "")
        .order_by(LessonFeedback.updated_at.desc(), LessonFeedback.id.desc())).all()
    crowd = Crowd()
    for _moment, _locale, _text, *flags in rows:
        crowd.add(flags)
    if not crowd.shown(minimum):
        return None
    return [Answer(moment, locale, text) for moment, locale, text, *flags in rows if _is_chosen(flags)]


def sources(course, lesson):
    """The lesson's source file in each language it exists in, in the platform's order of languages."""
    order = list(LANGUAGES)
    found = sorted((text.locale for text in lesson.texts),
                   key=lambda code: (order.index(code) if code in order else len(order), code))
    return [(code, f"content/{course.slug}/{code}/{lesson.module.slug}/{lesson.slug}.md") for code in found]


# --- the pre- and post-course surveys ---------------------------------------------------------------------------------

@dataclass
class ScaleChange:
    slug: str
    text: str
    low: int
    high: int
    people: int | None = None  # who answered it before and after; None: hidden (and the means too)
    before: float | None = None
    after: float | None = None


@dataclass
class ChoiceChange:
    slug: str
    text: str
    choices: list  # the choices' texts
    multiple: bool
    people: int | None = None
    before: list | None = None  # % choosing each choice
    after: list | None = None


@dataclass
class PrePost:
    pre: Survey
    post: Survey
    scales: list
    choices: list


def _value(question, value):
    """An answer to question as the report counts it (an int for scale and single, a set for multiple), or None."""
    kind = question.get("type")
    if kind == "scale":
        low, high = question.get("min") or 1, question.get("max") or 5
        return value if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high else None
    count = question.get("choices") or 0
    valid = lambda item: isinstance(item, int) and not isinstance(item, bool) and 0 <= item < count  # noqa: E731
    if kind == "single":
        return value if valid(value) else None
    if kind == "multiple" and isinstance(value, list) and value and all(valid(item) for item in value):
        return set(value)
    return None


def _shape(question):
    return tuple(question.get(key) for key in ("slug", "type", "choices", "min", "max"))


def pre_post(course, filters, minimum, locale):
    """Per question of the course's pre survey (that its post survey, "same_as" the pre, asks again): among the
    people who answered it before and after in the same course run, with the answers of the surveys' current
    version, the mean before and after (scale) or the share choosing each choice (single, multiple). A pair is
    in a language and a period by its after-answer. Two queries."""
    surveys = db.session.scalars(select(Survey).where(
        Survey.course_id == course.id, Survey.archived.is_(False), Survey.kind.in_([SurveyKind.PRE, SurveyKind.POST]))
        .order_by(Survey.slug)).all()
    pre = next((survey for survey in surveys if survey.kind == SurveyKind.PRE), None)
    post = next((survey for survey in surveys if survey.kind == SurveyKind.POST), None)
    if pre is None or post is None:
        return None
    asked_after = {_shape(question) for question in post.questions or []}
    questions = [question for question in pre.questions or []
                 if question.get("type") in ("scale", "single", "multiple") and _shape(question) in asked_after]
    before, after = {}, {}
    for row in db.session.execute(
            select(SurveyAnswer.user_id, SurveyAnswer.survey_id, SurveyAnswer.run_key, SurveyAnswer.version,
                   SurveyAnswer.cohort_id, SurveyAnswer.locale, SurveyAnswer.submitted_at, SurveyAnswer.answers,
                   User.region_id)
            .join(User, User.id == SurveyAnswer.user_id)
            .where(SurveyAnswer.survey_id.in_([pre.id, post.id]), SurveyAnswer.skipped.is_(False))):
        if row.survey_id == pre.id and row.version == pre.version:
            before[(row.user_id, row.run_key)] = row
        elif row.survey_id == post.id and row.version == post.version:
            after[(row.user_id, row.run_key)] = row
    pairs = [(before[key], answer, _pair_flags(filters, answer)) for key, answer in after.items() if key in before]
    texts = (pre.text_in(locale) or {}).get("questions", {})
    result = PrePost(pre, post, [], [])
    for question in questions:
        text = texts.get(question["slug"], {})
        crowd, chosen = Crowd(), []
        for first, last, flags in pairs:
            then = _value(question, (first.answers or {}).get(question["slug"]))
            now = _value(question, (last.answers or {}).get(question["slug"]))
            if then is None or now is None:
                continue
            crowd.add(flags)
            if _is_chosen(flags):
                chosen.append((then, now))
        shown = crowd.shown(minimum)
        if question["type"] == "scale":
            change = ScaleChange(question["slug"], text.get("text", question["slug"]), question.get("min") or 1,
                                 question.get("max") or 5)
            if shown:
                change.people = len(chosen)
                change.before = sum(then for then, _now in chosen) / len(chosen)
                change.after = sum(now for _then, now in chosen) / len(chosen)
            result.scales.append(change)
        else:
            labels = list(text.get("choices") or [])
            labels += [str(number + 1) for number in range(len(labels), question.get("choices") or 0)]
            change = ChoiceChange(question["slug"], text.get("text", question["slug"]), labels,
                                  question["type"] == "multiple")
            if shown:
                change.people = len(chosen)
                change.before = [_share(chosen, 0, number) for number in range(len(labels))]
                change.after = [_share(chosen, 1, number) for number in range(len(labels))]
            result.choices.append(change)
    return result


def _pair_flags(filters, answer):
    checks = {"cohort": lambda: answer.cohort_id == filters.cohort_id,
              "region": lambda: answer.region_id == filters.region_id,
              "language": lambda: answer.locale == filters.locale,
              "period": lambda: filters.period_part(answer.submitted_at)}
    return tuple(int(checks[dim]()) for dim in filters.dims)


def _share(pairs, side, number):
    chosen = sum(1 for pair in pairs if (number in pair[side] if isinstance(pair[side], set)
                                         else pair[side] == number))
    return _percent(chosen, len(pairs))
