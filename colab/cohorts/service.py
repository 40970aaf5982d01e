"""A cohort's people: who learns in it and who facilitates it. No requests here: functions flush, views commit.

join_cohort is the one door into a cohort as a learner (an accepted invitation, a focal point adding someone,
a move from another cohort): it enrols the person in the course within the cohort, keeping any progress, and
makes them a member of the cohort's community."""
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy.orm import joinedload

from .. import policy
from ..accounts.models import User, name_key
from ..admin import service as admin
from ..admin.models import AdminAct
from ..communities.models import Cohort, Community, Membership, Pacing
from ..courses.models import Enrolment, Lesson, LessonProgress, Module
from ..extensions import db
from ..i18n import LANGUAGES, is_timezone
from ..models_base import utcnow
from . import pacing as pacing_
from .models import CohortFacilitator, LiveSession


def join_cohort(user, cohort):
    """Enrol user in cohort's course within cohort (moving them from another cohort of it) and in its community.
    Returns the enrolment; progress and answers are the person's and stay as they were."""
    enrolment = db.session.scalar(db.select(Enrolment).filter_by(user_id=user.id, course_id=cohort.course_id))
    if enrolment is None:
        enrolment = Enrolment(user_id=user.id, course_id=cohort.course_id)
        db.session.add(enrolment)
    enrolment.cohort_id = cohort.id
    _ensure_member(user, cohort)
    db.session.flush()
    policy.forget(user)
    return enrolment


def _ensure_member(user, cohort):
    """Make user a member of the cohort's community (admitting them if they had asked to join)."""
    member = db.session.scalar(db.select(Membership).filter_by(user_id=user.id, community_id=cohort.community_id))
    if member is None:
        db.session.add(Membership(user_id=user.id, community_id=cohort.community_id))
    elif member.pending:
        member.pending = False


def leave_cohort(user, cohort):
    """Take user out of cohort: they keep the course, their progress and their community membership, and go on
    at their own pace. Returns False if they were not its learner."""
    enrolment = db.session.scalar(db.select(Enrolment).filter_by(user_id=user.id, course_id=cohort.course_id,
                                                                 cohort_id=cohort.id))
    if enrolment is None:
        return False
    enrolment.cohort_id = None
    db.session.flush()
    policy.forget(user)
    return True


def learner_enrolments(cohort):
    """The cohort's learners' enrolments, with the people, by display name."""
    return db.session.scalars(db.select(Enrolment).join(User, User.id == Enrolment.user_id)
                              .where(Enrolment.cohort_id == cohort.id)
                              .options(joinedload(Enrolment.user))
                              .order_by(User.display_name)).all()


def is_learner(user, cohort):
    return db.session.scalar(db.select(Enrolment.id).filter_by(user_id=user.id, cohort_id=cohort.id)) is not None


def facilitators(cohort):
    """The people who facilitate the cohort, by display name."""
    return db.session.scalars(db.select(User).join(CohortFacilitator, CohortFacilitator.user_id == User.id)
                              .where(CohortFacilitator.cohort_id == cohort.id).order_by(User.display_name)).all()


def add_facilitator(user, cohort):
    """Make user a facilitator of cohort (and a member of its community); False if they already were."""
    if db.session.scalar(db.select(CohortFacilitator.id).filter_by(user_id=user.id, cohort_id=cohort.id)):
        return False
    db.session.add(CohortFacilitator(user_id=user.id, cohort_id=cohort.id))
    _ensure_member(user, cohort)
    db.session.flush()
    policy.forget(user)
    return True


def remove_facilitator(user, cohort):
    row = db.session.scalar(db.select(CohortFacilitator).filter_by(user_id=user.id, cohort_id=cohort.id))
    if row is None:
        return False
    db.session.delete(row)
    db.session.flush()
    policy.forget(user)
    return True


def find_cohort(cohort_id):
    return db.session.get(Cohort, cohort_id)


# --- running a cohort: creation, settings, dates, live sessions, roster. Each change writes the audit log. -----

