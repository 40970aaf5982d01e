"""French (and Spanish) everywhere each role goes: for a learner, a facilitator, a regional focal point, the course
team, an admin and a visitor, a crawl starts from the home page and the role's own pages, follows every link on the
site it finds (a few pages of each kind, up to a cap) and checks that every page is marked as the reader's language
and shows no English interface text. The world it walks is the demo's (both real courses, communities, cohorts,
feedback, a focus group, the library, the calendar) plus a held post, a reported post, a harassment report, a
certificate, a live session, a directory message and a published correction. The mail people get is checked too."""
import html
import io
import re
import shutil
import time
from collections import Counter, deque
from datetime import time as clock
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as mail_policy
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from test_i18n import TRANSLATED, catalog, english_leftovers, english_texts, visible_text
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect
from werkzeug.test import stream_encode_multipart

from colab import jobs, mail_tasks, policy
from colab.accounts import service as accounts
from colab.accounts.models import User, UserSession
from colab.admin import service as admin
from colab.certificates import service as certificates
from colab.cohorts import service as cohorts
from colab.communities import service as communities
from colab.communities.models import Cohort
from colab.courses import service as courses
from colab.courses.sync import sync_content
from colab.demo import DEMO_PASSWORD, load_demo
from colab.directory import messages as directory_messages
from colab.directory import service as directory
from colab.directory.models import DirectoryMessage, DirectoryProfile
from colab.extensions import db
from colab.feedback import service as feedback
from colab.harassment import service as harassment
from colab.harassment.models import HarassmentPlace, ReportStatus
from colab.markup import render
from colab.models_base import utcnow
from colab.moderation import service as moderation
from colab.moderation.models import ReportReason

REAL_CONTENT = Path(__file__).resolve().parent.parent / "content"
FOUNDATION, DIALOGUES = "power-patriarchy-feminism", "respectful-dialogues"
FIRST_LESSON = "faces-of-power"
PAGE_CAP = 200  # pages per crawl; the admin's, the widest, opens about 155 in 4 s on SQLite
PER_KIND = 3  # pages per endpoint (a thread, a lesson, a cohort...): the same template with other rows adds little
SKIPPED = re.compile(r"^/static/|\.(ics|csv|zip|pdf|json|xml|txt)$|/download$|^/sign-out$|^/language$")
# Where a role's readers discuss: the French dialogues are in the francophone network, the Spanish ones in Latin
# America's community (colab/demo.py); the learner joins it, a facilitator of both moderates it.
DISCUSSION = {"fr": "francophone-network", "es": "latin-america"}
SEARCH_WORD = {"fr": "pouvoir", "es": "poder"}
BIO = {"fr": "J'anime des groupes de parole avec des pères.", "es": "Facilito grupos de diálogo con padres."}
EMAILS = {"learner": "learner@colab.example", "facilitator": "facilitator@colab.example",
          "focal point": "focal@colab.example", "course team": "team@colab.example", "admin": "admin@colab.example"}


@pytest.fixture
def backend():
    """SQLite only: the crawl checks the words on each page, which do not depend on the database (the PostgreSQL leg
    renders the main pages in every language in tests/test_i18n.py). It halves the crawl's share of CI."""
    return "sqlite"


# --- the crawl ---------------------------------------------------------------------------------------------------

LINK = re.compile(r"<a\b([^>]*)>")
HREF = re.compile(r'\bhref="([^"]*)"')


def links_in(page, url):
    """The site's own pages a page links to (path and query), minus downloads and files."""
    found = []
    for attributes in LINK.findall(page):
        href = HREF.search(attributes)
        if href is None or re.search(r"\bdownload\b", attributes):
            continue
        target = urlsplit(urljoin(f"http://colab.test{url}", html.unescape(href.group(1))))
        if target.scheme not in ("http", "https") or target.netloc != "colab.test" or SKIPPED.search(target.path):
            continue
        found.append(target.path + (f"?{target.query}" if target.query else ""))
    return found


def endpoint_of(app, url):
    try:
        return app.url_map.bind("colab.test").match(urlsplit(url).path, method="GET")[0]
    except RequestRedirect:
        return "redirect"
    except (NotFound, MethodNotAllowed):
        return "unknown"


class Crawl:
    """What one crawl saw: the HTML pages checked, the problems found on them, links that did not open."""

    def __init__(self):
        self.pages, self.kinds = [], Counter()  # kinds: pages opened per endpoint
        self.problems, self.broken = [], []

    def summary(self):
        return f"{len(self.pages)} pages, {len(self.kinds)} kinds of page"


