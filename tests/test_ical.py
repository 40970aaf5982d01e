"""RFC 5545 done right, checked by parsing with the icalendar library: the calendar's and each event's properties,
SEQUENCE bumped on change and cancellation, all-day events as DATE values, discreet titles; and the feeds' secret
addresses: hashed tokens, reset at once, last-used time, members-only community feeds, suspended people,
headers and rate limits."""
import hashlib
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from icalendar import Calendar
from test_events import form_data, plan, sign_in, world  # noqa: F401 - world is a fixture used here

from colab.accounts.models import User
from colab.events import feeds
from colab.events.models import CalendarFeed, Event
from colab.extensions import db
from colab.models_base import utcnow

POSTGRESQL = False  # the calendar feeds' format (see conftest.py)

FEED_URL = re.compile(r'value="http://colab\.test(/calendar/feeds/[^"/]+\.ics)"')


def parse(response):
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.get_data())


def events_by_uid(calendar):
    return {str(component["UID"]): component for component in calendar.walk("VEVENT")}


def stored(app, event_id):
    with app.app_context():
        return db.session.get(Event, event_id)


def new_feed(client):
    """Make (or reset) the signed-in person's feed address through the page; its path."""
    response = client.post("/calendar/feed/token")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return FEED_URL.search(response.get_data(as_text=True)).group(1)


def token_of(path):
    return path.rsplit("/", 1)[1].removesuffix(".ics")


# --- the properties ----------------------------------------------------------------------------------------------

def test_a_personal_feed_carries_every_property_calendars_need(app, client, auth, world):
    sign_in(auth, world, "Amara")
    path = new_feed(client)
    response = client.get(path)
    assert "no-store" in response.headers["Cache-Control"] and "private" in response.headers["Cache-Control"]
    calendar = parse(response)
    assert str(calendar["PRODID"]) == "-//MenEngage Alliance//Co-Lab calendar//EN"
    assert (str(calendar["VERSION"]), str(calendar["CALSCALE"]), str(calendar["METHOD"])) == (
        "2.0", "GREGORIAN", "PUBLISH")
    assert str(calendar["X-WR-CALNAME"]) == "Co-Lab: my calendar"
    found = events_by_uid(calendar)
    event = stored(app, world["events"]["regional"])
    component = found[event.uid]
    assert str(component["SUMMARY"]) == "Africa regional meeting"
    assert component.decoded("DTSTART") == datetime(2030, 5, 14, 7, tzinfo=UTC)  # 10:00 in Nairobi
    assert component.decoded("DTEND") == datetime(2030, 5, 14, 9, tzinfo=UTC)
    assert component["DTSTART"].to_ical() == b"20300514T070000Z"  # UTC, not a floating time
    changed = event.updated_at.replace(microsecond=0)  # iCalendar counts whole seconds
    assert component.decoded("DTSTAMP") == changed and component.decoded("LAST-MODIFIED") == changed
    assert component["DTSTAMP"].to_ical().endswith(b"Z")
    assert (int(component["SEQUENCE"]), str(component["STATUS"])) == (0, "CONFIRMED")
    assert str(component["URL"]) == f"http://colab.test/calendar/events/{event.id}"
    assert f"http://colab.test/calendar/events/{event.id}" in str(component["DESCRIPTION"])
    # Amara sees the five events of the world (the cohort's and the members-only community's too)
    assert len(found) == 5 and len({str(c["UID"]) for c in found.values()}) == 5


def test_descriptions_places_and_links_reach_the_feed(app, client, auth, world):
    sign_in(auth, world, "Chidi")
    assert client.post("/calendar/events/new", data=form_data(
        f"community-{world['circle']}", title="Workshop; with, commas", place="Kisumu, Kenya",
        description="Line one.\n\nLine *two*.")).status_code == 302
    path = new_feed(client)
    component = next(c for c in parse(client.get(path)).walk("VEVENT") if "Workshop" in str(c["SUMMARY"]))
    assert str(component["SUMMARY"]) == "Workshop; with, commas"  # escaped in the file, whole once parsed
    assert str(component["LOCATION"]) == "Kisumu, Kenya"
    description = str(component["DESCRIPTION"])
    assert "Line one.\n\nLine *two*." in description and "https://meet.example.org/listening" in description


