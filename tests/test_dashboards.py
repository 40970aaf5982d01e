"""Dashboards: who opens which, what they show (and never show), the CSV that matches the page, constant queries."""
import csv
import hashlib
import io
import re
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser

import factories
import pytest
from conftest import PASSWORD
from html_safety import dangerous_markup
from sql_log import recorded_statements

from colab.accounts.models import User
from colab.cohorts import service as cohorts
from colab.cohorts.models import Invitation, InvitationStatus
from colab.communities import service as communities
from colab.communities.models import Cohort, Post, PostStatus, Thread
from colab.courses import service as courses
from colab.courses.models import LessonProgress
from colab.extensions import db
from colab.markup import render
from colab.models_base import utcnow

BLUEPRINTS = {"dashboards"}
SECRET_REFLECTION = "My brother hit me and I never told anyone"
LEARNER_NAME = "Zanele Learner"

# --- helpers that build cohorts and learners directly ----------------------------------------------------------


def make_cohort(app, community_slug, name, starts_on=date(2030, 1, 1)):
    with app.app_context():
        cohort = factories.cohort(community_slug, name, starts_on=starts_on, languages=["en"])
        db.session.commit()
        return cohort.id


def lessons(course):
    return courses.outline(course).lessons  # why-listen, listening-to-disagree, listening-in-groups


def add_learner(cohort_id, name, done=0, seen_days_ago=1, reflection="", posts=0, email=None, timezone="UTC"):
    """Inside an app context: a learner of the cohort who completed `done` lessons, last seen so many days ago
    (None: never started), with a reflection and visible posts in the cohort's thread."""
    cohort = db.session.get(Cohort, cohort_id)
    user = factories.user(email or f"{name.lower().replace(' ', '.')}@example.org", name, "x" * 12,
                          timezone=timezone)
    cohorts.join_cohort(user, cohort)
    course_lessons = lessons(cohort.course)
    if seen_days_ago is not None:
        seen = utcnow() - timedelta(days=seen_days_ago)
        for number, lesson in enumerate(course_lessons[:max(done, 1)]):
            db.session.add(LessonProgress(user_id=user.id, lesson_id=lesson.id, started_at=seen, last_seen_at=seen,
                                          completed_at=seen if number < done else None))
        enrolment = courses.enrolment_for(user, cohort.course)
        if done == len(course_lessons):
            enrolment.completed_at = seen
    if reflection:
        activity = next(a for lesson in course_lessons for a in lesson.activities if a.kind == "reflection")
        courses.save_reflection(user, activity, reflection)
    if posts:
        thread = communities.lesson_thread(cohort, course_lessons[0], "en")
        for number in range(posts):
            db.session.add(Post(thread=thread, author_id=user.id, body_source=f"Post {number}",
                                body_html=render(f"Post {number}"), status=PostStatus.VISIBLE))
    db.session.flush()
    return user


def invite(cohort_id, email, status=InvitationStatus.PENDING, accepted_by=None):
    db.session.add(Invitation(cohort_id=cohort_id, email=email, status=status, accepted_by_id=accepted_by,
                              token_hash=hashlib.sha256(email.encode()).hexdigest(),
                              expires_at=utcnow() + timedelta(days=14)))


# --- reading pages: tables, CSVs --------------------------------------------------------------------------------

class TableReader(HTMLParser):
    """The text of each row of <table id=…> (header, body and footer rows), as a person sees it."""

    def __init__(self, table_id):
        super().__init__(convert_charrefs=True)
        self.table_id, self.rows, self.inside, self.cell, self.hidden = table_id, [], False, None, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == self.table_id:
            self.inside = True
        if not self.inside:
            return
        if tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td"):
            self.cell = []
        elif tag == "caption":
            self.hidden += 1
        elif attrs.get("aria-hidden") == "true":
            self.hidden += 1

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "table":
            self.inside = False
        elif tag in ("th", "td"):
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag in ("caption", "span") and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if self.inside and self.cell is not None and not self.hidden:
            self.cell.append(data)


def html_table(response, table_id):
    reader = TableReader(table_id)
    reader.feed(response.get_data(as_text=True))
    assert reader.rows, f"no table {table_id}"
    return [["" if cell == "—" else cell for cell in row] for row in reader.rows]


