"""Moderation at the request level: reports of posts, the review queue, facilitator acts and the audit log."""
import re
from datetime import timedelta

import pytest
from conftest import PASSWORD

from colab.communities.models import Membership, Post
from colab.extensions import db
from colab.models_base import utcnow
from colab.moderation.models import ModerationAction, PostReport
from colab.notifications.models import Notification

SLUG = "circle"
BASE = f"/communities/{SLUG}"
BODY = "Nobody here knows anything about care work."
NAMES = {"author": "Amara Author", "rafa": "Rafa Reporter", "ruth": "Ruth Reporter", "bea": "Bea Bystander",
         "fola": "Fola Facilitator"}


@pytest.fixture
def app_config():
    return {"REPORT_RATE_LIMIT": "2 per hour"}


class People:
    """People with their own browsers (test clients), each signed in once through the real form."""

    def __init__(self, app, make_user):
        self.app, self.make_user, self.ids, self.emails, self.browsers = app, make_user, {}, {}, {}

    def add(self, key, name, is_admin=False):
        self.ids[key], self.emails[key] = self.make_user(display_name=name, is_admin=is_admin)
        return key

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

    def follow(self, key, response):
        """The page a redirect leads to, flashed messages included."""
        return self.browser(key).get(response.location, follow_redirects=True).get_data(as_text=True)

    def send(self, key, url, **data):
        return self.browser(key).post(url, data=data)

    def notifications(self, key):
        return self.text(key, "/notifications/")

    def rows(self, model, **filters):
        with self.app.app_context():
            return db.session.scalars(db.select(model).filter_by(**filters)).all()

    def first_post(self, thread_id):
        with self.app.app_context():
            return db.session.scalar(db.select(Post.id).filter_by(thread_id=thread_id).order_by(Post.id))


class World(People):
    """An open community of the Africa region: an author's thread, two reporters, a bystander, a facilitator."""

    def __init__(self, app, make_user, kit):
        super().__init__(app, make_user)
        self.kit, self.memberships = kit, {}
        kit.community(SLUG, region="africa")
        for key, name in NAMES.items():
            self.add(key, name)
            self.memberships[key] = kit.member(self.ids[key], SLUG, "facilitator" if key == "fola" else "member")
        self.thread = self.new_thread("On care work", BODY)
        self.post = self.first_post(self.thread)

    def person(self, key, role):
        """Add someone: member, outsider, facilitator, focal (Africa), focal-other (Asia) or admin."""
        self.add(key, key.title(), is_admin=role == "admin")
        if role in ("member", "facilitator"):
            self.memberships[key] = self.kit.member(self.ids[key], SLUG, role)
        elif role.startswith("focal"):
            self.kit.focal_point(self.ids[key], "asia" if role == "focal-other" else "africa")
        return key

    def new_thread(self, title, body):
        return self.kit.thread(self.ids["author"], SLUG, title, body)

    def post_url(self, action, post=None, thread=None):
        return f"{BASE}/threads/{thread or self.thread}/posts/{post or self.post}/{action}"

    def report(self, key, post=None, thread=None, reason="disrespectful", note=""):
        return self.send(key, self.post_url("report", post, thread), reason=reason, note=note)

    def act(self, key, action, reason="", post=None):
        return self.send(key, self.post_url(action, post), reason=reason)

    def reply(self, key, body):
        return self.send(key, f"{BASE}/threads/{self.thread}/reply", body=body)

    def thread_page(self, key):
        return self.text(key, f"{BASE}/threads/{self.thread}/")

    def post_status(self, post=None):
        with self.app.app_context():
            return db.session.get(Post, post or self.post).status


@pytest.fixture
def world(app, client, make_user, community_kit):
    """`client` makes every test client send CSRF tokens."""
    return World(app, make_user, community_kit)


# --- reporting a post ----------------------------------------------------------------------------------

@pytest.mark.parametrize("reason,label", [("disrespectful", "Disrespectful"), ("off-topic", "Off-topic"),
                                          ("spam", "Spam"), ("harassment", "Harassment"), ("other", "Other")])
def test_a_report_keeps_its_reason_and_note_for_the_queue(world, reason, label):
    form = world.text("rafa", world.post_url("report"))
    assert f'value="{reason}"' in form and BODY in form
    response = world.report("rafa", reason=reason, note="Dismissive of carers")
    assert response.status_code == 302
    assert "Thank you. The facilitators will review this post" in world.follow("rafa", response)
    [report] = world.rows(PostReport, post_id=world.post)
    assert (report.reason, report.note, report.reporter_id) == (reason, "Dismissive of carers", world.ids["rafa"])
    assert f"{label}: Dismissive of carers" in world.text("fola", f"{BASE}/moderation")


