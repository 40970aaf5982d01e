"""Events as RFC 5545 iCalendar: one event's download, a person's feed, a community's feed.

Every VEVENT carries its stable UID, DTSTAMP and LAST-MODIFIED (when it last changed, UTC), SEQUENCE (bumped on
every change) and STATUS (CONFIRMED or CANCELLED). Timed events are written in UTC; all-day events as DATE values
with an exclusive DTEND, their own dates wherever the reader is. The icalendar library does the escaping and
line folding. Strings are translated in the locale the caller sets (the feed's owner's, for feeds)."""
from datetime import UTC, timedelta

from flask_babel import gettext as _
from icalendar import Calendar, vDuration
from icalendar import Event as VEvent

from .listing import local_days

PRODID = "-//MenEngage Alliance//Co-Lab calendar//EN"
REFRESH = timedelta(hours=6)  # a hint to calendar apps: how often to fetch a feed again


def discreet_title():
    return _("Co-Lab event")


def calendar(events, name, event_url, discreet=False):
    """The iCalendar bytes of events, titled name; event_url(event) gives each event's page. discreet: every
    event titled "Co-Lab event", with no description, place or link."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})  # RFC 7986
    cal.add("x-published-ttl", vDuration(REFRESH))  # the same hint, for Outlook
    for event in events:
        cal.add_component(vevent(event, event_url(event), discreet))
    return cal.to_ical()


def vevent(event, url, discreet=False):
    """One event as a VEVENT."""
    component = VEvent()
    component.add("uid", event.uid)
    component.add("dtstamp", event.updated_at.astimezone(UTC))
    component.add("created", event.created_at.astimezone(UTC))
    component.add("last-modified", event.updated_at.astimezone(UTC))
    component.add("sequence", event.sequence or 0)
    component.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    if event.all_day:
        first, last = local_days(event)
        component.add("dtstart", first)
        component.add("dtend", last + timedelta(days=1))  # exclusive: the day after the last
        component.add("transp", "TRANSPARENT")
    else:
        component.add("dtstart", event.starts_at.astimezone(UTC))
        component.add("dtend", event.ends_at.astimezone(UTC))
    title = discreet_title() if discreet else event.title
    component.add("summary", _("Cancelled: %(title)s", title=title) if event.cancelled else title)
    if discreet:
        component.add("class", "PRIVATE")
        return component
    description = [event.description_source] if event.description_source else []
    if event.online_url:
        description.append(_("Online: %(link)s", link=event.online_url))
    description.append(url)
    component.add("description", "\n\n".join(description))
    if event.place or event.online_url:
        component.add("location", event.place or event.online_url)
    component.add("url", url)
    return component
