"""Sharing a reflection with one's cohort: who reads it, unsharing, editing, a facilitator hiding it."""
from datetime import date, timedelta

import factories
import pytest
from html_safety import ATTACKS, dangerous_markup
from sqlalchemy import event

from colab.accounts.models import User
from colab.admin.models import AdminAct, AdminAction
from colab.cohorts import service as cohorts
from colab.cohorts.models import SharedReflection
from colab.communities.models import Cohort, Pacing
from colab.courses.models import Response
from colab.extensions import db

COURSE = "/courses/listening-basics/"
LESSON = COURSE + "why-listen/"
REFLECTION = LESSON + "activities/last-time-heard"
FIELD = "a-last-time-heard-text"
SECRET = "At my grandmother's kitchen table, XYZZY"
AUTHOR = "Amina Writer"
ROLES = ("anonymous", "outsider", "author", "peer", "facilitator", "other_learner", "focal", "admin")


def text(response):
    return response.get_data(as_text=True)


class World:
    """A community of the africa region running two cohorts of the sample course, and everyone around them."""

    def __init__(self, app, client, auth, make_user, community_kit):
        self.app, self.client, self.auth = app, client, auth
        slug = community_kit.community("circle", region="africa")
        self.emails, self.ids = {}, {}
        names = {"author": AUTHOR, "peer": "Peer Learner", "facilitator": "Fatima Facilitator",
                 "other_learner": "Other Cohort Learner", "focal": "Focal Person", "admin": "Admin Person",
                 "outsider": "Out Sider"}
        for role, name in names.items():
            self.ids[role], self.emails[role] = make_user(display_name=name, is_admin=role == "admin")
        community_kit.focal_point(self.ids["focal"], "africa")
        with app.app_context():
            made = [factories.cohort(slug, name, pacing=Pacing.SELF_PACED, starts_on=date.today() - timedelta(days=1),
                                     ends_on=date.today() + timedelta(days=60), languages=["en"])
                    for name in ("Spring circle", "Autumn circle")]
            self.cohort_id, self.other_cohort_id = made[0].id, made[1].id
            for role in ("author", "peer"):
                cohorts.join_cohort(db.session.get(User, self.ids[role]), made[0])
            cohorts.join_cohort(db.session.get(User, self.ids["other_learner"]), made[1])
            cohorts.add_facilitator(db.session.get(User, self.ids["facilitator"]), made[0])
            db.session.commit()

    def sign_in(self, role):
        self.auth.sign_out()
        if role != "anonymous":
            assert self.auth.sign_in(self.emails[role]).status_code == 302

    def write(self, body=SECRET, role="author"):
        """Sign in as role and save a reflection on the first lesson; returns its response id."""
        self.sign_in(role)
        assert self.client.post(REFLECTION, data={FIELD: body}).status_code == 302
        with self.app.app_context():
            return db.session.scalar(db.select(Response.id).filter_by(user_id=self.ids[role], choice=None))

    def share(self, response_id):
        return self.client.post(f"/reflections/{response_id}/share")

    def shared_id(self, response_id):
        with self.app.app_context():
            return db.session.scalar(db.select(SharedReflection.id).filter_by(response_id=response_id))

    def lesson_as(self, role):
        self.sign_in(role)
        response = self.client.get(LESSON)
        assert response.status_code == 200
        return text(response)


@pytest.fixture
def world(app, client, auth, make_user, community_kit, content):
    return World(app, client, auth, make_user, community_kit)


def test_private_by_default_and_the_author_is_told_who_will_see_it(world):
    world.write()
    page = world.lesson_as("author")
    assert "Share with my cohort" in page
    assert "The learners and facilitators of Spring circle will see it with your display name." in page
    assert SECRET.replace("'", "&#39;") in page  # in their own form
    for role in ("peer", "facilitator"):
        assert "XYZZY" not in world.lesson_as(role)


def test_a_shared_reflection_reaches_its_cohort_and_no_one_else(world):
    response_id = world.write()
    assert world.share(response_id).status_code == 302
    page = world.lesson_as("author")
    assert "Stop sharing" in page and "Shared with your cohort" in page
    for role in ("peer", "facilitator"):
        page = world.lesson_as(role)
        assert "Shared by your cohort" in page
        assert "XYZZY" in page and AUTHOR in page, role
    for role in ("other_learner", "focal", "admin", "outsider"):
        world.sign_in(role)
        for url in (LESSON, COURSE, "/", "/admin/audit", "/courses/"):
            page = text(world.client.get(url))
            assert "XYZZY" not in page and AUTHOR not in page, (role, url)


