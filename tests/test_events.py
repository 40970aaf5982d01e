"""The joint calendar's pages: planning an event where one may (and only there), each reader's time zone in the
list and the month, a form that keeps what was typed, cohort and members-only events kept to their people,
cancelled events kept and marked, bounded numbers in URLs, the pieces the lead wires in (upcoming_for, the
partial, the demo events), and every route of the "calendar" blueprint x every role."""
import re
from datetime import UTC, date, datetime, time

import factories
import pytest
from html_safety import ATTACKS, dangerous_markup

from colab.accounts.models import User
from colab.cohorts import service as cohorts
from colab.communities import service as communities
from colab.communities.models import Cohort, Role
from colab.events import feeds, listing, planning
from colab.events.models import Event, EventScope, EventStatus
from colab.extensions import db
from colab.policy import Refused

POSTGRESQL = False  # the calendar's pages (times are converted in Python) (see conftest.py)

BLUEPRINTS = {"calendar"}


def plan(app, planner_id, scope, title, starts_on=date(2030, 5, 14), starts_time=time(10), ends_time=time(12),
         zone="Africa/Nairobi", **changes):
    """An event planned through the service (as the form would); its id."""
    with app.app_context():
        planner = db.session.get(User, planner_id)
        data = planning.EventData(title=title, scope=scope, starts_on=starts_on, starts_time=starts_time,
                                 ends_time=ends_time, timezone=zone, languages=["en"], **changes)
        event = planning.create(planner, data)
        db.session.commit()
        return event.id


@pytest.fixture
def world(app, content, make_user):
    """Africa: Zola is its focal point (in Nairobi); "circle" is its open community, which Chidi facilitates; the
    cohort "Spring circle" runs in it with Amara (an Africa learner who lives in Bogotá) and Kofi (in Nairobi) as
    learners. "closed" is a members-only community Amara belongs to. Olu is in Africa too, in no cohort. Sec is an
    admin. One event of each kind is planned in May 2030."""
    people = {"Amara": make_user(display_name="Amara", timezone="America/Bogota"),
              "Kofi": make_user(display_name="Kofi", timezone="Africa/Nairobi"),
              "Olu": make_user(display_name="Olu", timezone="Africa/Lagos"),
              "Chidi": make_user(display_name="Chidi", timezone="Africa/Lagos"),
              "Zola": make_user(display_name="Zola", timezone="Africa/Nairobi"),
              "Sec": make_user(display_name="Sec", timezone="Europe/Amsterdam", is_admin=True)}
    with app.app_context():
        user = lambda name: db.session.get(User, people[name][0])  # noqa: E731
        africa = factories.region_id("africa")
        for name in people:
            user(name).region_id = africa
        circle = factories.community("circle", "regional", {"en": "Circle"}, {"en": "About"}, region="africa")
        closed = factories.community("closed", "thematic", {"en": "Closed circle"}, {"en": "About"}, members_only=True)
        factories.member(people["Chidi"][0], circle, Role.FACILITATOR, accepted=False)
        factories.member(people["Amara"][0], closed, accepted=False)
        communities.make_focal_point(user("Zola"), africa)
        course = factories.course()
        spring = cohorts.create_cohort(user("Sec"), circle, course, "Spring circle", date(2030, 1, 1),
                                       date(2030, 9, 1), ["en"], "UTC", "self-paced")
        cohorts.join_cohort(user("Amara"), spring)
        cohorts.join_cohort(user("Kofi"), spring)
        db.session.commit()
        ids = {"africa": africa, "circle": circle.id, "closed": closed.id, "spring": spring.id}
    world = {"people": people, **ids}
    world["events"] = {
        "global": plan(app, people["Sec"][0], "global", "Alliance webinar", zone="Europe/Amsterdam"),
        "regional": plan(app, people["Zola"][0], f"region-{africa}", "Africa regional meeting"),
        "community": plan(app, people["Chidi"][0], f"community-{ids['circle']}", "Circle gathering"),
        "cohort": plan(app, people["Sec"][0], f"cohort-{ids['spring']}", "Spring circle live session"),
        "closed": plan(app, people["Sec"][0], f"community-{ids['closed']}", "Closed circle meeting"),
    }
    return world


