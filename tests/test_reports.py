"""The course team's report: who opens it, what it shows, what it never shows (names, small groups, a person singled
out by filters), the CSVs that match the page, constant queries."""
import itertools
from datetime import date, timedelta

import factories
import pytest
from conftest import PASSWORD
from html_safety import dangerous_markup
from test_dashboards import count_queries, csv_rows, html_table, unguarded

from colab.accounts.models import User
from colab.cohorts import service as cohorts
from colab.communities.models import Cohort
from colab.courses import service as courses
from colab.courses.models import Enrolment, LessonProgress, Module
from colab.extensions import db
from colab.feedback.models import LessonFeedback
from colab.focus_groups.models import FocusGroup
from colab.models_base import utcnow
from colab.surveys.models import Survey, SurveyAnswer, SurveyKind

POSTGRESQL = False  # the course team's report pages (see conftest.py)

BLUEPRINTS = {"reports"}
COURSE = "/course-team/listening-basics/"
LESSON = COURSE + "lessons/why-listen"
HIDDEN = "fewer than 5"
NAMES = itertools.count(1)

# --- seeding rows directly ---------------------------------------------------------------------------------------


def lesson_of(slug):
    return next(lesson for lesson in courses.outline(factories.course()).lessons if lesson.slug == slug)


def add_learners(app, number, *, lesson="why-listen", cohort=None, region=None, locale="en", usefulness=4, better="",
                 unsafe="", completed=True, days_ago=1, name="Learner", feedback=True):
    """number learners of the course (in cohort, if given) who started the lesson days_ago (and completed it), and
    gave feedback on it then (in locale). Returns their ids."""
    ids = []
    with app.app_context():
        course, found = factories.course(), lesson_of(lesson)
        moment = utcnow() - timedelta(days=days_ago)
        for _ in range(number):
            serial = next(NAMES)
            user = factories.user(f"learner{serial}@example.org", f"{name} {serial}", "x" * 12, locale, region=region)
            enrolment = db.session.scalar(db.select(Enrolment).filter_by(user_id=user.id, course_id=course.id))
            if enrolment is None:
                db.session.add(Enrolment(user_id=user.id, course_id=course.id, cohort_id=cohort))
            db.session.add(LessonProgress(user_id=user.id, lesson_id=found.id, started_at=moment, last_seen_at=moment,
                                          completed_at=moment if completed else None))
            if feedback:
                db.session.add(LessonFeedback(user_id=user.id, lesson_id=found.id, cohort_id=cohort, locale=locale,
                                              usefulness=usefulness, better=better, unsafe=unsafe,
                                              unsafe_at=moment if unsafe else None, created_at=moment,
                                              updated_at=moment))
            ids.append(user.id)
        db.session.commit()
    return ids


def make_cohort(app, community_kit, name, region="africa"):
    slug = f"circle-{next(NAMES)}"
    community_kit.community(slug, "regional", region=region)
    with app.app_context():
        cohort = factories.cohort(slug, name, starts_on=date(2030, 1, 1), ends_on=date(2030, 4, 1),
                                  languages=["en", "es"])
        db.session.commit()
        return cohort.id


@pytest.fixture
def team(app, content, make_user, auth):
    """A member of the course team, signed in (in UTC)."""
    user_id, email = make_user(display_name="Team member")
    with app.app_context():
        db.session.get(User, user_id).is_course_team = True
        db.session.commit()
    assert auth.sign_in(email).status_code == 302
    return user_id


def rows_of(client, url, table):
    return html_table(client.get(url), table)


def row(rows, lesson_title, module_title="First steps"):
    return next(r for r in rows if r[0] == module_title and r[1] == lesson_title)


# --- the route x role table ----------------------------------------------------------------------------------------

ROLES = ("anonymous", "learner", "facilitator", "focal", "course_team", "admin")
TEAM = "302 403 403 403 200 200"
MISSING = "302 403 403 403 404 404"  # strangers to the report learn nothing; the team learns it does not exist

