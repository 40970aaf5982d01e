"""Surveys from content files: what the sync stores, answering or skipping once per course run, where learners
meet them, the facilitator guide, and who may open the surveys' pages."""
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import factories
import pytest

from colab.accounts.models import User
from colab.cohorts import service as cohorts
from colab.communities.models import Cohort, Pacing
from colab.courses import service as courses
from colab.courses.models import Course
from colab.extensions import db
from colab.markup import SafeHTML
from colab.surveys import service
from colab.surveys.models import CourseGuide, Survey, SurveyAnswer, SurveyKind

POSTGRESQL = False  # surveys, their answers and cards (see conftest.py)

SAMPLE = Path(__file__).parent / "fixtures" / "content"
COURSE = "listening-basics"
OVERVIEW = f"/courses/{COURSE}/"
PRE = f"/surveys/{COURSE}/pre"
POST = f"/surveys/{COURSE}/post"
MODULE = f"/surveys/{COURSE}/first-steps"
FIRST, SECOND, THIRD = (f"/courses/{COURSE}/{slug}/" for slug in ("why-listen", "listening-to-disagree",
                                                                  "listening-in-groups"))
ANSWERS = {"q_confidence": "2", "q_where": ["0", "2"], "q_hope": "To hear my son out."}
PRE_CARD = "Before you start: a 2-minute self-assessment"
MODULE_CARD = "You finished “First steps”: a 1-minute survey about it"
POST_CARD = "You completed the course: the same self-assessment again"


def text(response):
    return response.get_data(as_text=True)


def enrol(client):
    assert client.post(f"{OVERVIEW}enrol").status_code == 302


def complete(client, *lessons):
    for lesson in lessons:
        assert client.post(f"{lesson}complete").status_code == 302


def rows(app, **filters):
    """The answers stored, as (survey slug, run key, version, locale, answers, skipped), oldest first."""
    with app.app_context():
        found = db.session.scalars(db.select(SurveyAnswer).filter_by(**filters).order_by(SurveyAnswer.id))
        return [(row.survey.slug, row.run_key, row.version, row.locale, row.answers, row.skipped) for row in found]


def course_row(app):
    return db.session.scalar(db.select(Course).filter_by(slug=COURSE))


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(SAMPLE, root)
    return root


def sync(runner, root):
    result = runner.invoke(args=["content", "sync", "--dir", str(root)])
    assert result.exit_code == 0, result.output
    return result.output


# --- what the sync stores ---------------------------------------------------------------------------------------

def test_sync_stores_the_surveys_with_their_questions_texts_and_versions(app, content):
    with app.app_context():
        surveys = {s.slug: s for s in db.session.scalars(db.select(Survey))}
        assert sorted(surveys) == ["first-steps", "post", "pre"]
        pre, post, module = surveys["pre"], surveys["post"], surveys["first-steps"]
        assert (pre.kind, pre.version, pre.module) == (SurveyKind.PRE, 1, None)
        assert [(q["slug"], q["type"], q["required"]) for q in pre.questions] == [
            ("confidence", "scale", True), ("where", "multiple", False), ("hope", "text", False)]
        assert pre.questions[0]["min"] == 1 and pre.questions[0]["max"] == 5 and pre.questions[1]["choices"] == 3
        assert post.kind == SurveyKind.POST and post.questions == pre.questions and post.version == pre.version
        assert post.texts["es"]["title"] == "Ahora que terminaste"
        assert post.texts["es"]["questions"] == pre.texts["es"]["questions"]
        assert pre.texts["es"]["questions"]["where"]["choices"] == ["En casa", "En el trabajo", "En mi comunidad"]
        assert (module.kind, module.version, module.module.slug) == (SurveyKind.MODULE, 2, "first-steps")
        assert module.texts["en"]["questions"]["clarity"] == {"text": "How clear was this module?",
                                                               "low": "Not clear", "high": "Very clear"}
        assert pre.minutes == 2 and module.minutes == 1


