"""Lesson feedback: a learner's optional answers at the end of a lesson, changed at will, and an unsafe flag that
reaches the course team at once without the learner's name or words."""
import html
from datetime import date, timedelta
from pathlib import Path

import factories
import pytest
from babel.messages.extract import extract_from_dir

from colab.accounts.models import User
from colab.communities.models import Pacing
from colab.courses.models import Lesson
from colab.extensions import db
from colab.feedback.models import LessonFeedback
from colab.models_base import utcnow
from colab.notifications.models import Notification

POSTGRESQL = False  # lesson feedback and its report (see conftest.py)

ROOT = Path(__file__).resolve().parent.parent
COURSE = "/courses/listening-basics/"
LESSON_PAGE = COURSE + "why-listen/"
LEARNER = "Amina Learner"
SECRET = "The story about the kitchen reminded me of XYZZY"
REPORT_LINK = "/course-team/listening-basics/lessons/why-listen"
WHO_READS = "The course team reads this, at once. Your name is not shown to them in the report."
ROLES = ("anonymous", "learner", "cohort_learner", "facilitator", "course_team", "admin")


def text(response):
    return html.unescape(response.get_data(as_text=True))


class World:
    """The sample course; a learner on their own, a learner of a scheduled cohort that started today (so the
    second module is closed to them), its facilitator, a course-team member, admins (one suspended), a focal
    point and another learner."""

    def __init__(self, app, client, auth, make_user, community_kit):
        self.app, self.client, self.auth = app, client, auth
        names = {"learner": LEARNER, "cohort_learner": "Carlos Cohort", "facilitator": "Fatima Facilitator",
                 "course_team": "Teresa Team", "admin": "Admin Person", "suspended_admin": "Gone Admin",
                 "focal": "Focal Person", "other_learner": "Other Learner", "spanish_admin": "Ana Secretaria"}
        self.ids, self.emails = {}, {}
        for role, name in names.items():
            self.ids[role], self.emails[role] = make_user(
                display_name=name, is_admin=role in ("admin", "suspended_admin", "spanish_admin"),
                locale="es" if role == "spanish_admin" else "en")
        slug = community_kit.community("circle", region="africa")
        community_kit.focal_point(self.ids["focal"], "africa")
        with app.app_context():
            db.session.get(User, self.ids["course_team"]).is_course_team = True
            db.session.get(User, self.ids["suspended_admin"]).suspended_at = utcnow()
            self.cohort_id = factories.cohort(
                slug, "Spring circle", starts_on=date.today(), ends_on=date.today() + timedelta(days=60),
                timezone="UTC", pacing=Pacing.SCHEDULED, languages=["en", "es"],
                learners=[self.ids["cohort_learner"]], facilitators=[self.ids["facilitator"]]).id
            db.session.commit()
            self.lessons = {lesson.slug: lesson.id for lesson in db.session.scalars(db.select(Lesson))}

    def sign_in(self, role):
        self.auth.sign_out()
        if role != "anonymous":
            assert self.auth.sign_in(self.emails[role]).status_code == 302

    def give(self, lesson="why-listen", **answers):
        data = {f"feedback-{name}": str(value) for name, value in answers.items()}
        return self.client.post(f"/feedback/lessons/{self.lessons[lesson]}", data=data)

    def rows(self):
        with self.app.app_context():
            return db.session.scalars(db.select(LessonFeedback).order_by(LessonFeedback.id)).all()

    def notifications(self):
        with self.app.app_context():
            return db.session.scalars(db.select(Notification).order_by(Notification.id)).all()


@pytest.fixture
def world(app, client, auth, make_user, community_kit, content):
    return World(app, client, auth, make_user, community_kit)


