"""Who may run a cohort: every route of the "cohorts" blueprint x every role, in an open and a members-only
community."""
from datetime import date, time

import factories
import pytest

from colab.accounts.models import User
from colab.cohorts import pacing
from colab.cohorts import service as cohorts
from colab.extensions import db

BLUEPRINTS = {"cohorts"}
# "member" is in the cohort's community but not in the cohort; "learner" learns in the cohort; "facilitator"
# facilitates it; "focal" is a focal point of its region (africa), "other_focal" one of asia; "outsider" is in
# no community.
ROLES = ("anonymous", "outsider", "member", "learner", "facilitator", "focal", "other_focal", "admin")
# On PostgreSQL (conftest.py): the refusals, the cohort's learner and facilitator, and the role that reaches all.
POSTGRESQL_WHEN = {"role": ("outsider", "learner", "facilitator", "admin")}
LINK = "https://meet.example.org/secret-room"

# Expected status codes, one per role in ROLES order. 302 for "anonymous" means "sent to sign in".
LEADS_200 = "302 403 403 403 403 200 403 200"
LEADS_302 = "302 403 403 403 403 302 403 302"
LEADS_400 = "302 403 403 403 403 400 403 400"
LEADS_404 = "302 403 403 403 403 404 403 404"
SAME, HIDDEN = None, "hidden"  # members-only: those who cannot see the community get 404 instead of 403

COHORT = "/cohorts/{cohort}"
SETTINGS = {"name": "Renamed circle", "starts_on": "2030-01-15", "ends_on": "2030-04-01", "languages": "en",
            "timezone": "America/Bogota", "pacing": "scheduled"}

# (name, method, url, form data, open community, members-only community)
ROUTES = [
    ("my cohorts", "GET", "/cohorts/", {}, "302 403 403 403 200 200 200 200", SAME),
    ("settings", "GET", COHORT + "/settings", {}, LEADS_200, HIDDEN),
    ("preview dates", "POST", COHORT + "/settings", {**SETTINGS, "action": "preview"}, LEADS_200, HIDDEN),
    ("save settings", "POST", COHORT + "/settings", {**SETTINGS, "action": "save"}, LEADS_302, HIDDEN),
    ("settings ending before they start", "POST", COHORT + "/settings",
     {**SETTINGS, "ends_on": "2029-12-31", "action": "save"}, LEADS_400, HIDDEN),
    ("module dates", "GET", COHORT + "/schedule", {}, LEADS_200, HIDDEN),
    ("save module dates", "POST", COHORT + "/schedule", {"opens_{module2}": "2030-02-01"}, LEADS_302, HIDDEN),
    ("module dates going backwards", "POST", COHORT + "/schedule",
     {"opens_{module1}": "2030-03-01", "opens_{module2}": "2030-02-01"}, LEADS_400, HIDDEN),
    ("module dates of a self-paced cohort", "GET", "/cohorts/{self_paced}/schedule", {}, LEADS_404, HIDDEN),
    ("live sessions", "GET", COHORT + "/sessions", {}, LEADS_200, HIDDEN),
    ("add a live session", "POST", COHORT + "/sessions",
     {"title": "Opening call", "day": "2030-01-10", "time": "18:30", "minutes": "60", "link": LINK},
     LEADS_302, HIDDEN),
    ("add a live session with an http link", "POST", COHORT + "/sessions",
     {"title": "Opening call", "day": "2030-01-10", "time": "18:30", "minutes": "60",
      "link": "http://meet.example.org/x"}, LEADS_400, HIDDEN),
    ("remove a live session", "POST", COHORT + "/sessions/{session}/remove", {}, LEADS_302, HIDDEN),
    ("remove another cohort's live session", "POST", "/cohorts/{self_paced}/sessions/{session}/remove", {},
     LEADS_404, HIDDEN),
    ("roster", "GET", COHORT + "/roster", {}, LEADS_200, HIDDEN),
    ("search the roster", "POST", COHORT + "/roster", {"q": "bong"}, LEADS_200, HIDDEN),
    ("add a learner", "POST", COHORT + "/learners/{bongani}/add", {}, LEADS_302, HIDDEN),
    ("add someone from another community", "POST", COHORT + "/learners/{olu}/add", {}, LEADS_404, HIDDEN),
    ("remove a learner", "POST", COHORT + "/learners/{amara}/remove", {}, LEADS_302, HIDDEN),
    ("remove someone who is not a learner", "POST", COHORT + "/learners/{bongani}/remove", {}, LEADS_404, HIDDEN),
    ("move a learner", "POST", COHORT + "/learners/{amara}/move", {"to": "{self_paced}"}, LEADS_302, HIDDEN),
    ("move a learner to the cohort they are in", "POST", COHORT + "/learners/{amara}/move",
     {"to": "{cohort}"}, LEADS_404, HIDDEN),
    ("appoint a facilitator", "POST", COHORT + "/facilitators/{bongani}/add", {}, LEADS_302, HIDDEN),
    ("appoint someone from another community", "POST", COHORT + "/facilitators/{olu}/add", {}, LEADS_404,
     HIDDEN),
    ("remove a facilitator", "POST", COHORT + "/facilitators/{chidi}/remove", {}, LEADS_302, HIDDEN),
    ("unknown cohort", "GET", "/cohorts/999999/roster", {}, "302 404 404 404 404 404 404 404", SAME),
]