def test_sync_stores_the_facilitator_guides_and_guide_for_falls_back(app, content):
    with app.app_context():
        course = course_row(app)
        english, spanish = service.guide_for(course, "en"), service.guide_for(course, "es")
        assert english.title == "Running a listening circle"
        assert isinstance(english.body_html, SafeHTML)
        assert "<strong>consent wording</strong>" in english.body_html
        assert spanish.title == "Cómo facilitar un círculo de escucha" and spanish.locale == "es"
        db.session.delete(spanish)
        db.session.flush()
        assert service.guide_for(course, "es").locale == "en"  # the first language that has one
        db.session.delete(english)
        db.session.flush()
        assert service.guide_for(course, "es") is None


def test_a_second_sync_changes_nothing_and_keeps_answers(app, runner, client, auth, tree):
    first = sync(runner, tree)
    assert "3 surveys, 2 facilitator guides" in first
    auth.as_new_user()
    enrol(client)
    assert client.post(PRE, data=ANSWERS).status_code == 302
    with app.app_context():
        before = sorted((s.id, s.slug, s.version, s.archived) for s in db.session.scalars(db.select(Survey)))
        guides = sorted((g.id, g.locale, g.title) for g in db.session.scalars(db.select(CourseGuide)))
    again = sync(runner, tree)
    assert "0 items archived; 3 surveys, 2 facilitator guides" in again
    with app.app_context():
        assert sorted((s.id, s.slug, s.version, s.archived) for s in db.session.scalars(db.select(Survey))) == before
        assert sorted((g.id, g.locale, g.title) for g in db.session.scalars(db.select(CourseGuide))) == guides
    assert len(rows(app)) == 1


def test_a_removed_survey_is_archived_with_its_answers_and_comes_back(app, runner, client, auth, tree):
    sync(runner, tree)
    auth.as_new_user()
    enrol(client)
    complete(client, FIRST, SECOND)
    assert client.post(MODULE, data={"q_clarity": "4", "q_relevance": "2"}).status_code == 302
    kept = rows(app)
    (tree / COURSE / "surveys" / "first-steps.yml").unlink()
    (tree / COURSE / "es" / "facilitator-guide.md").unlink()
    output = sync(runner, tree)
    assert "1 items archived; 2 surveys, 1 facilitator guides" in output
    assert client.get(MODULE).status_code == 404
    assert MODULE_CARD not in text(client.get(SECOND))
    assert rows(app) == kept
    with app.app_context():
        assert [g.locale for g in db.session.scalars(db.select(CourseGuide))] == ["en"]
    shutil.copy(SAMPLE / COURSE / "surveys" / "first-steps.yml", tree / COURSE / "surveys" / "first-steps.yml")
    sync(runner, tree)
    assert "You answered this survey on" in text(client.get(MODULE))
    assert rows(app) == kept


def edit(path, old, new):
    content = path.read_text(encoding="utf-8")
    assert old in content
    path.write_text(content.replace(old, new, 1), encoding="utf-8")


def test_answers_keep_their_version_and_changed_questions_need_a_new_one(app, runner, client, auth, tree):
    sync(runner, tree)
    auth.as_new_user()
    enrol(client)
    assert client.post(PRE, data=ANSWERS).status_code == 302
    pre = tree / COURSE / "surveys" / "pre.yml"
    edit(pre, "      en: [At home, At work, In my community]\n      es: [En casa, En el trabajo, En mi comunidad]",
         "      en: [At home, At work, In my community, Online]\n"
         "      es: [En casa, En el trabajo, En mi comunidad, En internet]")
    refused = runner.invoke(args=["content", "sync", "--dir", str(tree)])
    assert refused.exit_code == 1
    assert (f"{COURSE}/surveys/pre.yml:3: the questions changed since the last sync (slugs, types, choices or "
            "scale) but the version is still 1") in refused.output
    with app.app_context():
        assert db.session.scalar(db.select(Survey).filter_by(slug="pre")).questions[1]["choices"] == 3
    edit(pre, "version: 1", "version: 0")
    assert "must be a whole number from 1" in runner.invoke(args=["content", "check", "--dir", str(tree)]).output
    edit(pre, "version: 0", "version: 2")
    sync(runner, tree)
    with app.app_context():
        assert {s.slug: s.version for s in db.session.scalars(db.select(Survey))} == {
            "pre": 2, "post": 2, "first-steps": 2}
    assert rows(app) == [("pre", "self", 1, "en", {"confidence": 2, "where": [0, 2], "hope": "To hear my son out."},
                          False)]
    edit(pre, "version: 2", "version: 1")
    refused = runner.invoke(args=["content", "sync", "--dir", str(tree)])
    assert f"{COURSE}/surveys/pre.yml:3: version went down from 2 to 1" in refused.output


