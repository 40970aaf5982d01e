"""The figures behind the dashboards: a cohort's funnel, modules and learners; a region's cohorts; the alliance's
regions and courses. No requests here.

Every figure comes from a fixed number of aggregate queries (GROUP BY, never one query per learner or cohort),
and no query reads an email or a reflection's text: a dashboard counts what people did, it never shows what
they wrote."""
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import and_, case, exists, func, select

from .. import policy
from ..accounts.models import Region, User
from ..cohorts.models import Invitation, InvitationStatus
from ..communities.models import Cohort, Community, Post, PostStatus, Thread
from ..courses.models import Activity, Course, Enrolment, Lesson, LessonProgress, Module, Response
from ..extensions import db
from ..models_base import utcnow

ACTIVE_DAYS = 7  # "active": a lesson of the course seen within this many days

# The learners table: ?sort= (a column), ?dir= (asc, desc) and ?show= (which learners).
SORTS = ("name", "progress", "active", "reflections", "posts")
DIRECTIONS = ("asc", "desc")
SHOWS = ("all", "not-started", "in-progress", "completed", "inactive")


def active_since(now=None):
    """The moment after which a visit counts as recent activity."""
    return (now or utcnow()) - timedelta(days=ACTIVE_DAYS)


def _percent(part, whole):
    return round(100 * part / whole) if whole else 0


def _live():
    """Lessons a learner can do now: neither the lesson nor its module archived (Lesson joined to Module)."""
    return and_(Lesson.archived.is_(False), Module.archived.is_(False))


# --- one cohort ------------------------------------------------------------------------------------------------

@dataclass
class LearnerRow:
    """One learner of a cohort: what they did in its course, counted. Never their email or their words."""

    user_id: int
    display_name: str
    name_key: str
    done: int  # live lessons completed
    total: int  # live lessons in the course
    last_active: object  # the latest visit to a lesson of the course (UTC), or None
    reflections: int  # reflections written in the course (not empty), counted
    posts: int  # visible posts in the cohort's threads
    completed: bool  # the course is complete (enrolment.completed_at)
    active: bool  # a lesson seen within ACTIVE_DAYS

    @property
    def percent(self):
        return _percent(self.done, self.total)

    @property
    def started(self):
        return self.last_active is not None


@dataclass
class ModuleRow:
    module: Module
    lessons: int
    completed: int  # learners who completed every live lesson of the module
    learners: int

    @property
    def percent(self):
        return _percent(self.completed, self.learners)


@dataclass
class Funnel:
    invited: int  # invitations not revoked, plus learners added without one
    accepted: int  # learners in the cohort
    started: int  # learners who opened a lesson of the course
    completed: int  # learners who completed the course
    active: int  # learners who opened a lesson within ACTIVE_DAYS

    def stages(self):
        """(key, number) in the funnel's order."""
        return [("invited", self.invited), ("accepted", self.accepted), ("started", self.started),
                ("completed", self.completed)]


@dataclass
class CohortDashboard:
    cohort: Cohort
    funnel: Funnel
    modules: list
    learners: list  # every LearnerRow, by display name


def cohort_dashboard(cohort, now=None):
    """Everything on a cohort's dashboard, in a fixed number of queries whatever the number of learners."""
    modules = _live_modules(cohort)
    progress = _progress(cohort)
    learners = _learner_rows(cohort, progress, sum(size for _module, size in modules), active_since(now))
    accepted = len(learners)
    funnel = Funnel(invited=_invited(cohort), accepted=accepted, started=sum(row.started for row in learners),
                    completed=sum(row.completed for row in learners), active=sum(row.active for row in learners))
    sizes = {module.id: size for module, size in modules}
    finished = Counter(module_id for _user, module_id, done, _seen in progress if done == sizes.get(module_id))
    rows = [ModuleRow(module, size, finished[module.id], accepted) for module, size in modules]
    return CohortDashboard(cohort, funnel, rows, learners)


def cohort_learners(cohort, now=None):
    """(every LearnerRow of the cohort, the number of live lessons in its course): the learners table alone."""
    total = sum(size for _module, size in _live_modules(cohort))
    return _learner_rows(cohort, _progress(cohort), total, active_since(now)), total


def _live_modules(cohort):
    """[(module, number of live lessons)] of the cohort's course, in order, leaving out modules with none."""
    return db.session.execute(
        select(Module, func.count(Lesson.id)).join(Lesson, Lesson.module_id == Module.id)
        .where(Module.course_id == cohort.course_id, _live()).group_by(Module.id)
        .order_by(Module.position, Module.id)).all()


def _learners_of(cohort):
    return select(Enrolment.user_id).where(Enrolment.cohort_id == cohort.id)


