"""The alliance's commons in a real browser, every page checked with axe-core: a focal point plans a regional
event that a learner far away reads in their own time zone, downloads as .ics and subscribes to through a secret
feed address they then reset; a member suggests a PDF for the library, a focal point approves it and a Spanish reader
finds it with the plain filter links; a learner's directory profile moves the map's count for their country up and
down; search finds a lesson in the reader's language and never a post of a members-only circle they are not in."""
import re
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date, format_time
from flask_babel import force_locale, pgettext
from icalendar import Calendar
from playwright.sync_api import expect

from colab.accounts import service as accounts
from colab.accounts.models import Region, User
from colab.communities import service as communities
from colab.directory import service as directory
from colab.directory.countries import country_name
from colab.events.models import Event
from colab.extensions import db
from colab.resources.cards import language_label
from colab.resources.demo import tiny_pdf

from .test_cohort_journey import Words
from .test_learner_journey import check_a11y, flash, follow, header, sign_in, visit

pytestmark = pytest.mark.browser

BROWSER_LOCALE = {"en": "en-GB", "es": "es-ES"}


# ---------------------------------------------------------------- helpers

class Say(Words):
    """Words, with the catalog's contextual messages too."""

    def context(self, context, message, **params):
        with self.app.test_request_context(), force_locale(self.lang):
            return pgettext(context, message, **params)


def region_id(app, slug="africa"):
    with app.app_context():
        return db.session.scalar(db.select(Region.id).filter_by(slug=slug))


def account(live_server, lang="en", timezone="Africa/Nairobi", region="africa", name=None):
    """An account in lang, in timezone and region, with the live server's password; returns (email, name)."""
    email = f"commons-{uuid.uuid4().hex[:8]}@example.org"
    name = name or f"Commons {uuid.uuid4().hex[:6]}"
    with live_server.app.app_context():
        accounts.create_user(email, name, live_server.password, lang, timezone,
                             db.session.scalar(db.select(Region.id).filter_by(slug=region)) if region else None,
                             False)
        db.session.commit()
    return email, name


def browser_for(new_context, live_server, email, lang):
    """A browser of its own in lang, signed in as email."""
    page = new_context(locale=BROWSER_LOCALE[lang]).new_page()
    sign_in(page, live_server, email)
    return page


def main(page):
    return page.locator("main")


def fetch(url):
    """(status, body) of a GET without any session, as a calendar app would fetch a feed."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - the live server's own address
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def vevents(body):
    return list(Calendar.from_ical(body).walk("VEVENT"))


def map_count(page, country):
    """The people column of the map's table for country, as the reader reads it."""
    row = page.locator("table.dashboard-table tbody tr").filter(
        has=page.locator("th", has_text=re.compile(f"^{re.escape(country)}$")))
    expect(row).to_have_count(1)
    return row.locator("td").first.inner_text().strip()


# ---------------------------------------------------------------- 1. the calendar

