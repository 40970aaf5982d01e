"""Reading the calendar in a reader's zone: the list filters, the upcoming list by day, the next few events for
a page, and the month grid."""
import calendar as calendar_
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import false, or_, true
from sqlalchemy.orm import joinedload

from .. import policy
from ..extensions import db
from ..models_base import utcnow
from .models import Event, EventScope, EventStatus
from .planning import MAX_YEAR, MIN_YEAR, zone

FILTERS = ("all", "global", "region", "communities", "cohorts")
MONTH_MAX_EVENTS = 500


def today_in(tz):
    return datetime.now(tz).date()


def local_days(event, reader_zone=None):
    """(first day, last day) of the event: an all-day event's own dates (the same everywhere, like a holiday);
    a timed one's in reader_zone (default: the event's zone)."""
    tz = zone(event.timezone) if event.all_day or reader_zone is None else reader_zone
    starts, ends = event.starts_at.astimezone(tz), event.ends_at.astimezone(tz)
    last = (ends - timedelta(microseconds=1)).date() if ends > starts else starts.date()
    return starts.date(), max(last, starts.date())


def _with_places(query):
    return query.options(joinedload(Event.region), joinedload(Event.community), joinedload(Event.cohort))


def my_communities(user):
    """The ids of the communities user belongs to (not pending), in order."""
    return sorted(cid for cid, member in policy.memberships(user).items() if not member.pending)


def _my_cohorts(user):
    return sorted(set(policy.learner_cohorts(user).values()) | policy.facilitated_cohorts(user))


def filter_clause(user, show):
    """The list filter show ("all", "global", "region": the reader's region, "communities" they belong to,
    "cohorts" they learn in or facilitate) as SQL over Event; always within what they may see."""
    if show == "global":
        return Event.scope == EventScope.GLOBAL
    if show == "region":
        return (Event.scope == EventScope.REGION) & (Event.region_id == user.region_id) if user.region_id \
            else false()
    if show == "communities":
        return (Event.scope == EventScope.COMMUNITY) & Event.community_id.in_(my_communities(user))
    if show == "cohorts":
        return (Event.scope == EventScope.COHORT) & Event.cohort_id.in_(_my_cohorts(user))
    return true()


def filters_for(user):
    """The filters worth offering user: "region" only with a region of their own."""
    return [name for name in FILTERS if name != "region" or user.region_id]


def upcoming_page(user, page, per_page, show="all", now=None):
    """One page of the events user may see that have not ended, soonest first (cancelled ones too)."""
    query = db.select(Event).where(policy.visible_events(user), filter_clause(user, show),
                                   Event.ends_at > (now or utcnow())).order_by(Event.starts_at, Event.id)
    return db.paginate(_with_places(query), page=page, per_page=per_page, error_out=False)


def by_day(events, reader_zone, today=None):
    """[(day, [event])] in day order: each event under its first day (in reader_zone; an all-day event under its
    own date), one already under way under today."""
    today = today or today_in(reader_zone)
    days = {}
    for event in events:
        days.setdefault(max(local_days(event, reader_zone)[0], today), []).append(event)
    return sorted(days.items())


def upcoming_for(user, community=None, cohort=None, limit=3):
    """The next few events for a home, community or cohort page: a cohort's, a community's (its cohorts' ones
    that user may see included), or with neither those that concern user (everyone's, their region's, their
    communities' and cohorts'). Soonest first; cancelled ones left out."""
    if cohort is not None:
        which = (Event.scope == EventScope.COHORT) & (Event.cohort_id == cohort.id)
    elif community is not None:
        which = Event.scope.in_([EventScope.COMMUNITY, EventScope.COHORT]) & (Event.community_id == community.id)
    else:
        which = or_(*(filter_clause(user, show) for show in FILTERS if show != "all"))
    query = db.select(Event).where(policy.visible_events(user), which, Event.ends_at > utcnow(),
                                   Event.status == EventStatus.SCHEDULED)
    return db.session.scalars(_with_places(query.order_by(Event.starts_at, Event.id).limit(limit))).all()


def valid_month(year, month):
    return MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12


def _shift(year, month, months):
    index = year * 12 + month - 1 + months
    year, month = divmod(index, 12)
    return (year, month + 1) if valid_month(year, month + 1) else None


@dataclass
class Month:
    """A month of the calendar as a reader sees it: weeks of days (None outside the month), the events of each
    day, the neighbouring months (None past the calendar's years)."""

    first: date
    weeks: list
    days: dict  # date -> [Event]
    previous: tuple | None
    next: tuple | None
    truncated: bool

    @property
    def busy_days(self):
        return sorted(day for day, events in self.days.items() if events)


def month(user, year, month_number, reader_zone, first_weekday=0, show="all"):
    """The month year-month_number in reader_zone: each day with the events user may see on it (an event of
    several days on each). At most MONTH_MAX_EVENTS events (truncated says when more were left out)."""
    first = date(year, month_number, 1)
    after = date(year + (month_number == 12), month_number % 12 + 1, 1)
    margin = timedelta(days=2)  # all-day events keep their own dates, wherever the reader is
    starts = datetime.combine(first, time(0), tzinfo=reader_zone).astimezone(UTC) - margin
    ends = datetime.combine(after, time(0), tzinfo=reader_zone).astimezone(UTC) + margin
    query = db.select(Event).where(policy.visible_events(user), filter_clause(user, show), Event.starts_at < ends,
                                   Event.ends_at > starts).order_by(Event.starts_at, Event.id)
    events = db.session.scalars(_with_places(query).limit(MONTH_MAX_EVENTS + 1)).all()
    days = {first + timedelta(days=offset): [] for offset in range((after - first).days)}
    for event in events[:MONTH_MAX_EVENTS]:
        day, last = local_days(event, reader_zone)
        day = max(day, first)
        while day <= last and day < after:
            days[day].append(event)
            day += timedelta(days=1)
    weeks = [[day if day.month == month_number else None for day in week]
             for week in calendar_.Calendar(first_weekday).monthdatescalendar(year, month_number)]
    return Month(first, weeks, days, _shift(year, month_number, -1), _shift(year, month_number, 1),
                 len(events) > MONTH_MAX_EVENTS)
