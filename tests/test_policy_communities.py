"""Who may do what in communities, moderation, harassment reports and notifications: every route x every role."""
from datetime import date

import factories
import pytest
from flask_login import AnonymousUserMixin

from colab import policy
from colab.accounts.models import Region, User
from colab.cohorts import service as cohorts
from colab.communities import service
from colab.communities.models import Post
from colab.extensions import db
from colab.harassment import service as harassment
from colab.harassment.models import HarassmentReport
from colab.notifications.models import Notification

BLUEPRINTS = {"communities", "moderation", "harassment", "notifications"}
# "focal" is a focal point of the community's region (africa), "other_focal" one of asia.
ROLES = ("anonymous", "outsider", "member", "facilitator", "focal", "other_focal", "admin")
# On PostgreSQL (conftest.py): the refusals and the role that reaches every route.
POSTGRESQL_WHEN = {"role": ("outsider", "admin")}

# Secrets planted in every world, and who may ever see them in a response.
THREAD_SECRET, REPORT_SECRET, NOTE_SECRET = "Whispered", "Confided account", "Handler-only note"

THREAD = "/communities/{slug}/threads/{thread}"
OWN_POST = THREAD + "/posts/{post1}"  # written by the member (the acting member, for the "member" role)
OTHER_POST = THREAD + "/posts/{post2}"  # written by another member
MEMBER = "/communities/{slug}/members/{member2}"  # the other member's membership
REPORT = "/reports/{report}"  # a harassment report filed by the member about the other member's post

# Expected status codes, one per role in ROLES order. 302 for "anonymous" means "sent to sign in".
SIGNED_IN_200 = "302 200 200 200 200 200 200"
SIGNED_IN_302 = "302 302 302 302 302 302 302"
POSTERS_302 = "302 403 302 302 302 403 302"
AUTHOR_302 = "302 403 302 403 403 403 403"
MODERATORS_200 = "302 403 403 200 200 403 200"
MODERATORS_302 = "302 403 403 302 302 403 302"
MODERATORS_404 = "302 403 403 404 404 403 404"
REGION_LEADS_200 = "302 403 403 403 200 403 200"
REGION_LEADS_302 = "302 403 403 403 302 403 302"
HANDLERS_302 = "302 404 403 404 302 404 302"
SAME, HIDDEN = None, "hidden"  # members-only column: same as open / outsiders and the other focal point get 404