def test_a_regional_event_read_far_away_downloaded_and_subscribed_to(new_context, live_server, live_kit):
    """Focal point plans an event for Africa in Nairobi time; a learner of the region living in Bogotá reads it at
    their own hour (the evening before), downloads its .ics, makes a feed address, fetches it, resets it: the old
    address is gone (404) and the new one works."""
    app = live_server.app
    en, es = Say(app, "en"), Say(app, "es")
    tag = uuid.uuid4().hex[:6]
    focal_email, focal_name = account(live_server, "en", "Africa/Nairobi")
    live_kit.focal_point(focal_email, "africa")
    learner_email, _ = account(live_server, "es", "America/Bogota")

    # The focal point plans a two-hour meeting at 05:00 in Nairobi, ten days from now.
    day = datetime.now(ZoneInfo("Africa/Nairobi")).date() + timedelta(days=10)
    starts_utc = datetime.combine(day, time(5, 0), tzinfo=ZoneInfo("Africa/Nairobi")).astimezone(UTC)
    ends_utc = starts_utc + timedelta(hours=2)
    title = f"Africa network call {tag}"
    focal = browser_for(new_context, live_server, focal_email, "en")
    follow(focal, header(focal).get_by_role("link", name=en("Calendar"), exact=True))
    follow(focal, main(focal).get_by_role("link", name=en("Plan an event"), exact=True))
    focal.fill("#title", title)
    focal.select_option("#scope", value=f"region-{region_id(app)}")
    focal.fill("#starts_on", day.isoformat())
    focal.fill("#starts_time", "05:00")
    focal.fill("#ends_time", "07:00")
    focal.select_option("#timezone", value="Africa/Nairobi")
    focal.fill("#online_url", "https://meet.example.org/africa")
    follow(focal, main(focal).get_by_role("button", name=en("Add to the calendar")))
    expect(flash(focal)).to_have_text(en("The event is in the calendar."))
    expect(focal.locator("h1")).to_have_text(title)
    event_id = int(re.search(r"/calendar/events/(\d+)$", focal.url).group(1))
    with app.app_context():
        event = db.session.get(Event, event_id)
        uid = event.uid
        assert (event.starts_at, event.ends_at, event.timezone) == (starts_utc, ends_utc, "Africa/Nairobi")

    # In Bogotá (UTC-5) it is the evening before, 21:00-23:00: the learner's list says so, under that day.
    bogota = ZoneInfo("America/Bogota")
    local_day = starts_utc.astimezone(bogota).date()
    assert local_day == day - timedelta(days=1)
    clock = es("%(start)s–%(end)s", start=format_time(starts_utc, "short", tzinfo=bogota, locale="es"),
               end=format_time(ends_utc, "short", tzinfo=bogota, locale="es"))
    assert clock.startswith("21:00")
    learner = browser_for(new_context, live_server, learner_email, "es")
    follow(learner, header(learner).get_by_role("link", name=es("Calendar"), exact=True))
    expect(main(learner).locator(".lead")).to_contain_text("America/Bogota")
    follow(learner, main(learner).locator("nav.calendar-filters").get_by_role(
        "link", name=str(es("My region")), exact=True))
    item = main(learner).locator("li.calendar-event").filter(has_text=title)
    expect(item).to_have_count(1)
    expect(item.locator(".meta")).to_contain_text(clock)
    section = main(learner).locator("section.calendar-day").filter(has=learner.get_by_role("link", name=title))
    expect(section.locator("h2")).to_have_text(format_date(local_day, "full", locale="es"))

    # The event's page: the learner's time, and where it is planned.
    follow(learner, item.get_by_role("link", name=title))
    facts = main(learner).locator("dl.facts")
    expect(facts).to_contain_text(format_date(local_day, "full", locale="es"))
    expect(facts).to_contain_text(clock)
    expect(facts).to_contain_text("Africa/Nairobi")
    expect(facts).to_contain_text(focal_name)

    # The .ics: its summary, its start in UTC, its stable UID.
    with learner.expect_download() as download:
        main(learner).get_by_role("link", name=es("Add to calendar (.ics)")).click()
    assert download.value.suggested_filename == f"event-{event_id}.ics"
    body = Path(download.value.path()).read_bytes()
    assert f"DTSTART:{starts_utc:%Y%m%dT%H%M%S}Z".encode() in body
    (component,) = vevents(body)
    assert str(component["SUMMARY"]) == title
    assert str(component["UID"]) == uid
    assert component.decoded("DTSTART") == starts_utc and component.decoded("DTSTART").utcoffset() == timedelta(0)
    assert component.decoded("DTEND") == ends_utc

    # The feed page: make the address, fetch it without a session: the event is in it.
    follow(learner, main(learner).get_by_role("link", name=es("calendar feeds"), exact=True))
    expect(main(learner).locator("h1")).to_have_text(es("Calendar feeds"))
    follow(learner, main(learner).get_by_role("button", name=es("Make my feed address")))
    old_url = learner.locator("#personal-feed-url").input_value()
    assert old_url.startswith(live_server.url + "/calendar/feeds/") and old_url.endswith(".ics")
    status, feed = fetch(old_url)
    assert status == 200
    assert uid in [str(component["UID"]) for component in vevents(feed)]
    assert str(next(c for c in vevents(feed) if str(c["UID"]) == uid)["SUMMARY"]) == title
    visit(learner, "/calendar/feed")  # the address is not shown again; its last use is
    expect(learner.locator("#personal-feed-url")).to_have_count(0)
    expect(main(learner).locator("dl.facts")).not_to_contain_text(es("Not yet"))

    # Reset: a new address; the old one answers 404 at once, the new one works.
    follow(learner, main(learner).get_by_role("button", name=es("Reset the address")))
    new_url = learner.locator("#personal-feed-url").input_value()
    assert new_url != old_url
    assert fetch(old_url)[0] == 404
    status, feed = fetch(new_url)
    assert status == 200 and uid in [str(component["UID"]) for component in vevents(feed)]