def test_a_change_and_a_cancellation_bump_the_sequence(app, client, auth, world):
    event_id = world["events"]["community"]
    with app.app_context():  # planned an hour ago
        event = db.session.get(Event, event_id)
        event.updated_at -= timedelta(hours=1)
        db.session.commit()
        uid = event.uid
    sign_in(auth, world, "Chidi")
    path = new_feed(client)
    first = events_by_uid(parse(client.get(path)))[uid]
    assert int(first["SEQUENCE"]) == 0
    data = {"title": "Circle gathering, moved", "scope": f"community-{world['circle']}", "starts_on": "2030-05-15",
            "starts_time": "10:00", "ends_time": "12:00", "timezone": "Africa/Nairobi", "languages": ["en"]}
    assert client.post(f"/calendar/events/{event_id}/edit", data=data).status_code == 302
    moved = events_by_uid(parse(client.get(path)))[uid]  # the same UID: calendars update, not duplicate
    assert (int(moved["SEQUENCE"]), str(moved["SUMMARY"])) == (1, "Circle gathering, moved")
    assert moved.decoded("DTSTART") == datetime(2030, 5, 15, 7, tzinfo=UTC)
    assert moved.decoded("DTSTAMP") > first.decoded("DTSTAMP")
    assert moved.decoded("LAST-MODIFIED") == moved.decoded("DTSTAMP")
    assert client.post(f"/calendar/events/{event_id}/cancel").status_code == 302
    cancelled = events_by_uid(parse(client.get(path)))[uid]
    assert (int(cancelled["SEQUENCE"]), str(cancelled["STATUS"])) == (2, "CANCELLED")
    assert str(cancelled["SUMMARY"]) == "Cancelled: Circle gathering, moved"
    assert cancelled.decoded("DTSTAMP") >= moved.decoded("DTSTAMP")
    assert client.post(f"/calendar/events/{event_id}/reinstate").status_code == 302
    back = events_by_uid(parse(client.get(path)))[uid]
    assert (int(back["SEQUENCE"]), str(back["STATUS"])) == (3, "CONFIRMED")


def test_all_day_events_are_dates_with_an_exclusive_end(app, client, auth, world):
    sign_in(auth, world, "Zola")
    assert client.post("/calendar/events/new", data=form_data(
        f"region-{world['africa']}", title="Regional assembly", all_day="y", starts_on="2030-05-30",
        ends_on="2030-06-01", starts_time="", ends_time="", timezone="Pacific/Auckland")).status_code == 302
    assert client.post("/calendar/events/new", data=form_data(
        f"region-{world['africa']}", title="Day of action", all_day="y", starts_on="2030-11-25", ends_on="",
        starts_time="", ends_time="", timezone="America/Bogota")).status_code == 302
    calendar = parse(client.get(new_feed(client)))
    by_title = {str(c["SUMMARY"]): c for c in calendar.walk("VEVENT")}
    assembly, day = by_title["Regional assembly"], by_title["Day of action"]
    assert (assembly.decoded("DTSTART"), assembly.decoded("DTEND")) == (date(2030, 5, 30), date(2030, 6, 2))
    assert (day.decoded("DTSTART"), day.decoded("DTEND")) == (date(2030, 11, 25), date(2030, 11, 26))
    for component in (assembly, day):
        assert not isinstance(component.decoded("DTSTART"), datetime)
        assert component["DTSTART"].params["VALUE"] == "DATE" and component["DTEND"].params["VALUE"] == "DATE"
    assert b"DTSTART;VALUE=DATE:20300530" in client.get(f"/calendar/events/{_id(app, 'Regional assembly')}.ics"
                                                          ).get_data()


def _id(app, title):
    with app.app_context():
        return db.session.scalar(db.select(Event.id).filter_by(title=title))


def test_discreet_titles_say_nothing_of_the_event(app, client, auth, world):
    sign_in(auth, world, "Amara")
    path = new_feed(client)
    assert client.post("/calendar/feed/discreet", data={"discreet_titles": "y"}).status_code == 302
    assert "Discreet: every event is called “Co-Lab event”" in client.get("/calendar/feed").get_data(as_text=True)
    response = client.get(path)
    calendar = parse(response)
    assert str(calendar["X-WR-CALNAME"]) == "Co-Lab"
    components = calendar.walk("VEVENT")
    assert len(components) == 5
    for component in components:
        assert str(component["SUMMARY"]) == "Co-Lab event"
        assert "DESCRIPTION" not in component and "LOCATION" not in component and "URL" not in component
        assert component.get("UID") and component.get("DTSTART") and component.get("SEQUENCE") is not None
    text = response.get_data(as_text=True)
    for secret in ("Closed circle", "Spring circle", "Africa regional", "meet.example", "/calendar/events/"):
        assert secret not in text
    # a members-only community's feed is discreet too
    closed = client.get(path.replace(".ics", f"/communities/{world['closed']}.ics"))
    assert [str(c["SUMMARY"]) for c in parse(closed).walk("VEVENT")] == ["Co-Lab event"]
    assert "Closed circle" not in closed.get_data(as_text=True)
    # and off again
    assert client.post("/calendar/feed/discreet", data={}).status_code == 302
    assert "Closed circle meeting" in client.get(path).get_data(as_text=True)