def test_the_block_ends_the_lesson_and_leads_to_the_form_with_who_reads_what(world):
    world.sign_in("learner")
    page = text(world.client.get(LESSON_PAGE))
    block = page.index('id="feedback"')
    assert page.index('id="activity-listening-purpose"') < block < page.index("Mark as done and continue")
    assert "Your feedback on this lesson" in page and "You told us" not in page
    form_url = f'/feedback/lessons/{world.lessons["why-listen"]}'
    assert f'<a href="{form_url}">Tell the course team what you thought of it</a>' in page[block:]
    assert 'type="radio"' not in page[block:]  # the form is not downloaded with every lesson
    form = text(world.client.get(form_url))
    assert "<legend>Was this lesson useful?</legend>" in form and "Every question is optional." in form
    assert "1 (not useful)" in form and "5 (very useful)" in form and form.count('type="radio"') == 5
    assert "What would make it better?" in form and "Did anything in this lesson feel unsafe or hurtful?" in form
    assert WHO_READS in form and "Nothing was saved" not in form
    assert "Back to the lesson" in form


def test_giving_feedback_keeps_it_and_shows_it_back_to_the_learner_alone(world):
    world.sign_in("learner")
    world.client.get(LESSON_PAGE)
    response = world.give(usefulness=4, better="More stories from the Caribbean")
    assert response.status_code == 302
    assert response.location.endswith("/courses/listening-basics/why-listen/#feedback")
    page = text(world.client.get(response.location))
    assert "Thank you: your feedback is saved." in page
    assert "You told us:" in page and "Useful: 4 of 5" in page and "Change my feedback" in page
    assert "More stories from the Caribbean" in page
    form = text(world.client.get(f'/feedback/lessons/{world.lessons["why-listen"]}'))
    assert '<input checked id="feedback-usefulness-3" name="feedback-usefulness" type="radio" value="4">' in form
    assert "More stories from the Caribbean</textarea>" in form
    [row] = world.rows()
    assert (row.user_id, row.lesson_id, row.usefulness, row.better, row.unsafe, row.unsafe_at, row.cohort_id,
            row.locale) == (world.ids["learner"], world.lessons["why-listen"], 4, "More stories from the Caribbean",
                            "", None, None, "en")
    assert world.notifications() == []  # only an unsafe answer tells anyone
    world.sign_in("other_learner")  # feedback is the learner's own
    page = text(world.client.get(LESSON_PAGE))
    assert "More stories from the Caribbean" not in page and "You told us" not in page


def test_a_learner_changes_their_answers_later(world):
    world.sign_in("learner")
    assert world.give(usefulness=2, better="Shorter, please").status_code == 302
    page = text(world.client.get(f'/feedback/lessons/{world.lessons["why-listen"]}'))
    assert "Shorter, please</textarea>" in page  # the same form, filled in
    assert world.give(usefulness=5, better="").status_code == 302
    [row] = world.rows()
    assert (row.usefulness, row.better) == (5, "")
    page = text(world.client.get(LESSON_PAGE))
    assert "Useful: 5 of 5" in page and "Shorter, please" not in page
    assert "Change my feedback" in page


def test_an_empty_answer_is_refused_clearly_and_keeps_nothing(world):
    world.sign_in("learner")
    response = world.give(better="   ", unsafe="\n")
    assert response.status_code == 400
    page = text(response)
    assert "Your feedback is empty" in page and "Back to the lesson" in page and "Nothing was saved." in page
    assert world.rows() == [] and world.notifications() == []
    world.give(usefulness=3)
    response = world.give()  # an empty change keeps the earlier answers as they were
    assert response.status_code == 400
    assert "your earlier answers are kept as they were" in text(response)
    assert [row.usefulness for row in world.rows()] == [3]


def test_answers_that_are_too_long_are_refused_with_what_was_typed(world):
    world.sign_in("learner")
    response = world.give(usefulness=2, better="b" * 1001)
    assert response.status_code == 400
    page = text(response)
    assert "Please write at most 1000 characters (this has 1001)." in page
    assert "b" * 1001 + "</textarea>" in page and 'aria-invalid="true"' in page
    response = world.give(unsafe="u" * 2001)
    assert response.status_code == 400 and "at most 2000 characters" in text(response)
    assert world.rows() == [] and world.notifications() == []
    assert world.give(better="b" * 1000, unsafe="u" * 2000).status_code == 302
    assert [(len(row.better), len(row.unsafe)) for row in world.rows()] == [(1000, 2000)]