def sign_in(auth, world, name):
    assert auth.sign_in(world["people"][name][1]).status_code == 302


def form_data(scope, **changes):
    data = {"title": "Listening workshop", "scope": scope, "starts_on": "2030-05-20", "starts_time": "14:00",
            "ends_on": "", "ends_time": "16:00", "timezone": "Africa/Nairobi",
            "online_url": "https://meet.example.org/listening", "place": "", "languages": ["en", "fr"],
            "description": "Bring **questions**."}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def events_titled(app, title):
    with app.app_context():
        return db.session.scalars(db.select(Event).filter_by(title=title)).all()


def section(page, start, end=None):
    """The part of page from start (up to end)."""
    part = page[page.index(start):]
    return part[:part.index(end)] if end and end in part else part


# --- planning -------------------------------------------------------------------------------------------------

def test_a_focal_point_plans_a_regional_event_every_learner_reads_in_their_own_time(app, client, auth, world):
    sign_in(auth, world, "Zola")
    form = client.get("/calendar/events/new").get_data(as_text=True)
    assert '<option selected value="Africa/Nairobi">' in form  # the planner's own zone by default
    assert f'value="region-{world["africa"]}"' in form and 'value="global"' not in form
    response = client.post("/calendar/events/new", data=form_data(
        f"region-{world['africa']}", title="Early regional call", starts_on="2030-05-14", starts_time="06:00",
        ends_time="07:30"))
    assert response.status_code == 302
    [event] = events_titled(app, "Early regional call")
    assert response.headers["Location"].endswith(f"/calendar/events/{event.id}")
    # 06:00 in Nairobi (UTC+3) is 03:00 UTC, stored as such
    assert (event.starts_at, event.ends_at) == (datetime(2030, 5, 14, 3, tzinfo=UTC),
                                                datetime(2030, 5, 14, 4, 30, tzinfo=UTC))
    assert (event.scope, event.region_id, event.timezone) == (EventScope.REGION, world["africa"], "Africa/Nairobi")
    assert event.uid.endswith("@colab") and len(event.uid) > 30 and event.sequence == 0
    assert event.languages == ["en", "fr"] and "<strong>questions</strong>" in event.description_html
    auth.sign_out()

    # Kofi, in Nairobi, reads it on the 14th at 6:00; Amara, in Bogotá (UTC-5), on the 13th at 22:00
    for name, day, times in (("Kofi", "Tuesday, May 14, 2030", "6:00\u202fAM–7:30\u202fAM"),
                             ("Amara", "Monday, May 13, 2030", "10:00\u202fPM–11:30\u202fPM")):
        sign_in(auth, world, name)
        shown = client.get("/calendar/").get_data(as_text=True)
        assert "Early regional call" in section(shown, day, "</section>")
        assert times in section(shown, day, "</section>")
        month = client.get("/calendar/2030/5").get_data(as_text=True)
        assert "Early regional call" in section(section(month, 'class="month-list"'), day, "</section>")
        page = client.get(f"/calendar/events/{event.id}").get_data(as_text=True)
        assert times in page and "Add to calendar (.ics)" in page
        if name == "Amara":  # the planner's zone is given too
            assert "Where it is planned: Tuesday, May 14, 2030, 6:00\u202fAM–7:30\u202fAM (Africa/Nairobi)" in page
        else:
            assert "Where it is planned" not in page
        auth.sign_out()