# --- answering, once per run -----------------------------------------------------------------------------------

def test_a_learner_answers_once_and_sees_when(app, client, auth, content):
    auth.as_new_user()
    enrol(client)
    page = text(client.get(PRE))
    assert "<h1 lang=\"en\">Before you start</h1>" in page
    assert "How confident are you listening to someone you disagree with?" in page
    assert "1 – Not at all" in page and "5 – Very" in page
    assert "Skip this survey" in page
    response = client.post(PRE, data={**ANSWERS, "next": FIRST})
    assert response.status_code == 302 and response.headers["Location"].endswith(FIRST)
    assert "Thank you: your answers are saved." in text(client.get(FIRST))
    expected = [("pre", "self", 1, "en", {"confidence": 2, "where": [0, 2], "hope": "To hear my son out."}, False)]
    assert rows(app) == expected
    page = text(client.get(PRE))
    assert re.search(r"You answered this survey on \w+ \d+, \d{4}", page)
    assert 'name="q_confidence"' not in page
    again = client.post(PRE, data={"q_confidence": "5"})
    assert again.status_code == 302
    assert "You answered this survey on" in text(client.get(again.headers["Location"]))
    assert rows(app) == expected


def test_a_learner_moved_to_another_cohort_answers_again_in_the_new_run(app, client, auth, content, community_kit):
    user_id, _email = auth.as_new_user()
    slug = community_kit.community("circle", region="africa")
    with app.app_context():
        spring, autumn = (factories.cohort(slug, name, pacing=Pacing.SELF_PACED,
                                           starts_on=date.today() - timedelta(days=1),
                                           ends_on=date.today() + timedelta(days=60), languages=["en"],
                                           learners=[user_id] if name == "Spring circle" else []).id
                          for name in ("Spring circle", "Autumn circle"))
        db.session.commit()
    assert PRE_CARD in text(client.get(FIRST))
    assert client.post(PRE, data=ANSWERS).status_code == 302
    assert PRE_CARD not in text(client.get(FIRST))
    with app.app_context():
        cohorts.join_cohort(db.session.get(User, user_id), db.session.get(Cohort, autumn))
        db.session.commit()
    assert PRE_CARD in text(client.get(FIRST))
    assert 'name="q_confidence"' in text(client.get(PRE))
    assert client.post(PRE, data={"q_confidence": "4"}).status_code == 302
    assert [(slug, run, answers) for slug, run, _v, _l, answers, _s in rows(app)] == [
        ("pre", f"cohort:{spring}", {"confidence": 2, "where": [0, 2], "hope": "To hear my son out."}),
        ("pre", f"cohort:{autumn}", {"confidence": 4})]
    with app.app_context():
        assert [row.cohort_id for row in db.session.scalars(db.select(SurveyAnswer).order_by(SurveyAnswer.id))] \
            == [spring, autumn]


def test_a_learner_can_skip_and_still_answer_later(app, client, auth, content):
    auth.as_new_user()
    enrol(client)
    assert PRE_CARD in text(client.get(FIRST))
    response = client.post(PRE, data={"skip": "1", "next": FIRST})
    assert response.status_code == 302 and response.headers["Location"].endswith(FIRST)
    page = text(client.get(FIRST))
    assert "You skipped the survey." in page and PRE_CARD not in page
    assert rows(app) == [("pre", "self", 1, "en", {}, True)]
    page = text(client.get(PRE))
    assert "You skipped this survey on" in page and 'name="q_confidence"' in page
    assert "Skip this survey" not in page
    assert client.post(PRE, data={"skip": "1"}).status_code == 302
    assert rows(app) == [("pre", "self", 1, "en", {}, True)]
    assert client.post(PRE, data={"q_confidence": "3"}).status_code == 302
    assert rows(app) == [("pre", "self", 1, "en", {"confidence": 3}, False)]


