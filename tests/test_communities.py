"""Communities at the request level: the list, open and members-only visibility, joining, agreements,
private email addresses, and cohorts with their lesson discussions. Threads and posts: test_threads.py."""
from datetime import date
from types import SimpleNamespace

import factories
import pytest

from colab.communities.models import Cohort, Membership, Thread
from colab.extensions import db

COURSE_LESSON = "/courses/listening-basics/why-listen/"


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def world(app, make_user, community_kit, auth):
    """An open and a members-only community (region Africa), a facilitator and a member in both, an outsider."""
    w = SimpleNamespace(kit=community_kit, auth=auth, app=app)
    w.open = community_kit.community("open-circle")
    w.closed = community_kit.community("closed-circle", members_only=True, region="africa")
    w.facilitator = make_user(email="fatima.private@example.org", display_name="Fatima Facil")
    w.member = make_user(email="amara.private@example.org", display_name="Amara Diallo")
    w.outsider = make_user(email="olu.private@example.org", display_name="Olu Outsider")
    for slug in (w.open, w.closed):
        community_kit.member(w.facilitator[0], slug, role="facilitator")
        community_kit.member(w.member[0], slug)
    w.sign_in = lambda person: (auth.sign_out(), auth.sign_in(person[1]))
    return w


def membership(app, user_id, slug):
    with app.app_context():
        return db.session.scalar(db.select(Membership).join(Membership.community)
                                 .where(Membership.user_id == user_id).filter_by(slug=slug))


# --- the list and who sees what ----------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/communities/", "/communities/open-circle/"])
def test_communities_are_for_signed_in_people_only(client, world, path):
    response = client.get(path)
    assert response.status_code == 302 and "/sign-in" in response.location


def test_list_shows_every_community_with_its_kind_of_access(client, world):
    world.sign_in(world.outsider)
    page = text(client.get("/communities/"))
    assert "open-circle community" in page and "closed-circle community" in page
    assert "Members only" in page and "Open to everyone signed in" in page


def test_outsider_reads_an_open_community_and_its_threads(client, world):
    thread_id = world.kit.thread(world.member[0], world.open, "Open talk", "Hello everyone")
    world.sign_in(world.outsider)
    page = text(client.get("/communities/open-circle/"))
    assert "Open talk" in page and "Join this community" in page
    thread = text(client.get(f"/communities/open-circle/threads/{thread_id}/"))
    assert "Hello everyone" in thread and "Join this community to reply" in thread


def test_outsider_sees_only_the_name_of_a_members_only_community(client, world):
    thread_id = world.kit.thread(world.member[0], world.closed, "Secret circle talk", "Private words")
    world.sign_in(world.outsider)
    response = client.get("/communities/closed-circle/")
    page = text(response)
    assert response.status_code == 200
    assert "closed-circle community" in page and "Ask to join" in page
    assert "Secret circle talk" not in page and "Private words" not in page
    assert client.get(f"/communities/closed-circle/threads/{thread_id}/").status_code == 404
    assert client.get(f"/communities/closed-circle/threads/{thread_id}/?post=1").status_code == 404
    assert client.post(f"/communities/closed-circle/threads/{thread_id}/reply",
                       data={"body": "Let me in"}).status_code == 404


def test_members_of_a_members_only_community_see_its_threads(client, world):
    world.kit.thread(world.facilitator[0], world.closed, "Secret circle talk", "Private words")
    world.sign_in(world.member)
    assert "Secret circle talk" in text(client.get("/communities/closed-circle/"))


def test_unknown_community_is_404(client, world):
    world.sign_in(world.member)
    assert client.get("/communities/no-such-circle/").status_code == 404


# --- joining, asking to join, approval ---------------------------------------------------------------

def test_joining_an_open_community_leads_to_the_agreements(client, world, app):
    world.sign_in(world.outsider)
    response = client.post("/communities/open-circle/join")
    assert response.status_code == 302 and response.location.endswith("/communities/open-circle/agreements")
    joined = membership(app, world.outsider[0], "open-circle")
    assert joined is not None and not joined.pending and joined.agreements_accepted_at is None
    assert 'badge-done">Member</span>' in text(client.get("/communities/"))
    assert client.post("/communities/open-circle/join").status_code == 403  # already in


def test_leaving_removes_the_membership(client, world, app):
    world.sign_in(world.member)
    assert client.post("/communities/open-circle/leave").status_code == 302
    assert membership(app, world.member[0], "open-circle") is None


