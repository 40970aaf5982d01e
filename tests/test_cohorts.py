"""Running a cohort at the request level: creating it with its pacing, its page, settings with a preview of the
new dates, module dates, live sessions, the roster and facilitators, and the admin's cohort roles."""
import re
from datetime import UTC, date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import factories
import pytest
from babel.dates import format_datetime

from colab.accounts.models import User
from colab.admin.models import AdminAct, AdminAction
from colab.cohorts import pacing
from colab.cohorts import service as cohorts
from colab.cohorts.models import CohortFacilitator, LiveSession, ModuleRelease
from colab.communities import service as communities
from colab.communities.models import Cohort
from colab.courses import service as courses
from colab.courses.models import Course, Enrolment, Lesson, LessonProgress
from colab.extensions import db
from colab.models_base import utcnow

POSTGRESQL = False  # the cohort pages (pacing's dates: test_pacing) (see conftest.py)

NEW = "/communities/circle/cohorts/new"


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def world(app, make_user, community_kit, auth, content):
    """A regional community of africa with two members; a focal point of africa and one of asia; an admin; a
    learner of another community."""
    w = SimpleNamespace(app=app, kit=community_kit)
    w.circle = community_kit.community("circle", "regional", region="africa")
    w.elsewhere = community_kit.community("elsewhere", "regional", region="asia")
    w.focal = make_user(email="fatou.private@example.org", display_name="Fatou Focal", timezone="Europe/Madrid")
    w.other_focal = make_user(display_name="Asha Focal")
    w.admin = make_user(display_name="Secretariat", is_admin=True)
    w.amara = make_user(email="amara.private@example.org", display_name="Amara Diallo")
    w.bongani = make_user(email="bongani.private@example.org", display_name="Bongani Dube")
    w.olu = make_user(email="olu.private@example.org", display_name="Olu Amarachi")
    community_kit.focal_point(w.focal[0], "africa")
    community_kit.focal_point(w.other_focal[0], "asia")
    for person in (w.amara, w.bongani):
        community_kit.member(person[0], w.circle)
    community_kit.member(w.olu[0], w.elsewhere)
    w.sign_in = lambda person: (auth.sign_out(), auth.sign_in(person[1]))
    return w


def course_id(app):
    with app.app_context():
        return factories.course().id


def form(app, **overrides):
    return {"name": "Spring circle", "course": str(course_id(app)), "starts_on": "2030-03-01",
            "ends_on": "2030-06-30", "languages": ["en", "es"], "timezone": "America/Bogota",
            "pacing": "scheduled", **overrides}


def make_cohort(world, name="Spring circle", pacing_="scheduled", timezone="America/Bogota", slug=None):
    with world.app.app_context():
        cohort = cohorts.create_cohort(db.session.get(User, world.admin[0]),
                                       communities.find_community(slug or world.circle), factories.course(), name,
                                       date(2030, 3, 1), date(2030, 6, 30), ["en"], timezone, pacing_)
        db.session.commit()
        return cohort.id


def audit(app, action):
    with app.app_context():
        return [(row.subject_id, row.cohort_id, row.community_id, row.reason)
                for row in db.session.scalars(db.select(AdminAction).filter_by(action=action)
                                              .order_by(AdminAction.id))]


def community_id(app, slug):
    with app.app_context():
        return communities.find_community(slug).id


def load(app, model, **filters):
    with app.app_context():
        return db.session.scalars(db.select(model).filter_by(**filters)).all()


# --- creating a cohort ------------------------------------------------------------------------------------

@pytest.mark.parametrize("pacing_", ["self-paced", "scheduled"])
def test_a_focal_point_creates_a_cohort_with_its_pacing(client, world, pacing_):
    world.sign_in(world.focal)
    response = client.post(NEW, data=form(world.app, pacing=pacing_))
    assert response.status_code == 302
    [cohort] = load(world.app, Cohort)
    assert (cohort.name, cohort.languages, cohort.timezone, cohort.pacing) == (
        "Spring circle", ["en", "es"], "America/Bogota", pacing_)
    assert audit(world.app, AdminAct.CREATE_COHORT) == [
        (None, cohort.id, community_id(world.app, "circle"), f"Spring circle (listening-basics, {pacing_})")]
    page = text(client.get(response.location))
    assert "English, Español" in page and "Listening basics" in page
    if pacing_ == "scheduled":
        assert "Module dates" in page and "Opens on (America/Bogota)" in page
        assert "Going deeper" in page and "March 8, 2030" in page  # the course plan: a week after the start
    else:
        assert "Self-paced: every learner goes at their own pace" in page and "Module dates" not in page