# (name, method, url, form data, open community, members-only community)
ROUTES = [
    ("community list", "GET", "/communities/", {}, SIGNED_IN_200, SAME),
    ("community page", "GET", "/communities/{slug}/", {}, SIGNED_IN_200, SAME),
    ("join", "POST", "/communities/{slug}/join", {}, "302 302 403 403 302 302 302", SAME),
    ("leave", "POST", "/communities/{slug}/leave", {}, SIGNED_IN_302, SAME),
    ("agreements", "GET", "/communities/{slug}/agreements", {}, SIGNED_IN_200, SAME),
    ("accept agreements", "POST", "/communities/{slug}/agreements", {"next": "/communities/"},
     "302 403 302 302 403 403 403", SAME),
    ("new thread form", "GET", "/communities/{slug}/threads/new", {}, "302 403 200 200 200 403 200", SAME),
    ("open a thread", "POST", "/communities/{slug}/threads/new", {"title": "New thread", "body": "Hello"},
     POSTERS_302, SAME),
    ("dialogue form", "GET", "/communities/{slug}/threads/new?dialogue=1", {}, MODERATORS_200, SAME),
    ("open a dialogue", "POST", "/communities/{slug}/threads/new?dialogue=1",
     {"title": "On care", "framing": "Why we talk", "content_note": "grief", "body": ""}, MODERATORS_302, SAME),
    ("thread", "GET", THREAD + "/", {}, SIGNED_IN_200, HIDDEN),
    ("thread at a post", "GET", THREAD + "/?post={post2}", {}, SIGNED_IN_302, HIDDEN),
    ("quote a post", "GET", THREAD + "/?quote={post1}", {}, SIGNED_IN_200, HIDDEN),
    ("reply", "POST", THREAD + "/reply", {"body": "I hear you", "reply_to": "{post1}"}, POSTERS_302, HIDDEN),
    ("empty reply", "POST", THREAD + "/reply", {"body": ""}, "302 403 400 400 400 403 400", HIDDEN),
    ("edit form", "GET", OWN_POST + "/edit", {}, "302 403 200 403 403 403 403", HIDDEN),
    ("edit", "POST", OWN_POST + "/edit", {"body": "Edited"}, AUTHOR_302, HIDDEN),
    ("delete", "POST", OWN_POST + "/delete", {}, AUTHOR_302, HIDDEN),
    ("report form", "GET", OTHER_POST + "/report", {}, SIGNED_IN_200, HIDDEN),
    ("report a post", "POST", OTHER_POST + "/report", {"reason": "spam", "note": "Adverts"}, SIGNED_IN_302, HIDDEN),
    ("report own post", "GET", OWN_POST + "/report", {}, "302 200 403 200 200 200 200", HIDDEN),
    ("edit history", "GET", OWN_POST + "/history", {}, MODERATORS_200, HIDDEN),
    ("cohort form", "GET", "/communities/{slug}/cohorts/new", {}, REGION_LEADS_200, SAME),
    *[(f"create a {pacing} cohort", "POST", "/communities/{slug}/cohorts/new",
       {"name": "Spring circle", "course": "{course}", "starts_on": "2030-03-01", "ends_on": "2030-05-01",
        "languages": "en", "timezone": "Africa/Lagos", "pacing": pacing}, REGION_LEADS_302, SAME)
      for pacing in ("self-paced", "scheduled")],
    ("create a cohort without a language", "POST", "/communities/{slug}/cohorts/new",
     {"name": "Spring circle", "course": "{course}", "starts_on": "2030-03-01", "ends_on": "2030-05-01",
      "timezone": "UTC", "pacing": "scheduled"}, "302 403 403 403 400 403 400", SAME),
    ("cohort", "GET", "/communities/{slug}/cohorts/{cohort}/", {}, SIGNED_IN_200, HIDDEN),
    ("lesson discussion", "GET", "/communities/{slug}/cohorts/{cohort}/lessons/why-listen", {}, SIGNED_IN_302,
     HIDDEN),
    ("unknown lesson", "GET", "/communities/{slug}/cohorts/{cohort}/lessons/no-such-lesson", {},
     "302 404 404 404 404 404 404", SAME),
    # moderation: facilitators of the community, focal points of its region, admins
    ("review queue", "GET", "/communities/{slug}/moderation", {}, MODERATORS_200, SAME),
    *[(f"{act} a post", "POST", OTHER_POST + f"/{act}", {"reason": "Agreement 3"}, MODERATORS_302, SAME)
      for act in ("hide", "dismiss", "warn")],
    # a visible post has nothing to restore or approve
    *[(f"{act} a visible post", "POST", OTHER_POST + f"/{act}", {}, MODERATORS_404, SAME)
      for act in ("restore", "approve")],
    ("unknown post action", "POST", OTHER_POST + "/frobnicate", {}, MODERATORS_404, SAME),
    *[(f"{act} the thread", "POST", THREAD + f"/{act}", {"minutes": "5"}, MODERATORS_302, SAME)
      for act in ("lock", "unlock", "pin", "unpin", "slow-mode")],
    ("unknown thread action", "POST", THREAD + "/frobnicate", {}, MODERATORS_404, SAME),
    ("pre-moderation", "POST", "/communities/{slug}/moderation/premoderation", {"posts": "2"}, MODERATORS_302,
     SAME),
    ("members", "GET", "/communities/{slug}/members", {}, MODERATORS_200, SAME),
    *[(f"{act} a member", "POST", MEMBER + f"/{act}", {"hours": "2", "reason": "Cool off"}, MODERATORS_302, SAME)
      for act in ("mute", "unmute")],
    # the member is not waiting to join: nothing to approve or decline
    *[(f"{act} an active member", "POST", MEMBER + f"/{act}", {}, MODERATORS_404, SAME)
      for act in ("approve", "decline")],
    *[(f"make a {role}", "POST", MEMBER + f"/{role}", {}, REGION_LEADS_302, SAME)
      for role in ("facilitator", "member")],
    ("unknown member action", "POST", MEMBER + "/frobnicate", {}, MODERATORS_404, SAME),
    ("unknown member", "POST", "/communities/{slug}/members/0/unmute", {}, MODERATORS_404, SAME),
    ("audit log", "GET", "/communities/{slug}/audit", {}, MODERATORS_200, SAME),
    ("review queues", "GET", "/moderation/", {}, "302 403 403 200 200 200 200", SAME),  # each their own
    # confidential harassment reports: the reporter (the member), the region's focal points, admins
    ("my reports", "GET", "/reports/", {}, SIGNED_IN_200, SAME),
    ("harassment form", "GET", "/reports/harassment/new?post={post2}", {}, SIGNED_IN_200, SAME),
    ("file a harassment report", "POST", "/reports/harassment/new",
     {"region": "{africa}", "place": "event", "person": "unknown", "readers_for": "{readers}",
      "description": "At a meeting"}, SIGNED_IN_302, SAME),
    ("read a report", "GET", REPORT, {}, "302 404 200 404 200 404 200", SAME),
    ("add information", "POST", REPORT + "/information", {"body": "More"}, "302 404 302 404 403 404 403", SAME),
    ("update status", "POST", REPORT + "/status", {"status": "closed", "outcome": "Resolved"}, HANDLERS_302, SAME),
    ("add a note", "POST", REPORT + "/notes", {"body": "Called them"}, HANDLERS_302, SAME),
    ("empty note", "POST", REPORT + "/notes", {"body": ""}, "302 404 403 404 400 404 400", SAME),
    ("unknown report", "GET", "/reports/0", {}, "302 404 404 404 404 404 404", SAME),
    ("notifications", "GET", "/notifications/", {}, SIGNED_IN_200, SAME),
    ("open a notification", "GET", "/notifications/{notification}", {}, "302 404 302 404 404 404 404", SAME),
]