# (name, url, expected status per role in ROLES order). Every route is a GET: the report changes nothing.
ROUTES = [
    ("courses", "/course-team/", TEAM),
    ("courses filtered", "/course-team/?cohort={cohort}&region=africa&lang=en&start=2020-01-01&end=2040-12-31", TEAM),
    ("courses csv", "/course-team/courses.csv?region=asia", TEAM),
    ("course", COURSE, TEAM),
    ("course filtered", COURSE + "?cohort={cohort}&lang=es", TEAM),
    ("progress csv", COURSE + "progress.csv", TEAM),
    ("usefulness csv", COURSE + "usefulness.csv?region=africa", TEAM),
    ("scale csv", COURSE + "scale.csv", TEAM),
    ("choices csv", COURSE + "choices.csv", TEAM),
    ("unknown course", "/course-team/no-such-course/", MISSING),
    ("unknown course csv", "/course-team/no-such-course/progress.csv", MISSING),
    ("lesson", LESSON, TEAM),
    ("lesson filtered", LESSON + "?region=asia&start=2020-01-01", TEAM),
    ("figures csv", LESSON + "/figures.csv", TEAM),
    ("distribution csv", LESSON + "/distribution.csv", TEAM),
    ("unsafe csv", LESSON + "/unsafe.csv", TEAM),
    ("comments csv", LESSON + "/comments.csv?lang=en", TEAM),
    ("unknown lesson", COURSE + "lessons/no-such-lesson", MISSING),
    ("unknown lesson csv", COURSE + "lessons/no-such-lesson/unsafe.csv", MISSING),
]
SECRET_COMMENT = "The video froze at minute three"
SECRET_UNSAFE = "The role play about my father hurt"


def add_pre_post(app, pairs, run_key="self", cohort=None, region=None, locale="en"):
    """pairs learners who answered the sample course's pre and post surveys (tests/fixtures/content: questions
    confidence (scale 1-5), where (multiple, 3 choices), hope (text)), and role (single) when a test added it.
    Before: confidence 2, where [0], role 0; after: confidence 4, where [0, 2], role 1. Returns their ids."""
    with app.app_context():
        surveys = {s.kind: s for s in db.session.scalars(db.select(Survey).filter_by(course_id=factories.course().id))}
        ids = []
        for _ in range(pairs):
            serial = next(NAMES)
            user = factories.user(f"surveyed{serial}@example.org", f"Surveyed {serial}", "x" * 12, locale,
                                  region=region)
            for kind, answers in ((SurveyKind.PRE, {"confidence": 2, "where": [0], "role": 0, "hope": "Curious"}),
                                  (SurveyKind.POST, {"confidence": 4, "where": [0, 2], "role": 1, "hope": "Wiser"})):
                db.session.add(SurveyAnswer(user_id=user.id, survey_id=surveys[kind].id, cohort_id=cohort,
                                            run_key=run_key, version=surveys[kind].version, locale=locale,
                                            answers=answers))
            ids.append(user.id)
        db.session.commit()
        return ids


def add_single_choice_question(app):
    """A single-choice question "role" in both surveys (the sample course has none)."""
    with app.app_context():
        for survey in db.session.scalars(db.select(Survey).filter_by(course_id=factories.course().id)):
            survey.questions = [*survey.questions, {"slug": "role", "type": "single", "required": False,
                                                    "choices": 3, "min": None, "max": None}]
            texts = dict(survey.texts)
            texts["en"] = {**texts["en"], "questions": {
                **texts["en"]["questions"], "role": {"text": "Your main role",
                                                     "choices": ["Learner", "Organiser", "Other"]}}}
            survey.texts = texts
        db.session.commit()