def crawl(client, app, starts, locale, cap=PAGE_CAP, per_kind=PER_KIND):
    """Open the start pages, then every page they link to (breadth first, per_kind per endpoint, cap in all);
    check each HTML page's language and text."""
    result, queue, queued, planned = Crawl(), deque(), set(), Counter()

    def add(url, start=False):
        kind = endpoint_of(app, url)
        if url in queued or (planned[kind] >= per_kind and not start):
            return
        planned[kind] += 1
        queued.add(url)
        queue.append(url)

    for url in starts:
        add(url, start=True)
    while queue and len(result.pages) < cap:
        url = queue.popleft()
        response = client.get(url)
        result.kinds[endpoint_of(app, url)] += 1
        if response.status_code in (301, 302, 303, 307, 308):
            for target in links_in(f'<a href="{response.headers["Location"]}">', url):
                add(target)
            continue
        assert response.status_code < 500, f"{url}: {response.status_code}"
        if response.status_code >= 400:
            result.broken.append(f"{url} ({response.status_code})")
        if not response.mimetype == "text/html":
            continue
        page = response.get_data(as_text=True)
        result.pages.append(url)
        if f'<html lang="{locale}"' not in page:
            result.problems.append(f"{url}: not marked lang={locale}")
        leftovers = english_leftovers(page, locale)
        if leftovers:
            result.problems.append(f"{url}: {leftovers}")
        for target in links_in(page, url):
            add(target)
    return result


# --- the world -----------------------------------------------------------------------------------------------------

@pytest.fixture
def app_config(tmp_path):
    """A copy of the real content (the course team publishes into CONTENT_DIR; the repo's files stay as they are)."""
    folder = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, folder)
    return {"CONTENT_DIR": str(folder), "PUBLISH_RATE_LIMIT": "1000 per minute"}


def build_world(app, locale):
    """The demo with both real courses, everyone reading in locale, and one of each thing a role handles; returns
    the ids and paths the start pages need."""
    with app.app_context():
        sync_content(app.config["CONTENT_DIR"])
        db.session.flush()
        assert load_demo()
        db.session.execute(db.update(User).values(locale=locale))
        # What the demo's people wrote about themselves is English prose that quotes the site's words ("Course
        # team", "Facilitator of"): in people's own words that is no leftover, but the crawl cannot tell, so the
        # profiles say something in the reader's language instead.
        db.session.execute(db.update(DirectoryProfile).values(bio_source=BIO[locale], bio_html=render(BIO[locale])))
        people = {role: accounts.find_by_email(email) for role, email in EMAILS.items()}
        learner, facilitator, focal = people["learner"], people["facilitator"], people["focal point"]
        jean = accounts.find_by_email("jean@colab.example")
        foundation, dialogues = courses.find_course(FOUNDATION), courses.find_course(DIALOGUES)
        first = courses.find_lesson(foundation, FIRST_LESSON)

        # The learner: answers and feedback in the foundation's first lesson, the dialogues course done at their
        # own pace (with a public certificate), a harassment report, a message through the directory.
        for activity in first.activities:
            if activity.kind == "reflection":
                courses.save_reflection(learner, activity, "Une réflexion / una reflexión.")
            else:
                courses.answer_selfcheck(learner, activity, 0)
        feedback.give(learner, first, locale, usefulness=2, better="Plus d'exemples / más ejemplos",
                      unsafe="Un passage m'a mis mal à l'aise / un pasaje me incomodó")
        for lesson in courses.outline(dialogues).lessons:
            courses.set_completed(learner, lesson)
        certificate = certificates.issue(learner, dialogues)
        certificate.public = True

        # The discussion: the learner posts and is answered, then posts again under pre-moderation (held) and
        # reports the answer; the facilitator's switch to pre-moderation is in the audit log.
        place = communities.find_community(DISCUSSION[locale])
        for person in (learner, jean):
            member = policy.membership(person, place) or communities.join(person, place)
            if member.agreements_accepted_at is None:
                communities.accept_agreements(member)
        thread = communities.threads_page(place, 1, 20, facilitator).items[0]
        mine = communities.add_post(learner, thread, "Merci / gracias.")
        answer = communities.add_post(jean, thread, "Je ne suis pas d'accord / no estoy de acuerdo.", reply_to=mine)
        communities.edit_post(jean, answer, "Je ne suis pas d'accord. / No estoy de acuerdo.")  # a history
        moderation.set_premoderation(facilitator, place, 5)
        communities.add_post(learner, thread, "Une deuxième réponse / una segunda respuesta.")
        moderation.report_post(learner, answer, ReportReason.DISRESPECTFUL, "Ton blessant / tono hiriente")
        members_only = communities.find_community("sogiesc-circle")
        member = communities.join(facilitator, members_only)
        communities.approve(member)
        communities.set_role(member, "facilitator")
        communities.accept_agreements(member)
        communities.join(accounts.find_by_email("aprendiz@colab.example"), members_only)  # waits for approval

        region = learner.region_id
        report = harassment.create(learner, region, HarassmentPlace.POST, "Des messages insistants / mensajes "
                                   "insistentes", reported_user_id=jean.id, post=answer)
        harassment.add_note(focal, report, "Note / nota")
        harassment.update_status(report, ReportStatus.UNDER_REVIEW, "")
        message = directory_messages.send_message(learner, directory.own_profile(focal), "Bonjour / hola")

        # The cohort: a live session next week; an admin suspended one of its learners.
        cohort = db.session.scalar(db.select(Cohort).where(
            Cohort.community_id == communities.find_community("africa").id))  # the demo's scheduled cohort
        cohorts.add_live_session(focal, cohort, "Séance / sesión", utcnow().date() + timedelta(days=7), clock(17),
                                 90, "https://meet.example.org/colab")
        admin.suspend(people["admin"], accounts.find_by_email("moses@colab.example"), "Spam")
        db.session.commit()
        return {"people": {role: person.id for role, person in people.items()}, "cohort": cohort.id,
                "thread": f"/communities/{place.slug}/threads/{thread.id}/", "place": place.slug,
                "report": report.id, "certificate": certificate.code, "lesson_id": first.id, "message": message.id}


