"""Planning events: where a person may plan them, what a planner gives (times entered in a zone, stored in UTC),
its checks, and creating, changing, cancelling and reinstating. No requests here; services flush, views commit."""
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import joinedload

from .. import policy
from ..accounts.models import Region
from ..communities.models import Cohort, Community
from ..extensions import db
from ..i18n import LANGUAGES, is_timezone
from ..markup import render
from ..models_base import utcnow
from ..urls import parse_int
from .models import Event, EventScope, EventStatus

# The languages an event may be held in: the platform's, then a few more the alliance works in.
EVENT_LANGUAGES = tuple(LANGUAGES) + tuple(code for code in ("fr", "pt", "ar") if code not in LANGUAGES)
MIN_YEAR, MAX_YEAR = 2000, 2100  # the calendar's pages and the events' dates stay within these years
MAX_DAYS = 366  # the longest an event may last


class InvalidEvent(ValueError):
    """What was asked to be saved breaks a rule of an event (field: the form field it concerns)."""

    def __init__(self, field_name, reason):
        super().__init__(f"{field_name}: {reason}")
        self.field, self.reason = field_name, reason


def zone(name):
    """The ZoneInfo of name; UTC when it is not a known zone."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


# --- where events belong ---------------------------------------------------------------------------------

SCOPES = {Region: EventScope.REGION, Community: EventScope.COMMUNITY, Cohort: EventScope.COHORT}


def place_of(event):
    """What the event belongs to: EventScope.GLOBAL, a Region, a Community or a Cohort."""
    return {EventScope.GLOBAL: EventScope.GLOBAL, EventScope.REGION: event.region,
            EventScope.COMMUNITY: event.community, EventScope.COHORT: event.cohort}[event.scope]


def place_key(place):
    """A place as a form value: "global", "region-3", "community-5", "cohort-7"."""
    if place == EventScope.GLOBAL:
        return "global"
    kind = {Region: "region", Community: "community", Cohort: "cohort"}[type(place)]
    return f"{kind}-{place.id}"


def find_place(key):
    """The place a form value names, or None."""
    if key == "global":
        return EventScope.GLOBAL
    kind, _sep, number = (key or "").partition("-")
    model = {"region": Region, "community": Community, "cohort": Cohort}.get(kind)
    place_id = parse_int(number)
    return db.session.get(model, place_id) if model is not None and place_id is not None else None


@dataclass
class Places:
    """The places a person may plan events for, by kind."""

    everyone: bool = False
    regions: list = field(default_factory=list)
    communities: list = field(default_factory=list)
    cohorts: list = field(default_factory=list)

    def __bool__(self):
        return self.everyone or bool(self.regions or self.communities or self.cohorts)


def planning_places(user):
    """Where user may plan events (policy "event.create" on each): everyone (admins), their regions, the
    communities they moderate, the cohorts they run or facilitate; archived communities left out. Four queries."""
    places = Places(everyone=policy.can("event.create", EventScope.GLOBAL, user))
    regions = db.session.scalars(db.select(Region).order_by(Region.position, Region.slug)).all()
    places.regions = [region for region in regions if policy.can("event.create", region, user)]
    communities = db.session.scalars(
        db.select(Community).where(policy.moderated_communities(user), Community.archived_at.is_(None))
        .order_by(Community.slug)).all()
    places.communities = [community for community in communities if policy.can("event.create", community, user)]
    cohorts = db.session.scalars(
        db.select(Cohort).join(Community).where(policy.followed_cohorts(user), Community.archived_at.is_(None))
        .options(joinedload(Cohort.community)).order_by(Cohort.starts_on.desc(), Cohort.id.desc())).all()
    places.cohorts = [cohort for cohort in cohorts if policy.can("event.create", cohort, user)]
    return places


# --- planning and changing ---------------------------------------------------------------------------------

@dataclass
class EventData:
    """What a planner gives. Dates and times are local to timezone; an all-day event gives dates only (ends_on
    empty: one day). scope is a place key (place_key)."""

    title: str
    scope: str
    starts_on: date | None
    starts_time: time | None = None
    ends_on: date | None = None
    ends_time: time | None = None
    all_day: bool = False
    timezone: str = "UTC"
    description: str = ""
    online_url: str = ""
    place: str = ""
    languages: list = field(default_factory=list)


def is_web_link(link):
    """An http or https link with a host (or empty)."""
    if not link:
        return True
    parts = urlsplit(link)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not any(c.isspace() for c in link)


def span(data):
    """(starts_at, ends_at) in UTC for data, or None when a date or time it needs is missing. An all-day event runs
    from local midnight of its first day to local midnight after its last."""
    if data.starts_on is None:
        return None
    tz, ends_on = zone(data.timezone), data.ends_on or data.starts_on
    if data.all_day:
        starts = datetime.combine(data.starts_on, time(0), tzinfo=tz)
        ends = datetime.combine(ends_on + timedelta(days=1), time(0), tzinfo=tz)
    elif data.starts_time is None or data.ends_time is None:
        return None
    else:
        starts = datetime.combine(data.starts_on, data.starts_time, tzinfo=tz)
        ends = datetime.combine(ends_on, data.ends_time, tzinfo=tz)
    return starts.astimezone(UTC), ends.astimezone(UTC)


def problems(user, data):
    """{field: reason} of every rule data breaks as an event planned by user; empty when it may be saved. Values
    the form could not read (None) are left to the form, except the times an event needs."""
    found = {}
    place = find_place(data.scope)
    if place is None:
        found["scope"] = "unknown"
    elif not policy.can("event.create", place, user):
        found["scope"] = "not_allowed"
    if not is_timezone(data.timezone):
        found["timezone"] = "unknown"
    if not data.all_day:
        if data.starts_time is None:
            found["starts_time"] = "missing"
        if data.ends_time is None:
            found["ends_time"] = "missing"
    for name in ("starts_on", "ends_on"):
        day = getattr(data, name)
        if day is not None and not MIN_YEAR <= day.year <= MAX_YEAR:
            found[name] = "range"
    times = span(data) if not found.keys() & {"starts_on", "ends_on"} else None
    if times is not None:
        starts_at, ends_at = times
        if ends_at <= starts_at:
            later_day = data.ends_on is None or data.ends_on >= data.starts_on
            found["ends_time" if later_day and not data.all_day else "ends_on"] = "before_start"
        elif ends_at - starts_at > timedelta(days=MAX_DAYS):
            found["ends_on"] = "too_long"
    if not is_web_link((data.online_url or "").strip()):
        found["online_url"] = "scheme"
    if not data.languages or not set(data.languages) <= set(EVENT_LANGUAGES):
        found["languages"] = "unknown"
    return found


def check(user, data):
    """Raise InvalidEvent (the first problem) unless data may be saved."""
    for name, reason in problems(user, data).items():
        raise InvalidEvent(name, reason)
    if not (data.title or "").strip() or span(data) is None:
        raise InvalidEvent("title" if not (data.title or "").strip() else "starts_on", "missing")


def _apply(event, data):
    """Write data onto event; whether anything changed."""
    place = find_place(data.scope)
    starts_at, ends_at = span(data)
    description = (data.description or "").strip()
    values = {
        "title": data.title.strip(), "description_source": description, "starts_at": starts_at,
        "ends_at": ends_at, "timezone": data.timezone, "all_day": bool(data.all_day),
        "place": (data.place or "").strip(), "online_url": (data.online_url or "").strip(),
        "languages": [code for code in EVENT_LANGUAGES if code in set(data.languages)],
        "scope": EventScope.GLOBAL if place == EventScope.GLOBAL else SCOPES[type(place)],
        "region_id": place.id if isinstance(place, Region) else None,
        "community_id": place.id if isinstance(place, Community) else (
            place.community_id if isinstance(place, Cohort) else None),
        "cohort_id": place.id if isinstance(place, Cohort) else None,
    }
    changed = [name for name, value in values.items() if getattr(event, name) != value]
    for name in changed:
        setattr(event, name, values[name])
    if "description_source" in changed or event.description_html is None:
        event.description_html = render(description)
    return bool(changed)


def new_uid():
    """A UID for a new event: random, never reused, never changed (RFC 5545)."""
    return f"{uuid.uuid4().hex}@colab"


def create(user, data):
    """Plan an event as user; the new Event (flushed)."""
    policy.ensure("event.create", find_place(data.scope), user)
    check(user, data)
    now = utcnow()
    event = Event(uid=new_uid(), created_by_id=user.id, created_at=now, updated_at=now, sequence=0,
                  status=EventStatus.SCHEDULED, description_source="")
    _apply(event, data)
    db.session.add(event)
    db.session.flush()
    return event


def _revised(event):
    """Note a change calendars must pick up: SEQUENCE up, DTSTAMP and LAST-MODIFIED now."""
    event.sequence = (event.sequence or 0) + 1
    event.updated_at = utcnow()


def update(user, event, data):
    """Change an event (where it belongs too, to a place user may also plan for); whether anything changed."""
    policy.ensure("event.edit", event, user)
    check(user, data)
    changed = _apply(event, data)
    if changed:
        _revised(event)
    db.session.flush()
    return changed


def cancel(user, event):
    """Cancel the event: it stays listed, marked cancelled. False if it already was."""
    policy.ensure("event.cancel", event, user)
    if event.cancelled:
        return False
    event.status, event.cancelled_at = EventStatus.CANCELLED, utcnow()
    _revised(event)
    db.session.flush()
    return True


def reinstate(user, event):
    """Undo a cancellation. False if the event was not cancelled."""
    policy.ensure("event.cancel", event, user)
    if not event.cancelled:
        return False
    event.status, event.cancelled_at = EventStatus.SCHEDULED, None
    _revised(event)
    db.session.flush()
    return True


def find(event_id):
    return db.session.scalar(db.select(Event).where(Event.id == event_id).options(
        joinedload(Event.region), joinedload(Event.community), joinedload(Event.cohort).joinedload(Cohort.community),
        joinedload(Event.created_by)))


def form_values(event):
    """The event as its planner entered it: local dates and times in its zone (an all-day event's last day, not the
    midnight after it)."""
    tz = zone(event.timezone)
    starts, ends = event.starts_at.astimezone(tz), event.ends_at.astimezone(tz)
    if event.all_day:
        last = (ends - timedelta(seconds=1)).date()
        return {"starts_on": starts.date(), "ends_on": last if last != starts.date() else None,
                "starts_time": None, "ends_time": None}
    return {"starts_on": starts.date(), "starts_time": starts.time().replace(tzinfo=None),
            "ends_on": ends.date() if ends.date() != starts.date() else None,
            "ends_time": ends.time().replace(tzinfo=None)}