def test_the_form_offers_languages_time_zones_and_pacing(client, world):
    world.sign_in(world.focal)
    page = text(client.get(NEW))
    assert 'type="checkbox"' in page and 'value="es"' in page and "Español" in page
    assert '<option selected value="Europe/Madrid">' in page  # the focal point's own time zone to start with
    assert 'type="radio"' in page and "Scheduled: modules open on dates" in page


@pytest.mark.parametrize("changes, message", [
    ({"languages": []}, "Choose at least one language."),
    ({"starts_on": "2030-06-30", "ends_on": "2030-03-01"}, "The end date must be on or after the start date."),
    ({"pacing": None}, "Choose how the cohort moves through the course."),
    ({"timezone": "Mars/Olympus"}, "Not a valid choice."),
    ({"name": ""}, "Give the cohort a name."),
])
def test_creation_errors_keep_what_was_typed(client, world, changes, message):
    world.sign_in(world.focal)
    data = {key: value for key, value in form(world.app, **{"name": "Typed circle", **changes}).items()
            if value is not None}
    response = client.post(NEW, data=data)
    page = text(response)
    assert response.status_code == 400 and message in page
    assert load(world.app, Cohort) == []
    if "name" not in changes:
        assert 'value="Typed circle"' in page
    if "languages" not in changes:
        assert re.search(r'<input checked id="languages-1" name="languages" type="checkbox" value="es">', page)
    if "timezone" not in changes:
        assert '<option selected value="America/Bogota">' in page


# --- pacing: local midnight in the cohort's time zone ------------------------------------------------------

def test_a_module_opens_at_local_midnight_in_the_cohort_time_zone(client, world):
    cohort_id = make_cohort(world, timezone="America/Bogota")
    with world.app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        first, second = pacing.plan(cohort)
        assert (first.opens_on, second.opens_on) == (date(2030, 3, 1), date(2030, 3, 8))
        assert second.opens_at == datetime(2030, 3, 8, 5, tzinfo=UTC)  # Bogotá is five hours behind UTC
        cohorts.join_cohort(db.session.get(User, world.amara[0]), cohort)
        db.session.commit()
        assert courses.locked_modules(db.session.get(User, world.amara[0]), cohort.course) == {
            first.module.id: first.opens_at, second.module.id: second.opens_at}
    world.sign_in(world.focal)  # reads in Europe/Madrid, where it is 6 in the morning
    page = text(client.get(f"/communities/circle/cohorts/{cohort_id}/"))
    moment = format_datetime(second.opens_at, "d MMM y, HH:mm", tzinfo=ZoneInfo("Europe/Madrid"), locale="en")
    assert "March 8, 2030" in page and moment == "8 Mar 2030, 06:00" and moment in page
    assert "Your time (Europe/Madrid)" in page


# --- settings and the preview of new dates ----------------------------------------------------------------

def settings_form(**overrides):
    return {"name": "Spring circle", "starts_on": "2030-03-15", "ends_on": "2030-06-30", "languages": "en",
            "timezone": "America/Bogota", "pacing": "scheduled", **overrides}


def test_preview_shows_the_new_dates_and_saves_nothing(client, world):
    cohort_id = make_cohort(world)
    with world.app.app_context():
        first = pacing.plan(db.session.get(Cohort, cohort_id))[0].module.id
        pacing.set_dates(db.session.get(Cohort, cohort_id), {first: date(2030, 3, 2)})  # its own date
        db.session.commit()
    world.sign_in(world.focal)
    response = client.post(f"/cohorts/{cohort_id}/settings",
                           data=settings_form(name="Typed name", action="preview"))
    page = text(response)
    assert response.status_code == 200 and "Nothing is saved yet" in page
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", page, re.S)
    assert [(module, current, re.sub(r"<.*?>", "", new).strip()) for module, current, new in rows] == [
        ("First steps", "March 2, 2030", "March 2, 2030 the cohort's own date: stays"),
        ("Going deeper", "March 8, 2030", "March 22, 2030 changes")]
    assert 'value="Typed name"' in page and 'value="2030-03-15"' in page
    with world.app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        assert (cohort.name, cohort.starts_on) == ("Spring circle", date(2030, 3, 1))
    assert audit(world.app, AdminAct.EDIT_COHORT) == []