def test_the_month_grid_puts_each_event_on_its_days(app, client, auth, world):
    sign_in(auth, world, "Zola")
    assert client.post("/calendar/events/new", data=form_data(
        f"region-{world['africa']}", title="Three-day assembly", all_day="y", starts_on="2030-05-30",
        ends_on="2030-06-01", starts_time="", ends_time="", timezone="Pacific/Auckland")).status_code == 302
    [event] = events_titled(app, "Three-day assembly")
    # all day in Auckland (UTC+12): local midnight to local midnight after the last day
    assert event.all_day and event.starts_at == datetime(2030, 5, 29, 12, tzinfo=UTC)
    assert event.ends_at == datetime(2030, 6, 1, 12, tzinfo=UTC)
    auth.sign_out()
    sign_in(auth, world, "Amara")  # in Bogotá, the dates stay the event's own
    may = client.get("/calendar/2030/5").get_data(as_text=True)
    grid = section(may, 'class="table-wrap month-grid"', 'class="month-list"')
    assert grid.count("<tr>") == 1 + 5  # the weekday row and five weeks
    cells = re.findall(r'<span class="month-day-number">(\d+)</span>(.*?)</td>', grid, re.S)
    days_with = {int(day) for day, cell in cells if "Three-day assembly" in cell}
    assert days_with == {30, 31}
    assert {int(day) for day, cell in cells if "Africa regional meeting" in cell} == {14}
    june = client.get("/calendar/2030/6").get_data(as_text=True)
    cells = re.findall(r'<span class="month-day-number">(\d+)</span>(.*?)</td>', june, re.S)
    assert {int(day) for day, cell in cells if "Three-day assembly" in cell} == {1}
    assert 'href="/calendar/2030/5"' in june and 'href="/calendar/2030/7"' in june  # previous and next months
    page = client.get(f"/calendar/events/{event.id}").get_data(as_text=True)
    assert "Thu, May 30\u2009–\u2009Sat, Jun 1, 2030" in page and "All day" in page