def test_an_unknown_reason_is_refused(world):
    response = world.report("rafa", reason="boring")
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    assert world.rows(PostReport) == []


def test_several_reports_of_one_post_are_one_queue_item(world):
    for key, reason in (("rafa", "spam"), ("ruth", "harassment")):
        assert world.report(key, reason=reason).status_code == 302
    queue = world.text("fola", f"{BASE}/moderation")
    assert queue.count(BODY) == 1 and "2 reports" in queue
    assert "Spam" in queue and "Harassment" in queue
    assert "Review queue (1 item)" in world.text("fola", f"{BASE}/")


def test_reporting_is_rate_limited(world):
    threads = [world.thread] + [world.new_thread(f"Thread {n}", f"Post {n}") for n in (2, 3)]
    responses = [world.report("rafa", post=world.first_post(t), thread=t) for t in threads]
    assert [response.status_code for response in responses] == [302, 302, 429]
    assert "You can try again in" in responses[2].get_data(as_text=True)  # the page says when
    assert len(world.rows(PostReport, reporter_id=world.ids["rafa"])) == 2
    assert world.report("ruth").status_code == 302  # the limit is per person


def test_nobody_reports_their_own_post(world):
    assert world.get("author", world.post_url("report")).status_code == 403
    assert world.report("author").status_code == 403
    assert world.rows(PostReport) == []
    assert world.post_url("report") not in world.thread_page("author")
    assert world.post_url("report") in world.thread_page("bea")


def test_a_reviewed_post_is_not_reopened_unless_edited(world):
    world.report("rafa")
    assert world.act("fola", "dismiss").status_code == 302
    assert world.report("ruth").status_code == 302
    assert "No reported posts" in world.text("fola", f"{BASE}/moderation")
    assert [r.outcome for r in world.rows(PostReport, reporter_id=world.ids["ruth"])] == ["dismissed"]
    assert world.send("author", world.post_url("edit"), body="Edited: care work is work.").status_code == 302
    world.report("bea")
    queue = world.text("fola", f"{BASE}/moderation")
    assert "Edited: care work is work." in queue and "1 report" in queue


# --- who moderates ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("role,status", [("member", 403), ("outsider", 403), ("facilitator", 200), ("focal", 200),
                                         ("focal-other", 403), ("admin", 200)])
@pytest.mark.parametrize("page", ["moderation", "members", "audit"])
def test_moderation_pages_are_for_facilitators_focal_points_and_admins(world, role, status, page):
    world.act("fola", "hide", reason="Insulting language")
    response = world.get(world.person("someone", role), f"{BASE}/{page}")
    assert response.status_code == status
    if page == "audit" and status == 200:
        assert "Insulting language" in response.get_data(as_text=True)


def test_members_cannot_moderate_posts(world):
    assert world.act("bea", "hide", reason="I do not like it").status_code == 403
    assert world.post_status() == "visible" and world.rows(ModerationAction) == []


# --- acts on posts ---------------------------------------------------------------------------------------

def test_hiding_tells_the_author_why_and_reporters_the_outcome_but_never_who_reported(world):
    world.report("rafa")
    world.report("ruth")
    assert world.act("fola", "hide", reason="Insulting language").status_code == 302
    page = world.thread_page("bea")
    assert "Hidden by a facilitator." in page and BODY not in page
    assert "Hidden by a facilitator. Reason: Insulting language" in world.thread_page("fola")
    told = world.notifications("author")
    assert "A facilitator hid your post in “On care work”. Reason: Insulting language" in told
    for key, other in (("rafa", "ruth"), ("ruth", "rafa")):
        told = world.notifications(key)
        assert "was reviewed: the post was hidden" in told and NAMES[other] not in told
    author_view = world.thread_page("author") + world.notifications("author")
    assert NAMES["rafa"] not in author_view and NAMES["ruth"] not in author_view
    assert {r.outcome for r in world.rows(PostReport)} == {"hidden"}
    assert "No reported posts" in world.text("fola", f"{BASE}/moderation")


@pytest.mark.parametrize("action", ["hide", "warn"])
def test_hide_and_warn_need_a_reason(world, action):
    response = world.act("fola", action)
    assert response.status_code == 400  # the queue again, the message next to the reason (tests/test_form_errors.py)
    assert "Say why: the author and the audit log will see it." in response.get_data(as_text=True)
    assert world.post_status() == "visible" and world.rows(ModerationAction) == []