SEARCH_MIN_LENGTH = 2  # letters of a display name before the roster search answers
SEARCH_LIMIT = 20  # people listed at most; more letters narrow the list


def _log(actor, act, cohort, subject=None, reason=""):
    admin.log(actor, act, subject, reason=reason, region=cohort.community.region, community=cohort.community,
              cohort=cohort)


def _check_settings(name, starts_on, ends_on, languages, timezone, pacing, reading_pair=""):
    """The form checks these for people; a service refuses what no form should let through."""
    pair = reading_pair.split()
    if not name.strip() or ends_on < starts_on or not languages or not set(languages) <= set(LANGUAGES) \
            or not is_timezone(timezone) or pacing not in set(Pacing) \
            or (pair and (len(pair) != 2 or len(set(pair)) != 2 or not set(pair) <= set(languages))):
        raise ValueError("invalid cohort settings")


def create_cohort(actor, community, course, name, starts_on, ends_on, languages, timezone, pacing,
                  reading_pair=""):
    """A new cohort of course in community, run by actor (a focal point of its region or an admin)."""
    policy.ensure("cohort.create", community, actor)
    _check_settings(name, starts_on, ends_on, languages, timezone, pacing, reading_pair)
    cohort = Cohort(community=community, course_id=course.id, name=name.strip(), starts_on=starts_on, ends_on=ends_on,
                    languages=_ordered(languages), timezone=timezone, pacing=Pacing(pacing),
                    reading_pair=reading_pair, created_by_id=actor.id)
    db.session.add(cohort)
    db.session.flush()
    _log(actor, AdminAct.CREATE_COHORT, cohort, reason=f"{cohort.name} ({course.slug}, {cohort.pacing.value})")
    return cohort


def reading_pair(enrolment):
    """The two languages the learner's cohort suggests reading lessons in side by side, or None. Registered with
    courses.service.READING_PAIR_PROVIDERS."""
    if enrolment.cohort_id is None:
        return None
    cohort = db.session.get(Cohort, enrolment.cohort_id)  # already in the session: the lesson's pacing read it
    return tuple(cohort.reading_pair.split()) if cohort and cohort.reading_pair else None


def _ordered(languages):
    """Languages in the platform's order, once each."""
    return [code for code in LANGUAGES if code in set(languages)]


def update_cohort(actor, cohort, name, starts_on, ends_on, languages, timezone, pacing, reading_pair=""):
    """Change a cohort's settings; returns what changed as "field: old → new" lines (empty: nothing changed,
    nothing logged). Module dates the cohort set itself stay as they are."""
    policy.ensure("cohort.manage", cohort, actor)
    _check_settings(name, starts_on, ends_on, languages, timezone, pacing, reading_pair)
    new = {"name": name.strip(), "starts_on": starts_on, "ends_on": ends_on, "languages": _ordered(languages),
           "timezone": timezone, "pacing": Pacing(pacing), "reading_pair": reading_pair}
    changes = []
    for key, value in new.items():
        old = getattr(cohort, key)
        if old != value:
            changes.append(f"{key}: {_plain(old)} → {_plain(value)}")
            setattr(cohort, key, value)
    if changes:
        db.session.flush()
        _log(actor, AdminAct.EDIT_COHORT, cohort, reason="; ".join(changes))
    return changes


def _plain(value):
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# --- the dates of a scheduled cohort ----------------------------------------------------------------------

@dataclass
class DateChange:
    """One row of a preview: a module's date now and after the change (None: no date, the cohort is self-paced)."""

    module: object
    current: date | None
    new: date | None
    overridden: bool  # the cohort set this module's date itself: moving the start leaves it where it is


def preview_dates(cohort, starts_on, timezone, pacing):
    """What the module dates would become with these settings, saving nothing."""
    modules = pacing_.live_modules(cohort.course_id)
    draft = SimpleNamespace(id=cohort.id, course_id=cohort.course_id, starts_on=starts_on, timezone=timezone,
                            pacing=Pacing(pacing))
    current = {opening.module.id: opening for opening in pacing_.plan(cohort, modules=modules)}
    new = {opening.module.id: opening for opening in pacing_.plan(draft, modules=modules)}
    return [DateChange(module, current[module.id].opens_on if module.id in current else None,
                       new[module.id].opens_on if module.id in new else None,
                       module.id in new and new[module.id].overridden) for module in modules]