def test_an_out_of_range_score_is_refused(world):
    world.sign_in("learner")
    assert world.give(usefulness=9).status_code == 400
    assert world.give(usefulness="many").status_code == 400
    assert world.rows() == []


def test_a_lesson_that_has_not_opened_for_the_learner_takes_no_feedback(world):
    world.sign_in("cohort_learner")
    response = world.give(lesson="listening-in-groups", usefulness=1, unsafe="Something hurt")
    assert response.status_code == 403
    assert world.rows() == [] and world.notifications() == []
    assert world.give(usefulness=4).status_code == 302  # an open lesson of the same cohort does
    [row] = world.rows()
    assert row.cohort_id == world.cohort_id


def test_an_unsafe_answer_reaches_the_course_team_and_admins_at_once_without_name_or_words(world):
    world.sign_in("learner")
    response = world.give(usefulness=2, unsafe=SECRET)
    assert response.status_code == 302
    assert "The course team has been told" in text(world.client.get(response.location))
    [row] = world.rows()
    assert row.unsafe == SECRET and row.unsafe_at is not None
    told = world.notifications()
    assert sorted(n.user_id for n in told) == sorted(world.ids[r] for r in ("course_team", "admin", "spanish_admin"))
    for notification in told:
        assert (notification.kind, notification.link, notification.params) == (
            "lesson_unsafe", REPORT_LINK, {"lesson": world.lessons["why-listen"]})
        assert notification.actor_id is None
    for reader, title, course in (("course_team", "Why listen?", "Listening basics"),
                                  ("spanish_admin", "¿Por qué escuchar?", "Escucha básica")):
        world.sign_in(reader)
        page = text(world.client.get("/notifications/"))
        assert title in page and course in page  # worded when read, in the reader's language
        assert LEARNER not in page and "XYZZY" not in page
        notification_id = next(n.id for n in told if n.user_id == world.ids[reader])
        follow = world.client.get(f"/notifications/{notification_id}")
        assert follow.status_code == 302 and follow.location.endswith(REPORT_LINK)
    assert world.app.url_map.bind("colab.test").match(REPORT_LINK)[0] == "reports.lesson"  # the lesson's report
    for role in ("learner", "facilitator", "focal", "other_learner"):
        world.sign_in(role)
        assert "flagged" not in text(world.client.get("/notifications/"))


def test_the_team_is_told_again_only_when_the_unsafe_answer_changes(world):
    world.sign_in("learner")
    world.give(unsafe=SECRET)
    first = len(world.notifications())
    assert first == 3
    world.give(usefulness=3, unsafe=SECRET)  # the same words: nothing new to read
    assert len(world.notifications()) == first
    world.give(usefulness=3, unsafe=SECRET + " and more")
    assert len(world.notifications()) == 2 * first
    world.give(usefulness=3, unsafe="")  # taken back: no flag any more
    [row] = world.rows()
    assert row.unsafe == "" and row.unsafe_at is None
    assert len(world.notifications()) == 2 * first


def test_a_discreet_reader_is_told_without_the_lesson_s_name(world, app):
    with app.app_context():
        db.session.get(User, world.ids["admin"]).discreet = True
        db.session.commit()
    world.sign_in("learner")
    world.give(unsafe=SECRET)
    world.sign_in("admin")
    page = text(world.client.get("/notifications/"))
    assert "A learner flagged something in a lesson as unsafe or hurtful." in page
    assert "Why listen?" not in page