def test_asking_to_join_waits_for_a_facilitator_who_approves(client, world, app):
    thread_id = world.kit.thread(world.member[0], world.closed, "Secret circle talk", "Private words")
    world.sign_in(world.outsider)
    client.post("/communities/closed-circle/join")
    page = text(client.get("/communities/closed-circle/"))
    assert "Your request to join is waiting for a facilitator." in page and "Secret circle talk" not in page
    assert client.get(f"/communities/closed-circle/threads/{thread_id}/").status_code == 404
    request_id = membership(app, world.outsider[0], "closed-circle").id
    assert membership(app, world.outsider[0], "closed-circle").pending
    # a plain member may not approve
    world.sign_in(world.member)
    assert client.post(f"/communities/closed-circle/members/{request_id}/approve").status_code == 403
    world.sign_in(world.facilitator)
    assert "Olu Outsider asked to join closed-circle community." in text(client.get("/notifications/"))
    assert client.post(f"/communities/closed-circle/members/{request_id}/approve").status_code == 302
    world.sign_in(world.outsider)
    assert "You are now a member of closed-circle community." in text(client.get("/notifications/"))
    assert "Secret circle talk" in text(client.get("/communities/closed-circle/"))
    assert client.get(f"/communities/closed-circle/threads/{thread_id}/").status_code == 200


# --- agreements before the first post ----------------------------------------------------------------

def new_member(world, slug="open-circle"):
    """A member who has not accepted the agreements yet, signed in; returns their user id."""
    user_id, email = world.auth.make_user(display_name="Newcomer")
    world.kit.member(user_id, slug, accepted=False)
    world.sign_in((user_id, email))
    return user_id


@pytest.mark.parametrize("method, path, data", [
    ("get", "/communities/open-circle/threads/new", None),
    ("post", "/communities/open-circle/threads/new", {"title": "My first", "body": "Hello"}),
    ("post", "/communities/open-circle/threads/{tid}/reply", {"body": "Hello"}),
])
def test_first_post_waits_for_the_agreements(client, world, app, method, path, data):
    thread_id = world.kit.thread(world.member[0], world.open, "Welcome", "Say hello")
    new_member(world)
    response = getattr(client, method)(path.format(tid=thread_id), data=data)
    assert response.status_code == 302 and "/communities/open-circle/agreements?next=" in response.location
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Thread)) == 1
        assert db.session.get(Thread, thread_id).post_count == 1


def test_thread_page_asks_for_the_agreements_instead_of_a_reply_form(client, world):
    thread_id = world.kit.thread(world.member[0], world.open, "Welcome", "Say hello")
    new_member(world)
    page = text(client.get(f"/communities/open-circle/threads/{thread_id}/"))
    assert "Read and accept the community agreements to post" in page and "Post reply" not in page


def test_accepting_the_agreements_is_recorded_and_returns_to_the_post(client, world, app):
    thread_id = world.kit.thread(world.member[0], world.open, "Welcome", "Say hello")
    user_id = new_member(world)
    back = f"/communities/open-circle/threads/{thread_id}/"
    page = text(client.get(f"/communities/open-circle/agreements?next={back}"))
    assert "Speak from your own experience." in page and "I have read these agreements" in page
    response = client.post("/communities/open-circle/agreements", data={"next": back})
    assert response.status_code == 302 and response.location.endswith(back)
    assert membership(app, user_id, "open-circle").agreements_accepted_at is not None
    assert "You accepted these agreements on" in text(client.get("/communities/open-circle/agreements"))
    assert client.post(back + "reply", data={"body": "Glad to be here"}).status_code == 302
    assert "Glad to be here" in text(client.get(back))


def test_outsider_cannot_accept_agreements(client, world):
    world.sign_in(world.outsider)
    assert client.post("/communities/open-circle/agreements").status_code == 403


# --- private email addresses -------------------------------------------------------------------------

def test_no_email_address_of_another_member_on_community_pages(client, world, content, app):
    world.kit.focal_point(world.facilitator[0], "africa")
    thread_id = world.kit.thread(world.facilitator[0], world.closed, "Hello", "Hi @Amara Diallo")
    cohort_id = make_cohort(app, world.closed)
    world.sign_in(world.member)
    client.post(f"/communities/closed-circle/threads/{thread_id}/reply", data={"body": "Hi @Fatima Facil"})
    member_pages = ["/communities/", "/communities/closed-circle/", f"/communities/closed-circle/threads/{thread_id}/",
                    f"/communities/closed-circle/cohorts/{cohort_id}/", "/communities/closed-circle/agreements",
                    "/notifications/"]
    seen = "".join(text(client.get(path)) for path in member_pages)
    assert "Fatima Facil" in seen and world.facilitator[1] not in seen
    world.sign_in(world.facilitator)
    moderator_pages = member_pages + ["/communities/closed-circle/members", "/communities/closed-circle/moderation",
                                      "/communities/closed-circle/audit"]
    seen = "".join(text(client.get(path)) for path in moderator_pages)
    assert "Amara Diallo" in seen
    assert world.member[1] not in seen and world.outsider[1] not in seen


# --- cohorts -----------------------------------------------------------------------------------------

def course_id(app):
    with app.app_context():
        return factories.course().id


