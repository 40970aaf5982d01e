"""A cohort from first appointment to a verified certificate, in a real browser, in English and in Spanish:
an admin appoints a focal point; the focal point creates a scheduled cohort and invites a CSV list with one bad
row; an invitee accepts from the emailed link, finds module 2 locked, completes a lesson and shares a reflection;
the cohort's facilitator reads it; the dashboard and its CSV agree; the learner completes the course and their
public certificate verifies. Every page is checked with axe-core."""
import csv
import io
import re
import uuid
from datetime import date, timedelta
from email import message_from_bytes
from email.policy import default as mail_policy
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask_babel import force_locale, gettext, ngettext
from playwright.sync_api import expect

from colab.accounts import service as accounts
from colab.accounts.models import Region, User
from colab.communities import service as communities
from colab.communities.models import Membership
from colab.extensions import db
from colab.models_base import utcnow

from .test_learner_journey import check_a11y, follow, sign_in, visit

pytestmark = pytest.mark.browser

COURSE = "/courses/listening-basics/"


class Words:
    """The interface's own words in one language, from the app's catalogs (so the test reads what people read)."""

    def __init__(self, app, lang):
        self.app, self.lang = app, lang

    def __call__(self, message, **params):
        with self.app.test_request_context(), force_locale(self.lang):
            return gettext(message, **params)

    def plural(self, singular, plural, num, **params):
        with self.app.test_request_context(), force_locale(self.lang):
            return ngettext(singular, plural, num, **params)


def person(live_server, lang, is_admin=False, name=None):
    """An account in lang (Nairobi time) with the live server's password; returns (email, display name)."""
    app = live_server.app
    email = f"journey-{uuid.uuid4().hex[:8]}@example.org"
    name = name or f"Person {uuid.uuid4().hex[:6]}"
    with app.app_context():
        region = db.session.scalar(db.select(Region.id).filter_by(slug="africa"))
        accounts.create_user(email, name, live_server.password, lang, "Africa/Nairobi", region, is_admin)
        db.session.commit()
    return email, name


def invitation_link(app, address):
    """The path of the invitation link mailed to address, and the mail itself."""
    for path in sorted((Path(app.instance_path) / "outbox").glob("*.eml"), reverse=True):
        message = message_from_bytes(path.read_bytes(), policy=mail_policy)
        if message["To"] == address:
            link = urlsplit(re.search(r"https?://\S+/invitations/\S+", message.get_content()).group(0))
            return link.path, message
    raise AssertionError(f"no mail to {address}")


def html_table(page, table_id):
    """The cells of a table on the page, header row first, as the reader sees them ("—" read as empty; the sort
    arrow, hidden from screen readers, left out)."""
    rows = page.locator(f"table#{table_id} tr")
    cells = [[text.strip(" ▲▼\n") for text in rows.nth(i).locator("th, td").all_inner_texts()]
             for i in range(rows.count())]
    return [["" if cell == "—" else cell for cell in row] for row in cells]


