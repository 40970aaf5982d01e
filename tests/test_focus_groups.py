"""Focus groups: recording a session (every field, consent for quotes, no future dates, only one's own cohorts),
who reads, changes and deletes it, the facilitator guide, the notes the course team's report reads, and every
route of the "focus_groups" blueprint x every role."""
import re
from datetime import date, timedelta

import factories
import pytest
from sqlalchemy import event

from colab.accounts.models import User
from colab.cohorts import service as cohorts
from colab.communities import service as communities
from colab.courses.models import Course, Lesson, Module
from colab.extensions import db
from colab.focus_groups import service as focus_groups
from colab.focus_groups.models import FocusGroup
from colab.markup import render
from colab.surveys import models as survey_models

POSTGRESQL = False  # focus groups' forms and notes (see conftest.py)

BLUEPRINTS = {"focus_groups"}
CourseGuide = getattr(survey_models, "CourseGuide", None)
NO_GUIDE_MODEL = "colab.surveys.models has no CourseGuide yet (another helper is writing it): the lead checks this"
GUIDANCE = "Write no names and no details that could identify a participant."
CONSENT = "Participants agreed that these words may be quoted, without names"


def _ids(app):
    """Ids of the sample course's modules and lessons, by slug."""
    with app.app_context():
        course = factories.course()
        modules = {m.slug: m.id for m in db.session.scalars(db.select(Module).filter_by(course_id=course.id))}
        lessons = {lesson.slug: lesson.id for lesson in db.session.scalars(db.select(Lesson).filter_by(
            course_id=course.id))}
        return course.id, modules, lessons


@pytest.fixture
def world(app, content, make_user):
    """The sample course run by two cohorts: "Spring circle" (africa: Chidi and Fola facilitate it, Amara learns
    in it) and "Harbour" (asia: nobody here facilitates it). Zola is a focal point of africa, Tess is on the
    course team, Sec is an admin."""
    people = {name: make_user(display_name=name) for name in ("Amara", "Chidi", "Fola", "Zola", "Tess")}
    people["Sec"] = make_user(display_name="Sec", is_admin=True)
    with app.app_context():
        user = lambda name: db.session.get(User, people[name][0])  # noqa: E731
        admin, course = user("Sec"), factories.course()
        africa = factories.community("circle", "regional", {"en": "Circle"}, {"en": "About"}, region="africa")
        asia = factories.community("harbour", "regional", {"en": "Harbour"}, {"en": "About"}, region="asia")
        spring = cohorts.create_cohort(admin, africa, course, "Spring circle", date(2030, 1, 1), date(2030, 3, 1),
                                       ["en"], "UTC", "self-paced")
        harbour = cohorts.create_cohort(admin, asia, course, "Harbour cohort", date(2030, 1, 1), date(2030, 3, 1),
                                        ["en"], "UTC", "self-paced")
        cohorts.join_cohort(user("Amara"), spring)
        cohorts.add_facilitator(user("Chidi"), spring)
        cohorts.add_facilitator(user("Fola"), spring)
        communities.make_focal_point(user("Zola"), factories.region_id("africa"))
        user("Tess").is_course_team = True
        user("Chidi").region_id = factories.region_id("africa")
        db.session.commit()
        ids = {"spring": spring.id, "harbour": harbour.id, "africa": factories.region_id("africa"),
               "asia": factories.region_id("asia")}
    course_id, modules, lessons = _ids(app)
    return {"people": people, "course": course_id, "modules": modules, "lessons": lessons, **ids}


def sign_in(auth, world, name):
    assert auth.sign_in(world["people"][name][1]).status_code == 302