def _progress(cohort):
    """[(user_id, module_id, live lessons completed, latest visit)] for the cohort's learners, one GROUP BY: the
    one pass over the progress rows that both the learners' and the modules' figures come from."""
    return db.session.execute(
        select(LessonProgress.user_id, Lesson.module_id,
               func.count(case((and_(LessonProgress.completed_at.is_not(None), _live()), 1))),
               func.max(LessonProgress.last_seen_at))
        .join(Lesson, Lesson.id == LessonProgress.lesson_id).join(Module, Module.id == Lesson.module_id)
        .where(Lesson.course_id == cohort.course_id, LessonProgress.user_id.in_(_learners_of(cohort)))
        .group_by(LessonProgress.user_id, Lesson.module_id)).all()


def _learner_rows(cohort, progress, total, since):
    """Each learner with their progress (from _progress), reflections and posts (one query, GROUP BY subqueries)."""
    done, seen = Counter(), {}
    for user_id, _module, completed, last in progress:
        done[user_id] += completed
        if last is not None and (user_id not in seen or last > seen[user_id]):
            seen[user_id] = last
    learners = _learners_of(cohort)
    reflections = (select(Response.user_id.label("user_id"), func.count().label("number"))
                   .join(Activity, Activity.id == Response.activity_id).join(Lesson, Lesson.id == Activity.lesson_id)
                   .where(Lesson.course_id == cohort.course_id, Activity.kind == "reflection",
                          func.trim(Response.text_source) != "", Response.user_id.in_(learners))
                   .group_by(Response.user_id).subquery())
    posts = (select(Post.author_id.label("user_id"), func.count().label("number"))
             .join(Thread, Thread.id == Post.thread_id)
             .where(Thread.cohort_id == cohort.id, Post.status == PostStatus.VISIBLE, Post.author_id.in_(learners))
             .group_by(Post.author_id).subquery())
    rows = db.session.execute(
        select(Enrolment.user_id, User.display_name, User.name_key, Enrolment.completed_at, reflections.c.number,
               posts.c.number)
        .join(User, User.id == Enrolment.user_id)
        .outerjoin(reflections, reflections.c.user_id == Enrolment.user_id)
        .outerjoin(posts, posts.c.user_id == Enrolment.user_id)
        .where(Enrolment.cohort_id == cohort.id)
        .order_by(User.name_key, Enrolment.user_id))
    return [LearnerRow(user_id, name, key, done[user_id], total, seen.get(user_id), written or 0, posted or 0,
                       completed_at is not None, seen.get(user_id) is not None and seen[user_id] >= since)
            for user_id, name, key, completed_at, written, posted in rows]


def _invited(cohort):
    """Invitations not revoked, plus the learners who came in without one (added by hand, moved in)."""
    standing = and_(Invitation.cohort_id == cohort.id, Invitation.status != InvitationStatus.REVOKED)
    invitations = select(func.count()).select_from(Invitation).where(standing).scalar_subquery()
    uninvited = (select(func.count()).select_from(Enrolment)
                 .where(Enrolment.cohort_id == cohort.id,
                        ~exists().where(standing, Invitation.accepted_by_id == Enrolment.user_id))
                 .scalar_subquery())
    found, added = db.session.execute(select(invitations, uninvited)).one()
    return found + added


def learner_table(learners, sort="name", direction="asc", show="all"):
    """The learners a table shows for ?show=, ordered by ?sort= and ?dir= (ties: by display name)."""
    chosen = [row for row in learners if _shown(row, show)]
    chosen.sort(key=lambda row: (row.name_key, row.user_id))
    if sort != "name":
        key = {"progress": lambda row: (row.percent, row.done),
               "active": lambda row: (row.last_active is not None, row.last_active),
               "reflections": lambda row: row.reflections,
               "posts": lambda row: row.posts}[sort]
        chosen.sort(key=key, reverse=direction == "desc")  # stable: equal keys keep the name order
    elif direction == "desc":
        chosen.reverse()
    return chosen


def show_counts(learners):
    """{?show= value: how many learners it shows}."""
    return {show: sum(_shown(row, show) for row in learners) for show in SHOWS}


def _shown(row, show):
    return {"all": True, "not-started": not row.started, "in-progress": row.started and not row.completed,
            "completed": row.completed, "inactive": not row.active}[show]


# --- many cohorts: a region's, the alliance's ---------------------------------------------------------------