def test_a_form_with_errors_shows_what_was_typed_and_saves_nothing(app, client, auth, world):
    sign_in(auth, world, "Chidi")
    response = client.post("/calendar/events/new", data=form_data(
        f"community-{world['circle']}", title="Kept title", starts_time="15:00", ends_time="14:00",
        online_url="javascript:alert(1)", place="Kept place", description="Kept *description*"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The event must end after it starts." in page
    assert "Give a link that starts with https:// or http://, or leave it empty." in page
    for typed in ('value="Kept title"', 'value="Kept place"', "Kept *description*", 'value="15:00"',
                  'value="2030-05-20"', f'<option selected value="community-{world["circle"]}">'):
        assert typed in page
    assert re.search(r'<input checked[^>]*value="fr"', page)
    assert 'aria-invalid="true"' in page
    missing = client.post("/calendar/events/new", data=form_data(f"community-{world['circle']}", title="No time",
                                                                 starts_time="", ends_time=""))
    assert missing.status_code == 400 and "Give a time, or tick “All-day event”." in missing.get_data(as_text=True)
    far = client.post("/calendar/events/new", data=form_data(f"community-{world['circle']}", title="Far",
                                                             starts_on="2999-01-01"))
    assert far.status_code == 400 and "Give a date between 2000 and 2100." in far.get_data(as_text=True)
    none = client.post("/calendar/events/new", data=form_data(f"community-{world['circle']}", title="None",
                                                              languages=None))
    assert none.status_code == 400 and "Choose at least one language." in none.get_data(as_text=True)
    assert [events_titled(app, title) for title in ("Kept title", "No time", "Far", "None")] == [[], [], [], []]


def test_a_facilitator_plans_only_for_their_community(app, client, auth, world):
    sign_in(auth, world, "Chidi")
    form = client.get("/calendar/events/new").get_data(as_text=True)
    options = re.findall(r'<option[^>]*value="([^"]*)"', section(form, 'name="scope"', "</select>"))
    assert options == [f"community-{world['circle']}"]  # not everyone, not the region, not the cohort
    for forged in ("global", f"region-{world['africa']}", f"cohort-{world['spring']}",
                   f"community-{world['closed']}", "community-99999999999", "nonsense"):
        response = client.post("/calendar/events/new", data=form_data(forged, title="Forged"))
        assert response.status_code == 400, forged
        assert 'class="error"' in section(response.get_data(as_text=True), 'name="scope"', 'name="all_day"')
    assert events_titled(app, "Forged") == []
    with app.app_context():  # the service holds the same line
        with pytest.raises(Refused):
            planning.create(db.session.get(User, world["people"]["Chidi"][0]), planning.EventData(
                title="Forged", scope="global", starts_on=date(2030, 1, 1), starts_time=time(9), ends_time=time(10),
                languages=["en"]))
    # the admin plans for everyone; the focal point for the region, its communities and its cohorts
    auth.sign_out()
    sign_in(auth, world, "Zola")
    form = client.get(f"/calendar/events/new?scope=cohort-{world['spring']}").get_data(as_text=True)
    options = re.findall(r'<option[^>]*value="([^"]*)"', section(form, 'name="scope"', "</select>"))
    assert options == [f"region-{world['africa']}", f"community-{world['circle']}", f"cohort-{world['spring']}"]
    assert f'<option selected value="cohort-{world["spring"]}">' in form
    auth.sign_out()
    sign_in(auth, world, "Sec")
    assert client.post("/calendar/events/new", data=form_data("global", title="For all")).status_code == 302
    assert events_titled(app, "For all")[0].scope == EventScope.GLOBAL


def test_a_cohort_event_is_seen_by_its_people_only(app, client, auth, world):
    event_id = world["events"]["cohort"]
    for name, sees in (("Amara", True), ("Kofi", True), ("Zola", True), ("Sec", True), ("Olu", False),
                       ("Chidi", False)):
        sign_in(auth, world, name)
        shown = client.get("/calendar/").get_data(as_text=True)
        assert ("Spring circle live session" in shown) is sees, name
        assert ("Spring circle live session" in client.get("/calendar/2030/5").get_data(as_text=True)) is sees
        assert client.get(f"/calendar/events/{event_id}").status_code == (200 if sees else 404)
        assert client.get(f"/calendar/events/{event_id}.ics").status_code == (200 if sees else 404)
        auth.sign_out()
    sign_in(auth, world, "Amara")
    mine = client.get("/calendar/?show=cohorts").get_data(as_text=True)
    assert "Spring circle live session" in mine and "Alliance webinar" not in mine
    assert "Closed circle meeting" in client.get("/calendar/?show=communities").get_data(as_text=True)
    regional = client.get("/calendar/?show=region").get_data(as_text=True)
    assert "Africa regional meeting" in regional and "Circle gathering" not in regional


def test_members_only_events_stay_with_their_members(app, client, auth, world):
    sign_in(auth, world, "Olu")
    shown = client.get("/calendar/").get_data(as_text=True)
    assert "Closed circle meeting" not in shown and "Circle gathering" in shown  # open community: everyone
    assert client.get(f"/calendar/events/{world['events']['closed']}").status_code == 404


def test_cancelled_events_stay_listed_marked_cancelled(app, client, auth, world):
    event_id = world["events"]["community"]
    sign_in(auth, world, "Chidi")
    page = client.get(f"/calendar/events/{event_id}").get_data(as_text=True)
    assert "Cancel the event" in page and "Change" in page
    assert client.post(f"/calendar/events/{event_id}/cancel").status_code == 302
    with app.app_context():
        event = db.session.get(Event, event_id)
        assert (event.status, event.sequence, event.cancelled_at is not None) == (EventStatus.CANCELLED, 1, True)
    auth.sign_out()
    sign_in(auth, world, "Olu")
    shown = client.get("/calendar/").get_data(as_text=True)
    item = section(shown, "Circle gathering", "</li>")
    assert "Cancelled" in item
    assert "Cancelled" in section(client.get("/calendar/2030/5").get_data(as_text=True), "Circle gathering", "</li>")
    page = client.get(f"/calendar/events/{event_id}").get_data(as_text=True)
    assert "This event is cancelled." in page and "Cancel the event" not in page  # Olu may not manage it
    assert client.post(f"/calendar/events/{event_id}/reinstate").status_code == 403
    auth.sign_out()
    sign_in(auth, world, "Zola")  # the region's focal point manages its communities' events
    assert "Put the event back on" in client.get(f"/calendar/events/{event_id}").get_data(as_text=True)
    assert client.post(f"/calendar/events/{event_id}/reinstate").status_code == 302
    assert "This event is cancelled." not in client.get(f"/calendar/events/{event_id}").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Event, event_id).sequence == 2


def test_a_change_is_saved_and_bumps_the_sequence_once(app, client, auth, world):
    event_id = world["events"]["community"]
    sign_in(auth, world, "Chidi")
    form = client.get(f"/calendar/events/{event_id}/edit").get_data(as_text=True)
    assert 'value="Circle gathering"' in form and 'value="10:00"' in form and 'value="12:00"' in form
    assert '<option selected value="Africa/Nairobi">' in form
    with app.app_context():
        before = db.session.get(Event, event_id)
    unchanged = {"title": "Circle gathering", "scope": f"community-{world['circle']}", "starts_on": "2030-05-14",
                 "starts_time": "10:00", "ends_time": "12:00", "timezone": "Africa/Nairobi", "languages": ["en"]}
    assert client.post(f"/calendar/events/{event_id}/edit", data=unchanged).status_code == 302
    with app.app_context():
        assert db.session.get(Event, event_id).sequence == 0
    response = client.post(f"/calendar/events/{event_id}/edit", data={**unchanged, "starts_time": "11:00",
                                                                       "place": "Kisumu"})
    assert response.status_code == 302
    with app.app_context():
        after = db.session.get(Event, event_id)
        assert (after.sequence, after.place, after.uid) == (1, "Kisumu", before.uid)
        assert after.starts_at == datetime(2030, 5, 14, 8, tzinfo=UTC) and after.updated_at > before.updated_at


def test_titles_descriptions_and_places_cannot_inject_markup(app, client, auth, world):
    sign_in(auth, world, "Chidi")
    for number, attack in enumerate(ATTACKS):
        data = form_data(f"community-{world['circle']}", title=f"Event {number} {attack}"[:200],
                         description=attack, place=attack[:200])
        assert client.post("/calendar/events/new", data=data).status_code == 302, attack
    pages = [client.get("/calendar/").get_data(as_text=True), client.get("/calendar/2030/5").get_data(as_text=True)]
    with app.app_context():
        ids = db.session.scalars(db.select(Event.id).where(Event.title.like("Event %"))).all()
    pages += [client.get(f"/calendar/events/{event_id}").get_data(as_text=True) for event_id in ids]
    assert [problem for page in pages for problem in dangerous_markup(page)] == []


def test_huge_numbers_in_addresses_are_404(app, client, auth, world):
    sign_in(auth, world, "Sec")
    for url in ("/calendar/99999/1", "/calendar/2030/13", "/calendar/2030/0", "/calendar/1999/12",
                "/calendar/2101/1", "/calendar/events/99999999999", "/calendar/events/2147483647",
                "/calendar/events/99999999999.ics", "/calendar/events/2147483647/edit",
                "/calendar/?page=99999999999", "/calendar/?page=abc", "/calendar/?show=nope",
                "/calendar/communities/99999999999.ics", "/calendar/communities/2147483647.ics"):
        assert client.get(url).status_code == 404, url
    for url in ("/calendar/events/99999999999/cancel", "/calendar/events/2147483647/reinstate"):
        assert client.post(url).status_code == 404, url
    # the bounds themselves are pages, with no link beyond them
    last = client.get("/calendar/2100/12")
    assert last.status_code == 200 and "Next month" not in last.get_data(as_text=True)
    first = client.get("/calendar/2000/1")
    assert first.status_code == 200 and "Previous month" not in first.get_data(as_text=True)


def test_a_learner_without_a_region_is_not_offered_my_region(app, client, auth, world):
    with app.app_context():
        db.session.get(User, world["people"]["Olu"][0]).region_id = None
        db.session.commit()
    sign_in(auth, world, "Olu")
    shown = client.get("/calendar/").get_data(as_text=True)
    assert "?show=global" in shown and "?show=region" not in shown
    assert client.get("/calendar/?show=region").status_code == 404


def test_the_list_is_paginated(app, client, auth, world):
    app.config["PER_PAGE"] = 2
    sign_in(auth, world, "Sec")  # sees all five events
    first = client.get("/calendar/").get_data(as_text=True)
    assert "Page 1 of 3" in first and 'href="/calendar/?page=2"' in first
    third = client.get("/calendar/?page=3").get_data(as_text=True)
    assert "Page 3 of 3" in third and third.count('class="calendar-event') == 1


# --- what the lead wires in --------------------------------------------------------------------------------------

def test_upcoming_for_a_home_a_community_and_a_cohort_page(app, world):
    from flask import render_template
    with app.app_context():
        amara, olu = (db.session.get(User, world["people"][name][0]) for name in ("Amara", "Olu"))
        circle = communities.find_community("circle")
        spring = db.session.get(Cohort, world["spring"])
        titles = lambda events: [event.title for event in events]  # noqa: E731
        home = titles(listing.upcoming_for(amara, limit=10))
        assert sorted(home) == sorted(["Alliance webinar", "Africa regional meeting", "Spring circle live session",
                                       "Closed circle meeting", "Circle gathering"])
        assert "Circle gathering" not in titles(listing.upcoming_for(olu, limit=10))  # not his community
        assert len(listing.upcoming_for(amara)) == 3
        assert sorted(titles(listing.upcoming_for(amara, community=circle))) == ["Circle gathering",
                                                                                 "Spring circle live session"]
        assert titles(listing.upcoming_for(olu, community=circle)) == ["Circle gathering"]
        assert titles(listing.upcoming_for(amara, cohort=spring)) == ["Spring circle live session"]
        assert titles(listing.upcoming_for(olu, cohort=spring)) == []
        event = db.session.get(Event, world["events"]["global"])
        planning.cancel(db.session.get(User, world["people"]["Sec"][0]), event)
        assert "Alliance webinar" not in titles(listing.upcoming_for(amara, limit=10))
        with app.test_request_context("/"):
            html = render_template("events/_upcoming.html", upcoming_events=listing.upcoming_for(amara),
                                   plan_url="/calendar/events/new?scope=community-1")
        assert "Africa regional meeting" in html and 'href="/calendar/"' in html
        assert f'href="/calendar/events/{world["events"]["regional"]}"' in html and "Plan an event" in html
        with app.test_request_context("/"):
            empty = render_template("events/_upcoming.html", upcoming_events=[])
        assert "No event coming up." in empty and "Plan an event" not in empty
        db.session.rollback()


def test_the_demo_events_are_planned_once(app, content):
    from colab.demo import load_demo
    from colab.events import demo
    with app.app_context():
        load_demo()  # plans the demo events among the rest
        db.session.commit()
        assert demo.seed() == 0
        events = db.session.scalars(db.select(Event).order_by(Event.starts_at)).all()
        assert len(events) == 5
        assert {event.scope for event in events} == {EventScope.GLOBAL, EventScope.REGION, EventScope.COMMUNITY}
        assert sum(event.cancelled for event in events) == 1 and sum(event.all_day for event in events) == 1
        assert all(event.starts_at > datetime.now(UTC) for event in events)
        meeting = next(event for event in events if event.uid == "demo-africa-meeting@colab")
        assert meeting.created_by.email == "focal@colab.example" and meeting.region.slug == "africa"


def test_rate_limit_on_planning(app, client, auth, world):
    app.config["EVENT_RATE_LIMIT"] = "2 per minute"
    sign_in(auth, world, "Chidi")
    scope = f"community-{world['circle']}"
    assert client.post("/calendar/events/new", data=form_data(scope, starts_time="")).status_code == 400
    assert [client.post("/calendar/events/new", data=form_data(scope)).status_code for _ in range(3)] == [302, 302,
                                                                                                         429]
    assert len(events_titled(app, "Listening workshop")) == 2


# --- every route x every role ----------------------------------------------------------------------------------

# "learner" is Amara (in the cohort, a member of "closed"); "facilitator" is Chidi (facilitates "circle");
# "focal" is Zola (Africa's focal point); "admin" is Sec. 302 for "anonymous" means "sent to sign in".
# {token} is the actor's feed token (Amara's for anonymous: feeds need no session); {mine} a calendar the actor
# plans for (none for the learner).
ROLES = ("anonymous", "learner", "facilitator", "focal", "admin")
VALID = "valid"

ROUTES = [
    ("list", "GET", "/calendar/", None, "302 200 200 200 200"),
    ("list filtered", "GET", "/calendar/?show=global&page=2", None, "302 200 200 200 200"),
    ("list, unknown filter", "GET", "/calendar/?show=nope", None, "302 404 404 404 404"),
    ("month", "GET", "/calendar/2030/5", None, "302 200 200 200 200"),
    ("month filtered", "GET", "/calendar/2030/5?show=communities", None, "302 200 200 200 200"),
    ("month out of range", "GET", "/calendar/99999/1", None, "302 404 404 404 404"),
    ("plan: form", "GET", "/calendar/events/new", None, "302 403 200 200 200"),
    ("plan", "POST", "/calendar/events/new", {"scope": "{mine}"}, "302 403 302 302 302"),
    ("plan for everyone", "POST", "/calendar/events/new", {"scope": "global"}, "302 403 400 400 302"),
    ("plan with an error", "POST", "/calendar/events/new", {"scope": "{mine}", "ends_time": "09:00"},
     "302 403 400 400 400"),
    ("global event", "GET", "/calendar/events/{e_global}", None, "302 200 200 200 200"),
    ("cohort event", "GET", "/calendar/events/{e_cohort}", None, "302 200 404 200 200"),
    ("members-only event", "GET", "/calendar/events/{e_closed}", None, "302 200 404 404 200"),
    ("unknown event", "GET", "/calendar/events/2147483647", None, "302 404 404 404 404"),
    ("huge event id", "GET", "/calendar/events/99999999999", None, "404 404 404 404 404"),
    ("download", "GET", "/calendar/events/{e_regional}.ics", None, "302 200 200 200 200"),
    ("download a members-only event", "GET", "/calendar/events/{e_closed}.ics", None, "302 200 404 404 200"),
    ("change: form", "GET", "/calendar/events/{e_community}/edit", None, "302 403 200 200 200"),
    ("change a global event: form", "GET", "/calendar/events/{e_global}/edit", None, "302 403 403 403 200"),
    ("change a regional event", "POST", "/calendar/events/{e_regional}/edit", {"scope": "region-{africa}"},
     "302 403 403 302 302"),
    ("change", "POST", "/calendar/events/{e_community}/edit", {"scope": "community-{circle}"}, "302 403 302 302 302"),
    ("change a hidden event", "POST", "/calendar/events/{e_closed}/edit", {"scope": "community-{closed}"},
     "302 403 404 404 302"),
    ("cancel", "POST", "/calendar/events/{e_community}/cancel", {}, "302 403 302 302 302"),
    ("reinstate", "POST", "/calendar/events/{e_community}/reinstate", {}, "302 403 302 302 302"),
    ("cancel a cohort event", "POST", "/calendar/events/{e_cohort}/cancel", {}, "302 403 404 302 302"),
    ("feed settings", "GET", "/calendar/feed", None, "302 200 200 200 200"),
    ("feed: new address", "POST", "/calendar/feed/token", {}, "302 200 200 200 200"),
    ("feed: discreet titles", "POST", "/calendar/feed/discreet", {"discreet_titles": "y"}, "302 302 302 302 302"),
    ("feed: stop", "POST", "/calendar/feed/stop", {}, "302 302 302 302 302"),
    ("personal feed", "GET", "/calendar/feeds/{token}.ics", None, "200 200 200 200 200"),
    ("personal feed, unknown token", "GET", "/calendar/feeds/nope.ics", None, "404 404 404 404 404"),
    ("members-only community feed", "GET", "/calendar/feeds/{token}/communities/{closed}.ics", None,
     "200 200 404 404 200"),
    ("open community feed with a token", "GET", "/calendar/feeds/{token}/communities/{circle}.ics", None,
     "200 200 200 200 200"),
    ("open community feed", "GET", "/calendar/communities/{circle}.ics", None, "200 200 200 200 200"),
    ("members-only community, no token", "GET", "/calendar/communities/{closed}.ics", None, "404 404 404 404 404"),
]
ACTORS = {"anonymous": "Amara", "learner": "Amara", "facilitator": "Chidi", "focal": "Zola", "admin": "Sec"}


def _token_for(app, user_id):
    with app.app_context():
        _feed, token = feeds.new_token(db.session.get(User, user_id))
        db.session.commit()
        return token


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_every_role_as_the_table_says(app, client, auth, world, role):
    """Each row runs on fresh events and a fresh token. No page shows an email address."""
    actor = ACTORS[role]
    if role != "anonymous":
        sign_in(auth, world, actor)
    csrf = client.csrf_token()
    people = world["people"]
    mine = {"learner": f"community-{world['circle']}", "facilitator": f"community-{world['circle']}",
            "focal": f"region-{world['africa']}", "admin": "global"}.get(role, "global")
    emails = [email for _id, email in people.values()]
    actual, expected, leaks = {}, {}, []
    for name, method, url, data, codes in ROUTES:
        places = {"e_global": plan(app, people["Sec"][0], "global", "Webinar"),
                  "e_regional": plan(app, people["Zola"][0], f"region-{world['africa']}", "Regional"),
                  "e_community": plan(app, people["Chidi"][0], f"community-{world['circle']}", "Gathering"),
                  "e_cohort": plan(app, people["Sec"][0], f"cohort-{world['spring']}", "Live session"),
                  "e_closed": plan(app, people["Sec"][0], f"community-{world['closed']}", "Closed"),
                  "token": _token_for(app, people[actor][0]), "mine": mine,
                  **{key: world[key] for key in ("africa", "circle", "closed")}}
        target = url.format(**places)
        if method == "GET":
            response = client.get(target)
        else:
            body = {}
            if data and "scope" in data:
                body = form_data(**{key: value.format(**places) for key, value in data.items()})
            elif data:
                body = data
            response = client.post(target, data={"csrf_token": csrf, **body}, csrf=False)
        actual[name] = response.status_code
        expected[name] = dict(zip(ROLES, map(int, codes.split()), strict=True))[role]
        leaks += [f"{name}: {email}" for email in emails if email in response.get_data(as_text=True)]
    assert actual == expected
    assert leaks == []


def test_the_table_covers_every_route_of_the_blueprint(app):
    """A new route in the blueprint fails here until it has a row (with its expectations) in ROUTES."""
    adapter = app.url_map.bind("colab.test")
    placeholders = dict.fromkeys(("e_global", "e_regional", "e_community", "e_cohort", "e_closed", "africa", "circle",
                                  "closed"), 1)
    placeholders.update(token="abc", mine="global")
    covered = {(adapter.match(url.format(**placeholders).split("?")[0], method=method)[0], method)
               for _name, method, url, *_ in ROUTES if "99999999999" not in url}
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              if rule.endpoint.split(".")[0] in BLUEPRINTS for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - covered == set(), "routes without a row in ROUTES"
    assert covered <= routes
    assert len({row[0] for row in ROUTES}) == len(ROUTES), "row names must be unique"


def test_no_template_of_the_calendar_marks_text_safe():
    from pathlib import Path
    folder = Path(__file__).parent.parent / "colab" / "templates" / "events"
    assert not [path.name for path in folder.glob("*.html") if re.search(r"\|\s*safe\b", path.read_text())]