def test_restoring_shows_the_post_again_and_tells_the_author(world):
    world.act("fola", "hide", reason="Insulting language")
    assert world.act("fola", "restore", reason="On reflection it is fine").status_code == 302
    page = world.thread_page("bea")
    assert BODY in page and "Hidden by a facilitator." not in page
    assert "Your post in “On care work” is visible again." in world.notifications("author")


def test_dismissing_closes_the_reports_and_leaves_the_post(world):
    world.report("rafa")
    assert world.act("fola", "dismiss").status_code == 302
    assert world.post_status() == "visible" and BODY in world.thread_page("bea")
    assert "was reviewed: no action was needed" in world.notifications("rafa")
    assert "Nothing new." in world.notifications("author")
    assert [a.action for a in world.rows(ModerationAction)] == ["dismiss"]


def test_warning_tells_the_author_and_the_reporter(world):
    world.report("rafa")
    assert world.act("fola", "warn", reason="Please speak to ideas, not people").status_code == 302
    assert world.post_status() == "visible"
    assert ("A facilitator sent you a warning about your post in “On care work”: Please speak to ideas, not people"
            in world.notifications("author"))
    assert "was reviewed: the author was warned" in world.notifications("rafa")


def test_premoderation_holds_first_posts_until_approved(world):
    assert world.send("fola", f"{BASE}/moderation/premoderation", posts=1).status_code == 302
    response = world.reply("bea", "My first words here")
    assert "will appear once a facilitator approves it" in world.follow("bea", response)
    [held] = world.rows(Post, author_id=world.ids["bea"])
    assert held.status == "held" and "My first words here" not in world.thread_page("rafa")
    assert "Waiting for approval" in world.thread_page("fola")
    assert "My first words here" in world.text("fola", f"{BASE}/moderation")
    assert world.act("fola", "approve", post=held.id).status_code == 302
    assert "My first words here" in world.thread_page("rafa")
    assert "was approved and is now visible" in world.notifications("bea")
    world.reply("bea", "My second words")
    assert "My second words" in world.thread_page("rafa")


# --- acts on threads ---------------------------------------------------------------------------------------

def test_a_locked_thread_refuses_replies_until_unlocked(world):
    assert world.send("fola", f"{BASE}/threads/{world.thread}/lock").status_code == 302
    assert world.reply("bea", "Too late?").status_code == 400
    page = world.thread_page("bea")
    assert "This thread is locked: no new replies." in page and f"{world.thread}/reply" not in page
    assert world.rows(Post, author_id=world.ids["bea"]) == []
    world.send("fola", f"{BASE}/threads/{world.thread}/unlock")
    assert world.reply("bea", "Back again").status_code == 302
    assert "Back again" in world.thread_page("rafa")


def test_a_reply_sent_after_the_lock_says_the_thread_is_locked(world):
    world.send("fola", f"{BASE}/threads/{world.thread}/lock")
    assert "This thread is locked." in world.reply("bea", "Too late?").get_data(as_text=True)


def test_a_pinned_thread_is_listed_first(world):
    world.new_thread("A newer thread", "Newer post")
    listing = world.text("bea", f"{BASE}/")
    assert listing.index("A newer thread") < listing.index("On care work")
    assert world.send("fola", f"{BASE}/threads/{world.thread}/pin").status_code == 302
    listing = world.text("bea", f"{BASE}/")
    assert listing.index("On care work") < listing.index("A newer thread") and "Pinned" in listing


def test_slow_mode_refuses_a_second_post_and_keeps_the_typed_text(world):
    assert world.send("fola", f"{BASE}/threads/{world.thread}/slow-mode", minutes=10).status_code == 302
    assert world.reply("bea", "One thought").status_code == 302
    response = world.reply("bea", "A second thought, typed with care")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This thread is in slow mode. You can post again in 10 minutes." in page
    assert "A second thought, typed with care</textarea>" in page
    assert len(world.rows(Post, author_id=world.ids["bea"])) == 1


# --- members ---------------------------------------------------------------------------------------------------

def test_a_muted_member_cannot_post_until_the_mute_ends(world):
    url = f"{BASE}/members/{world.memberships['bea']}/mute"
    assert world.send("fola", url, hours=2, reason="Cooling off").status_code == 302
    response = world.reply("bea", "Let me speak")
    assert response.status_code == 400 and "You are muted in this community until" in response.get_data(as_text=True)
    assert "Let me speak</textarea>" in response.get_data(as_text=True)
    assert "Reason: Cooling off" in world.notifications("bea")
    assert world.rows(Post, author_id=world.ids["bea"]) == []
    with world.app.app_context():
        db.session.get(Membership, world.memberships["bea"]).muted_until = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert world.reply("bea", "Let me speak").status_code == 302