# ---------------------------------------------------------------- 2. the library

def test_a_suggested_pdf_is_approved_and_found_by_a_spanish_reader(new_context, live_server, live_kit):
    """A member suggests a PDF described in English and Spanish; a focal point of Africa approves it from the
    queue; a Spanish reader filters the library by topic and by language, finds it under its Spanish title, and
    its download is the PDF."""
    app = live_server.app
    en, es = Say(app, "en"), Say(app, "es")
    tag = uuid.uuid4().hex[:6]
    member_email, _ = account(live_server, "en")
    focal_email, _ = account(live_server, "en")
    live_kit.focal_point(focal_email, "africa")
    reader_email, _ = account(live_server, "es", "America/Mexico_City", region="latin-america")
    title_en, title_es = f"Anti-racist facilitation guide {tag}", f"Guía de facilitación antirracista {tag}"
    pdf = tiny_pdf([("title", title_en), ("body", "Ten exercises for mixed groups.")])

    # The member suggests it: a file, described in English, with a Spanish title and summary.
    member = browser_for(new_context, live_server, member_email, "en")
    follow(member, header(member).get_by_role("link", name=en("Library"), exact=True))
    follow(member, main(member).get_by_role("link", name=en("Suggest a resource"), exact=True))
    member.set_input_files("#file", files=[{"name": "guide.pdf", "mimeType": "application/pdf", "buffer": pdf}])
    member.select_option("#kind", value="guide")
    member.select_option("#locale", value="en")
    member.fill("#title", title_en)
    member.fill("#summary", "Ten exercises for *mixed* groups.")
    member.select_option("#second_locale", value="es")
    member.fill("#second_title", title_es)
    member.fill("#second_summary", "Diez ejercicios para grupos *mixtos*.")
    member.check("input[name=languages][value=es]")
    member.check("input[name=topics][value=anti-racism]")
    member.select_option("#region", value=str(region_id(app)))
    follow(member, main(member).get_by_role("button", name=en("Send the suggestion")))
    expect(flash(member)).to_have_text(
        en("Thank you. Your suggestion is waiting for review; you will be told when it is decided."))
    expect(main(member)).to_contain_text(title_en)

    # The focal point of Africa approves it from the review queue.
    focal = browser_for(new_context, live_server, focal_email, "en")
    visit(focal, "/resources/")
    follow(focal, main(focal).get_by_role("link", name=en("Review suggestions"), exact=True))
    row = main(focal).locator("tbody tr").filter(has_text=title_en)
    expect(row).to_have_count(1)
    follow(focal, row.get_by_role("button", name=en("Approve"), exact=True))
    expect(flash(focal)).to_have_text(en("Approved: it is in the library now."))
    expect(main(focal).locator("tbody tr").filter(has_text=title_en)).to_have_count(0)

    # A Spanish reader filters by topic, then by language, with the plain links, and finds it in Spanish.
    reader = browser_for(new_context, live_server, reader_email, "es")
    follow(reader, header(reader).get_by_role("link", name=es("Library"), exact=True))
    filters = main(reader).locator("nav.resource-filters")
    topic = str(es("Anti-racism"))
    follow(reader, filters.locator("ul[aria-labelledby=filter-topic]").get_by_role(
        "link", name=re.compile(rf"^{re.escape(topic)} \(\d+\)$")))
    with app.app_context():
        spanish = language_label("es", "es")
    follow(reader, filters.locator("ul[aria-labelledby=filter-language]").get_by_role(
        "link", name=re.compile(rf"^{re.escape(spanish)} \(\d+\)$")))
    assert "topic=anti-racism" in reader.url and "language=es" in reader.url
    expect(filters.locator("a[aria-current=true]").filter(has_text=topic)).to_have_count(1)
    expect(filters.locator("a[aria-current=true]").filter(has_text=spanish)).to_have_count(1)
    item = main(reader).locator("article.resource-item").filter(has_text=title_es)
    expect(item).to_have_count(1)
    expect(item.locator("h3")).to_have_text(title_es)
    expect(item.locator("h3")).not_to_have_attribute("lang", re.compile(".*"))  # in the reader's own language
    expect(item.locator(".prose")).to_contain_text("Diez ejercicios para grupos mixtos.")
    expect(item).not_to_contain_text(title_en)

    # Its download link gives the very PDF, as a PDF.
    link = item.get_by_role("link", name=re.compile("PDF"))
    response = reader.request.get(live_server.url + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert "attachment" in response.headers["content-disposition"]
    assert response.body() == pdf


# ---------------------------------------------------------------- 3. the directory and its map

def test_the_map_count_rises_and_falls_with_a_learners_profile(new_context, live_server):
    """Three published profiles in Kenya make the count exact; a learner's published profile adds one, hiding it
    takes it away again."""
    app = live_server.app
    en = Say(app, "en")
    with app.app_context():
        for _n in range(3):
            email = f"kenya-{uuid.uuid4().hex[:8]}@example.org"
            name = f"Kenyan member {uuid.uuid4().hex[:6]}"
            accounts.create_user(email, name, live_server.password, "en", "Africa/Nairobi", None, False)
            user = db.session.scalar(db.select(User).filter_by(email=email))
            directory.save_profile(user, directory.ProfileData(display_name=name, country="KE", published=True))
        db.session.commit()
        kenya = country_name("KE", "en")
    learner_email, learner_name = account(live_server, "en", "Africa/Nairobi")
    learner = browser_for(new_context, live_server, learner_email, "en")

    follow(learner, header(learner).get_by_role("link", name=en("Directory"), exact=True))
    nav = main(learner).locator("nav.directory-nav")
    follow(learner, nav.get_by_role("link", name=en("Map"), exact=True))
    before = int(map_count(learner, kenya))
    assert before >= 3

    # The learner opts in: country Kenya, published.
    follow(learner, nav.get_by_role("link", name=en("My profile"), exact=True))
    expect(learner.locator("input[name=visibility][value=private]")).to_be_checked()  # off by default
    expect(learner.locator("#display_name")).to_have_value(learner_name)
    learner.select_option("#country", value="KE")
    learner.check("input[name=visibility][value=members]")
    follow(learner, main(learner).get_by_role("button", name=en("Save my profile")))
    expect(flash(learner)).to_have_text(en("Your profile is saved and published: signed-in members can find it."))
    follow(learner, nav.get_by_role("link", name=en("Map"), exact=True))
    assert map_count(learner, kenya) == str(before + 1)

    # ...then hides the profile: the count falls back at once.
    follow(learner, nav.get_by_role("link", name=en("My profile"), exact=True))
    follow(learner, main(learner).get_by_role("button", name=en("Hide my profile")))
    expect(flash(learner)).to_contain_text(en("Your profile is hidden: it is out of the directory, the map and "
                                              "search. You can publish it again at any time."))
    follow(learner, nav.get_by_role("link", name=en("Map"), exact=True))
    assert map_count(learner, kenya) == str(before)


# ---------------------------------------------------------------- 4. search

def search_for(page, words):
    """Search from the box in the site header."""
    box = header(page).locator("#site-search")
    box.fill(words)
    with page.expect_navigation():
        box.press("Enter")
    check_a11y(page)


def test_search_finds_lessons_in_the_readers_language_and_never_a_circle_they_are_not_in(
        new_context, live_server, live_kit):
    """A post with a rare word in a members-only circle: an outsider finds nothing and no count; a Spanish reader
    finds a lesson under its Spanish title; a member of the circle finds the post."""
    app = live_server.app
    es = Say(app, "es")
    word = "zanzibarite"
    slug = live_kit.community("Quiet circle", members_only=True, region="africa")
    member_email, _ = account(live_server, "es")
    live_kit.member(member_email, slug)
    with app.app_context():
        author = db.session.scalar(db.select(User).filter_by(email=member_email))
        thread = communities.create_thread(author, communities.find_community(slug), "Stones we keep", "Hello.")
        db.session.commit()
        thread_id = thread.id
    live_kit.post(member_email, thread_id, f"My father kept a {word} on his desk.")
    outsider_email, _ = account(live_server, "es")

    # The outsider searches the rare word: nothing, and no hint that anything exists.
    outsider = browser_for(new_context, live_server, outsider_email, "es")
    search_for(outsider, word)
    expect(outsider).to_have_url(re.compile(r"/search\?q=" + word + "$"))
    expect(main(outsider).locator("[role=status]")).to_have_text(es.plural("%(num)s result", "%(num)s results", 0))
    expect(main(outsider)).to_contain_text(es("Nothing found. Try fewer words, or other words."))
    expect(main(outsider).locator("ol.search-results")).to_have_count(0)
    expect(main(outsider).locator("nav.search-kinds, ul.search-kinds")).to_have_count(0)
    expect(main(outsider)).not_to_contain_text("Stones we keep")

    # A word of the Spanish lesson: found, under its Spanish title, marked as a lesson of the course.
    search_for(outsider, "respeto")
    hit = main(outsider).locator("ol.search-results > li").filter(has_text="¿Por qué escuchar?")
    expect(hit).to_have_count(1)
    expect(hit).to_have_attribute("lang", "es")
    expect(hit.locator(".badge")).to_have_text(es.context("search result", "Lesson"))
    expect(hit).to_contain_text("Escucha básica")
    expect(hit.locator("mark")).to_have_text([re.compile("^respeto$", re.IGNORECASE)])
    follow(outsider, hit.get_by_role("link", name="¿Por qué escuchar?"))
    expect(outsider.locator("article.lesson h1")).to_have_text("¿Por qué escuchar?")

    # A member of the circle finds the post, and it leads to its thread.
    member = browser_for(new_context, live_server, member_email, "es")
    search_for(member, word)
    expect(main(member).locator("[role=status]")).to_have_text(es.plural("%(num)s result", "%(num)s results", 1))
    post = main(member).locator("ol.search-results > li")
    expect(post).to_have_count(1)
    expect(post.locator(".badge")).to_have_text(es.context("search result", "Post"))
    expect(post.locator("mark")).to_have_text([word])
    follow(member, post.get_by_role("link", name="Stones we keep"))
    expect(member).to_have_url(re.compile(rf"/communities/{slug}/threads/{thread_id}/"))
    expect(main(member)).to_contain_text(f"My father kept a {word} on his desk.")