def expected_status(role, open_codes, members_only_codes, members_only):
    codes = dict(zip(ROLES, map(int, open_codes.split()), strict=True))
    if members_only and members_only_codes == HIDDEN:
        codes.update(outsider=404, other_focal=404)
    return codes[role]


def forbidden_secrets(role, members_only):
    """What this role must never read: members-only conversations, others' reports, handlers' notes."""
    secrets = []
    if members_only and role in ("anonymous", "outsider", "other_focal"):
        secrets.append(THREAD_SECRET)
    if role not in ("member", "focal", "admin"):
        secrets.append(REPORT_SECRET)
    if role not in ("focal", "admin"):
        secrets.append(NOTE_SECRET)
    return secrets


@pytest.fixture
def cast(make_user, community_kit, auth):
    """The people of the matrix; returns a function that signs in as one role and gives their ids."""
    def sign_in_as(role):
        people = {"member": make_user(display_name="Amara"), "other": make_user(display_name="Bongani"),
                  "secretariat": make_user(display_name="Secretariat", is_admin=True)}
        if role not in ("anonymous", "member"):
            people[role] = make_user(display_name=f"Actor {role}", is_admin=role == "admin")
        if role in ("focal", "other_focal"):
            community_kit.focal_point(people[role][0], "africa" if role == "focal" else "asia")
        if role != "anonymous":
            assert auth.sign_in(people[role][1]).status_code == 302
        return {key: user_id for key, (user_id, _email) in people.items()}, people["other"][1]
    return sign_in_as