def test_a_discreet_person_gets_discreet_titles_from_the_start(app, client, auth, world):
    with app.app_context():
        db.session.get(User, world["people"]["Kofi"][0]).discreet = True
        db.session.commit()
    sign_in(auth, world, "Kofi")
    path = new_feed(client)
    assert {str(c["SUMMARY"]) for c in parse(client.get(path)).walk("VEVENT")} == {"Co-Lab event"}


# --- the secret addresses --------------------------------------------------------------------------------------------

def test_the_token_is_stored_hashed_shown_once_and_reset_at_once(app, client, auth, world):
    sign_in(auth, world, "Amara")
    page = client.get("/calendar/feed").get_data(as_text=True)
    assert "Make my feed address" in page and "/calendar/feeds/" not in page
    old = new_feed(client)
    token = token_of(old)
    with app.app_context():
        feed = db.session.scalar(db.select(CalendarFeed).filter_by(user_id=world["people"]["Amara"][0]))
        assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in feed.token_hash
        assert feed.last_used_at is None
    later = client.get("/calendar/feed").get_data(as_text=True)
    assert token not in later and "/calendar/feeds/" not in later  # not shown again
    assert "Reset the address" in later and "scrambled" in later and "Not yet" in later
    assert client.get(old).status_code == 200
    new = new_feed(client)
    assert new != old
    assert client.get(old).status_code == 404  # at once
    assert client.get(new).status_code == 200
    assert client.get(old.replace(".ics", f"/communities/{world['closed']}.ics")).status_code == 404
    assert client.post("/calendar/feed/stop").status_code == 302
    assert client.get(new).status_code == 404
    assert "Make my feed address" in client.get("/calendar/feed").get_data(as_text=True)


def test_the_last_fetch_is_noted_at_most_every_few_minutes(app, client, auth, world):
    sign_in(auth, world, "Amara")
    path = new_feed(client)
    auth.sign_out()  # calendar apps carry no session
    client.get(path)
    user_id = world["people"]["Amara"][0]

    def last_used():
        with app.app_context():
            return db.session.scalar(db.select(CalendarFeed.last_used_at).filter_by(user_id=user_id))

    first = last_used()
    assert first is not None and utcnow() - first < timedelta(minutes=1)
    client.get(path)
    assert last_used() == first  # no write for every fetch
    with app.app_context():
        feed = db.session.scalar(db.select(CalendarFeed).filter_by(user_id=user_id))
        feed.last_used_at = utcnow() - timedelta(minutes=10)
        db.session.commit()
    client.get(path)
    assert utcnow() - last_used() < timedelta(minutes=1)
    sign_in(auth, world, "Amara")
    assert "Not yet" not in client.get("/calendar/feed").get_data(as_text=True)


def test_the_feed_is_the_token_holders_not_the_signed_in_readers(app, client, auth, world):
    sign_in(auth, world, "Olu")
    path = new_feed(client)
    auth.sign_out()
    sign_in(auth, world, "Sec")  # an admin who sees everything fetches Olu's feed: it stays Olu's
    titles = {str(c["SUMMARY"]) for c in parse(client.get(path)).walk("VEVENT")}
    assert titles == {"Alliance webinar", "Africa regional meeting", "Circle gathering"}


def test_members_only_events_never_reach_an_outsiders_feeds(app, client, auth, world):
    closed_uid, cohort_uid = (stored(app, world["events"][key]).uid for key in ("closed", "cohort"))
    sign_in(auth, world, "Olu")
    outsider = new_feed(client)
    auth.sign_out()
    sign_in(auth, world, "Amara")
    member = new_feed(client)
    auth.sign_out()
    outsider_uids = set(events_by_uid(parse(client.get(outsider))))
    assert closed_uid not in outsider_uids and cohort_uid not in outsider_uids
    assert {closed_uid, cohort_uid} <= set(events_by_uid(parse(client.get(member))))
    # the members-only community's own feed: its members with their token; nobody else, token or not
    closed = f"/communities/{world['closed']}.ics"
    assert set(events_by_uid(parse(client.get(member.replace(".ics", closed))))) == {closed_uid}
    refused = client.get(outsider.replace(".ics", closed))
    assert refused.status_code == 404 and b"Closed circle" not in refused.get_data()
    assert client.get(f"/calendar{closed}").status_code == 404
    # the open community's feed needs no token, and holds its community's events only (not its cohort's)
    open_feed = client.get(f"/calendar/communities/{world['circle']}.ics")
    calendar = parse(open_feed)
    assert [str(c["SUMMARY"]) for c in calendar.walk("VEVENT")] == ["Circle gathering"]
    assert str(calendar["X-WR-CALNAME"]) == "Co-Lab: Circle"
    assert "public" in open_feed.headers["Cache-Control"]