def csv_rows(response):
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # a byte-order mark: spreadsheet apps then read UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def unguarded(rows):
    """CSV cells as the page shows them: without the apostrophe that keeps a spreadsheet from running a formula."""
    return [[cell[1:] if cell[:2] in ("'=", "'+", "'-", "'@") else cell for cell in row] for row in rows]


# --- the route x role table ---------------------------------------------------------------------------------------

# "facilitator" facilitates the africa cohort; "other_facilitator" one in asia; "focal" is africa's focal point,
# "other_focal" asia's; "learner" learns in the africa cohort; "outsider" has no role at all.
ROLES = ("anonymous", "outsider", "learner", "facilitator", "other_facilitator", "focal", "other_focal", "admin")
FOLLOWERS = "302 403 403 200 403 200 403 200"  # the cohort's facilitators, its region's focal points, admins
REGION_LEADS = "302 403 403 403 403 200 403 200"
ADMINS = "302 403 403 403 403 403 403 200"
COHORT = "/dashboards/cohorts/{cohort}"

# (name, url, expected status per role in ROLES order). Every route is a GET: nothing here changes anything.
ROUTES = [
    ("dashboards", "/dashboards/", "302 403 403 200 200 200 200 200"),
    ("cohort dashboard", COHORT, FOLLOWERS),
    ("sorted and filtered", COHORT + "?sort=progress&dir=desc&show=in-progress", FOLLOWERS),
    ("learners csv", COHORT + "/learners.csv?sort=active&dir=asc&show=all", FOLLOWERS),
    ("modules csv", COHORT + "/modules.csv", FOLLOWERS),
    ("funnel csv", COHORT + "/funnel.csv", FOLLOWERS),
    # a cohort of a members-only community: who may not see the community does not learn the cohort exists
    ("members-only cohort", "/dashboards/cohorts/{closed}", "302 403 403 404 404 200 404 200"),
    ("members-only cohort csv", "/dashboards/cohorts/{closed}/learners.csv", "302 403 403 404 404 200 404 200"),
    ("unknown cohort", "/dashboards/cohorts/0", "302 403 403 404 404 404 404 404"),
    ("page past the end", COHORT + "?page=9", "302 403 403 404 403 404 403 404"),
    ("region dashboard", "/dashboards/regions/africa", REGION_LEADS),
    ("region csv", "/dashboards/regions/africa/cohorts.csv", REGION_LEADS),
    ("unknown region", "/dashboards/regions/atlantis", "302 403 403 404 404 404 404 404"),
    ("communities without a region", "/dashboards/no-region", ADMINS),
    ("their csv", "/dashboards/no-region/cohorts.csv", ADMINS),
    ("global dashboard", "/dashboards/global", ADMINS),
    ("regions csv", "/dashboards/global/regions.csv", ADMINS),
    ("courses csv", "/dashboards/global/courses.csv", ADMINS),
]
# Where the learner's display name may appear (to those who get a 200): the cohort's own pages.
NAMED = {"cohort dashboard", "sorted and filtered", "learners csv"}


@pytest.fixture
def world(app, content, make_user, community_kit):
    """Two africa communities (one members-only) and one in asia, each with a cohort; a learner in the open
    africa cohort with a private reflection and a post; one person per role."""
    community_kit.community("circle", "regional", region="africa")
    community_kit.community("closed", "regional", region="africa", members_only=True)
    community_kit.community("asia-circle", "regional", region="asia")
    ids = {"cohort": make_cohort(app, "circle", "Nairobi spring"), "closed": make_cohort(app, "closed", "Quiet one"),
           "asia": make_cohort(app, "asia-circle", "Manila spring")}
    people = {role: make_user(display_name=f"Actor {role}", is_admin=role == "admin")
              for role in ROLES if role not in ("anonymous", "learner")}
    with app.app_context():
        learner = add_learner(ids["cohort"], LEARNER_NAME, done=1, reflection=SECRET_REFLECTION, posts=1,
                              email="zanele@example.org")
        for role, cohort in (("facilitator", "cohort"), ("other_facilitator", "asia")):
            cohorts.add_facilitator(db.session.get(User, people[role][0]), db.session.get(Cohort, ids[cohort]))
        db.session.commit()
        people["learner"] = (learner.id, learner.email)
    community_kit.focal_point(people["focal"][0], "africa")
    community_kit.focal_point(people["other_focal"][0], "asia")
    return ids, people


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_every_role_as_the_table_says(app, client, auth, world, role):
    ids, people = world
    if role != "anonymous":
        password = {"learner": "x" * 12}.get(role, PASSWORD)
        assert auth.sign_in(people[role][1], password).status_code == 302
    actual, expected, leaks = {}, {}, []
    for name, url, codes in ROUTES:
        response = client.get(url.format(**ids))
        actual[name] = response.status_code
        expected[name] = dict(zip(ROLES, map(int, codes.split()), strict=True))[role]
        body = response.get_data(as_text=True)
        secrets = [SECRET_REFLECTION, "zanele@example.org", *(email for _id, email in people.values())]
        if not (name in NAMED and response.status_code == 200):
            secrets.append(LEARNER_NAME)
        leaks += [f"{name}: {secret}" for secret in secrets if secret in body]
    assert actual == expected
    assert leaks == []