@pytest.mark.parametrize("actor,role,status", [("fola", "facilitator", 403), ("bea", "member", 403),
                                               ("fp", "focal", 302), ("boss", "admin", 302)])
def test_only_focal_points_and_admins_change_roles(world, actor, role, status):
    if actor not in world.emails:
        world.person(actor, role)
    assert world.send(actor, f"{BASE}/members/{world.memberships['rafa']}/facilitator").status_code == status
    [member] = world.rows(Membership, id=world.memberships["rafa"])
    assert member.role == ("facilitator" if status == 302 else "member")
    assert world.get("rafa", f"{BASE}/moderation").status_code == (200 if status == 302 else 403)


def test_the_audit_log_records_who_did_what_to_whom_and_why(world):
    world.act("fola", "hide", reason="Insulting language")
    world.send("fola", f"{BASE}/members/{world.memberships['bea']}/mute", hours=2, reason="Cooling off")
    world.send(world.person("fp", "focal"), f"{BASE}/threads/{world.thread}/lock")
    log = world.text("fola", f"{BASE}/audit")
    for expected in ("hid a post", "Insulting language", NAMES["author"], "muted a member", "Cooling off",
                     NAMES["bea"], "locked a thread", "Fp", NAMES["fola"]):
        assert expected in log
    rows = {(a.action, a.actor_id, a.subject_id) for a in world.rows(ModerationAction)}
    assert rows == {("hide", world.ids["fola"], world.ids["author"]), ("mute", world.ids["fola"], world.ids["bea"]),
                    ("lock", world.ids["fp"], None)}


def test_a_held_new_thread_is_invisible_to_others_until_approved(world):
    world.send("fola", f"{BASE}/moderation/premoderation", posts=1)
    assert world.send("bea", f"{BASE}/threads/new", title="My held thread title", body="Held body").status_code == 302
    assert "My held thread title" not in world.text("rafa", f"{BASE}/")


# --- the buttons offered are the acts allowed ----------------------------------------------------------------

def offered(page, post_id):
    """The moderation acts a page offers buttons for on one post."""
    return set(re.findall(rf'/posts/{post_id}/(approve|hide|restore|warn|dismiss)"', page))


def test_each_moderation_button_shown_is_an_allowed_act(world):
    world.reply("ruth", "Ruth's words")
    [ruths] = world.rows(Post, author_id=world.ids["ruth"])
    world.act("fola", "hide", reason="Insulting language", post=ruths.id)
    world.reply("fola", "Fola's words")
    [folas] = world.rows(Post, author_id=world.ids["fola"])
    world.send("fola", f"{BASE}/moderation/premoderation", posts=1)
    world.reply("bea", "Bea's held words")
    [held] = world.rows(Post, author_id=world.ids["bea"])
    page = world.thread_page("fola")
    assert {post: offered(page, post) for post in (world.post, ruths.id, folas.id, held.id)} == {
        world.post: {"hide", "warn"}, ruths.id: {"restore", "warn"},
        folas.id: set(),  # nobody reviews their own post…
        held.id: {"approve", "hide"}}  # …and a held post cannot be warned about
    assert offered(world.thread_page(world.person("fp", "focal")), folas.id) == {"hide", "warn"}  # …but those above
    world.report("rafa")
    queue = world.text("fola", f"{BASE}/moderation")
    assert offered(queue, world.post) == {"hide", "warn", "dismiss"} and offered(queue, held.id) == {"approve", "hide"}
    assert world.act("fola", "warn", reason="Why", post=held.id).status_code == 404
    assert world.act("fola", "hide", reason="Mine", post=folas.id).status_code == 403
    assert world.act("fola", "approve", post=held.id).status_code == 302
    assert world.act("fola", "restore", post=ruths.id).status_code == 302
    assert world.act("fola", "warn", reason="Speak to ideas", post=world.post).status_code == 302


# --- moderators are alerted, and see their queues from every page -------------------------------------------

def alerts(world, key):
    return [n.kind for n in world.rows(Notification, user_id=world.ids[key]) if n.kind.startswith("post_")]