def start_pages(role, world, locale):
    """Where a person in role starts: the home page and the pages of their role."""
    thread, place, cohort = world["thread"], world["place"], world["cohort"]
    foundation = f"/courses/{FOUNDATION}/"
    pages = {
        "visitor": ["/", "/courses/", foundation, "/sign-in", "/sign-up", "/password/forgot",
                    f"/verify/{world['certificate']}", "/resources/"],
        "learner": ["/", "/courses/", foundation, f"{foundation}{FIRST_LESSON}/", f"/courses/{DIALOGUES}/",
                    f"/courses/{DIALOGUES}/certificate", "/communities/", thread, "/notifications/", "/reports/",
                    f"/reports/{world['report']}", "/reports/harassment/new", "/account", "/account/delete",
                    "/calendar/", "/resources/", "/directory/", "/directory/me", f"/search?q={SEARCH_WORD[locale]}",
                    f"/feedback/lessons/{world['lesson_id']}"],
        "facilitator": ["/", "/moderation/", f"/communities/{place}/moderation", f"/communities/{place}/members",
                        f"/communities/{place}/audit", thread, "/communities/sogiesc-circle/members", "/cohorts/",
                        "/focus-groups/", f"/focus-groups/guide/{FOUNDATION}", "/focus-groups/new", "/dashboards/",
                        f"/communities/africa/cohorts/{cohort}/", "/notifications/"],
        "focal point": ["/", "/dashboards/", "/cohorts/", f"/cohorts/{cohort}/roster", f"/cohorts/{cohort}/invitations",
                        f"/cohorts/{cohort}/settings", f"/cohorts/{cohort}/schedule", f"/cohorts/{cohort}/sessions",
                        f"/dashboards/cohorts/{cohort}", "/reports/", f"/reports/{world['report']}",
                        "/manage/regions/", "/calendar/events/new", "/notifications/", "/resources/review",
                        f"/directory/messages/{world['message']}/reply"],  # the link of the message's mail
        "course team": ["/", "/course-team/", f"/course-team/{FOUNDATION}/",
                        f"/course-team/{FOUNDATION}/lessons/{FIRST_LESSON}", "/focus-groups/", "/publishing/",
                        f"/publishing/courses/{DIALOGUES}/history", "/notifications/"],
        "admin": ["/", "/admin/users", f"/admin/users/{world['people']['learner']}", "/admin/courses",
                  "/admin/audit", "/manage/regions/", "/manage/communities/new", "/dashboards/global",
                  "/resources/review", f"/certificates/{world['certificate']}/manage", "/moderation/", "/reports/"],
    }
    return pages[role]