def test_unsharing_takes_it_away_at_once_and_edits_show_at_once(world):
    response_id = world.write()
    world.share(response_id)
    world.sign_in("author")
    world.client.post(REFLECTION, data={FIELD: "Edited: PLUGH"})
    page = world.lesson_as("peer")
    assert "PLUGH" in page and "XYZZY" not in page
    world.sign_in("author")
    assert world.client.post(f"/reflections/{response_id}/unshare").status_code == 302
    assert "Share with my cohort" in world.lesson_as("author")
    for role in ("peer", "facilitator"):
        page = world.lesson_as(role)
        assert "PLUGH" not in page and AUTHOR not in page
    shared_id = world.shared_id(response_id)  # the row stays, unshared: nobody may act on it
    assert world.client.post(f"/reflections/shared/{shared_id}/hide", data={"reason": "x"}).status_code == 404


def test_a_facilitator_of_several_cohorts_sees_one_section_per_cohort(world):
    with world.app.app_context():
        cohorts.add_facilitator(db.session.get(User, world.ids["facilitator"]),
                                db.session.get(Cohort, world.other_cohort_id))
        db.session.commit()
    world.share(world.write())
    world.share(world.write("From the autumn, QUUX", role="other_learner"))
    page = world.lesson_as("facilitator")
    assert page.count("Shared by your cohort</h2>") == 2
    assert "Spring circle" in page and "Autumn circle" in page
    autumn, spring = page.index("learners of Autumn circle"), page.index("learners of Spring circle")
    assert autumn < page.index("QUUX") < spring < page.index("XYZZY")  # by name, each under its own cohort
    page = world.lesson_as("peer")
    assert page.count("Shared by your cohort</h2>") == 1 and "QUUX" not in page and "XYZZY" in page
    assert "XYZZY" not in world.lesson_as("other_learner")


def test_a_learner_who_leaves_the_cohort_stops_sharing_with_it(world):
    response_id = world.write()
    world.share(response_id)
    with world.app.app_context():
        cohorts.leave_cohort(db.session.get(User, world.ids["author"]), db.session.get(Cohort, world.cohort_id))
        db.session.commit()
    assert "XYZZY" not in world.lesson_as("peer")
    page = world.lesson_as("author")
    assert "Share with my cohort" not in page and "Stop sharing" not in page


def test_a_facilitator_hides_a_reflection_and_it_cannot_be_shared_again(world):
    response_id = world.write()
    world.share(response_id)
    shared_id = world.shared_id(response_id)
    world.sign_in("facilitator")
    hidden = world.client.post(f"/reflections/shared/{shared_id}/hide", data={"reason": "Names a person"})
    assert hidden.status_code == 302
    with world.app.app_context():
        row = db.session.scalar(db.select(AdminAction).filter_by(action=AdminAct.HIDE_REFLECTION))
        assert row.actor_id == world.ids["facilitator"] and row.subject_id == world.ids["author"]
        assert row.cohort_id == world.cohort_id and row.reason == "Names a person"
        assert "XYZZY" not in row.reason and "XYZZY" not in row.subject_label
    page = world.lesson_as("facilitator")
    assert "Hidden from the cohort" in page and "<details><summary>Read the hidden reflection</summary>" in page
    assert "Show again" in page
    assert "XYZZY" not in world.lesson_as("peer")
    page = world.lesson_as("author")
    assert "hid this reflection from the cohort. It cannot be shared again." in page
    assert "Share with my cohort" not in page
    assert world.share(response_id).status_code == 403
    assert world.client.post(f"/reflections/{response_id}/unshare").status_code == 403
    world.sign_in("admin")
    audit = text(world.client.get("/admin/audit"))
    assert "XYZZY" not in audit
    world.sign_in("facilitator")
    assert world.client.post(f"/reflections/shared/{shared_id}/restore").status_code == 302
    assert "XYZZY" in world.lesson_as("peer")
    with world.app.app_context():
        assert db.session.scalar(db.select(AdminAction).filter_by(action=AdminAct.RESTORE_REFLECTION)) is not None


