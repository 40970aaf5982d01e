"""Notifications at the request level: stored as a kind and ids, worded when read in the reader's language,
only about what the reader may still see, discreet when the reader asks, and a page whose cost does not grow."""
import json

import pytest
from test_communities import text, world  # noqa: F401 - the shared `world` fixture
from test_threads import count_queries, many_authors

from colab.accounts.models import User
from colab.communities.models import Community, Membership, Post, Thread
from colab.extensions import db
from colab.notifications import service as notifications
from colab.notifications.models import Notification

POSTGRESQL = False  # notifications' pages (see conftest.py)


def notifications_of(app, user_id):
    with app.app_context():
        return db.session.scalars(db.select(Notification).filter_by(user_id=user_id)).all()


def first_post(app, thread_id):
    with app.app_context():
        return db.session.scalar(db.select(Post.id).filter_by(thread_id=thread_id).order_by(Post.id))


def test_a_former_member_of_a_members_only_circle_is_no_longer_notified(client, world, app):
    thread_id = world.kit.thread(world.member[0], world.closed, "Men who cry", "First words")
    world.sign_in(world.member)
    assert client.post("/communities/closed-circle/leave").status_code == 302
    world.sign_in(world.facilitator)
    reply = client.post(f"/communities/closed-circle/threads/{thread_id}/reply",
                        data={"body": "I hear you", "reply_to": str(first_post(app, thread_id))})
    assert reply.status_code == 302
    assert notifications_of(app, world.member[0]) == []


def test_a_notification_about_a_circle_one_has_left_names_nothing_and_leads_nowhere(client, world, app):
    thread_id = world.kit.thread(world.member[0], world.closed, "Men who cry", "First words")
    world.sign_in(world.facilitator)
    client.post(f"/communities/closed-circle/threads/{thread_id}/reply", data={"body": "I hear you"})
    [notification] = notifications_of(app, world.member[0])
    world.sign_in(world.member)
    assert "Fatima Facil replied in “Men who cry”." in text(client.get("/notifications/"))
    client.post("/communities/closed-circle/leave")
    page = text(client.get("/notifications/"))
    assert "You have a new reply." in page
    assert "Men who cry" not in page and "Fatima Facil" not in page and f"/notifications/{notification.id}" not in page
    assert client.get(f"/notifications/{notification.id}").status_code == 404
    world.sign_in(world.outsider)  # nobody opens someone else's notification
    assert client.get(f"/notifications/{notification.id}").status_code == 404


def test_a_report_outcome_is_worded_in_the_reporter_s_language(client, world, app, make_user):
    reporter = make_user(display_name="Rosa Reporta", locale="es")
    world.kit.member(reporter[0], world.open)
    thread_id = world.kit.thread(world.member[0], world.open, "Care at home", "Only women care")
    post = f"/communities/open-circle/threads/{thread_id}/posts/{first_post(app, thread_id)}"
    world.sign_in(reporter)
    assert client.post(post + "/report", data={"reason": "spam"}).status_code == 302
    world.sign_in(world.facilitator)  # reads and acts in English
    assert client.post(post + "/dismiss").status_code == 302
    world.sign_in(reporter)
    page = text(client.get("/notifications/"))
    assert "Se revisó tu reporte sobre una publicación en “Care at home”: no fue necesario tomar ninguna medida" in page
    assert "no action was needed" not in page


def test_notifications_store_ids_and_never_words(client, world, app):
    thread_id = world.kit.thread(world.member[0], world.open, "Care at home", "Only women care")
    post = f"/communities/open-circle/threads/{thread_id}/posts/{first_post(app, thread_id)}"
    world.sign_in(world.facilitator)
    client.post(f"/communities/open-circle/threads/{thread_id}/reply", data={"body": "Ask @Amara Diallo"})
    client.post(post + "/warn", data={"reason": "Speak for yourself"})
    client.post(post + "/hide", data={"reason": "Insulting language"})
    with app.app_context():
        member_id = db.session.scalar(db.select(Membership.id).join(Community).where(
            Membership.user_id == world.member[0], Community.slug == "open-circle"))
    client.post(f"/communities/open-circle/members/{member_id}/mute", data={"hours": "2", "reason": "Cool off"})
    world.sign_in(world.outsider)
    client.post("/communities/closed-circle/join")
    with app.app_context():
        rows = db.session.scalars(db.select(Notification)).all()
        stored = json.dumps([[n.kind, n.params, n.link] for n in rows], ensure_ascii=False)
    assert {n.kind for n in rows} >= {"mention", "warned", "post_hidden", "muted", "join_request"}
    for words in ("Care at home", "Speak for yourself", "Insulting language", "Cool off", "Fatima", "Amara", "Olu",
                  "community", "circle"):
        assert words not in stored
    world.sign_in(world.member)  # …and the reader still reads them in full
    page = text(client.get("/notifications/"))
    for words in ("Fatima Facil mentioned you in “Care at home”.", "Reason: Insulting language",
                  "Speak for yourself", "You are muted in open-circle community until", "Reason: Cool off"):
        assert words in page


def test_a_discreet_reader_sees_no_topic_title_or_name(client, world, app):
    if "discreet" not in User.__table__.columns:
        pytest.skip("User.discreet has not landed yet")
    thread_id = world.kit.thread(world.member[0], world.closed, "Fathers and grief", "First words")
    world.sign_in(world.facilitator)
    client.post(f"/communities/closed-circle/threads/{thread_id}/reply", data={"body": "Thank you"})
    with app.app_context():
        db.session.get(User, world.member[0]).discreet = True
        db.session.commit()
    [notification] = notifications_of(app, world.member[0])
    world.sign_in(world.member)
    page = text(client.get("/notifications/"))
    assert "You have a new reply." in page
    assert "Fathers and grief" not in page and "Fatima Facil" not in page and "closed-circle" not in page
    assert client.get(f"/notifications/{notification.id}").status_code == 302  # the link itself names nothing


def test_the_notifications_page_costs_the_same_queries_however_many(client, world, app):
    authors = many_authors(app, 12)
    for author in authors:
        world.kit.member(author, world.open)
    threads = [world.kit.thread(author, world.open, f"Thread {n}", "Words") for n, author in enumerate(authors)]

    def tell(count):
        with app.app_context():
            for thread_id in threads[:count]:
                thread = db.session.get(Thread, thread_id)
                post = db.session.get(Post, first_post(app, thread_id))
                member = db.session.get(User, world.member[0])
                for kind in ("reply", "mention", "post_approved"):
                    notifications.notify(member.id, kind, post=post, actor=thread.author)
                notifications.notify(member.id, "report_outcome", post=post, outcome="warned")
                notifications.notify(member.id, "join_approved", community=thread.community)
            db.session.commit()
    world.sign_in(world.member)
    tell(1)
    few = count_queries(app, client, "/notifications/")
    tell(len(threads))
    many = count_queries(app, client, "/notifications/")
    assert few == many
    assert "Author 11 replied in “Thread 11”." in text(client.get("/notifications/"))