def test_saving_settings_is_logged_with_what_changed(client, world):
    cohort_id = make_cohort(world)
    world.sign_in(world.focal)
    response = client.post(f"/cohorts/{cohort_id}/settings",
                           data=settings_form(languages=["en", "es"], pacing="self-paced", action="save"))
    assert response.status_code == 302
    with world.app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        assert (cohort.starts_on, cohort.languages, cohort.pacing) == (date(2030, 3, 15), ["en", "es"], "self-paced")
    [(_subject, logged_cohort, community, reason)] = audit(world.app, AdminAct.EDIT_COHORT)
    assert (logged_cohort, community) == (cohort_id, community_id(world.app, "circle"))
    assert reason == ("starts_on: 2030-03-01 → 2030-03-15; languages: en → en, es; "
                      "pacing: scheduled → self-paced")
    assert "Self-paced" in text(client.get(response.location))


def test_settings_refuse_an_end_before_the_start(client, world):
    cohort_id = make_cohort(world)
    world.sign_in(world.focal)
    response = client.post(f"/cohorts/{cohort_id}/settings",
                           data=settings_form(ends_on="2030-01-01", action="save"))
    assert response.status_code == 400 and "The end date must be on or after the start date." in text(response)
    assert load(world.app, Cohort)[0].ends_on == date(2030, 6, 30)


# --- module dates ---------------------------------------------------------------------------------------

def modules(world, cohort_id):
    with world.app.app_context():
        return [opening.module.id for opening in pacing.plan(db.session.get(Cohort, cohort_id))]


def test_module_dates_are_prefilled_and_saved(client, world):
    cohort_id = make_cohort(world)
    first, second = modules(world, cohort_id)
    world.sign_in(world.focal)
    page = text(client.get(f"/cohorts/{cohort_id}/schedule"))
    assert f'name="opens_{second}" type="date" value="2030-03-08"' in page and "Course plan: March 8, 2030" in page
    response = client.post(f"/cohorts/{cohort_id}/schedule", data={f"opens_{first}": "2030-03-01",
                                                                  f"opens_{second}": "2030-03-20"})
    assert response.status_code == 302
    assert [(row.module_id, row.opens_on) for row in load(world.app, ModuleRelease)] == [(second, date(2030, 3, 20))]
    assert [row[3] for row in audit(world.app, AdminAct.EDIT_COHORT)] == ["going-deeper: 2030-03-08 → 2030-03-20"]
    # the box "use the course plan", and an empty date, go back to the plan
    client.post(f"/cohorts/{cohort_id}/schedule", data={f"opens_{second}": "2030-03-20", f"plan_{second}": "y"})
    assert load(world.app, ModuleRelease) == []
    client.post(f"/cohorts/{cohort_id}/schedule", data={f"opens_{second}": "2030-03-25"})
    client.post(f"/cohorts/{cohort_id}/schedule", data={f"opens_{second}": ""})
    assert load(world.app, ModuleRelease) == []


def test_module_dates_may_not_go_backwards(client, world):
    cohort_id = make_cohort(world)
    first, second = modules(world, cohort_id)
    world.sign_in(world.focal)
    response = client.post(f"/cohorts/{cohort_id}/schedule", data={f"opens_{first}": "2030-03-10",
                                                                  f"opens_{second}": "2030-03-09"})
    page = text(response)
    assert response.status_code == 400
    error = re.search(rf'<p class="error" id="opens_{second}-error">(.*?)</p>', page, re.S).group(1)
    assert "would open before “First steps” (March 10, 2030)" in error
    assert f'aria-describedby="opens_{second}-hint opens_{second}-error"' in page
    assert 'value="2030-03-09"' in page  # what was typed stays
    assert load(world.app, ModuleRelease) == [] and audit(world.app, AdminAct.EDIT_COHORT) == []


def test_a_self_paced_cohort_has_no_module_dates(client, world):
    cohort_id = make_cohort(world, pacing_="self-paced")
    world.sign_in(world.focal)
    assert client.get(f"/cohorts/{cohort_id}/schedule").status_code == 404
    assert "Module dates" not in text(client.get(f"/cohorts/{cohort_id}/roster"))


# --- live sessions --------------------------------------------------------------------------------------