def test_hiding_needs_a_reason(world):
    response_id = world.write()
    world.share(response_id)
    shared_id = world.shared_id(response_id)
    world.sign_in("facilitator")
    response = world.client.post(f"/reflections/shared/{shared_id}/hide", data={"reason": "  "})
    assert response.status_code == 400 and "Say briefly why" in text(response)
    assert "XYZZY" in world.lesson_as("peer")


def test_another_persons_response_is_not_found(world):
    response_id = world.write()
    world.sign_in("peer")
    assert world.share(response_id).status_code == 404
    assert world.client.post(f"/reflections/{response_id}/unshare").status_code == 404
    world.sign_in("author")
    world.client.post(LESSON + "activities/listening-purpose", data={"a-listening-purpose-choice": "1"})
    with world.app.app_context():
        choice_id = db.session.scalar(db.select(Response.id).where(Response.choice.is_not(None)))
    assert world.share(choice_id).status_code == 404  # a self-check answer is no reflection


def test_a_learner_on_their_own_has_nothing_to_share(world):
    world.write(role="outsider")
    page = world.lesson_as("outsider")
    assert "Share with my cohort" not in page and "Shared by your cohort" not in page


def test_attack_markup_in_a_shared_reflection_stays_inert(world):
    response_id = world.write("\n\n".join(ATTACKS))
    world.share(response_id)
    for role in ("peer", "facilitator"):
        page = world.lesson_as(role)
        assert "XSS" in page
        assert dangerous_markup(page) == [], role


def test_the_lesson_page_makes_the_same_queries_however_many_share(world, make_user):
    """Shared reflections and their authors are loaded in batches: more sharers, no more queries."""
    def queries_for_lesson():
        world.sign_in("facilitator")
        statements = []
        with world.app.app_context():
            engine = db.engine
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert world.client.get(LESSON).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return statements

    world.share(world.write())
    queries_for_lesson()  # the first visit enrols the facilitator in the course
    one = queries_for_lesson()
    for number in range(4):
        user_id, email = make_user(display_name=f"Sharer {number}")
        with world.app.app_context():
            cohorts.join_cohort(db.session.get(User, user_id), db.session.get(Cohort, world.cohort_id))
            db.session.commit()
        world.emails[f"sharer{number}"], world.ids[f"sharer{number}"] = email, user_id
        world.share(world.write(f"Sharer {number} writes", role=f"sharer{number}"))
    page = world.lesson_as("facilitator")
    assert all(f"Sharer {number} writes" in page for number in range(4))
    assert len(queries_for_lesson()) == len(one)


# --- every route of the blueprint, for every kind of person ----------------------------------------------------

# One status per role, in ROLES order; 302 for "anonymous" means "sent to sign in".
AUTHOR_ONLY = "302 404 302 404 404 404 404 404"
FACILITATOR_ONLY = "302 404 403 403 302 404 404 404"
ROUTES = [
    ("share", "/reflections/{response}/share", {}, AUTHOR_ONLY),
    ("unshare", "/reflections/{response}/unshare", {}, AUTHOR_ONLY),
    ("share an unknown response", "/reflections/999999/share", {}, "302 404 404 404 404 404 404 404"),
    ("hide", "/reflections/shared/{shared}/hide", {"reason": "Off topic"}, FACILITATOR_ONLY),
    ("hide without a reason", "/reflections/shared/{shared}/hide", {}, "302 404 403 403 400 404 404 404"),
    ("restore", "/reflections/shared/{shared}/restore", {}, FACILITATOR_ONLY),
    ("hide an unknown one", "/reflections/shared/999999/hide", {"reason": "x"}, "302 404 404 404 404 404 404 404"),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,url,data,expected", ROUTES, ids=[route[0] for route in ROUTES])
def test_route_access(world, role, name, url, data, expected):
    response_id = world.write()
    world.share(response_id)
    url = url.format(response=response_id, shared=world.shared_id(response_id))
    world.sign_in(role)
    response = world.client.post(url, data=data)
    assert response.status_code == int(expected.split()[ROLES.index(role)]), (name, role)
    if role == "anonymous":
        assert "/sign-in?next=" in response.location


def test_the_table_covers_every_route_of_the_blueprint(app):
    adapter = app.url_map.bind("colab.test")
    covered = {adapter.match(url.format(response=1, shared=1), method="POST")[0] for _, url, _, _ in ROUTES}
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("reflections.")}
    assert routes - covered == set()
    assert all(rule.methods - {"HEAD", "OPTIONS"} == {"POST"} for rule in app.url_map.iter_rules()
               if rule.endpoint.startswith("reflections."))