def test_a_survey_with_a_missing_answer_comes_back_with_what_was_chosen(app, client, auth, content):
    auth.as_new_user()
    enrol(client)
    response = client.post(PRE, data={"q_where": ["1", "2"], "q_hope": "Patience <b>please</b>"})
    assert response.status_code == 400
    page = text(response)
    assert "Choose an answer." in page
    assert 'aria-describedby="q_confidence-error"' in page
    assert re.search(r'name="q_where" value="1" checked', page) and re.search(r'name="q_where" value="2" checked',
                                                                              page)
    assert not re.search(r'name="q_where" value="0" checked', page)
    assert "Patience &lt;b&gt;please&lt;/b&gt;</textarea>" in page
    assert client.post(PRE, data={"q_confidence": "9"}).status_code == 400
    assert client.post(PRE, data={"q_confidence": "3", "q_where": "7"}).status_code == 400
    assert client.post(PRE, data={"q_confidence": "3", "q_hope": "x" * 2001}).status_code == 400
    assert rows(app) == []


def test_only_learners_of_the_course_answer(app, client, auth, content):
    auth.as_new_user()
    assert client.get(PRE).status_code == 404
    assert client.post(PRE, data=ANSWERS).status_code == 404
    assert client.post(PRE, data={"skip": "1"}).status_code == 404
    assert rows(app) == []


def test_a_spanish_reader_gets_the_spanish_survey(app, client, auth, content):
    auth.as_new_user(locale="es")
    enrol(client)
    page = text(client.get(PRE))
    assert '<h1 lang="es">Antes de empezar</h1>' in page
    assert "Tres preguntas rápidas sobre dónde estás hoy." in page
    assert "¿Cuánta confianza sientes al escuchar a alguien con quien no estás de acuerdo?" in page
    assert "1 – Nada" in page and "5 – Mucha" in page
    assert "En mi comunidad" in page and "At home" not in page
    assert "This survey is not yet available in your language" not in page
    assert client.post(PRE, data={"q_confidence": "5"}).status_code == 302
    assert rows(app)[0][3] == "es"
    complete(client, FIRST, SECOND)
    assert "Sobre los primeros pasos" in text(client.get(THIRD))


# --- where learners meet surveys ----------------------------------------------------------------------------------

def test_the_pre_survey_card_is_at_the_first_lesson_only_until_answered(app, client, auth, content):
    auth.as_new_user()
    enrol(client)
    page = text(client.get(FIRST))
    assert PRE_CARD in page and "Before you start" in page
    assert f'href="{PRE}?next=/courses/{COURSE}/why-listen/"' in page
    intro = "Three quick questions about where you are now."
    assert intro not in page and intro in text(client.get(PRE))  # on the survey's page, not in every lesson
    assert PRE_CARD not in text(client.get(SECOND))
    assert client.post(PRE, data=ANSWERS).status_code == 302
    assert PRE_CARD not in text(client.get(FIRST))


def test_the_module_survey_waits_for_the_module_and_is_offered_where_it_ends(app, client, auth, content):
    auth.as_new_user()
    enrol(client)
    closed = client.get(MODULE)
    assert closed.status_code == 403
    assert "This survey opens once you have done every lesson of the module “First steps”." in text(closed)
    complete(client, FIRST)
    assert MODULE_CARD not in text(client.get(SECOND))
    response = client.post(f"{SECOND}complete")
    assert response.headers["Location"].endswith(THIRD)
    assert MODULE_CARD in text(client.get(THIRD))
    assert MODULE_CARD in text(client.get(SECOND))
    assert MODULE_CARD not in text(client.get(FIRST))
    assert client.post(MODULE, data={"q_clarity": "5", "q_relevance": "1"}).status_code == 302
    assert MODULE_CARD not in text(client.get(THIRD))
    assert rows(app) == [("first-steps", "self", 2, "en", {"clarity": 5, "relevance": 1}, False)]