def make_cohort(app, slug, name="Spring circle"):
    """A cohort made through the service by an admin (so it is logged like one made with the form)."""
    from colab.cohorts import service as cohorts
    from colab.communities import service
    with app.app_context():
        creator = factories.user("cohort.creator@example.org", "Cohort Creator", "a long passphrase here",
                                 is_admin=True)
        cohort = cohorts.create_cohort(creator, service.find_community(slug), factories.course(), name,
                                       date(2030, 3, 1), date(2030, 6, 30), ["en"], "UTC", "self-paced")
        db.session.commit()
        return cohort.id


def cohort_form(app, **overrides):
    return {"name": "Spring circle", "course": str(course_id(app)), "starts_on": "2030-03-01",
            "ends_on": "2030-06-30", "languages": "en", "timezone": "UTC", "pacing": "self-paced", **overrides}


def cohort_count(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Cohort))


def test_focal_point_of_the_region_creates_a_cohort(client, world, content, app, make_user):
    focal = make_user(display_name="Focal Person")
    world.kit.focal_point(focal[0], "africa")
    world.sign_in(focal)
    assert "New cohort" in text(client.get("/communities/closed-circle/"))
    response = client.post("/communities/closed-circle/cohorts/new", data=cohort_form(app))
    assert response.status_code == 302
    with app.app_context():
        cohort = db.session.scalars(db.select(Cohort)).one()
        assert (cohort.name, cohort.starts_on, cohort.ends_on) == ("Spring circle", date(2030, 3, 1),
                                                                   date(2030, 6, 30))
    assert response.location.endswith(f"/communities/closed-circle/cohorts/{cohort.id}/")
    page = text(client.get(response.location))
    assert "Spring circle" in page and "Listening basics" in page and "Why listen?" in page


@pytest.mark.parametrize("who", ["facilitator", "member", "other_focal_point"])
def test_only_focal_points_of_the_region_create_cohorts(client, world, content, app, make_user, who):
    if who == "other_focal_point":
        person = make_user(display_name="Europe Focal")
        world.kit.focal_point(person[0], "europe")
    else:
        person = getattr(world, who)
    world.sign_in(person)
    assert client.get("/communities/closed-circle/cohorts/new").status_code == 403
    assert client.post("/communities/closed-circle/cohorts/new", data=cohort_form(app)).status_code == 403
    assert cohort_count(app) == 0


@pytest.mark.parametrize("dates, message", [
    ({"starts_on": "2030-06-30", "ends_on": "2030-03-01"}, "The end date must be on or after the start date."),
    ({"starts_on": "2030-02-30"}, "Not a valid date value."),
    ({"ends_on": ""}, "Enter a valid date."),
])
def test_cohort_dates_are_validated(client, world, content, app, dates, message):
    world.kit.focal_point(world.facilitator[0], "africa")
    world.sign_in(world.facilitator)
    response = client.post("/communities/closed-circle/cohorts/new", data=cohort_form(app, **dates))
    assert response.status_code == 400 and message in text(response)
    assert cohort_count(app) == 0


def test_lesson_page_offers_the_cohort_discussion_to_members_only(client, world, content, app):
    cohort_id = make_cohort(app, world.closed)
    link = f"/communities/closed-circle/cohorts/{cohort_id}/lessons/why-listen"
    world.sign_in(world.member)
    page = text(client.get(COURSE_LESSON))
    assert "Discuss this lesson with Spring circle" in page and link in page
    world.sign_in(world.outsider)
    page = text(client.get(COURSE_LESSON))
    assert "Discuss this lesson with" not in page
    assert client.get(link).status_code == 404


def test_cohort_lesson_link_opens_one_cohort_thread(client, world, content, app):
    cohort_id = make_cohort(app, world.closed)
    link = f"/communities/closed-circle/cohorts/{cohort_id}/lessons/why-listen"
    world.sign_in(world.member)
    first = client.get(link)
    assert first.status_code == 302 and "/communities/closed-circle/threads/" in first.location
    page = text(client.get(first.location))
    assert "Spring circle: Why listen?" in page and "Open the lesson" in page and "Post reply" in page
    assert client.get(link).location == first.location
    with app.app_context():
        thread = db.session.scalars(db.select(Thread)).one()
        assert thread.cohort_id == cohort_id
    assert "Spring circle: Why listen?" in text(client.get(f"/communities/closed-circle/cohorts/{cohort_id}/"))
    assert client.get(f"/communities/closed-circle/cohorts/{cohort_id}/lessons/no-such-lesson").status_code == 404


def test_the_personal_data_export_includes_memberships_and_posts(client, auth, community_kit):
    user_id, _ = auth.as_new_user()
    community_kit.community("circle")
    community_kit.member(user_id, "circle")
    community_kit.thread(user_id, "circle", "My thread", "Words I wrote")
    data = client.post("/account/export", data={"password": "a long test passphrase"}).get_json(force=True)
    assert data["communities"]["memberships"][0]["community"] == "circle"
    assert data["communities"]["posts"][0]["text"] == "Words I wrote"