@pytest.fixture
def world(app, content, make_user, community_kit):
    """One person per role; a cohort in africa; five learners who commented and one who flagged the lesson; a pre
    and post survey with five pairs; a focus group that discussed the lesson."""
    cohort = make_cohort(app, community_kit, "Nairobi")
    people = {role: make_user(display_name=f"Actor {role}", is_admin=role == "admin")
              for role in ROLES if role != "anonymous"}
    add_learners(app, 5, cohort=cohort, region="africa", better=SECRET_COMMENT, name="Zanele")
    add_learners(app, 1, cohort=cohort, region="africa", unsafe=SECRET_UNSAFE, name="Zanele")
    add_pre_post(app, 5)
    with app.app_context():
        db.session.get(User, people["course_team"][0]).is_course_team = True
        cohorts.join_cohort(db.session.get(User, people["learner"][0]), db.session.get(Cohort, cohort))
        cohorts.add_facilitator(db.session.get(User, people["facilitator"][0]), db.session.get(Cohort, cohort))
        db.session.add(FocusGroup(course_id=factories.course().id, held_on=date(2030, 2, 1), locale="en",
                                  participants=8, lesson_ids=[lesson_of("why-listen").id], worked="The circle worked"))
        db.session.commit()
    community_kit.focal_point(people["focal"][0], "africa")
    return {"cohort": cohort}, people


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_every_role_as_the_table_says(app, client, auth, world, role):
    ids, people = world
    if role != "anonymous":
        assert auth.sign_in(people[role][1], PASSWORD).status_code == 302
    actual, expected, leaks = {}, {}, []
    for name, url, codes in ROUTES:
        response = client.get(url.format(**ids))
        actual[name] = response.status_code
        expected[name] = dict(zip(ROLES, map(int, codes.split()), strict=True))[role]
        body = response.get_data(as_text=True)
        secrets = ["Zanele", "@example.org"]  # no learner's name or email, for anyone, ever
        if role not in ("course_team", "admin"):
            secrets += [SECRET_COMMENT, SECRET_UNSAFE, "The circle worked"]
        leaks += [f"{name}: {secret}" for secret in secrets if secret in body]
    assert actual == expected
    assert leaks == []


def test_the_table_covers_every_route_of_the_report(app):
    """A new report route fails here until it has a row (with its expectations) in ROUTES."""
    adapter = app.url_map.bind("colab.test")
    covered = {adapter.match(url.split("?")[0].format(cohort=1), method="GET")[0] for _name, url, _codes in ROUTES}
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              if rule.endpoint.split(".")[0] in BLUEPRINTS for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - {(endpoint, "GET") for endpoint in covered} == set(), "routes without a row in ROUTES"
    assert len({row[0] for row in ROUTES}) == len(ROUTES), "row names must be unique"


def test_the_team_sees_the_texts_but_never_a_name(app, client, world, auth):
    _ids, people = world
    auth.sign_in(people["course_team"][1])
    page = client.get(LESSON).get_data(as_text=True)
    assert SECRET_COMMENT in page and SECRET_UNSAFE in page and "The circle worked" in page
    assert "Zanele" not in page and "@example.org" not in page


# --- small groups ------------------------------------------------------------------------------------------------

def test_four_learners_show_nothing_and_five_show_the_figures(app, client, team):
    add_learners(app, 4, usefulness=2, better=SECRET_COMMENT, completed=False)
    lesson_row = row(rows_of(client, COURSE, "progress"), "Why listen?")
    assert lesson_row[2:] == [HIDDEN, HIDDEN, HIDDEN, HIDDEN, "0", "0"]  # started, completed, %, comments
    assert row(rows_of(client, COURSE, "usefulness"), "Why listen?")[2:] == [HIDDEN] * 7
    assert row(rows_of(client, COURSE, "usefulness"), "All its lessons")[2:] == [HIDDEN] * 7
    assert rows_of(client, COURSE, "progress")[-1] == ["The whole course", "", HIDDEN, HIDDEN, HIDDEN, "", "", ""]
    assert rows_of(client, "/course-team/", "courses")[1][1:4] == [HIDDEN] * 3
    page = client.get(LESSON)
    body = page.get_data(as_text=True)
    assert SECRET_COMMENT not in body and "<svg" not in body
    assert html_table(page, "figures")[1:6] == [["Learners who started", HIDDEN], ["Completed", HIDDEN],
                                                ["Completion %", HIDDEN],
                                                ["Answers to “Was this lesson useful?”", HIDDEN],
                                                ["Mean usefulness (1 to 5)", HIDDEN]]
    assert [r[1] for r in html_table(page, "distribution")[1:]] == [HIDDEN] * 5
    assert html_table(page, "comments") == [["What would make it better?"], ["fewer than 5 comments"]]

    add_learners(app, 1, usefulness=5, better="Slower please", completed=True)
    assert row(rows_of(client, COURSE, "progress"), "Why listen?")[2:] == ["5", "1", "20", "5", "0", "0"]
    assert rows_of(client, "/course-team/", "courses")[1][1:4] == ["5", "0", "0"]  # nobody completed the course
    assert row(rows_of(client, COURSE, "usefulness"), "Why listen?")[2:] == ["5", "0", "4", "0", "0", "1", "2.6"]
    # the module's distribution is its lessons' (the other lesson has no answer at all)
    assert row(rows_of(client, COURSE, "usefulness"), "All its lessons")[2:] == ["5", "0", "4", "0", "0", "1", "2.6"]
    page = client.get(LESSON)
    comments = html_table(page, "comments")
    assert comments[0] == ["Day", "Language", "What would make it better?"]
    assert sorted(r[2] for r in comments[1:]) == ["Slower please", *[SECRET_COMMENT] * 4]
    assert {r[1] for r in comments[1:]} == {"English"}
    body = page.get_data(as_text=True)
    assert body.count("<svg") == 1 and "5 (very useful): 1 person." in body and "2: 4 people." in body


