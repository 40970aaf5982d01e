"""When a scheduled cohort's modules open: start date + each module's offset, or the cohort's own date for
it, at local midnight in the cohort's time zone. No requests here."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from .. import policy
from ..communities.models import Cohort, Pacing
from ..courses import snapshot
from ..courses.models import Lesson
from ..extensions import db
from ..models_base import utcnow
from .models import ModuleRelease


@dataclass
class Opening:
    """One module of a cohort's plan: the date it opens, and whether the cohort set that date itself."""

    module: object  # a read-only module view (courses.snapshot)
    opens_on: date
    overridden: bool
    opens_at: datetime  # in UTC: local midnight of opens_on in the cohort's time zone

    @property
    def is_open(self):
        return self.opens_at <= utcnow()


def local_midnight(day, tz_name):
    """The moment (UTC) a day begins in a time zone."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(tz_name)).astimezone(timezone.utc)


def live_modules(course_id):
    """The course's live modules in order, as read-only views of the content snapshot."""
    course = snapshot.current().course_by_id(course_id)
    return [module for module in course.modules if not module.archived] if course else []


def default_dates(modules, starts_on):
    """{module_id: date} from the course's plan: a module without an offset opens with the one before it."""
    dates, offset = {}, 0
    for module in modules:
        if module.opens_after_days is not None:
            offset = module.opens_after_days
        dates[module.id] = starts_on + timedelta(days=offset)
    return dates


def plan(cohort, starts_on=None, overrides=None, modules=None):
    """The cohort's openings in course order. starts_on and overrides ({module_id: date}) replace what is
    stored, to preview a change before it is saved; an empty list for a self-paced cohort."""
    if cohort.pacing != Pacing.SCHEDULED:
        return []
    modules = live_modules(cohort.course_id) if modules is None else modules
    if overrides is None:
        overrides = {row.module_id: row.opens_on for row in db.session.scalars(
            db.select(ModuleRelease).filter_by(cohort_id=cohort.id))} if cohort.id else {}
    defaults = default_dates(modules, starts_on or cohort.starts_on)
    openings = []
    for module in modules:
        day = overrides.get(module.id, defaults[module.id])
        openings.append(Opening(module, day, module.id in overrides, local_midnight(day, cohort.timezone)))
    return openings


def set_dates(cohort, overrides):
    """Store the cohort's own dates ({module_id: date or None}); None goes back to the course's plan."""
    rows = {row.module_id: row for row in db.session.scalars(db.select(ModuleRelease).filter_by(cohort_id=cohort.id))}
    for module_id, day in overrides.items():
        row = rows.get(module_id)
        if day is None:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(ModuleRelease(cohort_id=cohort.id, module_id=module_id, opens_on=day))
        else:
            row.opens_on = day
    db.session.flush()


def locked_modules(user, course):
    """{module_id: opens_at (UTC)} for the modules of course that have not opened yet for user: only a learner
    of a scheduled cohort waits, and only until the cohort ends (then everything is open, whatever a module's
    date). Registered with courses.service.MODULE_LOCK_PROVIDERS."""
    if not user.is_authenticated:
        return {}

    def compute():
        cohort_id = policy.learner_cohorts(user).get(course.id)
        if cohort_id is None:
            return {}
        cohort = db.session.get(Cohort, cohort_id)
        ended = local_midnight(cohort.ends_on + timedelta(days=1), cohort.timezone) <= utcnow()
        if cohort.pacing != Pacing.SCHEDULED or ended:
            return {}
        return {opening.module.id: opening.opens_at for opening in plan(cohort) if not opening.is_open}
    return policy.request_cache("locked_modules", (user.id, course.id), compute)


def lesson_is_locked(user, lesson: Lesson):
    return lesson.module_id in locked_modules(user, lesson.course)