def test_the_table_covers_every_route_of_the_dashboards(app):
    """A new dashboard route fails here until it has a row (with its expectations) in ROUTES."""
    adapter = app.url_map.bind("colab.test")
    covered = {adapter.match(url.split("?")[0].format(cohort=1, closed=2), method="GET")[0]
               for _name, url, _codes in ROUTES}
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              if rule.endpoint.split(".")[0] in BLUEPRINTS for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - {(endpoint, "GET") for endpoint in covered} == set(), "routes without a row in ROUTES"
    assert len({row[0] for row in ROUTES}) == len(ROUTES), "row names must be unique"


# --- the cohort dashboard -----------------------------------------------------------------------------------------

@pytest.fixture
def cohort_kit(app, content, make_user, community_kit, auth):
    """A cohort in africa whose facilitator is signed in; add learners with kit.learner(...) in an app context."""
    community_kit.community("circle", "regional", region="africa")
    cohort_id = make_cohort(app, "circle", "Nairobi spring")
    facilitator_id, email = make_user(display_name="Facilitator Fay", timezone="America/Bogota")
    with app.app_context():
        cohorts.add_facilitator(db.session.get(User, facilitator_id), db.session.get(Cohort, cohort_id))
        db.session.commit()
    assert auth.sign_in(email).status_code == 302
    return cohort_id


def test_the_funnel_counts_invitations_learners_starts_and_completions(app, client, cohort_kit):
    with app.app_context():
        done = add_learner(cohort_kit, "Ayo", done=3, seen_days_ago=2)  # completed, active
        add_learner(cohort_kit, "Bea", done=1, seen_days_ago=20)  # started, inactive
        add_learner(cohort_kit, "Cleo", seen_days_ago=None)  # never started, added without an invitation
        invite(cohort_kit, "ayo@example.org", InvitationStatus.ACCEPTED, accepted_by=done.id)
        invite(cohort_kit, "waiting@example.org")
        invite(cohort_kit, "expired@example.org")
        invite(cohort_kit, "revoked@example.org", InvitationStatus.REVOKED)
        db.session.commit()
    response = client.get(f"/dashboards/cohorts/{cohort_kit}")
    assert response.status_code == 200
    # invited: 3 invitations not revoked, plus Bea and Cleo who came in without one
    assert html_table(response, "funnel")[1:] == [["Invited", "5"], ["Accepted", "3"], ["Started", "2"],
                                                  ["Completed", "1"], ["Active in the last 7 days", "1"]]
    page = response.get_data(as_text=True)
    assert 'role="img"' in page and "Invited: 5. Accepted: 3. Started: 2. Completed: 1." in page
    assert csv_rows(client.get(f"/dashboards/cohorts/{cohort_kit}/funnel.csv")) == html_table(response, "funnel")