def downloaded_csv(page, link):
    with page.expect_download() as download:
        link.click()
    return list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_cohort_from_appointment_to_verified_certificate(new_context, live_server, lang):
    app, words = live_server.app, Words(live_server.app, lang)
    browser_locale = "es-ES" if lang == "es" else "en-GB"
    admin_email, _ = person(live_server, lang, is_admin=True)
    focal_email, focal_name = person(live_server, lang)
    facilitator_email, facilitator_name = person(live_server, lang)
    with app.app_context():
        africa = db.session.scalar(db.select(Region).filter_by(slug="africa"))
        slug = f"circle-{uuid.uuid4().hex[:6]}"
        community = communities.create_community(slug, "regional", {"en": "Listening circle", "es": "Círculo"},
                                                 {"en": "About", "es": "Acerca"}, region_id=africa.id)
        facilitator = db.session.scalar(db.select(User).filter_by(email=facilitator_email))
        db.session.add(Membership(user_id=facilitator.id, community=community, agreements_accepted_at=utcnow()))
        focal_id = db.session.scalar(db.select(User.id).filter_by(email=focal_email))
        db.session.commit()

    # 1. The admin appoints the focal point for Africa from the person's page.
    staff = new_context(locale=browser_locale).new_page()
    sign_in(staff, live_server, admin_email)
    visit(staff, f"/admin/users/{focal_id}")
    staff.select_option("#region", value="africa")
    follow(staff, staff.get_by_role("button", name=words("Appoint focal point")))
    expect(staff.locator(f"form[action$='/admin/users/{focal_id}/focal-points/{africa.id}/remove']")).to_be_visible()
    staff.context.close()

    # 2. The focal point creates a scheduled cohort whose second module opens in a week.
    focal = new_context(locale=browser_locale).new_page()
    sign_in(focal, live_server, focal_email)
    visit(focal, f"/communities/{slug}/")
    follow(focal, focal.get_by_role("link", name=words("New cohort")))
    focal.fill("#name", "Spring listeners")
    focal.check(f"input[name=languages][value={lang}]")
    focal.select_option("#timezone", value="Africa/Nairobi")
    start = date.today()
    focal.fill("#starts_on", start.isoformat())
    focal.fill("#ends_on", (start + timedelta(days=60)).isoformat())
    focal.check("input[name=pacing][value=scheduled]")
    follow(focal, focal.get_by_role("button", name=words("Create cohort")))
    cohort_id = int(re.search(r"/cohorts/(\d+)/", focal.url).group(1))
    expect(focal.locator("h1")).to_have_text("Spring listeners")

    # The cohort's facilitator, appointed from its roster among the community's members.
    visit(focal, f"/cohorts/{cohort_id}/roster")
    focal.fill("#q", facilitator_name[:10])
    follow(focal, focal.locator("main").get_by_role("button", name=words("Search")))
    follow(focal, focal.get_by_role("button", name=words("Appoint %(name)s as facilitator", name=facilitator_name)))

    # 3. A CSV of five people, one with a broken address: the dry run sends nothing.
    invitees = [f"invitee{n}-{uuid.uuid4().hex[:6]}@example.org" for n in range(4)]
    rows = ["email,display_name,language", *[f"{address},Invitee {n} {uuid.uuid4().hex[:4]},{lang}"
                                            for n, address in enumerate(invitees)], "not-an-address,Broken,en"]
    visit(focal, f"/cohorts/{cohort_id}/invitations")
    focal.set_input_files("#file", files=[{"name": "people.csv", "mimeType": "text/csv",
                                           "buffer": "\n".join(rows).encode()}])
    follow(focal, focal.get_by_role("button", name=words("Check the list")))
    lead = focal.locator("p.lead")
    expect(lead).to_contain_text(words.plural("%(num)s row is ready", "%(num)s rows are ready", 4))
    expect(lead).to_contain_text(words.plural("%(num)s row has a problem", "%(num)s rows have a problem", 1))
    assert not list((Path(app.instance_path) / "outbox").glob("*.eml")) or all(
        message_from_bytes(path.read_bytes(), policy=mail_policy)["To"] not in invitees
        for path in (Path(app.instance_path) / "outbox").glob("*.eml"))
    follow(focal, focal.get_by_role("button", name=words.plural(
        "Send the %(num)s ready invitation", "Send the %(num)s ready invitations", 4)))
    for address in invitees:
        invitation_link(app, address)  # each of the four has its mail

    # 4. One invitee accepts from the mailed link and creates their account.
    path, mail = invitation_link(app, invitees[0])
    assert "listening" not in mail.get_content().lower() and "Spring" not in mail["Subject"]
    learner = new_context(locale=browser_locale).new_page()
    visit(learner, path)
    learner_name = f"Learner {uuid.uuid4().hex[:6]}"
    learner.fill("#display_name", learner_name)
    learner.fill("#password", "a long and private passphrase")
    follow(learner, learner.get_by_role("button", name=words("Create my account and join")))
    visit(learner, COURSE)
    opens = learner.locator("li.locked")
    expect(opens.first).to_contain_text(words("opens on %(date)s", date="").strip())

    # 5. They complete lesson 1, writing a reflection they share with the cohort.
    visit(learner, COURSE + "why-listen/")
    reflection = f"My grandmother listened without interrupting ({lang})."
    learner.locator("#a-last-time-heard-text").fill(reflection)
    follow(learner, learner.get_by_role("button", name=words("Save reflection")))
    follow(learner, learner.get_by_role("button", name=words("Share with my cohort")))
    follow(learner, learner.get_by_role("button", name=words("Mark as done and continue")))

    # 6. The cohort's facilitator reads it under the lesson.
    reader = new_context(locale=browser_locale).new_page()
    sign_in(reader, live_server, facilitator_email)
    visit(reader, COURSE + "why-listen/")
    shared = reader.locator(".shared-reflections")
    expect(shared).to_contain_text(reflection)
    expect(shared).to_contain_text(learner_name)

    # 7. The dashboard and its CSV show the same figures.
    visit(focal, f"/dashboards/cohorts/{cohort_id}")
    screen = html_table(focal, "learners")
    assert any(row[0] == learner_name for row in screen)
    download = focal.locator(f"a[href*='/dashboards/cohorts/{cohort_id}/learners.csv']")
    assert downloaded_csv(focal, download) == screen
    funnel = html_table(focal, "funnel")
    assert downloaded_csv(focal, focal.locator(f"a[href*='/dashboards/cohorts/{cohort_id}/funnel.csv']")) == funnel
    assert [row[1] for row in funnel[1:]] == ["4", "1", "1", "0", "1"]  # invited … completed, active this week

    # 8. The focal point opens module 2 today; the learner completes the course.
    visit(focal, f"/cohorts/{cohort_id}/schedule")
    focal.locator("input[name^=opens_]").nth(1).fill(date.today().isoformat())
    follow(focal, focal.locator("main form button[type=submit]").last)
    for slug_ in ("listening-to-disagree", "listening-in-groups"):
        visit(learner, COURSE + slug_ + "/")
        follow(learner, learner.get_by_role("button", name=words("Mark as done and continue")))
    expect(learner.locator(".flashes")).to_contain_text(words("You have completed the course. Well done!"))

    # 9. They make their certificate public; anyone with the code can verify it.
    visit(learner, COURSE.rstrip("/") + "/certificate")
    code = learner.locator("dd code").inner_text()
    learner.check("#public")
    follow(learner, learner.get_by_role("button", name=words("Save"), exact=True))
    stranger = new_context(locale=browser_locale).new_page()
    visit(stranger, f"/verify/{code}")
    expect(stranger.locator("main")).to_contain_text(learner_name)
    check_a11y(stranger)
