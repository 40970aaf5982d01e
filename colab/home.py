"""What the home page shows a signed-in person: each block leads to its full page. No requests here."""
from dataclasses import dataclass

from sqlalchemy.orm import joinedload

from . import policy
from .cohorts import pacing
from .communities import service as communities
from .communities.models import Cohort
from .courses import service as courses
from .courses.views import Opening
from .dashboards import service as dashboards
from .extensions import db

RUNNING_SHOWN = 5  # cohorts a facilitator or focal point runs, newest first; the dashboards list has them all


@dataclass
class CourseLine:
    enrolment: object
    resume: object  # the lesson "Continue" opens, or None
    done: int
    total: int


@dataclass
class CohortLine:
    cohort: Cohort
    next_module: object  # the next module to open for this cohort (a read-only view), or None
    opens: Opening | None  # when it opens, for courses/_opening.html


@dataclass
class CommunityLine:
    community: object
    new_threads: int  # threads with posts since the member last looked, at most communities.NEW_SHOWN


def my_courses(user):
    """The person's courses, most recent first, with where "Continue" leads (never into a module not open yet)."""
    lines = []
    for enrolment in courses.enrolments(user):
        outline = courses.outline(enrolment.course, user)
        lines.append(CourseLine(enrolment, outline.resume(enrolment), outline.done, len(outline.lessons)))
    return lines


def my_cohorts(user):
    """The cohorts the person learns in, with the next module to open."""
    ids = list(policy.learner_cohorts(user).values())
    if not ids:
        return []
    rows = db.session.scalars(db.select(Cohort).where(Cohort.id.in_(ids))
                              .options(joinedload(Cohort.community)).order_by(Cohort.starts_on.desc())).all()
    lines = []
    for cohort in rows:
        upcoming = next((opening for opening in pacing.plan(cohort) if not opening.is_open), None)
        lines.append(CohortLine(cohort, upcoming.module if upcoming else None,
                                Opening(upcoming.opens_at) if upcoming else None))
    return lines


def cohorts_i_run(user):
    """The newest cohorts the person facilitates or follows as a focal point, with their course: [(Cohort, Course)]."""
    if not policy.can("dashboard.list", user=user):
        return []
    return dashboards.followed_cohorts(user, limit=RUNNING_SHOWN)


def my_communities(user):
    """The communities the person belongs to (not still asking to join), with what is new since their last look."""
    memberships = policy.memberships(user)
    found = [community for community in communities.my_communities(user)
             if not memberships[community.id].pending and policy.can("community.view", community, user=user)]
    return [CommunityLine(community, communities.new_threads(user, community, memberships[community.id]))
            for community in found]
