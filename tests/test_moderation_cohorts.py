"""A cohort's facilitators moderate its discussion space (the threads of the cohort) and nothing else of the
community: request level, on SQLite and PostgreSQL."""
from datetime import date

import factories
import pytest
from conftest import PASSWORD

from colab import policy
from colab.accounts.models import User
from colab.communities import service
from colab.communities.models import Cohort, Post, Thread
from colab.extensions import db
from colab.moderation.models import ModerationAction
from colab.notifications.models import Notification

SLUG = "circle"
BASE = f"/communities/{SLUG}"
PEOPLE = (("chipo", "Chipo Cohort", "member"), ("kofi", "Kofi Cohort", "member"),
          ("fola", "Fola Facilitator", "facilitator"), ("lena", "Lena Learner", "member"),
          ("mo", "Mo Member", "member"))
# Texts planted in each thread: a cohort's facilitator reads only their own cohort's.
HELD = {"mine": "Held in the Lusaka circle", "other": "Held in the Accra circle", "general": "Held in general"}


class Space:
    """An open community of africa that holds each new member's first post: two cohorts (Lusaka, facilitated by
    Chipo; Accra, by Kofi), a community facilitator (Fola), a learner (Lena) and a member (Mo), who has already
    posted. Fola opened one thread in each cohort's space and one general thread; Lena's reply in each waits."""

    def __init__(self, app, make_user, slug=SLUG, people=None):
        """people: another Space whose people (and their signed-in browsers) take part in this one too."""
        self.app, self.slug = app, slug
        self.ids, self.emails, self.browsers = (people.ids, people.emails, people.browsers) if people else ({}, {}, {})
        for key, name, _role in PEOPLE:
            if key not in self.ids:
                self.ids[key], self.emails[key] = make_user(display_name=name)
        with app.app_context():
            community = factories.community(slug, "regional", {"en": "Circle"}, {"en": "About"}, region="africa")
            members = {key: factories.member(self.ids[key], community, role) for key, _name, role in PEOPLE}
            self.cohorts = {
                key: factories.cohort(community, name, starts_on=date(2030, 1, 1), ends_on=date(2030, 3, 1),
                                      facilitators=[self.ids[facilitator]]).id
                for key, name, facilitator in (("mine", "Lusaka circle", "chipo"), ("other", "Accra circle", "kofi"))}
            fola, lena, mo = (db.session.get(User, self.ids[key]) for key in ("fola", "lena", "mo"))
            self.threads, self.held, self.visible = {}, {}, {}
            for key in ("mine", "other", "general"):
                cohort = db.session.get(Cohort, self.cohorts[key]) if key != "general" else None
                self.threads[key] = service.create_thread(fola, community, f"Thread {key}", f"Framing {key}",
                                                          cohort=cohort).id
            self.visible["mine"] = service.add_post(mo, db.session.get(Thread, self.threads["mine"]), "Mine too").id
            community.premoderate_posts = 1  # from now on, a member's first post waits for a moderator
            for key in ("mine", "other", "general"):
                self.held[key] = service.add_post(lena, db.session.get(Thread, self.threads[key]), HELD[key]).id
            db.session.commit()
            self.memberships = {key: member.id for key, member in members.items()}

    def browser(self, key):
        if key not in self.browsers:
            browser = self.app.test_client()
            assert browser.post("/sign-in", data={"email": self.emails[key], "password": PASSWORD}).status_code == 302
            self.browsers[key] = browser
        return self.browsers[key]

    def get(self, key, url):
        return self.browser(key).get(url)

    def text(self, key, url):
        response = self.get(key, url)
        assert response.status_code == 200, url
        return response.get_data(as_text=True)

    def send(self, key, url, **data):
        return self.browser(key).post(url, data=data)

    def thread_url(self, where):
        return f"/communities/{self.slug}/threads/{self.threads[where]}"

    def post_url(self, where, post_id, action):
        return f"{self.thread_url(where)}/posts/{post_id}/{action}"

    def status(self, post_id):
        with self.app.app_context():
            return db.session.get(Post, post_id).status

    def thread(self, where):
        with self.app.app_context():
            return db.session.get(Thread, self.threads[where])


@pytest.fixture
def space(app, client, content, make_user):
    """`client` makes every test client send CSRF tokens."""
    return Space(app, make_user)


# --- what a cohort's facilitator sees ----------------------------------------------------------------------

def test_a_cohort_facilitator_reads_the_held_posts_of_their_cohort_threads_only(space):
    assert HELD["mine"] in space.text("chipo", space.thread_url("mine") + "/")
    assert HELD["other"] not in space.text("chipo", space.thread_url("other") + "/")
    assert HELD["general"] not in space.text("chipo", space.thread_url("general") + "/")
    assert HELD["other"] in space.text("kofi", space.thread_url("other") + "/")
    assert HELD["mine"] not in space.text("mo", space.thread_url("mine") + "/")