def test_the_block_is_on_the_spanish_lesson_page_and_its_strings_are_translatable(world, make_user, auth):
    _user_id, email = make_user(display_name="Lucía Lectora", locale="es")
    world.auth.sign_out()
    auth.sign_in(email)
    page = text(world.client.get(LESSON_PAGE))
    assert '<html lang="es"' in page and "¿Por qué escuchar?" in page
    assert 'id="feedback"' in page and f'href="/feedback/lessons/{world.lessons["why-listen"]}"' in page
    assert world.client.post(f"/feedback/lessons/{world.lessons['why-listen']}",
                             data={"feedback-usefulness": "5"}).status_code == 302
    [row] = world.rows()
    assert row.locale == "es"  # the language the lesson was read in
    extracted = set()
    for folder, method in (("colab/templates/feedback", "jinja2"), ("colab/feedback", "python")):
        for _, _, message, _, _ in extract_from_dir(
                ROOT / folder, [("**.html", method), ("**.py", method)], {"**.html": {"trimmed": "true"}},
                keywords={"_": None, "gettext": None, "lazy_gettext": None, "_l": None}):
            extracted.add(message)
    for shown in ("Your feedback on this lesson", "Was this lesson useful?", "1 (not useful)", "5 (very useful)",
                  "What would make it better?", "Did anything in this lesson feel unsafe or hurtful?", WHO_READS,
                  "You told us:", "Send my feedback", "Change my feedback", "(optional)",
                  "Tell the course team what you thought of it", "Every question is optional."):
        assert shown in extracted, shown


# --- every route of the blueprint, for every kind of person ----------------------------------------------------

# One status per role, in ROLES order; 302 for "anonymous" means "sent to sign in".
SAVED = "302 302 302 302 302 302"
ROUTES = [
    ("give feedback", "POST", "/feedback/lessons/{open}", {"feedback-usefulness": "4"}, SAVED),
    ("flag something unsafe", "POST", "/feedback/lessons/{open}", {"feedback-unsafe": "It hurt"}, SAVED),
    ("give nothing", "POST", "/feedback/lessons/{open}", {}, "302 400 400 400 400 400"),
    ("feedback on a lesson not open yet", "POST", "/feedback/lessons/{locked}", {"feedback-usefulness": "4"},
     "302 302 403 302 302 302"),
    ("feedback on an archived lesson", "POST", "/feedback/lessons/{archived}", {"feedback-usefulness": "4"},
     "302 404 404 404 404 404"),
    ("feedback on an unknown lesson", "POST", "/feedback/lessons/999999", {"feedback-usefulness": "4"},
     "302 404 404 404 404 404"),
    ("the form", "GET", "/feedback/lessons/{open}", {}, "302 200 200 200 200 200"),
    ("the form of a lesson not open yet", "GET", "/feedback/lessons/{locked}", {}, "302 200 403 200 200 200"),
    ("the form of an archived lesson", "GET", "/feedback/lessons/{archived}", {}, "302 404 404 404 404 404"),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,method,url,data,expected", ROUTES, ids=[route[0] for route in ROUTES])
def test_route_access(world, app, role, name, method, url, data, expected):
    with app.app_context():
        db.session.get(Lesson, world.lessons["listening-to-disagree"]).archived = True
        db.session.commit()
    world.sign_in(role)
    url = url.format(open=world.lessons["why-listen"], locked=world.lessons["listening-in-groups"],
                     archived=world.lessons["listening-to-disagree"])
    response = world.client.get(url) if method == "GET" else world.client.post(url, data=data)
    assert response.status_code == int(expected.split()[ROLES.index(role)]), (name, role)
    if role == "anonymous":
        assert "/sign-in?next=" in response.location
    body = response.get_data(as_text=True)
    assert not any(email in body for email in world.emails.values())


def test_the_table_covers_every_route_of_the_blueprint(app):
    adapter = app.url_map.bind("colab.test")
    covered = {(adapter.match(url.format(open=1, locked=1, archived=1), method=method)[0], method)
               for _, method, url, _, _ in ROUTES}
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules() if rule.endpoint.startswith("feedback.")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes and routes - covered == set()