def test_completion_per_module_counts_who_finished_every_lesson_of_it(app, client, cohort_kit):
    with app.app_context():
        add_learner(cohort_kit, "Ayo", done=3)
        add_learner(cohort_kit, "Bea", done=2)  # the whole first module
        add_learner(cohort_kit, "Cleo", done=1)
        add_learner(cohort_kit, "Dan", seen_days_ago=None)
        db.session.commit()
    response = client.get(f"/dashboards/cohorts/{cohort_kit}")
    assert html_table(response, "modules") == [
        ["Module", "Lessons", "Learners who completed it", "Completion %"],
        ["First steps", "2", "2", "50"], ["Going deeper", "1", "1", "25"]]
    page = response.get_data(as_text=True)
    assert "First steps: 50% of the learners completed it." in page
    assert page.count("<svg") == 2 and page.count("<title id=") == 2
    assert csv_rows(client.get(f"/dashboards/cohorts/{cohort_kit}/modules.csv")) == html_table(response, "modules")


def test_the_learners_table_counts_reflections_and_posts_never_their_words(app, client, cohort_kit):
    with app.app_context():
        learner = add_learner(cohort_kit, "Ayo", done=2, reflection="What I never said aloud", posts=2)
        course = db.session.get(Cohort, cohort_kit).course
        blank = [a for lesson in lessons(course) for a in lesson.activities if a.kind == "reflection"][1]
        courses.save_reflection(learner, blank, "   ")  # an empty reflection is not one written
        cohort = db.session.get(Cohort, cohort_kit)
        thread = communities.lesson_thread(cohort, lessons(course)[0], "en")
        db.session.add(Post(thread=thread, author_id=learner.id, body_source="x", body_html=render("x"),
                            status=PostStatus.HIDDEN))  # hidden: not counted
        elsewhere = Thread(community=cohort.community, title="Not the cohort's")
        db.session.add(Post(thread=elsewhere, author_id=learner.id, body_source="y", body_html=render("y")))
        db.session.commit()
    response = client.get(f"/dashboards/cohorts/{cohort_kit}")
    rows = html_table(response, "learners")
    assert rows[0] == ["Display name", "Progress %", "Lessons done (of 3)", "Last active", "Reflections written",
                       "Posts"]
    assert [rows[1][0], rows[1][1], rows[1][2], rows[1][4], rows[1][5]] == ["Ayo", "67", "2", "1", "2"]
    for body in (response.get_data(as_text=True),
                 client.get(f"/dashboards/cohorts/{cohort_kit}/learners.csv").get_data(as_text=True)):
        assert "What I never said aloud" not in body and "ayo@example.org" not in body


def test_last_active_is_in_the_readers_time_zone(app, client, cohort_kit):
    with app.app_context():
        learner = add_learner(cohort_kit, "Ayo", done=1)
        db.session.execute(db.update(LessonProgress).where(LessonProgress.user_id == learner.id)
                           .values(last_seen_at=datetime(2024, 1, 5, 3, 0, tzinfo=UTC)))
        db.session.commit()
    response = client.get(f"/dashboards/cohorts/{cohort_kit}")
    assert html_table(response, "learners")[1][3] == "2024-01-04 22:00"  # Bogotá, where the facilitator is
    assert '<time datetime="2024-01-05T03:00:00+00:00">' in response.get_data(as_text=True)


@pytest.fixture
def varied(app, cohort_kit):
    """Six learners at different points; one display name that a spreadsheet would run as a formula."""
    with app.app_context():
        add_learner(cohort_kit, "Ayo", done=3, seen_days_ago=1, reflection="a", posts=1)
        add_learner(cohort_kit, "bea", done=1, seen_days_ago=10, posts=3)
        add_learner(cohort_kit, "Çelo", done=2, seen_days_ago=3, reflection="c")
        add_learner(cohort_kit, "Dan", seen_days_ago=None)
        add_learner(cohort_kit, "=HYPERLINK(\"http://evil.example\")", done=1, seen_days_ago=30)
        add_learner(cohort_kit, "Eve", done=0, seen_days_ago=2, posts=1)
        db.session.commit()
    return cohort_kit


def names(response):
    return [row[0] for row in html_table(response, "learners")[1:]]