# Pages each crawl must have reached: the role's own work, so a sign-in or a setup that silently failed is seen.
MUST_REACH = {
    "visitor": {"site.home", "courses.overview", "accounts.sign_up", "certificates.verify"},
    "learner": {"courses.lesson", "communities.thread", "harassment.show", "certificates.show", "search.index",
                "feedback.give", "notifications.index"},
    "facilitator": {"moderation.queue", "moderation.members", "moderation.audit", "focus_groups.show",
                    "communities.cohort", "communities.post_history"},
    "focal point": {"cohorts.roster", "invitations.index", "dashboards.cohort", "harassment.show",
                    "directory.reply", "manage.region"},
    "course team": {"reports.course", "reports.lesson", "publishing.preview", "publishing.history",
                    "focus_groups.show"},
    "admin": {"admin.users", "admin.person", "admin.audit", "dashboards.overview", "certificates.manage",
              "resources.review"},
}


# At least this many pages per crawl (a visitor sees few; the others between 80 and 160 today).
MIN_PAGES = {"visitor": 15, "learner": 60, "facilitator": 60, "focal point": 60, "course team": 60, "admin": 60}


def lesson_file_zip(folder, locale):
    """The French (or Spanish) file of the dialogues course's first lesson with one sentence added, as an author
    uploads a correction."""
    path = Path(folder) / DIALOGUES / locale / "dialogue-practice" / "community-agreements.md"
    return path.read_bytes() + "\n\nUne phrase de plus. Una frase más.\n".encode()


def upload(client, data, filename, locale):
    body, _length, boundary = stream_encode_multipart(
        {"csrf_token": client.csrf_token(), "course": DIALOGUES, "language": locale,
         "file": FileStorage(io.BytesIO(data), filename)}, use_tempfile=False)
    return client.post("/publishing/upload", data=body.getvalue(), csrf=False,
                       content_type=f'multipart/form-data; boundary="{boundary}"')


def stage_corrections(client, app, locale):
    """As the course team: publish one correction (for the history) and leave another staged; returns the staged
    page's path."""
    data = lesson_file_zip(app.config["CONTENT_DIR"], locale)
    published = upload(client, data, "community-agreements.md", locale)
    assert published.status_code == 302, published.get_data(as_text=True)
    done = client.post(urlsplit(published.location).path + "/publish", data={"note": "Correction"})
    assert done.status_code == 302, done.get_data(as_text=True)
    staged = upload(client, data + "\nEncore / otra.\n".encode(), "community-agreements.md", locale)
    assert staged.status_code == 302, staged.get_data(as_text=True)
    return urlsplit(staged.location).path


# Each role in one language, the learner in both, the languages alternating: a string that skips gettext shows in
# either language, and every string of the catalogues is translated (tests/test_i18n.py checks it). Every role in
# both languages cost two minutes of CI's two cores.
READERS = [("es", "learner"), ("fr", "learner"), ("fr", "visitor"), ("es", "facilitator"), ("fr", "focal point"),
           ("es", "course team"), ("fr", "admin")]


@pytest.mark.parametrize("locale,role", READERS)
def test_every_page_a_role_reaches_is_in_the_readers_language(app, client, auth, locale, role):
    world = build_world(app, locale)
    starts = start_pages(role, world, locale)
    if role == "visitor":
        client.post("/language", data={"lang": locale, "next": "/"})
    else:
        assert auth.sign_in(EMAILS[role], DEMO_PASSWORD).status_code == 302
    if role == "course team":
        starts.append(stage_corrections(client, app, locale))
    began = time.monotonic()
    result = crawl(client, app, starts, locale)
    seconds = time.monotonic() - began
    print(f"\n{role} ({locale}): {result.summary()} in {seconds:.1f} s; not opened: {result.broken}")
    assert len(result.pages) >= MIN_PAGES[role], result.pages
    assert MUST_REACH[role] <= set(result.kinds), sorted(MUST_REACH[role] - set(result.kinds))
    assert not result.problems, "\n".join(result.problems)


# --- the mail --------------------------------------------------------------------------------------------------

def outbox(app):
    return [message_from_bytes(path.read_bytes(), policy=mail_policy)
            for path in sorted((Path(app.instance_path) / "outbox").glob("*.eml"))]


def mail_text(message):
    """The subject and every part a person reads (the HTML part as its visible text)."""
    parts = [str(message["Subject"])]
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            parts.append(part.get_content())
        elif part.get_content_type() == "text/html":
            parts.append(visible_text(part.get_content()))
    return "\n".join(parts)