def build_world(app, ids, role, members_only, n):
    """A fresh community in africa with a thread, two posts, a cohort and a harassment report with a note."""
    with app.app_context():
        user = lambda key: db.session.get(User, ids[key])  # noqa: E731
        africa = factories.region_id("africa")
        community = factories.community(f"circle-{n}", "regional", {"en": "Circle"}, {"en": "About"},
                                        region="africa", members_only=members_only,
                                        agreements={"en": "Listen first."})
        roles = {"member": "member", "other": "member"}
        if role == "facilitator":
            roles["facilitator"] = "facilitator"
        members = {key: factories.member(ids[key], community, value) for key, value in roles.items()}
        thread = service.create_thread(user("member"), community, f"{THREAD_SECRET} thread",
                                       f"{THREAD_SECRET} first post")
        post1 = db.session.scalar(db.select(Post.id).filter_by(thread_id=thread.id))
        post2 = service.add_post(user("other"), thread, f"{THREAD_SECRET} second post")
        course = factories.course()
        cohort = cohorts.create_cohort(user("secretariat"), community, course, f"{THREAD_SECRET} cohort",
                                       date(2030, 1, 1), date(2030, 3, 1), ["en"], "UTC", "scheduled")
        report = harassment.create(user("member"), africa, "post", REPORT_SECRET, reported_user_id=ids["other"],
                                   post=post2)
        harassment.add_note(user("secretariat"), report, NOTE_SECRET)
        db.session.commit()
        notification = db.session.scalar(db.select(Notification.id).filter_by(user_id=ids["member"], kind="reply")
                                         .order_by(Notification.id.desc()))
        actor = ids.get(role)  # the acting person, whose own report the form routes
        readers = harassment.readers_key(db.session.get(User, actor), db.session.get(Region, africa), None) \
            if actor else f"{africa}:"
        return {"slug": community.slug, "thread": thread.id, "post1": post1, "post2": post2.id, "cohort": cohort.id,
                "member2": members["other"].id, "report": report.id, "course": course.id, "africa": africa,
                "notification": notification, "readers": readers}


def send(client, method, url, data, world):
    url = url.format(**world)
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"csrf_token": world["csrf_token"],
                                  **{key: value.format(**world) for key, value in data.items()}})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("members_only", [False, True], ids=["open", "members-only"])
def test_every_route_answers_every_role_as_the_table_says(app, client, cast, content, role,
                                                          members_only):
    """Each row runs in a fresh community, so no request changes what the next one finds."""
    ids, other_email = cast(role)
    token = client.csrf_token()  # one token serves the whole session
    actual, expected, leaks = {}, {}, []
    for n, (name, method, url, data, open_codes, members_only_codes) in enumerate(ROUTES):
        world = {**build_world(app, ids, role, members_only, n), "csrf_token": token}
        response = send(client, method, url, data, world)
        actual[name] = response.status_code
        expected[name] = expected_status(role, open_codes, members_only_codes, members_only)
        body = response.get_data(as_text=True)
        leaks += [f"{name}: {secret}" for secret in [*forbidden_secrets(role, members_only), other_email]
                  if secret in body]
    assert actual == expected
    assert leaks == []


def test_the_table_covers_every_route_of_these_blueprints(app):
    """A new route in these blueprints fails here until it has a row (with its expectations) in ROUTES."""
    adapter = app.url_map.bind("colab.test")
    placeholders = dict.fromkeys(["thread", "post1", "post2", "cohort", "member2", "report", "notification"], 1)
    covered = {(adapter.match(url.split("?")[0].format(slug="x", **placeholders), method=method)[0], method)
               for _name, method, url, *_ in ROUTES}
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              if rule.endpoint.split(".")[0] in BLUEPRINTS for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - covered == set(), "routes without a row in ROUTES"
    assert covered <= routes
    assert len({row[0] for row in ROUTES}) == len(ROUTES), "row names must be unique"


# --- policy.can for confidential harassment reports ------------------------------------------------

# (who, who is reported, region of the report, may read it, may handle it: status, outcome and private notes)
HARASSMENT_CASES = [
    ("reporter", None, "africa", True, False),
    ("focal", None, "africa", True, True),
    ("other_focal", None, "africa", False, False),
    ("admin", None, "africa", True, True),
    ("facilitator", None, "africa", False, False),
    ("outsider", None, "africa", False, False),
    ("anonymous", None, "africa", False, False),
    ("focal", "focal", "africa", False, False),  # a focal point never handles a report about themselves
    ("admin", "admin", "africa", False, False),  # nor does an admin
    ("facilitator", "facilitator", "africa", False, False),
    ("admin", "focal", "africa", True, True),  # the others still do
    ("focal", "admin", "africa", True, True),
    ("focal", "facilitator", "africa", True, True),
    ("reporter", "focal", "africa", True, False),  # the reporter keeps reading their own report
    ("focal", None, None, False, False),  # a report with no region goes to admins only
    ("admin", None, None, True, True),
]
INBOX = {"reporter": False, "focal": True, "other_focal": True, "admin": True, "facilitator": False,
         "outsider": False, "anonymous": False}