def test_the_table_sorts_and_filters_with_plain_links(client, varied):
    url = f"/dashboards/cohorts/{varied}"
    assert names(client.get(url)) == ["=HYPERLINK(\"http://evil.example\")", "Ayo", "bea", "Çelo", "Dan", "Eve"]
    assert names(client.get(url + "?sort=progress&dir=desc")) == [
        "Ayo", "Çelo", "=HYPERLINK(\"http://evil.example\")", "bea", "Dan", "Eve"]  # ties by name
    assert names(client.get(url + "?sort=active&dir=asc")) == [
        "Dan", "=HYPERLINK(\"http://evil.example\")", "bea", "Çelo", "Eve", "Ayo"]  # never seen first
    assert names(client.get(url + "?sort=posts&dir=desc&show=inactive")) == [
        "bea", "=HYPERLINK(\"http://evil.example\")", "Dan"]
    assert names(client.get(url + "?show=not-started")) == ["Dan"]
    assert names(client.get(url + "?show=completed")) == ["Ayo"]
    assert names(client.get(url + "?show=in-progress")) == ["=HYPERLINK(\"http://evil.example\")", "bea", "Çelo",
                                                             "Eve"]
    page = client.get(url + "?sort=reflections&dir=asc&show=all").get_data(as_text=True)
    header = re.search(r'<th scope="col"[^>]*aria-sort="ascending"[^>]*>.*?</th>', page, re.S).group(0)
    assert "Reflections written" in header and page.count("aria-sort=") == 1
    # the column's link flips the order and keeps the filter; the filter links keep the order
    assert f"/dashboards/cohorts/{varied}?sort=reflections&amp;dir=desc&amp;show=all" in page
    assert f"/dashboards/cohorts/{varied}?sort=reflections&amp;dir=asc&amp;show=inactive" in page
    assert 'aria-current="true">All (6)' in page
    assert f"/dashboards/cohorts/{varied}/learners.csv?sort=reflections&amp;dir=asc&amp;show=all" in page


@pytest.mark.parametrize("query", [
    *[f"sort={sort}&dir={direction}" for sort in ("name", "progress", "active", "reflections", "posts")
      for direction in ("asc", "desc")],
    *[f"sort=active&dir=desc&show={show}" for show in ("all", "not-started", "in-progress", "completed", "inactive")],
    "sort=nonsense&dir=sideways&show=everyone",
])
def test_the_csv_holds_exactly_the_rows_of_the_page(client, varied, query):
    page = client.get(f"/dashboards/cohorts/{varied}?{query}")
    download = client.get(f"/dashboards/cohorts/{varied}/learners.csv?{query}")
    assert unguarded(csv_rows(download)) == html_table(page, "learners")


def test_the_csv_never_hands_a_spreadsheet_a_formula(client, varied):
    rows = csv_rows(client.get(f"/dashboards/cohorts/{varied}/learners.csv"))
    assert rows[1][0] == "'=HYPERLINK(\"http://evil.example\")"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


@pytest.mark.parametrize("app_config", [{"PER_PAGE": 4}])
def test_a_long_table_is_paged_and_its_csv_holds_every_page_in_order(client, varied):
    url = f"/dashboards/cohorts/{varied}?sort=progress&dir=desc"
    first, second = client.get(url), client.get(url + "&page=2")
    next_link = re.search(r'<a rel="next" href="([^"]+)"', first.get_data(as_text=True)).group(1)
    assert set(next_link.split("?")[1].split("&amp;")) == {"page=2", "sort=progress", "dir=desc", "show=all"}
    shown = html_table(first, "learners") + html_table(second, "learners")[1:]
    assert len(shown) == 7
    assert unguarded(csv_rows(client.get(f"/dashboards/cohorts/{varied}/learners.csv?sort=progress&dir=desc"))) \
        == shown
    assert client.get(url + "&page=3").status_code == 404


def test_names_people_chose_come_out_as_text(app, client, cohort_kit):
    with app.app_context():
        add_learner(cohort_kit, '<script>alert("XSS")</script>', done=1)
        add_learner(cohort_kit, '"><svg onload=alert("XSS")>', done=2)
        db.session.get(Cohort, cohort_kit).name = "<img src=x onerror=alert(1)> cohort"
        db.session.commit()
    page = client.get(f"/dashboards/cohorts/{cohort_kit}").get_data(as_text=True)
    # the page's own two charts are the only SVG; nothing a learner or a focal point typed becomes markup
    assert dangerous_markup(page) == ["<svg>", "<svg>"]
    assert '&lt;script&gt;alert(&#34;XSS&#34;)&lt;/script&gt;' in page and "&lt;img src=x" in page