def test_the_queue_and_the_header_count_hold_only_their_cohort_threads(space):
    queue = space.text("chipo", f"{BASE}/moderation")
    assert HELD["mine"] in queue
    assert HELD["other"] not in queue and HELD["general"] not in queue
    assert "Review queue (1 item)" in queue  # the header: one post waits for Chipo
    assert "Pre-moderation" not in queue and f"{BASE}/members" not in queue and f"{BASE}/audit" not in queue
    overview = space.text("chipo", "/moderation/")
    assert f"{BASE}/moderation" in overview and "1 item" in overview
    full = space.text("fola", f"{BASE}/moderation")
    assert all(text in full for text in HELD.values()) and "Review queue (3 items)" in full
    assert "Pre-moderation" in full and f"{BASE}/members" in full


def test_the_alert_for_a_held_post_reaches_its_cohort_facilitators_and_no_other(space, app):
    with app.app_context():
        alerts = {(row.user_id, row.post_id) for row in db.session.scalars(
            db.select(Notification).filter_by(kind="post_held"))}
    assert {post for user, post in alerts if user == space.ids["chipo"]} == {space.held["mine"]}
    assert {post for user, post in alerts if user == space.ids["kofi"]} == {space.held["other"]}
    assert {post for user, post in alerts if user == space.ids["fola"]} == set(space.held.values())
    assert "Thread mine" in space.text("chipo", "/notifications/")
    assert "Thread other" not in space.text("chipo", "/notifications/")
    with app.app_context():
        alert = db.session.scalar(db.select(Notification.id).filter_by(user_id=space.ids["chipo"], kind="post_held"))
    opened = space.get("chipo", f"/notifications/{alert}")
    assert opened.status_code == 302 and f"{BASE}/moderation" in opened.location  # the queue, which opens
    assert HELD["mine"] in space.text("chipo", opened.location)


def test_a_report_in_their_cohort_thread_alerts_them(space, app):
    assert space.send("lena", space.post_url("mine", space.visible["mine"], "report"), reason="spam").status_code \
        == 302
    with app.app_context():
        told = set(db.session.scalars(db.select(Notification.user_id).filter_by(
            kind="post_reported", post_id=space.visible["mine"])))
    assert told == {space.ids["chipo"], space.ids["fola"]}
    assert "1 report" in space.text("chipo", f"{BASE}/moderation")


def test_a_held_thread_of_their_cohort_shows_to_them_only_among_facilitators_of_cohorts(space, app):
    with app.app_context():
        community = service.find_community(SLUG)
        lena = db.session.get(User, space.ids["lena"])
        thread = service.create_thread(lena, community, "Lena asks", "Is it fine to ask?",
                                       cohort=db.session.get(Cohort, space.cohorts["mine"]))
        db.session.commit()
        assert thread.held
        url = f"{BASE}/threads/{thread.id}/"
    assert "Is it fine to ask?" in space.text("chipo", url)
    assert "Lena asks" in space.text("chipo", f"{BASE}/cohorts/{space.cohorts['mine']}/")
    assert space.get("kofi", url).status_code == 404
    assert "Lena asks" not in space.text("kofi", f"{BASE}/")


# --- what a cohort's facilitator does ------------------------------------------------------------------

def test_a_cohort_facilitator_approves_and_hides_in_their_cohort_thread(space, app):
    response = space.send("chipo", space.post_url("mine", space.held["mine"], "approve"))
    assert response.status_code == 302
    assert space.status(space.held["mine"]) == "visible"
    assert HELD["mine"] in space.text("mo", space.thread_url("mine") + "/")
    assert space.send("chipo", space.post_url("mine", space.visible["mine"], "hide"),
                      reason="Agreement 2").status_code == 302
    assert space.status(space.visible["mine"]) == "hidden"
    with app.app_context():
        acts = db.session.execute(db.select(ModerationAction.action, ModerationAction.actor_id)).all()
    assert sorted(acts) == [("approve", space.ids["chipo"]), ("hide", space.ids["chipo"])]
    assert "Review queue" in space.text("chipo", f"{BASE}/moderation") and \
        HELD["mine"] not in space.text("chipo", f"{BASE}/moderation")


def test_a_cohort_facilitator_locks_their_cohort_thread_and_still_replies(space):
    assert space.send("chipo", space.thread_url("mine") + "/lock").status_code == 302
    assert space.thread("mine").locked
    assert space.send("mo", space.thread_url("mine") + "/reply", body="Me too").status_code == 400
    assert space.send("chipo", space.thread_url("mine") + "/reply", body="Closing words").status_code == 302
    assert "Closing words" in space.text("mo", space.thread_url("mine") + "/")