@pytest.fixture
def people(app, make_user, community_kit):
    """One user object per kind of person, loaded in an app context the test keeps open."""
    ids = {kind: make_user(display_name=kind.title(), is_admin=kind == "admin")[0]
           for kind in ("reporter", "focal", "other_focal", "admin", "facilitator", "outsider")}
    community_kit.focal_point(ids["focal"], "africa")
    community_kit.focal_point(ids["other_focal"], "asia")
    community_kit.member(ids["facilitator"], community_kit.community("circle", "regional", region="africa"),
                         role="facilitator")
    with app.app_context():
        found = {kind: db.session.get(User, user_id) for kind, user_id in ids.items()}
        yield {**found, "anonymous": AnonymousUserMixin()}


def test_harassment_reports_reach_only_their_reporter_and_handlers(people, community_kit):
    actual, expected = {}, {}
    for who, reported, region, reads, handles in HARASSMENT_CASES:
        report = HarassmentReport(reporter_id=people["reporter"].id, description="x",
                                  region_id=community_kit.region_id(region) if region else None,
                                  reported_user_id=people[reported].id if reported else None)
        key = f"{who} (reported: {reported}, region: {region})"
        actual[key] = (policy.can("harassment.read", report, user=people[who]),
                       policy.can("harassment.handle", report, user=people[who]))
        expected[key] = (reads, handles)
    assert actual == expected


def test_the_harassment_inbox_is_for_focal_points_and_admins(people):
    assert {who: policy.can("harassment.inbox", user=person) for who, person in people.items()} == INBOX
    assert {who: policy.can("harassment.create", user=person) for who, person in people.items()} == {
        who: who != "anonymous" for who in people}


# --- policy.can for the body of a post, by its status ("post.read") --------------------------------------

# status -> who may read the body of a post the reporter wrote in an open community of africa
POST_READERS = {
    "visible": {"reporter", "focal", "other_focal", "admin", "facilitator", "outsider", "anonymous"},
    "held": {"reporter", "focal", "admin", "facilitator"},  # its author and the community's moderators
    "hidden": {"focal", "admin", "facilitator"},  # moderators
    "deleted": set(),  # nobody
}


def test_who_reads_a_post_depends_on_its_status(people):
    from colab.communities.models import Community, Thread
    community = db.session.scalar(db.select(Community).filter_by(slug="circle"))
    thread = Thread(community=community, title="A thread", author_id=people["facilitator"].id)
    actual = {}
    for status in POST_READERS:
        post = Post(thread=thread, author_id=people["reporter"].id, status=status, body_source="x")
        actual[status] = {who for who, person in people.items() if policy.can("post.read", post, user=person)}
    db.session.rollback()
    assert actual == POST_READERS


# --- the same rules, seen through the pages ------------------------------------------------------------

def file_report(client, community_kit, person, description, readers="{africa}:"):
    """person: the id of someone the reporter shares a community with, or "unknown"; readers: the key the form
    carries for who will read it ("f": a focal point of the region is left out)."""
    africa = community_kit.region_id("africa")
    response = client.post("/reports/harassment/new", data={
        "region": str(africa), "place": "event", "person": person, "readers_for": readers.format(africa=africa),
        "description": description})
    assert response.status_code == 302
    return response.location


def test_a_report_about_a_focal_point_reaches_the_admins_and_never_them(app, client, auth, make_user,
                                                                        community_kit):
    focal_id, focal_email = make_user(display_name="Fatou")
    community_kit.focal_point(focal_id, "africa")
    admin_id, admin_email = make_user(display_name="Secretariat", is_admin=True)
    reporter_id, _email = auth.as_new_user(display_name="Reporter")
    community_kit.member(reporter_id, community_kit.community("circle", "regional", region="africa"))
    report_url = file_report(client, community_kit, str(focal_id), "Shouted at me after the regional meeting",
                             readers="{africa}:f")
    auth.sign_out()
    auth.sign_in(focal_email)
    assert client.get(report_url).status_code == 404
    assert "Shouted at me" not in client.get("/reports/").get_data(as_text=True)
    auth.sign_out()
    auth.sign_in(admin_email)
    page = client.get(report_url).get_data(as_text=True)
    assert "Shouted at me" in page and "Fatou" in page
    with app.app_context():
        told = set(db.session.scalars(db.select(Notification.user_id).filter_by(kind="harassment_new")))
    assert told == {admin_id}