def test_a_filter_never_singles_out_a_person(app, client, team):
    """Five learners in africa, one in asia: with and without the region filter the figures would differ by the one
    person in asia, so the filtered figures are hidden; each filtered figure also applies the rule on its own."""
    add_learners(app, 5, region="africa", usefulness=4, better="From africa")
    add_learners(app, 1, region="asia", usefulness=1, better="From asia")

    def usefulness(query=""):
        return row(rows_of(client, COURSE + query, "usefulness"), "Why listen?")[2:]

    assert usefulness() == ["6", "1", "0", "0", "5", "0", "3.5"]
    assert usefulness("?region=africa") == [HIDDEN] * 7  # would give the asian learner's answer away
    assert usefulness("?region=asia") == [HIDDEN] * 7
    assert usefulness("?lang=es") == [HIDDEN] * 7  # nobody: "fewer than 5" too, never "0"
    assert len(rows_of(client, LESSON, "comments")) == 7
    comments = client.get(LESSON + "?region=africa").get_data(as_text=True)
    assert "fewer than 5 comments" in comments and "From africa" not in comments  # the rest would be asia's one
    add_learners(app, 4, region="asia", usefulness=2)
    assert usefulness("?region=africa") == ["5", "0", "0", "0", "5", "0", "4.0"]
    assert usefulness("?region=asia") == ["5", "1", "4", "0", "0", "0", "1.8"]


def test_combined_filters_apply_the_rule_to_every_part_they_split(app, client, team, community_kit):
    first = make_cohort(app, community_kit, "First")
    second = make_cohort(app, community_kit, "Second")
    add_learners(app, 5, cohort=first, region="africa", usefulness=5)
    add_learners(app, 3, cohort=second, region="africa", usefulness=3)
    add_learners(app, 2, cohort=second, region="asia", usefulness=1)

    def started(query):
        return row(rows_of(client, COURSE + query, "progress"), "Why listen?")[2]

    assert started("") == "10"
    assert started(f"?cohort={first}") == "5"  # the other cohort: 5 people
    assert started(f"?cohort={second}") == "5"
    assert started("?region=africa") == HIDDEN  # 8, but the 2 in asia would be the difference
    # the first cohort is all in africa, yet cohort + region would split the rest into 3 and 2
    assert started(f"?cohort={first}&region=africa") == HIDDEN
    assert started(f"?cohort={second}&region=asia") == HIDDEN


def test_the_period_is_a_filter_like_the_others(app, client, team):
    add_learners(app, 5, usefulness=5, days_ago=30)
    add_learners(app, 5, usefulness=1, days_ago=1)
    recent = (date.today() - timedelta(days=3)).isoformat()
    old = (date.today() - timedelta(days=40)).isoformat()
    last_month = (date.today() - timedelta(days=20)).isoformat()
    usefulness = lambda query: row(rows_of(client, COURSE + query, "usefulness"), "Why listen?")[2:]  # noqa: E731
    assert usefulness(f"?start={recent}") == ["5", "5", "0", "0", "0", "0", "1.0"]
    assert usefulness(f"?start={old}&end={last_month}") == ["5", "0", "0", "0", "0", "5", "5.0"]
    add_learners(app, 2, usefulness=3, days_ago=60)
    assert usefulness(f"?start={old}&end={last_month}") == [HIDDEN] * 7  # the 2 before it would show