def test_the_dashboard_reads_in_spanish(app, client, auth, make_user, community_kit, content):
    community_kit.community("circle", "regional", region="africa")
    cohort_id = make_cohort(app, "circle", "Nairobi")
    focal_id, email = make_user(display_name="Focal", locale="es")
    community_kit.focal_point(focal_id, "africa")
    with app.app_context():
        add_learner(cohort_id, "Ayo", done=2)
        db.session.commit()
    auth.sign_in(email)
    page = client.get(f"/dashboards/cohorts/{cohort_id}")
    assert page.status_code == 200
    assert 'lang="es"' in page.get_data(as_text=True)
    assert html_table(page, "modules")[1][0] == "Primeros pasos"  # the module's title in the reader's language
    assert unguarded(csv_rows(client.get(f"/dashboards/cohorts/{cohort_id}/learners.csv"))) == \
        html_table(page, "learners")


# --- a constant number of queries ---------------------------------------------------------------------------------

def count_queries(app, client, url):
    client.get(url)  # first: whatever a session does once
    with recorded_statements(app) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_a_cohort_dashboard_costs_the_same_queries_for_3_learners_and_for_30(app, client, community_kit, cohort_kit):
    community_kit.community("other", "regional", region="africa")
    big = make_cohort(app, "other", "Big one")
    with app.app_context():
        facilitator = db.session.scalar(db.select(User).filter_by(display_name="Facilitator Fay"))
        cohorts.add_facilitator(facilitator, db.session.get(Cohort, big))
        for number in range(30):
            if number < 3:
                add_learner(cohort_kit, f"Small {number}", done=number % 4, reflection="r" * (number % 2),
                            posts=number % 3, seen_days_ago=(number % 5) * 4 if number % 6 else None)
            add_learner(big, f"Big {number}", done=number % 4, reflection="r" * (number % 2), posts=number % 3,
                        seen_days_ago=(number % 5) * 4 if number % 6 else None)
        db.session.commit()
    for suffix in ("", "?sort=active&dir=desc&show=inactive", "/learners.csv", "/modules.csv"):
        small_count = count_queries(app, client, f"/dashboards/cohorts/{cohort_kit}{suffix}")
        big_count = count_queries(app, client, f"/dashboards/cohorts/{big}{suffix}")
        assert small_count == big_count, suffix
    assert small_count < 20


def test_region_and_global_dashboards_cost_the_same_queries_for_1_cohort_and_for_5(app, client, auth, make_user,
                                                                                   community_kit, content):
    community_kit.community("circle", "regional", region="africa")
    community_kit.community("asia-circle", "regional", region="asia")
    admin_id, email = make_user(display_name="Admin", is_admin=True)
    auth.sign_in(email)
    counts = []
    for total in (1, 5):
        while True:
            with app.app_context():
                existing = db.session.scalar(db.select(db.func.count()).select_from(Cohort))
            if existing >= total * 2:
                break
            for slug in ("circle", "asia-circle"):
                cohort = make_cohort(app, slug, f"{slug} {existing}")
                with app.app_context():
                    add_learner(cohort, f"Learner {slug} {existing}", done=existing % 4)
                    db.session.commit()
        counts.append([count_queries(app, client, url) for url in (
            "/dashboards/regions/africa", "/dashboards/global", "/dashboards/global/courses.csv")])
    assert counts[0] == counts[1]


# --- a region, the alliance -----------------------------------------------------------------------------------------

@pytest.fixture
def alliance(app, content, community_kit):
    """Two cohorts in africa, one in asia, one in a community without a region, with learners."""
    community_kit.community("circle", "regional", region="africa")
    community_kit.community("asia-circle", "regional", region="asia")
    community_kit.community("thematic")
    ids = {"first": make_cohort(app, "circle", "Nairobi 2029", date(2029, 1, 1)),
           "second": make_cohort(app, "circle", "Nairobi 2030", date(2030, 1, 1)),
           "asia": make_cohort(app, "asia-circle", "Manila"),
           "thematic": make_cohort(app, "thematic", "Everywhere")}
    with app.app_context():
        add_learner(ids["first"], "A1", done=3, seen_days_ago=40)
        add_learner(ids["first"], "A2", done=1, seen_days_ago=2)
        add_learner(ids["first"], "A3", seen_days_ago=None)
        add_learner(ids["second"], "B1", done=1, seen_days_ago=1)
        add_learner(ids["asia"], "C1", done=3, seen_days_ago=1)
        add_learner(ids["thematic"], "D1", seen_days_ago=None)
        db.session.commit()
    return ids