def course_plan(cohort):
    """{module_id: date} the course's plan gives from the cohort's start date, whatever the cohort set itself."""
    return pacing_.default_dates(pacing_.live_modules(cohort.course_id), cohort.starts_on)


def dates_out_of_order(cohort, dates):
    """For proposed dates ({module_id: date, or None for the course plan; modules left out keep theirs}),
    {module_id: (earlier module, its date)} for each module that would open before one that comes before it."""
    plan_dates = course_plan(cohort)
    current = {opening.module.id: opening.opens_on for opening in pacing_.plan(cohort)}
    problems, latest = {}, None
    for module in pacing_.live_modules(cohort.course_id):
        day = (dates[module.id] or plan_dates[module.id]) if module.id in dates else current.get(module.id)
        if day is None:
            continue
        if latest is not None and day < latest[1]:
            problems[module.id] = latest
        else:
            latest = (module, day)
    return problems


def set_module_dates(actor, cohort, dates):
    """Store a scheduled cohort's own module dates ({module_id: date or None}); a date equal to the course plan's,
    or None, follows the plan. Raises ValueError if the dates go backwards. Returns the change lines (logged)."""
    policy.ensure("cohort.manage", cohort, actor)
    if cohort.pacing != Pacing.SCHEDULED:
        raise ValueError("a self-paced cohort has no module dates")
    if dates_out_of_order(cohort, dates):
        raise ValueError("module dates go backwards")
    plan_dates = course_plan(cohort)
    before = {opening.module.id: opening for opening in pacing_.plan(cohort)}
    wanted = {module_id: None if day is None or day == plan_dates.get(module_id) else day
              for module_id, day in dates.items() if module_id in before}
    changes = []
    for module_id, day in wanted.items():
        old = before[module_id]
        if (old.opens_on if old.overridden else None) != day:
            new_day = day or plan_dates[module_id]
            changes.append(f"{old.module.slug}: {old.opens_on.isoformat()} → {new_day.isoformat()}"
                           + ("" if day else " (course plan)"))
    if changes:
        pacing_.set_dates(cohort, wanted)
        _log(actor, AdminAct.EDIT_COHORT, cohort, reason="; ".join(changes))
    return changes


# --- live sessions -------------------------------------------------------------------------------------

def is_meeting_link(link):
    """An https link to a meeting (the only kind a cohort page shows), or empty."""
    if not link:
        return True
    parts = urlsplit(link)
    return parts.scheme == "https" and bool(parts.hostname) and not any(c.isspace() for c in link)


def add_live_session(actor, cohort, title, day, local_time, minutes, link=""):
    """A live session on day at local_time in the cohort's time zone (stored in UTC)."""
    policy.ensure("cohort.manage", cohort, actor)
    if not is_meeting_link(link) or not title.strip():
        raise ValueError("invalid live session")
    starts_at = datetime.combine(day, local_time, tzinfo=ZoneInfo(cohort.timezone)).astimezone(UTC)
    session = LiveSession(cohort_id=cohort.id, title=title.strip(), starts_at=starts_at, minutes=minutes,
                          link=link or "")
    db.session.add(session)
    db.session.flush()
    _log(actor, AdminAct.EDIT_COHORT, cohort, reason=f"live session added: {session.title}, {starts_at.isoformat()}")
    return session


def find_live_session(cohort, session_id):
    return db.session.scalar(db.select(LiveSession).filter_by(id=session_id, cohort_id=cohort.id))


def remove_live_session(actor, cohort, session):
    policy.ensure("cohort.manage", cohort, actor)
    db.session.delete(session)
    db.session.flush()
    _log(actor, AdminAct.EDIT_COHORT, cohort,
         reason=f"live session removed: {session.title}, {session.starts_at.isoformat()}")