def expected_status(role, open_codes, members_only_codes, members_only):
    codes = dict(zip(ROLES, map(int, open_codes.split()), strict=True))
    if members_only and members_only_codes == HIDDEN:
        codes.update({who: 404 for who in ("outsider", "other_focal") if codes[who] == 403})
    return codes[role]


@pytest.fixture
def cast(make_user, community_kit, auth):
    """The people of the matrix; returns a function that signs in as one role and gives everyone's ids and emails."""
    def sign_in_as(role):
        people = {name: make_user(display_name=name.title()) for name in ("amara", "bongani", "chidi", "olu")}
        people["secretariat"] = make_user(display_name="Secretariat", is_admin=True)
        if role != "anonymous":
            people[role] = make_user(display_name=f"Actor {role}", is_admin=role == "admin")
        if role in ("focal", "other_focal"):
            community_kit.focal_point(people[role][0], "africa" if role == "focal" else "asia")
        if role != "anonymous":
            assert auth.sign_in(people[role][1]).status_code == 302
        return ({key: user_id for key, (user_id, _email) in people.items()},
                [email for key, (_user_id, email) in people.items() if key != role])
    return sign_in_as


def build_world(app, ids, role, members_only, n):
    """A community in africa with a scheduled cohort (a learner, a facilitator, a live session), a self-paced
    cohort of the same course, a member in neither, and someone in another community."""
    with app.app_context():
        user = lambda key: db.session.get(User, ids[key])  # noqa: E731
        community = factories.community(f"circle-{n}", "regional", {"en": "Circle"}, {"en": "About"},
                                        region="africa", members_only=members_only)
        elsewhere = factories.community(f"elsewhere-{n}", "thematic", {"en": "Elsewhere"}, {"en": "About"})
        factories.member(ids["olu"], elsewhere)
        for key in ("bongani", *(("member",) if role == "member" else ())):
            factories.member(ids[key], community)
        course = factories.course()
        admin = user("secretariat")
        cohort = cohorts.create_cohort(admin, community, course, "Spring circle", date(2030, 1, 1),
                                       date(2030, 3, 1), ["en"], "UTC", "scheduled")
        self_paced = cohorts.create_cohort(admin, community, course, "Own pace", date(2030, 1, 1),
                                           date(2030, 3, 1), ["en"], "UTC", "self-paced")
        for key in ("amara", *(("learner",) if role == "learner" else ())):
            cohorts.join_cohort(user(key), cohort)
        for key in ("chidi", *(("facilitator",) if role == "facilitator" else ())):
            cohorts.add_facilitator(user(key), cohort)
        session = cohorts.add_live_session(admin, cohort, "Kick-off", date(2030, 1, 2), time(17), 60, LINK)
        modules = [opening.module.id for opening in pacing.plan(cohort)]
        db.session.commit()
        return {"cohort": cohort.id, "self_paced": self_paced.id, "session": session.id, "module1": modules[0],
                "module2": modules[1], **{key: ids[key] for key in ("amara", "bongani", "chidi", "olu")}}


def send(client, method, url, data, world):
    url = url.format(**world)
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"csrf_token": world["csrf_token"],
                                  **{key.format(**world): value.format(**world) for key, value in data.items()}})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("members_only", [False, True], ids=["open", "members-only"])
def test_every_route_answers_every_role_as_the_table_says(app, client, cast, content, role, members_only):
    """Each row runs in a fresh community, so no request changes what the next one finds. No page of this
    blueprint ever shows an email address, not even to those who run the cohort."""
    ids, emails = cast(role)
    token = client.csrf_token()
    actual, expected, leaks = {}, {}, []
    for n, (name, method, url, data, open_codes, members_only_codes) in enumerate(ROUTES):
        world = {**build_world(app, ids, role, members_only, n), "csrf_token": token}
        response = send(client, method, url, data, world)
        actual[name] = response.status_code
        expected[name] = expected_status(role, open_codes, members_only_codes, members_only)
        body = response.get_data(as_text=True)
        leaks += [f"{name}: {email}" for email in emails if email in body]
    assert actual == expected
    assert leaks == []


# Who reads a cohort's meeting link on its page (communities.cohort): its learners, facilitators and region leads.
LINK_READERS = {"learner", "facilitator", "focal", "admin"}


@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"])
def test_the_meeting_link_is_for_the_cohort_and_its_leads(app, client, cast, content, role):
    ids, _emails = cast(role)
    world = build_world(app, ids, role, False, 0)
    page = client.get(f"/communities/circle-0/cohorts/{world['cohort']}/").get_data(as_text=True)
    assert "Kick-off" in page
    assert (LINK in page) == (role in LINK_READERS)


def test_the_table_covers_every_route_of_the_blueprint(app):
    """A new route in the blueprint fails here until it has a row (with its expectations) in ROUTES."""
    adapter = app.url_map.bind("colab.test")
    placeholders = dict.fromkeys(["cohort", "self_paced", "session", "amara", "bongani", "chidi", "olu"], 1)
    covered = {(adapter.match(url.format(**placeholders), method=method)[0], method)
               for _name, method, url, *_ in ROUTES}
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              if rule.endpoint.split(".")[0] in BLUEPRINTS for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - covered == set(), "routes without a row in ROUTES"
    assert covered <= routes
    assert len({row[0] for row in ROUTES}) == len(ROUTES), "row names must be unique"