def test_the_post_survey_opens_when_the_course_is_completed(app, client, auth, content):
    auth.as_new_user()
    enrol(client)
    closed = client.get(POST)
    assert closed.status_code == 403 and "This survey opens once you have completed the course." in text(closed)
    complete(client, FIRST, SECOND, THIRD)
    page = text(client.get(THIRD))
    assert POST_CARD in page and PRE_CARD not in text(client.get(FIRST))
    page = text(client.get(POST))
    assert '<h1 lang="en">Now that you have finished</h1>' in page
    assert "How confident are you listening to someone you disagree with?" in page
    assert client.post(POST, data={"q_confidence": "4"}).status_code == 302
    assert rows(app) == [("post", "self", 1, "en", {"confidence": 4}, False)]
    late = client.get(PRE)
    assert late.status_code == 403 and "This survey was for the start of the course" in text(late)


def test_the_overview_provider_offers_what_is_due_in_each_place(app, client, auth, content):
    user_id, _email = auth.as_new_user()
    enrol(client)

    def cards():
        with app.app_context():
            user, course = db.session.get(User, user_id), course_row(app)
            outline = courses.outline(course, user)
            panels = courses.course_panels(user, course, outline, courses.enrolment_for(user, course))
            return [(panel.data["survey"].slug, panel.module_id is not None, panel.data["heading"])
                    for panel in panels]

    assert cards() == [("pre", False, 2)]
    complete(client, FIRST, SECOND)
    assert cards() == [("pre", False, 2), ("first-steps", True, 3)]
    complete(client, THIRD)
    assert cards() == [("first-steps", True, 3), ("post", False, 2)]
    assert client.post(POST, data={"skip": "1"}).status_code == 302
    assert cards() == [("first-steps", True, 3)]


def test_the_overview_page_shows_the_cards(app, client, auth, content):
    auth.as_new_user()
    enrol(client)
    assert PRE_CARD in text(client.get(OVERVIEW))
    complete(client, FIRST, SECOND, THIRD)
    page = text(client.get(OVERVIEW))
    assert POST_CARD in page and MODULE_CARD in page and PRE_CARD not in page


def test_strangers_and_people_outside_the_course_see_no_card(app, client, auth, content):
    assert PRE_CARD not in text(client.get(OVERVIEW))
    auth.as_new_user()
    assert PRE_CARD not in text(client.get(OVERVIEW))


# --- who may open the surveys' pages ----------------------------------------------------------------------------

BLUEPRINTS = {"surveys"}
# "outsider" is signed in and takes no course; "learner" takes the course on their own; "cohort_learner" in a
# cohort; "facilitator" facilitates that cohort without taking the course; "admin" takes no course either.
ROLES = ("anonymous", "outsider", "learner", "cohort_learner", "facilitator", "admin")
LEARNERS = {"learner", "cohort_learner"}

# (name, method, url, form data, expected status per role in ROLES order; 302 for "anonymous" = sent to sign in)
ROUTES = [
    ("pre survey", "GET", PRE, None, "302 404 200 200 404 404"),
    ("answer the pre survey", "POST", PRE, ANSWERS, "302 404 302 302 404 404"),
    ("answer without a required answer", "POST", PRE, {"q_hope": "Hello"}, "302 404 400 400 404 404"),
    ("skip the pre survey", "POST", PRE, {"skip": "1"}, "302 404 302 302 404 404"),
    ("post survey before the course is completed", "GET", POST, None, "302 404 403 403 404 404"),
    ("module survey before the module is done", "POST", MODULE, {"q_clarity": "3", "q_relevance": "0"},
     "302 404 403 403 404 404"),
    ("unknown survey", "GET", f"/surveys/{COURSE}/nothing", None, "302 404 404 404 404 404"),
    ("survey of an unknown course", "GET", "/surveys/no-course/pre", None, "302 404 404 404 404 404"),
]