def form_data(world, **changes):
    """A valid session: every field given."""
    data = {"held_on": (date.today() - timedelta(days=3)).isoformat(), "region": str(world["africa"]),
            "locale": "es", "cohort": str(world["spring"]), "participants": "12",
            "module": str(world["modules"]["first-steps"]),
            "lessons": [str(world["lessons"]["why-listen"]), str(world["lessons"]["listening-in-groups"])],
            "worked": "The role play.\nEveryone spoke.", "did_not_work": "The video was too long <b>here</b>.",
            "suggestions": "Shorter videos.", "quotes": "“I never listened like this before.”",
            "quotes_consent": "y"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def record_directly(app, world, recorder, **changes):
    """A session saved through the service as recorder (a name in world["people"]); its id."""
    values = {"held_on": date(2029, 5, 1), "region_id": world["africa"], "locale": "en", "cohort_id": None,
              "participants": 8, "module_id": None, "lesson_ids": [world["lessons"]["why-listen"]],
              "worked": "Worked", **changes}
    with app.app_context():
        group = FocusGroup(course_id=world["course"], recorded_by_id=world["people"][recorder][0], **values)
        db.session.add(group)
        db.session.commit()
        return group.id


def saved(app, group_id=None):
    with app.app_context():
        if group_id is None:
            return db.session.scalars(db.select(FocusGroup).order_by(FocusGroup.id)).all()
        return db.session.get(FocusGroup, group_id)


# --- recording -------------------------------------------------------------------------------------------------

def test_a_facilitator_records_a_session_with_every_field(app, client, auth, world):
    sign_in(auth, world, "Chidi")
    page = client.get("/focus-groups/new").get_data(as_text=True)  # one course: its form straight away
    assert GUIDANCE in page and CONSENT in page
    assert "/focus-groups/guide/listening-basics" in page
    assert f'<option selected value="{world["africa"]}">' in page  # the recorder's region by default
    assert "Spring circle" in page and "Harbour cohort" not in page  # only the cohorts they facilitate
    boxes = page[page.index("<legend>Lessons discussed"):]  # the lessons, grouped by module
    assert boxes.index("First steps") < boxes.index("Why listen") < boxes.index("Going deeper") \
        < boxes.index("Listening in groups")

    response = client.post("/focus-groups/new", data=form_data(world))
    assert response.status_code == 302
    [group] = saved(app)
    assert response.headers["Location"].endswith(f"/focus-groups/{group.id}")
    assert (group.held_on, group.region_id, group.locale, group.cohort_id, group.participants) == (
        date.today() - timedelta(days=3), world["africa"], "es", world["spring"], 12)
    assert group.module_id == world["modules"]["first-steps"]
    assert sorted(group.lesson_ids) == sorted([world["lessons"]["why-listen"], world["lessons"]["listening-in-groups"]])
    assert group.worked == "The role play.\nEveryone spoke." and group.suggestions == "Shorter videos."
    assert group.quotes_consent is True and group.recorded_by_id == world["people"]["Chidi"][0]

    page = client.get(f"/focus-groups/{group.id}").get_data(as_text=True)
    assert 'class="report-text">The role play.\nEveryone spoke.</p>' in page  # plain text, line breaks kept
    assert "too long &lt;b&gt;here&lt;/b&gt;." in page and "<b>here</b>" not in page
    assert "“I never listened like this before.”" in page
    for shown in ("Spring circle", "Africa", "Español", "First steps", "Why listen", "Listening in groups"):
        assert shown in page


def test_the_form_keeps_what_was_typed_and_says_what_is_missing(app, client, auth, world):
    sign_in(auth, world, "Zola")
    response = client.post("/focus-groups/new?course=listening-basics", data=form_data(
        world, module="", lessons=None, participants="0", worked="Kept text", did_not_work="", suggestions="",
        quotes="", cohort=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose the module or at least one lesson that was discussed." in page
    assert "Give a number from 1 to 200." in page
    assert "Kept text" in page and 'aria-invalid="true"' in page
    nothing = client.post("/focus-groups/new", data=form_data(world, cohort="", worked="", did_not_work="",
                                                               suggestions="", quotes=""))
    assert nothing.status_code == 400
    assert "Write at least one note" in nothing.get_data(as_text=True)
    assert saved(app) == []


def test_quotes_are_refused_without_the_participants_consent(app, client, auth, world):
    sign_in(auth, world, "Chidi")
    response = client.post("/focus-groups/new", data=form_data(world, quotes_consent=None))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Quotes are kept only when the participants agreed to be quoted." in page
    assert "“I never listened like this before.”" in page  # kept, to tick the box or remove them
    assert saved(app) == []
    # without quotes, no consent is needed (and none is recorded)
    assert client.post("/focus-groups/new", data=form_data(world, quotes="", quotes_consent=None)).status_code == 302
    assert client.post("/focus-groups/new", data=form_data(world)).status_code == 302
    assert [group.quotes_consent for group in saved(app)] == [False, True]


def test_a_session_cannot_be_held_in_the_future(app, client, auth, world):
    sign_in(auth, world, "Chidi")
    tomorrow = (focus_groups.today_for(User(timezone="UTC")) + timedelta(days=2)).isoformat()
    response = client.post("/focus-groups/new", data=form_data(world, held_on=tomorrow))
    assert response.status_code == 400
    assert "The date cannot be in the future" in response.get_data(as_text=True)
    assert saved(app) == []
    today = focus_groups.today_for(User(timezone="UTC")).isoformat()
    assert client.post("/focus-groups/new", data=form_data(world, held_on=today)).status_code == 302


def test_the_cohort_must_be_one_the_recorder_runs_or_facilitates(app, client, auth, world):
    sign_in(auth, world, "Chidi")
    response = client.post("/focus-groups/new", data=form_data(world, cohort=str(world["harbour"])))
    assert response.status_code == 400
    assert "Choose one of the cohorts of this course that you run or facilitate" in response.get_data(as_text=True)
    assert saved(app) == []
    # the focal point of africa runs Spring circle; the admin runs every cohort
    auth.sign_out()
    sign_in(auth, world, "Zola")
    assert client.post("/focus-groups/new", data=form_data(world)).status_code == 302
    assert client.post("/focus-groups/new", data=form_data(world, cohort=str(world["harbour"]))).status_code == 400
    auth.sign_out()
    sign_in(auth, world, "Sec")
    assert client.post("/focus-groups/new", data=form_data(world, cohort=str(world["harbour"]))).status_code == 302
    with app.app_context():
        with pytest.raises(focus_groups.InvalidSession):  # the service holds the same line
            focus_groups.record(db.session.get(User, world["people"]["Chidi"][0]),
                                db.session.get(Course, world["course"]), focus_groups.SessionData(
                                    held_on=date(2029, 1, 1), region_id=None, locale="en",
                                    cohort_id=world["harbour"], participants=5, module_id=None,
                                    lesson_ids=[world["lessons"]["why-listen"]], worked="x"))


def test_a_learner_cannot_record_a_session(app, client, auth, world):
    sign_in(auth, world, "Amara")
    assert client.get("/focus-groups/new").status_code == 403
    assert client.get("/focus-groups/").status_code == 403
    assert client.post("/focus-groups/new", data=form_data(world)).status_code == 403
    assert saved(app) == []


# --- reading ----------------------------------------------------------------------------------------------------

def test_facilitators_read_their_own_sessions_and_the_course_team_reads_all(app, client, auth, world):
    chidis = record_directly(app, world, "Chidi", worked="Chidi's notes", locale="en")
    folas = record_directly(app, world, "Fola", worked="Fola's notes", locale="es", region_id=world["asia"])
    sign_in(auth, world, "Chidi")
    page = client.get("/focus-groups/").get_data(as_text=True)
    assert f"/focus-groups/{chidis}" in page and f"/focus-groups/{folas}" not in page
    assert "Record a session" in page
    assert client.get(f"/focus-groups/{chidis}").status_code == 200
    assert client.get(f"/focus-groups/{folas}").status_code == 404  # not even told it exists
    auth.sign_out()

    sign_in(auth, world, "Tess")
    page = client.get("/focus-groups/").get_data(as_text=True)
    assert f"/focus-groups/{chidis}" in page and f"/focus-groups/{folas}" in page
    assert "Chidi" in page and "Fola" in page  # who recorded each
    assert "Fola&#39;s notes" in client.get(f"/focus-groups/{folas}").get_data(as_text=True)
    by_region = client.get(f"/focus-groups/?region={world['asia']}").get_data(as_text=True)
    assert f"/focus-groups/{folas}" in by_region and f"/focus-groups/{chidis}" not in by_region
    by_language = client.get("/focus-groups/?locale=en").get_data(as_text=True)
    assert f"/focus-groups/{chidis}" in by_language and f"/focus-groups/{folas}" not in by_language
    by_course = client.get(f"/focus-groups/?course={world['course']}&locale=es").get_data(as_text=True)
    assert f"/focus-groups/{folas}" in by_course
    assert client.get("/focus-groups/?course=abc").status_code == 404


def test_the_list_is_paginated(app, client, auth, world):
    app.config["PER_PAGE"] = 2
    for day in range(1, 6):
        record_directly(app, world, "Chidi", held_on=date(2029, 5, day))
    sign_in(auth, world, "Chidi")
    first = client.get("/focus-groups/").get_data(as_text=True)
    assert "Page 1 of 3" in first and "5 sessions" in first
    assert "May 5, 2029" in first and "May 3, 2029" not in first
    assert "May 1, 2029" in client.get("/focus-groups/?page=3").get_data(as_text=True)


# --- changing and deleting -------------------------------------------------------------------------------------

def test_its_recorder_and_admins_change_a_session_others_cannot(app, client, auth, world):
    group_id = record_directly(app, world, "Chidi", cohort_id=world["spring"], quotes="Old quote",
                               quotes_consent=True)
    sign_in(auth, world, "Chidi")
    page = client.get(f"/focus-groups/{group_id}/edit").get_data(as_text=True)
    assert "Old quote" in page
    assert "checked" in re.search(r'<input[^>]*id="quotes_consent"[^>]*>', page).group(0)
    response = client.post(f"/focus-groups/{group_id}/edit", data=form_data(world, participants="20",
                                                                             quotes="", quotes_consent=None))
    assert response.status_code == 302
    group = saved(app, group_id)
    assert (group.participants, group.quotes, group.quotes_consent) == (20, "", False)
    assert client.post(f"/focus-groups/{group_id}/edit",
                       data=form_data(world, quotes_consent=None)).status_code == 400
    auth.sign_out()

    sign_in(auth, world, "Tess")  # the course team reads it, but does not rewrite a recorder's notes
    assert client.get(f"/focus-groups/{group_id}").status_code == 200
    assert client.get(f"/focus-groups/{group_id}/edit").status_code == 403
    assert client.post(f"/focus-groups/{group_id}/edit", data=form_data(world)).status_code == 403
    auth.sign_out()

    sign_in(auth, world, "Fola")  # another facilitator of the same cohort does not learn it exists
    assert client.get(f"/focus-groups/{group_id}/edit").status_code == 404
    auth.sign_out()

    sign_in(auth, world, "Sec")
    assert client.post(f"/focus-groups/{group_id}/edit", data=form_data(world, participants="30")).status_code == 302
    group = saved(app, group_id)
    assert group.participants == 30 and group.recorded_by_id == world["people"]["Chidi"][0]


def test_a_changed_session_keeps_its_cohort_when_the_recorder_no_longer_facilitates_it(app, client, auth, world):
    group_id = record_directly(app, world, "Chidi", cohort_id=world["harbour"])  # e.g. they facilitated it then
    sign_in(auth, world, "Chidi")
    assert "Harbour cohort" in client.get(f"/focus-groups/{group_id}/edit").get_data(as_text=True)
    assert client.post(f"/focus-groups/{group_id}/edit",
                       data=form_data(world, cohort=str(world["harbour"]))).status_code == 302


def test_a_change_keeps_the_lessons_archived_since(app, client, auth, world):
    lessons, modules = world["lessons"], world["modules"]
    group_id = record_directly(app, world, "Chidi", lesson_ids=[lessons["listening-in-groups"]],
                               module_id=modules["going-deeper"])
    with app.app_context():  # e.g. a publication took the module out of course.yml
        db.session.get(Module, modules["going-deeper"]).archived = True
        db.session.get(Lesson, lessons["listening-in-groups"]).archived = True
        db.session.commit()
    sign_in(auth, world, "Chidi")
    page = client.get(f"/focus-groups/{group_id}").get_data(as_text=True)
    assert "Listening in groups" in page and "no longer in the course" in page
    edit = client.get(f"/focus-groups/{group_id}/edit").get_data(as_text=True)
    assert f'<option selected value="{modules["going-deeper"]}">Going deeper</option>' in edit
    response = client.post(f"/focus-groups/{group_id}/edit", data=form_data(
        world, cohort="", module=str(modules["going-deeper"]), lessons=[str(lessons["why-listen"])]))
    assert response.status_code == 302
    group = saved(app, group_id)
    assert sorted(group.lesson_ids) == sorted([lessons["why-listen"], lessons["listening-in-groups"]])
    assert group.module_id == modules["going-deeper"]


def test_its_recorder_and_admins_delete_a_session_after_a_confirmation(app, client, auth, world):
    first = record_directly(app, world, "Chidi")
    second = record_directly(app, world, "Chidi")
    sign_in(auth, world, "Tess")
    assert client.get(f"/focus-groups/{first}/delete").status_code == 403
    assert client.post(f"/focus-groups/{first}/delete").status_code == 403
    auth.sign_out()
    sign_in(auth, world, "Chidi")
    page = client.get(f"/focus-groups/{first}/delete").get_data(as_text=True)
    assert "This cannot be undone." in page
    assert saved(app, first) is not None  # asking deletes nothing
    response = client.post(f"/focus-groups/{first}/delete")
    assert response.status_code == 302 and saved(app, first) is None
    assert client.get(f"/focus-groups/{first}").status_code == 404
    auth.sign_out()
    sign_in(auth, world, "Sec")
    assert client.post(f"/focus-groups/{second}/delete").status_code == 302
    assert saved(app) == []


# --- the facilitator guide -----------------------------------------------------------------------------------

def test_the_course_choice_links_a_guide_only_for_courses_that_have_one(app, client, auth, world):
    with app.app_context():
        db.session.add(Course(slug="no-guide", title={"en": "A course without a guide"}, summary={}))
        db.session.commit()
    sign_in(auth, world, "Chidi")
    page = client.get("/focus-groups/new").get_data(as_text=True)
    assert 'href="/focus-groups/new?course=no-guide"' in page and 'href="/focus-groups/new?course=listening-basics"' \
        in page
    assert "/focus-groups/guide/listening-basics" in page
    assert "/focus-groups/guide/no-guide" not in page  # it would lead to the "no guide" page


def make_guide(app, course_id, locale, title, body):
    """A CourseGuide row, made directly (in place of one the sample content may have loaded)."""
    with app.app_context():
        db.session.execute(db.delete(CourseGuide).filter_by(course_id=course_id, locale=locale))
        db.session.add(CourseGuide(course_id=course_id, locale=locale, title=title, body_html=render(body)))
        db.session.commit()


def remove_guides(app, course_id):
    """No guide for the course, whatever the sample content holds."""
    if CourseGuide is not None:
        with app.app_context():
            db.session.execute(db.delete(CourseGuide).filter_by(course_id=course_id))
            db.session.commit()


@pytest.mark.skipif(CourseGuide is None, reason=NO_GUIDE_MODEL)
def test_the_guide_shows_in_the_readers_language_to_print(app, client, auth, world):
    remove_guides(app, world["course"])
    make_guide(app, world["course"], "en", "Running a focus group", "## Module 1\n\nAsk: *what surprised you?*")
    sign_in(auth, world, "Chidi")
    page = client.get("/focus-groups/guide/listening-basics").get_data(as_text=True)
    assert "Running a focus group" in page and "<em>what surprised you?</em>" in page
    assert '<article class="guide" lang="en">' in page
    assert "/focus-groups/guide/listening-basics" in client.get("/focus-groups/new").get_data(as_text=True)
    client.post("/language", data={"lang": "es", "next": "/"})
    page = client.get("/focus-groups/guide/listening-basics").get_data(as_text=True)
    assert "Running a focus group" in page and '<article class="guide" lang="en">' in page  # none in Spanish yet
    make_guide(app, world["course"], "es", "Cómo llevar un grupo focal",
               "## Módulo 1\n\nPregunta: *¿qué te sorprendió?*")
    page = client.get("/focus-groups/guide/listening-basics").get_data(as_text=True)
    assert "Cómo llevar un grupo focal" in page and "<em>¿qué te sorprendió?</em>" in page
    assert "Running a focus group" not in page


def test_a_course_without_a_guide_says_so(app, client, auth, world):
    remove_guides(app, world["course"])
    sign_in(auth, world, "Chidi")
    response = client.get("/focus-groups/guide/listening-basics")
    assert response.status_code == 404
    assert "No guide yet for this course" in response.get_data(as_text=True)
    assert client.get("/focus-groups/guide/no-such-course").status_code == 404


# --- the notes the course team's report reads --------------------------------------------------------------------

def test_notes_mentioning_a_lesson_by_its_id_or_its_module(app, world):
    lessons, modules = world["lessons"], world["modules"]
    by_lesson = record_directly(app, world, "Chidi", lesson_ids=[lessons["why-listen"]], held_on=date(2029, 1, 1))
    by_module = record_directly(app, world, "Chidi", lesson_ids=[], module_id=modules["first-steps"],
                                held_on=date(2029, 2, 1), locale="es")
    elsewhere = record_directly(app, world, "Fola", lesson_ids=[lessons["listening-in-groups"]],
                                held_on=date(2029, 3, 1), region_id=world["asia"], cohort_id=world["spring"])
    with app.app_context():
        course = db.session.get(Course, world["course"])
        statements = []

        def count(*args):
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        found = focus_groups.notes_mentioning(course, lesson_ids=[lessons["why-listen"]])
        event.remove(db.engine, "before_cursor_execute", count)
        assert [group.id for group in found] == [by_module, by_lesson]  # newest first
        assert len(statements) <= 2, statements  # no query per session
        mention = lambda **kw: [g.id for g in focus_groups.notes_mentioning(course, **kw)]  # noqa: E731
        assert mention(lesson_ids=[lessons["listening-in-groups"]]) == [elsewhere]
        assert mention(module_ids=[modules["going-deeper"]]) == []  # names neither the module nor any of it
        assert mention(module_ids=[modules["first-steps"]]) == [by_module]
        assert mention(lesson_ids=[lessons["why-listen"]], locale="es") == [by_module]
        assert mention(region_id=world["asia"]) == [elsewhere]
        assert mention(cohort_id=world["spring"]) == [elsewhere]
        assert mention(since=date(2029, 1, 15), until=date(2029, 2, 28)) == [by_module]
        index = focus_groups.notes_index(course)
        assert [g.id for g in index.for_lesson(lessons["why-listen"], modules["first-steps"])] == [by_module,
                                                                                                   by_lesson]
        assert [g.id for g in index.for_module(modules["going-deeper"], [lessons["listening-in-groups"]])] == [
            elsewhere]


# --- every route x every role ----------------------------------------------------------------------------------

# "learner" learns in the cohort (and once recorded a session, {mine}, e.g. as a former facilitator);
# "facilitator" facilitates it; "focal" is a focal point of its region; "team" is on the course team; {theirs} is a
# session another facilitator recorded. 302 for "anonymous" means "sent to sign in".
ROLES = ("anonymous", "learner", "facilitator", "focal", "team", "admin")
GUIDE = "302 403 200 200 200 200" if CourseGuide is not None else "302 403 404 404 404 404"
VALID = "valid"

ROUTES = [
    ("list", "GET", "/focus-groups/", None, "302 403 200 200 200 200"),
    ("list filtered", "GET", "/focus-groups/?region={africa}&locale=en", None, "302 403 200 200 200 200"),
    ("record: choose", "GET", "/focus-groups/new", None, "302 403 200 200 200 200"),
    ("record", "POST", "/focus-groups/new", VALID, "302 403 302 302 302 302"),
    ("record in the future", "POST", "/focus-groups/new", {"held_on": "2999-01-01"}, "302 403 400 400 400 400"),
    ("record: unknown course", "GET", "/focus-groups/new?course=nope", None, "302 403 404 404 404 404"),
    ("read mine", "GET", "/focus-groups/{mine}", None, "302 200 200 200 200 200"),
    ("read theirs", "GET", "/focus-groups/{theirs}", None, "302 404 404 404 200 200"),
    ("read unknown", "GET", "/focus-groups/999999", None, "302 404 404 404 404 404"),
    ("edit mine", "GET", "/focus-groups/{mine}/edit", None, "302 200 200 200 200 200"),
    ("save mine", "POST", "/focus-groups/{mine}/edit", {"cohort": ""}, "302 302 302 302 302 302"),
    ("edit theirs", "GET", "/focus-groups/{theirs}/edit", None, "302 404 404 404 403 200"),
    ("save theirs", "POST", "/focus-groups/{theirs}/edit", VALID, "302 404 404 404 403 302"),
    ("delete mine: confirm", "GET", "/focus-groups/{mine}/delete", None, "302 200 200 200 200 200"),
    ("delete mine", "POST", "/focus-groups/{mine}/delete", {}, "302 302 302 302 302 302"),
    ("delete theirs", "POST", "/focus-groups/{theirs}/delete", {}, "302 404 404 404 403 302"),
    ("guide", "GET", "/focus-groups/guide/listening-basics", None, GUIDE),
    ("guide of an unknown course", "GET", "/focus-groups/guide/nope", None, "302 403 404 404 404 404"),
]
ACTORS = {"learner": "Amara", "facilitator": "Fola", "focal": "Zola", "team": "Tess", "admin": "Sec"}


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_every_role_as_the_table_says(app, client, auth, world, role):
    """Each row gets fresh sessions ({mine} recorded by the actor, {theirs} by Chidi). No page shows an email."""
    if CourseGuide is not None:
        make_guide(app, world["course"], "en", "Running a focus group", "Ask what surprised them.")
    actor = ACTORS.get(role, "Chidi")
    if role != "anonymous":
        sign_in(auth, world, actor)
    token = client.csrf_token()
    emails = [email for _id, email in world["people"].values()]
    actual, expected, leaks = {}, {}, []
    for name, method, url, data, codes in ROUTES:
        places = {"mine": record_directly(app, world, actor), "theirs": record_directly(app, world, "Chidi"),
                  "africa": world["africa"]}
        target = url.format(**places)
        if method == "GET":
            response = client.get(target)
        else:
            body = form_data(world, **{"cohort": "", **({} if data == VALID else data)}) if data != {} else {}
            response = client.post(target, data={"csrf_token": token, **body}, csrf=False)
        actual[name] = response.status_code
        expected[name] = dict(zip(ROLES, map(int, codes.split()), strict=True))[role]
        leaks += [f"{name}: {email}" for email in emails if email in response.get_data(as_text=True)]
    assert actual == expected
    assert leaks == []


def test_the_table_covers_every_route_of_the_blueprint(app):
    """A new route in the blueprint fails here until it has a row (with its expectations) in ROUTES."""
    adapter = app.url_map.bind("colab.test")
    placeholders = {"mine": 1, "theirs": 2, "africa": 3}
    covered = {(adapter.match(url.format(**placeholders).split("?")[0], method=method)[0], method)
               for _name, method, url, *_ in ROUTES}
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              if rule.endpoint.split(".")[0] in BLUEPRINTS for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - covered == set(), "routes without a row in ROUTES"
    assert covered <= routes
    assert len({row[0] for row in ROUTES}) == len(ROUTES), "row names must be unique"


def test_no_template_of_focus_groups_marks_text_safe():
    from pathlib import Path
    folder = Path(__file__).parent.parent / "colab" / "templates" / "focus_groups"
    assert not [path.name for path in folder.glob("*.html") if re.search(r"\|\s*safe\b", path.read_text())]