def live_sessions(cohort):
    """(upcoming, soonest first; past, latest first): the sessions still to end, and those over."""
    rows = db.session.scalars(db.select(LiveSession).filter_by(cohort_id=cohort.id)
                              .order_by(LiveSession.starts_at, LiveSession.id)).all()
    now = utcnow()
    upcoming = [row for row in rows if row.starts_at + timedelta(minutes=row.minutes) > now]
    past = [row for row in reversed(rows) if row.starts_at + timedelta(minutes=row.minutes) <= now]
    return upcoming, past


# --- the roster ------------------------------------------------------------------------------------------

@dataclass
class RosterRow:
    """A learner of the cohort with their progress in its course."""

    enrolment: Enrolment
    done: int

    @property
    def user(self):
        return self.enrolment.user


def lesson_total(course_id):
    """The live lessons of a course."""
    return db.session.scalar(db.select(func.count()).select_from(Lesson).join(Module)
                             .where(Lesson.course_id == course_id, Lesson.archived.is_(False),
                                    Module.archived.is_(False)))


def roster_page(cohort, page, per_page):
    """One page of the cohort's learners (by display name), each with lessons done, in two queries."""
    query = (db.select(Enrolment).join(User, User.id == Enrolment.user_id).where(Enrolment.cohort_id == cohort.id)
             .options(joinedload(Enrolment.user)).order_by(User.display_name, User.id))
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    ids = [enrolment.user_id for enrolment in result.items]
    done = dict(db.session.execute(
        db.select(LessonProgress.user_id, func.count()).join(Lesson).join(Module)
        .where(LessonProgress.user_id.in_(ids), LessonProgress.completed_at.is_not(None),
               Lesson.course_id == cohort.course_id, Lesson.archived.is_(False), Module.archived.is_(False))
        .group_by(LessonProgress.user_id)).all()) if ids else {}
    result.items = [RosterRow(enrolment, done.get(enrolment.user_id, 0)) for enrolment in result.items]
    return result


def _members_of(cohort):
    """SQL: the ids of the cohort's community's members (not those still asking to join)."""
    return db.select(Membership.user_id).where(Membership.community_id == cohort.community_id,
                                               Membership.pending.is_(False))


def find_members(cohort, text):
    """Members of the cohort's community whose display name contains text (never searched by email), by name,
    and whether there were more than SEARCH_LIMIT."""
    key = name_key(text)
    if len(key) < SEARCH_MIN_LENGTH:
        return [], False
    pattern = "%" + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    found = db.session.scalars(
        db.select(User).where(User.id.in_(_members_of(cohort)), User.name_key.like(pattern, escape="\\"))
        .order_by(User.name_key, User.id).limit(SEARCH_LIMIT + 1)).all()
    return found[:SEARCH_LIMIT], len(found) > SEARCH_LIMIT


def find_member(cohort, user_id):
    """The member of the cohort's community with this id, or None: ids sent by a browser go through here."""
    return db.session.scalar(db.select(User).where(User.id == user_id, User.id.in_(_members_of(cohort))))


def find_learner(cohort, user_id):
    return db.session.scalar(db.select(User).join(Enrolment, Enrolment.user_id == User.id)
                             .where(User.id == user_id, Enrolment.cohort_id == cohort.id))


def find_facilitator(cohort, user_id):
    return db.session.scalar(db.select(User).join(CohortFacilitator, CohortFacilitator.user_id == User.id)
                             .where(User.id == user_id, CohortFacilitator.cohort_id == cohort.id))


def cohort_ids_of(cohort, users):
    """{user_id: cohort_id} of the people's enrolments in the cohort's course (None: on their own)."""
    ids = [user.id for user in users]
    return dict(db.session.execute(db.select(Enrolment.user_id, Enrolment.cohort_id).where(
        Enrolment.course_id == cohort.course_id, Enrolment.user_id.in_(ids))).all()) if ids else {}