def test_live_sessions_are_set_in_the_cohort_time_zone_and_read_in_ones_own(client, world):
    cohort_id = make_cohort(world, timezone="America/Bogota")
    world.sign_in(world.focal)
    response = client.post(f"/cohorts/{cohort_id}/sessions", data={
        "title": "Opening call", "day": "2030-03-02", "time": "18:30", "minutes": "60",
        "link": "https://meet.example.org/circle"})
    assert response.status_code == 302
    [session] = load(world.app, LiveSession)
    assert session.starts_at == datetime(2030, 3, 2, 23, 30, tzinfo=UTC)
    page = text(client.get(f"/communities/circle/cohorts/{cohort_id}/"))  # Fatou reads in Madrid
    assert "Opening call" in page and "Sunday 3 March 2030, 00:30" in page and "https://meet.example.org/circle" in page
    world.sign_in(world.bongani)  # a member of the community, not of the cohort
    page = text(client.get(f"/communities/circle/cohorts/{cohort_id}/"))
    assert "Opening call" in page and "meet.example.org" not in page
    world.sign_in(world.focal)
    assert client.post(f"/cohorts/{cohort_id}/sessions/{session.id}/remove").status_code == 302
    assert load(world.app, LiveSession) == []
    assert [row[3].split(":")[0] for row in audit(world.app, AdminAct.EDIT_COHORT)] == [
        "live session added", "live session removed"]


@pytest.mark.parametrize("link", ["http://meet.example.org/x", "javascript:alert(1)", "https://", "meet.example.org"])
def test_a_meeting_link_must_be_https(client, world, link):
    cohort_id = make_cohort(world)
    world.sign_in(world.focal)
    response = client.post(f"/cohorts/{cohort_id}/sessions", data={
        "title": "Opening call", "day": "2030-03-02", "time": "18:30", "minutes": "60", "link": link})
    assert response.status_code == 400
    assert "Give a link that starts with https://, or leave it empty." in text(response)
    assert load(world.app, LiveSession) == []


def test_past_sessions_come_after_upcoming_ones(client, world):
    cohort_id = make_cohort(world)
    with world.app.app_context():
        db.session.add_all([LiveSession(cohort_id=cohort_id, title=title, starts_at=when, minutes=60)
                            for title, when in [("Long ago", datetime(2020, 1, 1, tzinfo=UTC)),
                                                ("Soon", datetime(2040, 1, 1, tzinfo=UTC))]])
        db.session.commit()
    world.sign_in(world.focal)
    page = text(client.get(f"/communities/circle/cohorts/{cohort_id}/"))
    assert page.index("Coming up") < page.index("Soon") < page.index("Past sessions") < page.index("Long ago")


# --- the roster -----------------------------------------------------------------------------------------

def complete_a_lesson(world, person):
    with world.app.app_context():
        user = db.session.get(User, person[0])
        course = db.session.get(Course, course_id(world.app))
        courses.set_completed(user, db.session.scalar(db.select(Lesson).filter_by(course=course, slug="why-listen")))
        db.session.commit()


def progress(world, person):
    with world.app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(LessonProgress)
                                 .filter_by(user_id=person[0]).where(LessonProgress.completed_at.is_not(None)))


def enrolled_in(world, person):
    with world.app.app_context():
        return db.session.scalar(db.select(Enrolment.cohort_id).filter_by(user_id=person[0]))


def test_add_move_and_remove_a_learner_keeping_their_progress(client, world):
    cohort_id = make_cohort(world)
    later_id = make_cohort(world, name="Autumn circle")
    complete_a_lesson(world, world.amara)
    world.sign_in(world.focal)
    found = text(client.post(f"/cohorts/{cohort_id}/roster", data={"q": "amar"}))
    assert "Amara Diallo" in found and "Add Amara Diallo as a learner" in found
    assert "Olu Amarachi" not in found  # not a member of this community
    assert client.post(f"/cohorts/{cohort_id}/learners/{world.amara[0]}/add").status_code == 302
    assert enrolled_in(world, world.amara) == cohort_id
    roster = text(client.get(f"/cohorts/{cohort_id}/roster"))
    assert "Amara Diallo" in roster and "1 of 3" in roster and "Autumn circle" in roster
    response = client.post(f"/cohorts/{cohort_id}/learners/{world.amara[0]}/move", data={"to": str(later_id)})
    assert response.status_code == 302
    assert enrolled_in(world, world.amara) == later_id and progress(world, world.amara) == 1
    assert client.post(f"/cohorts/{later_id}/learners/{world.amara[0]}/remove").status_code == 302
    assert enrolled_in(world, world.amara) is None and progress(world, world.amara) == 1
    circle = community_id(world.app, "circle")
    assert audit(world.app, AdminAct.ADD_LEARNER) == [(world.amara[0], cohort_id, circle, "")]
    assert audit(world.app, AdminAct.MOVE_LEARNER) == [
        (world.amara[0], later_id, circle, f"from Spring circle (#{cohort_id}) to Autumn circle (#{later_id})")]
    assert audit(world.app, AdminAct.REMOVE_LEARNER) == [(world.amara[0], later_id, circle, "")]