def test_a_focal_point_sees_every_cohort_of_their_region_and_no_other(app, client, auth, make_user, community_kit,
                                                                       alliance):
    focal_id, email = make_user(display_name="Focal")
    community_kit.focal_point(focal_id, "africa")
    auth.sign_in(email)
    page = client.get("/dashboards/regions/africa")
    rows = html_table(page, "cohorts")
    assert rows[0] == ["Cohort", "Course", "Starts", "Ends", "Learners", "Started", "Completed",
                       "Active in the last 7 days", "Completion %"]
    assert rows[1:] == [["Nairobi 2030", "Listening basics", "2030-01-01", "2030-04-01", "1", "1", "0", "1", "0"],
                        ["Nairobi 2029", "Listening basics", "2029-01-01", "2029-04-01", "3", "2", "1", "1", "33"],
                        ["Total: 2 cohorts", "", "", "", "4", "3", "1", "2", "25"]]
    assert "Manila" not in page.get_data(as_text=True)
    assert f'href="/dashboards/cohorts/{alliance["second"]}"' in page.get_data(as_text=True)
    assert csv_rows(client.get("/dashboards/regions/africa/cohorts.csv")) == rows
    assert client.get("/dashboards/regions/asia").status_code == 403
    assert client.get(f"/dashboards/cohorts/{alliance['asia']}").status_code == 403
    index = client.get("/dashboards/").get_data(as_text=True)
    assert "Nairobi 2029" in index and "Nairobi 2030" in index and "Manila" not in index
    assert "/dashboards/regions/africa" in index and "/dashboards/global" not in index


def test_the_global_dashboard_has_a_row_per_region_and_per_course(app, client, auth, make_user, alliance):
    admin_id, email = make_user(display_name="Admin", is_admin=True)
    auth.sign_in(email)
    page = client.get("/dashboards/global")
    regions = html_table(page, "regions")
    by_name = {row[0]: row[1:] for row in regions[1:]}
    assert by_name["Africa"] == ["2", "4", "3", "1", "2", "25"]
    assert by_name["Asia"] == ["1", "1", "1", "1", "1", "100"]
    assert by_name["Europe"] == ["0", "0", "0", "0", "0", "0"]
    assert by_name["Communities without a region"] == ["1", "1", "0", "0", "0", "0"]
    assert regions[-1] == ["Total", "4", "6", "4", "2", "3", "33"]
    assert len(regions) == 1 + 7 + 1 + 1  # header, seven regions, no region, total
    assert html_table(page, "courses")[1:] == [["Listening basics", "4", "6", "4", "2", "3", "33"],
                                               ["Total", "4", "6", "4", "2", "3", "33"]]
    assert csv_rows(client.get("/dashboards/global/regions.csv")) == regions
    assert csv_rows(client.get("/dashboards/global/courses.csv")) == html_table(page, "courses")
    no_region = client.get("/dashboards/no-region")
    assert [row[0] for row in html_table(no_region, "cohorts")[1:]] == ["Everywhere", "Total: 1 cohort"]
    assert csv_rows(client.get("/dashboards/no-region/cohorts.csv")) == html_table(no_region, "cohorts")


def test_a_facilitator_lists_only_their_cohorts_and_the_header_links_them_there(app, client, auth, make_user,
                                                                                 alliance):
    facilitator_id, email = make_user(display_name="Fay")
    with app.app_context():
        cohorts.add_facilitator(db.session.get(User, facilitator_id), db.session.get(Cohort, alliance["second"]))
        db.session.commit()
    auth.sign_in(email)
    home = client.get("/").get_data(as_text=True)
    assert 'href="/dashboards/"' in home
    index = client.get("/dashboards/").get_data(as_text=True)
    assert "Nairobi 2030" in index and "Nairobi 2029" not in index and "/dashboards/regions/" not in index
    assert client.get(f"/dashboards/cohorts/{alliance['first']}").status_code == 403


def test_people_without_dashboards_see_no_link(client, auth, content):
    auth.as_new_user()
    assert 'href="/dashboards/"' not in client.get("/").get_data(as_text=True)