def test_a_filter_that_is_not_valid_is_said_and_left_out(client, team):
    page = client.get(COURSE + "?cohort=999&start=2030-02-01&end=2030-01-01&lang=xx").get_data(as_text=True)
    assert page.count('class="error"') == 3
    assert "The last day comes before the first." in page
    far = client.get(COURSE + "?start=0001-01-01&end=9999-12-31&region=atlantis")
    assert far.status_code == 200 and far.get_data(as_text=True).count('class="error"') == 3


# --- unsafe answers --------------------------------------------------------------------------------------------------

def test_unsafe_answers_always_reach_the_team_without_names_nor_cohort_or_region(app, client, team, community_kit):
    cohort = make_cohort(app, community_kit, "Quiet")
    add_learners(app, 1, cohort=cohort, region="asia", locale="es", unsafe="Me dolió", name="Ana", days_ago=3)
    add_learners(app, 1, region="africa", unsafe="It hurt me", name="Bo", days_ago=1)
    page = client.get(LESSON)
    expected_days = [(date.today() - timedelta(days=days)).isoformat() for days in (1, 3)]
    assert html_table(page, "unsafe") == [
        ["Day", "Language", "Did anything in this lesson feel unsafe or hurtful?"],
        [expected_days[0], "English", "It hurt me"], [expected_days[1], "Español", "Me dolió"]]
    body = page.get_data(as_text=True)
    assert "Ana" not in body and "Bo 1" not in body and ":00" not in body.split('id="unsafe"')[1].split("</table>")[0]
    assert row(rows_of(client, COURSE, "progress"), "Why listen?")[6] == "2"
    # cohort and region never split them: the same two whatever those filters say
    for query in (f"?cohort={cohort}", "?region=europe", f"?cohort={cohort}&region=asia"):
        assert len(rows_of(client, LESSON + query, "unsafe")) == 3, query
        assert row(rows_of(client, COURSE + query, "progress"), "Why listen?")[6] == "2", query
    # language and period, which each answer shows anyway, do
    assert [r[2] for r in rows_of(client, LESSON + "?lang=es", "unsafe")[1:]] == ["Me dolió"]
    start = (date.today() - timedelta(days=2)).isoformat()
    assert [r[2] for r in rows_of(client, LESSON + f"?start={start}", "unsafe")[1:]] == ["It hurt me"]
    assert rows_of(client, "/course-team/", "courses")[1][4] == "2"


# --- the pre/post change ---------------------------------------------------------------------------------------

def test_the_pre_post_change_counts_pairs_in_the_same_run(app, client, team):
    add_single_choice_question(app)
    add_pre_post(app, 4)
    with app.app_context():  # someone whose answers are in two different runs: no pair
        survey = {s.kind: s for s in db.session.scalars(db.select(Survey))}
        user = factories.user("two-runs@example.org", "Two runs", "x" * 12)
        db.session.add(SurveyAnswer(user_id=user.id, survey_id=survey[SurveyKind.PRE].id, run_key="cohort:1",
                                    version=1, answers={"confidence": 5}))
        db.session.add(SurveyAnswer(user_id=user.id, survey_id=survey[SurveyKind.POST].id, run_key="self",
                                    version=1, answers={"confidence": 1}))
        db.session.add(SurveyAnswer(user_id=user.id, survey_id=survey[SurveyKind.PRE].id, run_key="self",
                                    version=1, skipped=True, answers={}))  # skipped: not an answer
        db.session.commit()
    question = "How confident are you listening to someone you disagree with?"
    assert rows_of(client, COURSE, "scale")[1] == [question, HIDDEN, HIDDEN, HIDDEN, "1–5"]
    assert {r[2] for r in rows_of(client, COURSE, "choices")[1:]} == {HIDDEN}
    add_pre_post(app, 1)
    page = client.get(COURSE)
    assert html_table(page, "scale") == [
        ["Question", "People who answered before and after", "Mean before", "Mean after", "Scale"],
        [question, "5", "2.0", "4.0", "1–5"]]
    assert html_table(page, "choices")[1:] == [
        ["Where do you want to listen better?", "At home", "5", "100", "100"],
        ["Where do you want to listen better?", "At work", "5", "0", "0"],
        ["Where do you want to listen better?", "In my community", "5", "0", "100"],
        ["Your main role", "Learner", "5", "100", "0"], ["Your main role", "Organiser", "5", "0", "100"],
        ["Your main role", "Other", "5", "0", "0"]]
    body = page.get_data(as_text=True)
    assert f"{question} — before: 2.0." in body and 'id="pre-post-chart"' in body
    assert "Curious" not in body and "Wiser" not in body  # text answers are never shown
    assert rows_of(client, COURSE + "?lang=es", "scale")[1][1] == HIDDEN  # nobody answered in Spanish