def _not_suspended(person):
    """Nobody changes a suspended person's place in a cohort: the secretariat is looking into their account."""
    if person.suspended:
        raise policy.Refused(policy.Refusal("suspended"))


def _roster_change(actor, cohort, person, change, act, reason=""):
    """One change to the roster by one of the cohort's leads: never to a suspended person; change() says whether
    it changed anything, and only then is it written to the audit log."""
    policy.ensure("cohort.manage", cohort, actor)
    _not_suspended(person)
    if not change():
        return False
    _log(actor, act, cohort, person, reason=reason)
    return True


def add_learner(actor, cohort, person):
    """Make a member of the cohort's community its learner (their progress in the course stays). Refused if they
    take the course in another cohort: that cohort's leads move them."""
    def change():
        elsewhere = cohort_ids_of(cohort, [person]).get(person.id)
        if elsewhere == cohort.id:
            return False
        if elsewhere is not None:
            raise policy.Refused(policy.Refusal("other_cohort"))
        join_cohort(person, cohort)
        return True
    return _roster_change(actor, cohort, person, change, AdminAct.ADD_LEARNER)


def remove_learner(actor, cohort, person):
    """Take a learner out of the cohort; they keep the course and their progress, at their own pace."""
    return _roster_change(actor, cohort, person, lambda: leave_cohort(person, cohort), AdminAct.REMOVE_LEARNER)


def move_targets(actor, cohort):
    """The other cohorts of the same course that actor runs, newest first."""
    rows = db.session.scalars(db.select(Cohort).where(Cohort.course_id == cohort.course_id, Cohort.id != cohort.id)
                              .options(joinedload(Cohort.community)).order_by(Cohort.starts_on.desc(), Cohort.id))
    return [row for row in rows if policy.can("cohort.manage", row, user=actor)]


def move_learner(actor, cohort, person, target):
    """Move a learner to another cohort of the same course, progress kept (logged against the new cohort)."""
    policy.ensure("cohort.manage", cohort, actor)
    if target.course_id != cohort.course_id or target.id == cohort.id or not is_learner(person, cohort):
        raise ValueError("not a move within one course")
    return _roster_change(actor, target, person, lambda: join_cohort(person, target) is not None,
                          AdminAct.MOVE_LEARNER, reason=f"from {cohort.name} (#{cohort.id}) to {target.name} "
                                                        f"(#{target.id})")


def appoint_facilitator(actor, cohort, person):
    """Make person a facilitator of the cohort (joining its community if need be); False if they already were."""
    return _roster_change(actor, cohort, person, lambda: add_facilitator(person, cohort),
                          AdminAct.APPOINT_COHORT_FACILITATOR)


def dismiss_facilitator(actor, cohort, person):
    """Remove person as a facilitator of the cohort (they stay a member of its community)."""
    return _roster_change(actor, cohort, person, lambda: remove_facilitator(person, cohort),
                          AdminAct.REMOVE_COHORT_FACILITATOR)


# --- the cohorts a person runs or facilitates, and an admin's view of one person -----------------------------

def my_cohorts(user, page, per_page):
    """One page of the cohorts user runs or facilitates, the latest start first."""
    query = (db.select(Cohort).join(Community).where(policy.followed_cohorts(user))
             .options(joinedload(Cohort.community), joinedload(Cohort.course))
             .order_by(Cohort.starts_on.desc(), Cohort.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def every_cohort():
    """Every cohort, with its community and course, to choose one on an admin's page."""
    return db.session.scalars(db.select(Cohort).options(joinedload(Cohort.community), joinedload(Cohort.course))
                              .order_by(Cohort.starts_on.desc(), Cohort.id.desc())).all()


def facilitated_by(user):
    """The cohorts user facilitates, with their communities."""
    return db.session.scalars(db.select(Cohort).join(CohortFacilitator, CohortFacilitator.cohort_id == Cohort.id)
                              .where(CohortFacilitator.user_id == user.id)
                              .options(joinedload(Cohort.community)).order_by(Cohort.starts_on.desc())).all()