@dataclass
class Figures:
    """How a group of cohorts is doing: counts of learners."""

    cohorts: int = 0
    learners: int = 0
    started: int = 0
    completed: int = 0
    active: int = 0

    @property
    def percent(self):
        """Completion: the share of learners who completed the course."""
        return _percent(self.completed, self.learners)

    def add(self, other):
        for name in ("cohorts", "learners", "started", "completed", "active"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self


@dataclass
class CohortLine:
    cohort: Cohort
    course: Course
    figures: Figures


@dataclass
class GroupLine:
    """A region (None: communities without one) or a course, with its cohorts' figures."""

    key: object
    figures: Figures


@dataclass
class Summary:
    lines: list
    totals: Figures = field(default_factory=Figures)


def _figures_by(group, where):
    """{group value: Figures} over cohort learners, one query: a GROUP BY per learner (their last visit to the
    course), then per group."""
    since = active_since()
    last_seen = (select(func.max(LessonProgress.last_seen_at))
                 .join(Lesson, Lesson.id == LessonProgress.lesson_id)
                 .where(LessonProgress.user_id == Enrolment.user_id, Lesson.course_id == Enrolment.course_id)
                 .correlate(Enrolment).scalar_subquery())
    learners = (select(group.label("key"), Enrolment.completed_at.label("completed_at"),
                       last_seen.label("last_seen"))
                .select_from(Enrolment).join(Cohort, Cohort.id == Enrolment.cohort_id)
                .join(Community, Community.id == Cohort.community_id).where(where).subquery())
    rows = db.session.execute(
        select(learners.c.key, func.count(), func.count(learners.c.last_seen), func.count(learners.c.completed_at),
               func.count(case((learners.c.last_seen >= since, 1))))
        .group_by(learners.c.key))
    return {key: Figures(0, number, started, completed, active) for key, number, started, completed, active in rows}


def _cohort_counts(group, where):
    rows = db.session.execute(select(group, func.count()).select_from(Cohort)
                              .join(Community, Community.id == Cohort.community_id).where(where).group_by(group))
    return dict(rows.all())


def _in_region(region):
    return Community.region_id == region.id if region is not None else Community.region_id.is_(None)


def region_summary(region):
    """One line per cohort of the region's communities (region None: of communities without a region), newest
    first, with totals. Three queries whatever the number of cohorts."""
    cohorts = db.session.execute(
        select(Cohort, Course).join(Course, Course.id == Cohort.course_id)
        .join(Community, Community.id == Cohort.community_id).where(_in_region(region))
        .order_by(Cohort.starts_on.desc(), Cohort.name, Cohort.id)).all()
    figures = _figures_by(Cohort.id, _in_region(region))
    summary = Summary([CohortLine(cohort, course, figures.get(cohort.id, Figures()))
                       for cohort, course in cohorts])
    for line in summary.lines:
        line.figures.cohorts = 1
        summary.totals.add(line.figures)
    return summary


def global_summary():
    """(regions, courses): one line per region, then one for communities without a region; one line per course
    that has cohorts. Each with totals."""
    everywhere = Cohort.id.is_not(None)
    by_region = _figures_by(Community.region_id, everywhere)
    cohorts = _cohort_counts(Community.region_id, everywhere)
    keys = [*regions(), None]
    regions_summary = Summary([GroupLine(key, by_region.get(key.id if key else None, Figures()))
                               for key in keys])
    for line in regions_summary.lines:
        line.figures.cohorts = cohorts.get(line.key.id if line.key else None, 0)
        regions_summary.totals.add(line.figures)
    by_course = _figures_by(Cohort.course_id, everywhere)
    course_cohorts = _cohort_counts(Cohort.course_id, everywhere)
    taught = db.session.scalars(select(Course).where(Course.id.in_(list(course_cohorts)))
                                .order_by(Course.position, Course.slug)).all()
    courses_summary = Summary([GroupLine(course, by_course.get(course.id, Figures())) for course in taught])
    for line in courses_summary.lines:
        line.figures.cohorts = course_cohorts[line.key.id]
        courses_summary.totals.add(line.figures)
    return regions_summary, courses_summary


# --- which dashboards a person may open -----------------------------------------------------------------------

def regions():
    return db.session.scalars(select(Region).order_by(Region.position, Region.slug)).all()


def find_region(slug):
    return db.session.scalar(select(Region).filter_by(slug=slug))


def find_cohort(cohort_id):
    return db.session.get(Cohort, cohort_id)


def followed_regions(user):
    """The regions whose dashboard the user may open (policy "dashboard.region"): every one for admins."""
    if user.is_admin:
        return regions()
    return [region for region in regions() if region.id in policy.focal_regions(user)]


def followed_cohorts(user, limit=None):
    """SQL twin of "cohort.dashboard" for the list: the cohorts the user facilitates and, for focal points, the
    cohorts of their regions (admins reach every other cohort through the region dashboards). Newest first; the
    first `limit` only when given."""
    mine = Cohort.id.in_(sorted(policy.facilitated_cohorts(user))) if user.is_admin else policy.followed_cohorts(user)
    return db.session.execute(
        select(Cohort, Course).join(Course, Course.id == Cohort.course_id)
        .join(Community, Community.id == Cohort.community_id).where(mine)
        .order_by(Cohort.starts_on.desc(), Cohort.name, Cohort.id).limit(limit)).all()