def test_private_notes_are_for_handlers_and_the_outcome_is_for_the_reporter(client, auth, make_user,
                                                                           community_kit):
    focal_id, focal_email = make_user(display_name="Fatou")
    community_kit.focal_point(focal_id, "africa")
    _reporter_id, reporter_email = auth.as_new_user(display_name="Nandi")
    report_url = file_report(client, community_kit, "unknown", "Followed me home after the workshop")
    auth.sign_out()
    auth.sign_in(focal_email)
    assert client.post(report_url + "/notes", data={"body": "Spoke with the organiser"}).status_code == 302
    assert client.post(report_url + "/status", data={"status": "closed", "outcome": "The person was barred"}
                       ).status_code == 302
    handler_page = client.get(report_url).get_data(as_text=True)
    assert "Spoke with the organiser" in handler_page and "Nandi" in handler_page
    auth.sign_out()
    auth.sign_in(reporter_email)
    reporter_page = client.get(report_url).get_data(as_text=True)
    assert "The person was barred" in reporter_page
    assert "Spoke with the organiser" not in reporter_page and "Fatou" not in reporter_page


# --- permission bugs found while writing the table, now fixed ---------------------------------------

@pytest.fixture
def circle(app, make_user, community_kit):
    """A facilitator, a member and a focal point of africa around one thread opened by the member."""
    emails, ids = {}, {}
    for role in ("facilitator", "member", "focal"):
        ids[role], emails[role] = make_user(display_name=role.title())
    community_kit.focal_point(ids["focal"], "africa")
    slug = community_kit.community("circle", "regional", region="africa")
    facilitator_membership = community_kit.member(ids["facilitator"], slug, role="facilitator")
    community_kit.member(ids["member"], slug)
    thread = community_kit.thread(ids["member"], slug, "Thread", "Something I regret writing")
    with app.app_context():
        post = db.session.scalar(db.select(Post.id).filter_by(thread_id=thread))
    return {"emails": emails, "post": post, "thread": f"/communities/{slug}/threads/{thread}",
            "facilitator_membership": f"/communities/{slug}/members/{facilitator_membership}"}


def post_state(app, post_id):
    with app.app_context():
        post = db.session.get(Post, post_id)
        return post.status, post.thread.post_count


@pytest.mark.parametrize("act", ["restore", "approve"])
def test_a_moderator_cannot_republish_a_post_its_author_deleted(app, client, auth, circle, act):
    auth.sign_in(circle["emails"]["member"])
    assert client.post(f"{circle['thread']}/posts/{circle['post']}/delete").status_code == 302
    auth.sign_out()
    auth.sign_in(circle["emails"]["facilitator"])
    client.post(f"{circle['thread']}/posts/{circle['post']}/{act}")
    assert post_state(app, circle["post"])[0] == "deleted"


def test_approving_a_visible_post_does_not_count_it_twice(app, client, auth, circle):
    auth.sign_in(circle["emails"]["facilitator"])
    client.post(f"{circle['thread']}/posts/{circle['post']}/approve")
    assert post_state(app, circle["post"]) == ("visible", 1)


def test_a_muted_facilitator_cannot_unmute_themselves(app, client, auth, circle):
    auth.sign_in(circle["emails"]["focal"])
    muted = client.post(circle["facilitator_membership"] + "/mute", data={"hours": "24", "reason": "Cool off"})
    assert muted.status_code == 302
    auth.sign_out()
    auth.sign_in(circle["emails"]["facilitator"])
    client.post(circle["facilitator_membership"] + "/unmute")
    assert client.post(circle["thread"] + "/reply", data={"body": "I am back"}).status_code == 400