def test_nobody_from_another_community_is_added(client, world):
    cohort_id = make_cohort(world)
    world.sign_in(world.focal)
    assert client.post(f"/cohorts/{cohort_id}/learners/{world.olu[0]}/add").status_code == 404
    assert client.post(f"/cohorts/{cohort_id}/facilitators/{world.olu[0]}/add").status_code == 404
    assert enrolled_in(world, world.olu) is None and load(world.app, CohortFacilitator) == []
    assert audit(world.app, AdminAct.ADD_LEARNER) == []


def test_a_learner_moves_only_to_a_cohort_of_the_same_course_the_focal_point_runs(client, world):
    cohort_id = make_cohort(world)
    asian_id = make_cohort(world, name="Asian circle", slug=world.elsewhere)
    world.sign_in(world.focal)
    client.post(f"/cohorts/{cohort_id}/learners/{world.amara[0]}/add")
    assert "Asian circle" not in text(client.get(f"/cohorts/{cohort_id}/roster"))
    response = client.post(f"/cohorts/{cohort_id}/learners/{world.amara[0]}/move", data={"to": str(asian_id)})
    assert response.status_code == 404 and enrolled_in(world, world.amara) == cohort_id


def test_someone_in_another_cohort_of_the_course_is_not_taken_from_it(client, world):
    asian_id = make_cohort(world, name="Asian circle", slug=world.elsewhere)
    cohort_id = make_cohort(world)
    with world.app.app_context():
        cohorts.join_cohort(db.session.get(User, world.amara[0]), db.session.get(Cohort, asian_id))
        db.session.commit()
    world.sign_in(world.focal)
    assert "Takes this course in another cohort." in text(client.post(f"/cohorts/{cohort_id}/roster",
                                                                       data={"q": "Amara"}))
    response = client.post(f"/cohorts/{cohort_id}/learners/{world.amara[0]}/add", follow_redirects=True)
    assert "this person takes the course in another cohort" in text(response)
    assert enrolled_in(world, world.amara) == asian_id


def test_the_roster_search_is_by_display_name_only_and_shows_no_email(client, world):
    cohort_id = make_cohort(world)
    world.sign_in(world.focal)
    client.post(f"/cohorts/{cohort_id}/learners/{world.amara[0]}/add")
    for query in ("amara.private", "bongani.private@example.org", "example.org"):
        page = text(client.post(f"/cohorts/{cohort_id}/roster", data={"q": query}))
        assert "No member of this community has a display name containing" in page
    assert "Type at least 2 letters" in text(client.post(f"/cohorts/{cohort_id}/roster", data={"q": "a"}))
    pages = text(client.get(f"/cohorts/{cohort_id}/roster")) + text(
        client.post(f"/cohorts/{cohort_id}/roster", data={"q": "dube"}))
    assert "Amara Diallo" in pages and "Bongani Dube" in pages
    assert "private@example.org" not in pages


def test_nobody_acts_on_a_suspended_person(client, world):
    cohort_id = make_cohort(world)
    with world.app.app_context():
        db.session.get(User, world.bongani[0]).suspended_at = utcnow()
        db.session.commit()
    world.sign_in(world.focal)
    found = text(client.post(f"/cohorts/{cohort_id}/roster", data={"q": "bongani"}))
    assert "Suspended: nothing about them can be changed" in found and "Add Bongani Dube" not in found
    for act in ("learners", "facilitators"):
        response = client.post(f"/cohorts/{cohort_id}/{act}/{world.bongani[0]}/add", follow_redirects=True)
        assert "this person&#39;s account is suspended" in text(response)
    assert enrolled_in(world, world.bongani) is None and load(world.app, CohortFacilitator) == []
    assert audit(world.app, AdminAct.ADD_LEARNER) == audit(world.app, AdminAct.APPOINT_COHORT_FACILITATOR) == []