# The subjects of the mails the test below makes people get (colab/mail_tasks.py, colab/notifications/email.py).
MAIL_SUBJECTS = ("An invitation to Co-Lab", "Your Co-Lab account", "Your Co-Lab summary",
                 "Something is waiting for you on Co-Lab")


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_mail_is_in_its_readers_language(app, client, auth, locale):
    """In the world above, with an invitation to the cohort in locale, a forgotten password, a sign-up and a digest
    due: every mail that leaves (the invitation, the reset and confirmation links, the digest, the alerts to
    moderators and handlers, the directory message) shows no English, and the pages the links open neither."""
    world = build_world(app, locale)
    auth.sign_in(EMAILS["focal point"], DEMO_PASSWORD)
    invited = client.post(f"/cohorts/{world['cohort']}/invitations",
                          data={"email": "nouvelle@example.org", "display_name": "", "language": locale})
    assert invited.status_code == 302, invited.get_data(as_text=True)
    auth.sign_out()
    assert client.post("/password/forgot", data={"email": EMAILS["learner"]}).status_code == 302
    signed_up = client.post("/sign-up", data={"email": "nouveau@example.org", "display_name": "Nouvelle personne",
                                             "password": "trois mots sans rapport", "locale": locale,
                                             "timezone": "Africa/Dakar", "region": ""})
    assert signed_up.status_code == 200 and not english_leftovers(signed_up.get_data(as_text=True), locale)
    with app.app_context():  # the learner has been away three weeks, with unread notifications
        learner = db.session.get(User, world["people"]["learner"])
        db.session.add(UserSession(user_id=learner.id, token_hash="s" * 64,
                                   last_seen_at=utcnow() - timedelta(days=21)))
        learner.digest_due_at = utcnow() - timedelta(minutes=1)
        mail_tasks.queue_directory_message(db.session.get(DirectoryMessage, world["message"]))
        db.session.commit()
        jobs.tick()  # the alerts, the directory message and the digest
    messages = {message.id: message for message in catalog(locale) if message.id}
    mails = outbox(app)
    subjects = {str(mail["Subject"]) for mail in mails}
    for subject in MAIL_SUBJECTS:
        assert messages[subject].string in subjects, (subject, subjects)
    fragments, labels = english_texts(locale)
    for mail in mails:
        text = mail_text(mail)
        leftovers = sorted({f for f in fragments if f in text} |
                           {line.strip() for line in text.splitlines() if line.strip() in labels})
        assert not leftovers, f"the mail “{mail['Subject']}” to {mail['To']} shows English: {leftovers}"
    links = [re.search(pattern, mail_text(mail)).group(0) for mail in mails
             for pattern in (r"/invitations/[\w-]+", r"/password/reset/\S+", r"/email/stop/\S+",
                             r"/sign-up/confirm/\S+", r"/directory/messages/\d+/(?:reply|block)")
             if re.search(pattern, mail_text(mail))]
    assert len(links) >= 4, links
    for link in links:  # signed out: a page behind sign-in leads to the sign-in page
        page = client.get(link, follow_redirects=True).get_data(as_text=True)
        assert f'<html lang="{locale}"' in page and not english_leftovers(page, locale), link


def test_the_crawl_sees_english_left_in_a_page():
    """The check itself: an English label alone in a cell, a fragment inside a sentence and an English aria-label
    are all caught; the same words inside a part marked lang="en" are not."""
    page = ('<html lang="fr"><body><nav aria-label="Main"></nav><table><th>Enrolled</th></table>'
            '<p>Bienvenue. Sign out now.</p><article lang="en"><p>Sign out</p><b>Enrolled</b></article>'
            '<button lang="en">English</button></body></html>')
    assert english_leftovers(page, "fr") == ["Enrolled", "Main", "Sign out"]
    french = ('<html lang="fr"><nav aria-label="Principal"></nav><th>Personnes inscrites</th>'
              "<p>Notifications (3 non lues) · Se déconnecter · Co-Lab</p></html>")
    assert english_leftovers(french, "fr") == []
    assert links_in('<a href="/x.csv">a</a><a href="/calendar/" download>b</a><a href="https://e.org/">c</a>'
                    '<a href="?page=2#top">d</a><a href="/static/s.css">e</a>', "/communities/") == \
        ["/communities/?page=2"]