def test_a_course_without_surveys_says_so(app, client, team):
    with app.app_context():
        db.session.execute(db.update(Survey).values(archived=True))
        db.session.commit()
    page = client.get(COURSE).get_data(as_text=True)
    assert "This course has no pre-course survey" in page
    assert client.get(COURSE + "scale.csv").status_code == 404


# --- focus groups, links, sources ---------------------------------------------------------------------------------

def test_the_lesson_lists_the_focus_groups_that_discussed_it_or_its_module(app, client, team):
    with app.app_context():
        course, why = factories.course(), lesson_of("why-listen")
        module = db.session.scalar(db.select(Module).filter_by(slug="first-steps"))
        db.session.add_all([
            FocusGroup(course_id=course.id, held_on=date(2030, 1, 5), locale="en", participants=6,
                       lesson_ids=[why.id], worked="Named the lesson", quotes="“It opened my eyes”",
                       quotes_consent=True, region_id=factories.region_id("asia")),
            FocusGroup(course_id=course.id, held_on=date(2030, 1, 9), locale="es", participants=4,
                       module_id=module.id, did_not_work="Named the module"),
            FocusGroup(course_id=course.id, held_on=date(2030, 1, 7), locale="en", participants=5,
                       lesson_ids=[lesson_of("listening-in-groups").id], worked="Another lesson"),
            FocusGroup(course_id=course.id, held_on=date(2030, 1, 1), locale="en", participants=5,
                       lesson_ids=[why.id], suggestions="No consent", quotes="Not to be quoted"),
        ])
        db.session.commit()
    body = client.get(LESSON).get_data(as_text=True)
    assert body.index("Named the module") < body.index("Named the lesson") < body.index("No consent")
    assert "Another lesson" not in body and "Not to be quoted" not in body and "“It opened my eyes”" in body
    filtered = client.get(LESSON + "?region=asia").get_data(as_text=True)
    assert "Named the lesson" in filtered and "Named the module" not in filtered
    assert row(rows_of(client, COURSE, "progress"), "Why listen?")[7] == "3"
    assert row(rows_of(client, COURSE, "progress"), "All its lessons")[7] == "3"


def test_each_lesson_links_its_page_and_its_source_files(client, team):
    body = client.get(LESSON).get_data(as_text=True)
    assert 'href="/courses/listening-basics/why-listen/"' in body
    assert "<code>content/listening-basics/en/first-steps/why-listen.md</code>" in body
    assert "<code>content/listening-basics/es/first-steps/why-listen.md</code>" in body
    deeper = client.get(COURSE + "lessons/listening-in-groups").get_data(as_text=True)
    assert "content/listening-basics/en/going-deeper/listening-in-groups.md" in deeper and "/es/" not in deeper
    links = [r for r in html_table(client.get(COURSE), "progress")]
    assert ["First steps", "Why listen?"] in [r[:2] for r in links]
    assert f'href="{LESSON}?region=africa"' in client.get(COURSE + "?region=africa").get_data(as_text=True)


def test_what_people_wrote_comes_out_as_text(app, client, team):
    add_learners(app, 5, better='<script>alert("XSS")</script>', unsafe='<img src=x onerror=alert("XSS")>')
    body = client.get(LESSON).get_data(as_text=True)
    assert dangerous_markup(body) == ["<svg>"]  # the page's own chart
    assert "&lt;script&gt;" in body and "&lt;img src=x" in body