def test_slow_mode_does_not_hold_back_the_cohort_facilitator(space):
    assert space.send("chipo", space.thread_url("mine") + "/slow-mode", minutes="30").status_code == 302
    for body in ("One", "Two"):
        assert space.send("chipo", space.thread_url("mine") + "/reply", body=body).status_code == 302
    assert space.send("mo", space.thread_url("mine") + "/reply", body="Again").status_code == 400  # Mo posted


@pytest.mark.parametrize("where", ["other", "general"])
def test_a_cohort_facilitator_cannot_act_outside_their_cohort_threads(space, app, where):
    for action in ("approve", "hide"):
        assert space.send("chipo", space.post_url(where, space.held[where], action), reason="x").status_code == 403
    for action in ("lock", "pin", "slow-mode"):
        assert space.send("chipo", space.thread_url(where) + f"/{action}", minutes="5").status_code == 403
    assert space.status(space.held[where]) == "held"
    assert not space.thread(where).locked and not space.thread(where).pinned
    with app.app_context():
        assert db.session.scalars(db.select(ModerationAction)).all() == []


def test_a_cohort_facilitator_never_reviews_their_own_post(space):
    assert space.send("chipo", space.thread_url("mine") + "/reply", body="My own words").status_code == 302
    with space.app.app_context():
        own = db.session.scalar(db.select(Post.id).filter_by(author_id=space.ids["chipo"]))
    assert space.send("chipo", space.post_url("mine", own, "hide"), reason="x").status_code == 403
    assert space.status(own) == "visible"


def test_a_cohort_facilitator_neither_mutes_nor_sets_roles_nor_reads_the_community_log(space, app):
    member = f"{BASE}/members/{space.memberships['lena']}"
    for action in ("mute", "unmute", "facilitator", "member"):
        assert space.send("chipo", f"{member}/{action}", hours="2", reason="Cool off").status_code == 403
    for page in ("members", "audit"):
        assert space.get("chipo", f"{BASE}/{page}").status_code == 403
    assert space.send("chipo", f"{BASE}/moderation/premoderation", posts="0").status_code == 403
    with app.app_context():
        lena = db.session.get(User, space.ids["lena"])
        membership = policy.memberships(lena)[service.find_community(SLUG).id]
        assert membership.muted_until is None and membership.role == "member"
        assert service.find_community(SLUG).premoderate_posts == 1


def test_a_pin_in_a_cohort_thread_holds_it_first_in_the_cohort_space_only(space):
    assert space.send("chipo", space.thread_url("mine") + "/pin").status_code == 302
    # Lena's cohort reply approved by Kofi makes the other cohort's thread the newest
    assert space.send("kofi", space.post_url("other", space.held["other"], "approve")).status_code == 302
    community_page = space.text("mo", f"{BASE}/")
    assert community_page.index("Thread other") < community_page.index("Thread mine")
    assert space.thread("mine").pinned


# --- the rules and their SQL twins agree -------------------------------------------------------------------

def test_review_rule_and_its_sql_twin_agree_for_every_person(space, app):
    with app.app_context():
        posts = db.session.scalars(db.select(Post)).all()
        for key in space.ids:
            user = db.session.get(User, space.ids[key])
            listed = set(db.session.scalars(db.select(Post.id).join(Thread).where(policy.reviewable_posts(user))))
            assert listed == {post.id for post in posts if policy.can("post.review", post, user=user)}, key
            for thread in db.session.scalars(db.select(Thread)):
                shown = set(db.session.scalars(db.select(Post.id).filter_by(thread_id=thread.id)
                                               .where(policy.listed_posts(user, thread))))
                readable = {post.id for post in posts if post.thread_id == thread.id
                            and (post.status != "held" or policy.can("post.read", post, user=user))}
                assert shown == readable, (key, thread.title)


def test_who_opens_a_dialogue_in_a_cohort_space(space, app):
    with app.app_context():
        mine, other = (db.session.get(Cohort, space.cohorts[key]) for key in ("mine", "other"))
        community = service.find_community(SLUG)
        people = {key: db.session.get(User, user_id) for key, user_id in space.ids.items()}
        assert {key for key, user in people.items() if policy.can("cohort.frame", mine, user=user)} == {"chipo", "fola"}
        assert {key for key, user in people.items() if policy.can("cohort.frame", other, user=user)} == {"kofi", "fola"}
        assert not policy.can("thread.frame", community, user=people["chipo"])  # not in the whole community
        thread = service.create_thread(people["chipo"], community, "On care", "", framing="Why we talk",
                                       dialogue=True, cohort=mine)
        assert thread.is_dialogue and thread.cohort_id == mine.id
        with pytest.raises(policy.Refused):
            service.create_thread(people["chipo"], community, "On care", "", framing="x", dialogue=True, cohort=other)
        db.session.rollback()