@pytest.fixture
def cast(app, make_user, auth, community_kit):
    def sign_in_as(role):
        if role == "anonymous":
            return None
        user_id, email = make_user(display_name=f"Actor {role}", is_admin=role == "admin")
        if role in ("cohort_learner", "facilitator"):
            slug = community_kit.community("circle", region="africa")
            learners, facilitators = ([user_id], []) if role == "cohort_learner" else ([], [user_id])
            with app.app_context():
                factories.cohort(slug, "Circle", pacing=Pacing.SELF_PACED, starts_on=date.today(),
                                 ends_on=date.today() + timedelta(days=30), languages=["en"], learners=learners,
                                 facilitators=facilitators)
                db.session.commit()
        assert auth.sign_in(email).status_code == 302
        if role == "learner":
            enrol(auth.client)
        return user_id
    return sign_in_as


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_every_role_as_the_table_says(app, client, cast, content, role):
    """Each row starts from no answer, so no request changes what the next one finds."""
    cast(role)
    actual, expected, written = {}, {}, {}
    for name, method, url, data, codes in ROUTES:
        with app.app_context():
            db.session.execute(db.delete(SurveyAnswer))
            db.session.commit()
        response = client.get(url) if method == "GET" else client.post(url, data=data)
        actual[name] = response.status_code
        expected[name] = int(codes.split()[ROLES.index(role)])
        written[name] = [(slug, skipped) for slug, _run, _v, _l, _a, skipped in rows(app)]
        if role == "anonymous" and response.status_code == 302:
            assert "/sign-in" in response.headers["Location"]
    assert actual == expected
    saved = {"answer the pre survey": [("pre", False)], "skip the pre survey": [("pre", True)]}
    assert {name: found for name, found in written.items() if found} == (saved if role in LEARNERS else {})


def test_the_table_covers_every_route_of_the_blueprint(app):
    """A new route in the blueprint fails here until it has a row in ROUTES."""
    adapter = app.url_map.bind("colab.test")
    covered = {(adapter.match(url, method=method)[0], method) for _name, method, url, *_ in ROUTES}
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              if rule.endpoint.split(".")[0] in BLUEPRINTS for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - covered == set(), "routes without a row in ROUTES"
    assert covered <= routes
    assert len({row[0] for row in ROUTES}) == len(ROUTES), "row names must be unique"


# --- the real course's surveys and guides --------------------------------------------------------------------------

CONTENT = Path(__file__).resolve().parent.parent / "content"


def test_the_foundation_course_has_its_self_assessment_module_surveys_and_guides():
    from colab.courses.loader import read_content
    course = next(c for c in read_content(CONTENT) if c.slug == "power-patriarchy-feminism")
    surveys = {survey.slug: survey for survey in course.surveys}
    pre, post = surveys["pre"], surveys["post"]
    assert post.same_as == "pre" and post.questions is pre.questions
    assert set(pre.title) == set(post.title) == {"en", "es", "fr"}
    types = [question.type for question in pre.questions]
    assert 5 <= len(types) <= 7 and types.count("multiple") == 1 and types.count("text") == 1
    assert all((q.min, q.max) == (1, 5) and q.texts["es"]["low"] and q.texts["es"]["high"]
               for q in pre.questions if q.type == "scale")
    modules = {survey.module: survey for survey in course.surveys if survey.kind == "module"}
    assert sorted(modules) == sorted(module.slug for module in course.modules)
    for survey in modules.values():
        assert [q.type for q in survey.questions] == ["scale", "single", "text"]
        assert set(survey.title) == {"en", "es", "fr"}
    for locale in ("en", "es", "fr"):
        body = course.guides[locale].body
        for module in course.modules:
            assert f"### {module.title[locale]}\n" in body, (locale, module.slug)
    assert "voluntary" in course.guides["en"].body and "voluntario" in course.guides["es"].body
    assert "volontaire" in course.guides["fr"].body