def test_facilitators_are_appointed_from_the_members_and_named_on_the_cohort_page(client, world):
    cohort_id = make_cohort(world)
    world.sign_in(world.focal)
    assert client.post(f"/cohorts/{cohort_id}/facilitators/{world.bongani[0]}/add").status_code == 302
    page = text(client.get(f"/communities/circle/cohorts/{cohort_id}/"))
    assert re.search(r"<dt>Facilitators</dt>\s*<dd>Bongani Dube</dd>", page)
    assert client.post(f"/cohorts/{cohort_id}/facilitators/{world.bongani[0]}/remove").status_code == 302
    assert load(world.app, CohortFacilitator) == []
    circle = community_id(world.app, "circle")
    assert audit(world.app, AdminAct.APPOINT_COHORT_FACILITATOR) == [(world.bongani[0], cohort_id, circle, "")]
    assert audit(world.app, AdminAct.REMOVE_COHORT_FACILITATOR) == [(world.bongani[0], cohort_id, circle, "")]


@pytest.mark.parametrize("who", ["other_focal", "amara"])
def test_another_region_and_a_learner_run_nothing(client, world, who):
    cohort_id = make_cohort(world)
    with world.app.app_context():
        cohorts.join_cohort(db.session.get(User, world.amara[0]), db.session.get(Cohort, cohort_id))
        db.session.commit()
    world.sign_in(getattr(world, who))
    for path in ("settings", "schedule", "sessions", "roster"):
        assert client.get(f"/cohorts/{cohort_id}/{path}").status_code == 403
    assert client.post(f"/cohorts/{cohort_id}/learners/{world.bongani[0]}/add").status_code == 403
    assert client.post(f"/cohorts/{cohort_id}/learners/{world.amara[0]}/remove").status_code == 403
    assert client.post(f"/cohorts/{cohort_id}/settings", data=settings_form(action="save")).status_code == 403
    assert enrolled_in(world, world.amara) == cohort_id and load(world.app, Cohort)[0].starts_on == date(2030, 3, 1)
    assert "Manage" not in text(client.get(f"/communities/circle/cohorts/{cohort_id}/"))


# --- the list of one's cohorts, and the admin's person page -------------------------------------------------

def test_my_cohorts_lists_what_one_runs_or_facilitates(client, world):
    cohort_id = make_cohort(world)
    asian_id = make_cohort(world, name="Asian circle", slug=world.elsewhere)
    with world.app.app_context():
        cohorts.add_facilitator(db.session.get(User, world.bongani[0]), db.session.get(Cohort, cohort_id))
        db.session.commit()
    world.sign_in(world.focal)
    page = text(client.get("/cohorts/"))
    assert "Spring circle" in page and "Asian circle" not in page and f"/cohorts/{cohort_id}/roster" in page
    world.sign_in(world.bongani)
    page = text(client.get("/cohorts/"))
    assert "Spring circle" in page and "You facilitate it" in page and f"/cohorts/{cohort_id}/roster" not in page
    world.sign_in(world.admin)
    page = text(client.get("/cohorts/"))
    assert "Spring circle" in page and "Asian circle" in page and f"/cohorts/{asian_id}/settings" in page
    world.sign_in(world.amara)
    assert client.get("/cohorts/").status_code == 403


def test_an_admin_appoints_a_cohort_facilitator_from_their_page(client, world):
    cohort_id = make_cohort(world)
    world.sign_in(world.admin)
    person = f"/admin/users/{world.olu[0]}"
    assert "Facilitates no cohort." in text(client.get(person))
    assert client.post(person + "/cohort-facilitator", data={"cohort": str(cohort_id)}).status_code == 302
    page = text(client.get(person))
    assert "Remove as facilitator of the cohort Spring circle" in page
    assert client.post(person + "/cohort-facilitator", data={"cohort": ""}).status_code == 400
    assert client.post(f"{person}/cohort-facilitator/{cohort_id}/remove").status_code == 302
    assert load(world.app, CohortFacilitator) == []
    circle = community_id(world.app, "circle")
    assert audit(world.app, AdminAct.APPOINT_COHORT_FACILITATOR) == [(world.olu[0], cohort_id, circle, "")]
    assert audit(world.app, AdminAct.REMOVE_COHORT_FACILITATOR) == [(world.olu[0], cohort_id, circle, "")]