def test_a_suspended_persons_token_opens_nothing(app, client, auth, world):
    sign_in(auth, world, "Amara")
    path = new_feed(client)
    auth.sign_out()
    assert client.get(path).status_code == 200
    with app.app_context():
        db.session.get(User, world["people"]["Amara"][0]).suspended_at = utcnow()
        db.session.commit()
    assert client.get(path).status_code == 404
    assert client.get(path.replace(".ics", f"/communities/{world['closed']}.ics")).status_code == 404


def test_the_feed_keeps_ninety_days_of_past_events_and_a_bounded_count(app, client, auth, world, monkeypatch):
    sec = world["people"]["Sec"][0]
    today = utcnow().date()
    plan(app, sec, "global", "Long ago", starts_on=today - timedelta(days=120), zone="UTC")
    plan(app, sec, "global", "Last month", starts_on=today - timedelta(days=30), zone="UTC")
    sign_in(auth, world, "Sec")
    path = new_feed(client)
    titles = [str(c["SUMMARY"]) for c in parse(client.get(path)).walk("VEVENT")]
    assert "Last month" in titles and "Long ago" not in titles
    assert titles[0] == "Last month"  # soonest first
    monkeypatch.setattr(feeds, "FEED_MAX_EVENTS", 3)
    assert len(parse(client.get(path)).walk("VEVENT")) == 3


def test_feed_fetches_are_rate_limited_per_token(app, client, auth, world):
    app.config["FEED_RATE_LIMIT"] = "3 per minute"
    sign_in(auth, world, "Amara")
    amara = new_feed(client)
    auth.sign_out()
    sign_in(auth, world, "Olu")
    olu = new_feed(client)
    auth.sign_out()
    codes = [client.get(amara).status_code for _ in range(3)]
    codes.append(client.get(amara.replace(".ics", f"/communities/{world['closed']}.ics")).status_code)
    assert codes == [200, 200, 200, 429]  # one token's feeds count together
    assert client.get(olu).status_code == 200  # another token is not held back


def test_one_event_downloads_as_an_ics_file(app, client, auth, world):
    event = stored(app, world["events"]["global"])
    sign_in(auth, world, "Kofi")
    response = client.get(f"/calendar/events/{event.id}.ics")
    assert response.headers["Content-Disposition"] == f'attachment; filename="event-{event.id}.ics"'
    assert "no-store" in response.headers["Cache-Control"]
    calendar = parse(response)
    [component] = calendar.walk("VEVENT")
    assert (str(component["UID"]), str(component["SUMMARY"])) == (event.uid, "Alliance webinar")
    assert str(calendar["METHOD"]) == "PUBLISH"
    # the times: 10:00 in Amsterdam in May (UTC+2)
    assert component.decoded("DTSTART") == datetime.combine(date(2030, 5, 14), time(8), tzinfo=UTC)


@pytest.mark.parametrize("path", ["/calendar/feeds/{token}.ics", "/calendar/feeds/{token}/communities/{closed}.ics"])
def test_feeds_parse_cleanly_in_spanish_too(app, client, auth, world, path):
    with app.app_context():
        db.session.get(User, world["people"]["Amara"][0]).locale = "es"
        db.session.commit()
    sign_in(auth, world, "Amara")
    token = token_of(new_feed(client))
    calendar = parse(client.get(path.format(token=token, closed=world["closed"])))
    assert calendar.walk("VEVENT") and str(calendar["VERSION"]) == "2.0"


def test_the_settings_page_lists_the_community_feeds_one_may_subscribe_to(app, client, auth, world):
    sign_in(auth, world, "Amara")  # a member of "circle" (open) and of "closed" (members only)
    page = client.post("/calendar/feed/token").get_data(as_text=True)
    token = token_of(FEED_URL.search(page).group(1))
    open_url = f"http://colab.test/calendar/communities/{world['circle']}.ics"
    closed_url = f"http://colab.test/calendar/feeds/{token}/communities/{world['closed']}.ics"
    assert open_url in page and closed_url in page
    later = client.get("/calendar/feed").get_data(as_text=True)
    assert open_url in later and token not in later  # the open one needs no secret; the other is not shown again
    assert "Members only: its address includes your secret one" in later
    for url in (open_url, closed_url):
        assert client.get(url.removeprefix("http://colab.test")).status_code == 200
    auth.sign_out()
    sign_in(auth, world, "Zola")  # a focal point is offered the communities of her region
    page = client.get("/calendar/feed").get_data(as_text=True)
    assert open_url in page and "Closed circle" not in page