def test_moderators_are_alerted_once_per_post_and_see_their_queues_in_the_header(world):
    world.person("fp", "focal")
    world.report("rafa", reason="spam")
    world.report("ruth")
    assert alerts(world, "fola") == alerts(world, "fp") == ["post_reported"]  # one per post, not per report
    assert alerts(world, "author") == alerts(world, "rafa") == alerts(world, "bea") == []
    assert "A post in “On care work” was reported." in world.notifications("fola")
    page = world.text("fola", "/communities/")
    assert 'href="/moderation/">Review queue (1 item)</a>' in page
    assert "Review queue" not in world.text("bea", "/communities/")
    assert world.get("bea", "/moderation/").status_code == 403
    queues = world.text("fola", "/moderation/")
    assert f'href="{BASE}/moderation">circle community</a>' in queues and "1 item" in queues
    world.act("fola", "hide", reason="Insulting language")
    assert alerts(world, "fp") == []  # reviewed: the alert has served
    assert 'href="/moderation/">Review queue</a>' in world.text("fp", "/communities/")
    world.send("fola", f"{BASE}/moderation/premoderation", posts=1)
    world.reply("bea", "My first words here")
    assert alerts(world, "fola") == ["post_held"]
    assert "A post in “On care work” is waiting for approval." in world.notifications("fola")
    assert 'href="/moderation/">Review queue (1 item)</a>' in world.text("fola", "/communities/")


def test_the_review_count_costs_the_same_queries_however_many_communities(app, world):
    from test_threads import count_queries
    fola = world.browser("fola")
    world.report("rafa")
    base = count_queries(app, fola, "/notifications/")
    for n in range(3):
        slug = world.kit.community(f"more-{n}", region="africa", premoderate=1)
        world.kit.member(world.ids["fola"], slug, role="facilitator")
        world.kit.member(world.ids["bea"], slug)
        thread = world.kit.thread(world.ids["fola"], slug, "Theirs", "Words")
        world.send("bea", f"/communities/{slug}/threads/{thread}/reply", body="Held")
        world.send("rafa", f"/communities/{slug}/threads/{thread}/posts/{world.first_post(thread)}/report",
                   reason="spam")  # rafa may report in open communities
    assert count_queries(app, fola, "/notifications/") == base
    assert "Review queue (4 items)" in world.text("fola", "/notifications/")


# --- the site, not what someone typed, says who is staff -----------------------------------------------------

def test_staff_badges_come_from_the_roles_the_site_records(world):
    world.person("fp", "focal")
    world.person("boss", "admin")
    world.add("fake", "Facilitator Fake")
    world.memberships["fake"] = world.kit.member(world.ids["fake"], SLUG)
    for key in ("fola", "fp", "boss", "fake"):
        assert world.reply(key, f"Words of {key}").status_code == 302
    world.send("fola", f"{BASE}/members/{world.memberships['bea']}/mute", hours=1, reason="Cool off")
    world.report("rafa", post=world.rows(Post, author_id=world.ids["fake"])[0].id)
    badge = '<span class="badge badge-staff">{}</span>'
    expected = [f"Fola Facilitator {badge.format('Facilitator')}", f"Fp {badge.format('Focal point')}",
                f"Boss {badge.format('Secretariat')}"]
    for page in (world.thread_page("bea"), world.text("fola", f"{BASE}/members")):
        for shown in expected[:1] + (expected[1:] if "Words of fp" in page else []):
            assert shown in page
        assert "Facilitator Fake</strong>" in page or "Facilitator Fake</td>" in page
        assert "Facilitator Fake <span" not in page
    assert expected[0] in world.text("fola", f"{BASE}/audit")
    queue = world.text("fola", f"{BASE}/moderation")
    assert "Post by Facilitator Fake in" in queue and "Facilitator Fake <span" not in queue


# --- statuses are enums the database enforces ----------------------------------------------------------------

@pytest.mark.parametrize("table, column", [("post", "status"), ("membership", "role"), ("community", "kind"),
                                           ("post_report", "reason"), ("post_report", "outcome"),
                                           ("moderation_action", "action")])
def test_the_database_refuses_an_unknown_status(world, table, column):
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError
    world.report("rafa")
    world.act("fola", "dismiss")
    with world.app.app_context():
        with pytest.raises(IntegrityError):
            db.session.execute(text(f"UPDATE {table} SET {column} = 'bogus'"))
            db.session.flush()
        db.session.rollback()


def test_an_open_report_has_no_outcome_yet(world):
    world.report("rafa")
    assert [report.outcome for report in world.rows(PostReport)] == [None]
    world.act("fola", "dismiss")
    assert [report.outcome for report in world.rows(PostReport)] == ["dismissed"]