# --- the CSVs hold what the page shows -------------------------------------------------------------------------------

@pytest.fixture
def varied(app, team, community_kit):
    cohort = make_cohort(app, community_kit, "Varied")
    add_learners(app, 6, cohort=cohort, region="africa", usefulness=4, better="=HYPERLINK(\"http://evil.example\")")
    add_learners(app, 5, region="asia", locale="es", usefulness=2, better="Más ejemplos", unsafe="-Duele")
    add_learners(app, 3, lesson="listening-to-disagree", usefulness=5, completed=False)
    add_pre_post(app, 6)
    return cohort


@pytest.mark.parametrize("query", ["", "?region=africa", "?lang=es", "?cohort={cohort}", "?region=asia&lang=es",
                                   "?start=2020-01-01&end=2040-01-01"])
def test_every_csv_holds_exactly_what_the_page_shows(client, varied, query):
    query = query.format(cohort=varied)
    pages = {"/course-team/": ["courses"], COURSE: ["progress", "usefulness", "scale", "choices"],
             LESSON: ["figures", "distribution", "unsafe", "comments"]}
    csv_urls = {"/course-team/": "/course-team/{table}.csv", COURSE: COURSE + "{table}.csv",
                LESSON: LESSON + "/{table}.csv"}
    for url, table_ids in pages.items():
        page = client.get(url + query)
        for table in table_ids:
            download = client.get(csv_urls[url].format(table=table) + query)
            assert unguarded(csv_rows(download)) == html_table(page, table), (url, table)
    assert HIDDEN in str(html_table(client.get(COURSE + query), "usefulness"))  # the other lesson: 3 people


def test_the_csv_never_hands_a_spreadsheet_a_formula(client, varied):
    rows = csv_rows(client.get(LESSON + "/comments.csv?region=africa"))
    assert rows[1][2] == "'=HYPERLINK(\"http://evil.example\")"
    assert csv_rows(client.get(LESSON + "/unsafe.csv"))[1][2] == "'-Duele"


def test_the_report_reads_in_spanish(app, client, auth, make_user, content):
    user_id, email = make_user(display_name="Equipo", locale="es")
    with app.app_context():
        db.session.get(User, user_id).is_course_team = True
        db.session.commit()
    auth.sign_in(email)
    add_learners(app, 5, usefulness=4, locale="es")
    add_learners(app, 5, usefulness=3)
    page = client.get(COURSE)
    assert 'lang="es"' in page.get_data(as_text=True)
    usefulness = html_table(page, "usefulness")
    assert usefulness[2][:2] == ["Primeros pasos", "¿Por qué escuchar?"]
    assert usefulness[2][-1] == "3,5"  # the reader's decimal comma
    assert unguarded(csv_rows(client.get(COURSE + "usefulness.csv"))) == usefulness


# --- a constant number of queries ----------------------------------------------------------------------------------

def test_every_page_costs_the_same_queries_for_5_learners_and_for_25(app, client, team, community_kit):
    cohort = make_cohort(app, community_kit, "Growing")
    urls = ["/course-team/", "/course-team/courses.csv", COURSE, COURSE + f"?cohort={cohort}&region=africa&lang=en",
            COURSE + "progress.csv", COURSE + "choices.csv", LESSON, LESSON + "?start=2020-01-01&region=asia",
            LESSON + "/comments.csv"]
    counts = []
    for total in (5, 25):
        have = len(counts) and 5
        add_learners(app, total - have, cohort=cohort, region="africa", better="More", unsafe="Hurt")
        add_learners(app, (total - have) // 5, lesson="listening-in-groups", region="asia", usefulness=3)
        add_pre_post(app, total - have, cohort=cohort)
        with app.app_context():
            db.session.add(FocusGroup(course_id=factories.course().id, held_on=date(2030, 1, 1), participants=5,
                                      lesson_ids=[lesson_of("why-listen").id], worked="Fine"))
            db.session.commit()
        counts.append([count_queries(app, client, url) for url in urls])
    assert counts[0] == counts[1]
    assert max(counts[0]) <= 20, counts[0]