# --- the moderation routes, by role and by thread --------------------------------------------------------------

# Roles: a member, the Lusaka cohort's facilitator, the community's facilitator. Threads: the Lusaka cohort's,
# the Accra cohort's, a general one. Expected statuses per role, in that order.
ROLES = ("mo", "chipo", "fola")
POSTGRESQL_WHEN = {"role": ("fola",)}  # on PostgreSQL (conftest.py): the one who moderates every thread here
POST = "/communities/{slug}/threads/{thread}/posts/{post}"
TABLE = [
    # (name, method, url, form data, {where: "mo chipo fola"}); where None: the route names no thread
    ("review queues", "GET", "/moderation/", {}, {None: "403 200 200"}),
    ("review queue", "GET", "/communities/{slug}/moderation", {}, {None: "403 200 200"}),
    ("approve a held post", "POST", POST + "/approve", {}, {"mine": "403 302 302", "other": "403 403 302",
                                                           "general": "403 403 302"}),
    ("hide a held post", "POST", POST + "/hide", {"reason": "Agreement 2"},
     {"mine": "403 302 302", "other": "403 403 302", "general": "403 403 302"}),
    ("restore a held post", "POST", POST + "/restore", {}, {"mine": "403 404 404", "other": "403 403 404"}),
    ("warn about a held post", "POST", POST + "/warn", {"reason": "x"}, {"mine": "403 404 404"}),
    ("dismiss reports of a held post", "POST", POST + "/dismiss", {}, {"mine": "403 404 404"}),
    ("unknown post action", "POST", POST + "/frobnicate", {}, {"mine": "403 404 404"}),
    *[(f"{act} the thread", "POST", "/communities/{slug}/threads/{thread}/" + act, {"minutes": "5"},
       {"mine": "403 302 302", "other": "403 403 302", "general": "403 403 302"})
      for act in ("lock", "unlock", "pin", "unpin", "slow-mode")],
    ("unknown thread action", "POST", "/communities/{slug}/threads/{thread}/frobnicate", {},
     {"mine": "403 404 404", "general": "403 403 404"}),
    ("pre-moderation", "POST", "/communities/{slug}/moderation/premoderation", {"posts": "2"},
     {None: "403 403 302"}),
    ("members", "GET", "/communities/{slug}/members", {}, {None: "403 403 200"}),
    *[(f"{act} a member", "POST", "/communities/{slug}/members/{member}/" + act, {"hours": "2", "reason": "Calm"},
       {None: "403 403 302"}) for act in ("mute", "unmute")],
    *[(f"{act} an active member", "POST", "/communities/{slug}/members/{member}/" + act, {}, {None: "403 403 404"})
      for act in ("approve", "decline")],
    *[(f"make a {role}", "POST", "/communities/{slug}/members/{member}/" + role, {}, {None: "403 403 403"})
      for role in ("facilitator", "member")],  # focal points of the region and admins only
    ("unknown member", "POST", "/communities/{slug}/members/0/unmute", {}, {None: "403 403 404"}),
    ("audit log", "GET", "/communities/{slug}/audit", {}, {None: "403 403 200"}),
]


@pytest.mark.parametrize("role", ROLES)
def test_every_moderation_route_answers_as_the_table_says(app, client, content, make_user, role):
    """Each row runs in a fresh space, so no request changes what the next one finds."""
    actual, expected, people = {}, {}, None
    for n, (name, method, url, data, cases) in enumerate(TABLE):
        for where, codes in cases.items():
            space = people = Space(app, make_user, f"circle-{n}-{where}", people)  # a fresh space
            target = url.format(slug=space.slug, thread=space.threads.get(where, 0), post=space.held.get(where, 0),
                                member=space.memberships["lena"])
            browser = space.browser(role)
            response = browser.get(target) if method == "GET" else browser.post(target, data=data)
            key = f"{name} ({where or 'community'})"
            actual[key] = response.status_code
            expected[key] = int(codes.split()[ROLES.index(role)])
    assert actual == expected


def test_the_table_covers_every_moderation_route(app):
    """A new route of the moderation blueprint fails here until it has a row in TABLE."""
    adapter = app.url_map.bind("colab.test")
    covered = {(adapter.match(url.format(slug="x", thread=1, post=1, member=1), method=method)[0], method)
               for _name, method, url, *_ in TABLE}
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              if rule.endpoint.startswith("moderation.") for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == covered
