"""Threads and posts at the request level: replies, pagination, quotes, edits and their history, soft
deletion, framed dialogues, mentions and notifications, and a thread page whose query count does not grow."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import event
from test_communities import text, world  # noqa: F401 - the shared `world` fixture

from colab.accounts.models import User
from colab.communities.models import Post, PostRevision, Thread
from colab.extensions import db
from colab.markup import render
from colab.models_base import utcnow
from colab.notifications.models import Notification

PER_PAGE = 30  # the default POSTS_PER_PAGE


def thread_url(world, thread_id, slug=None):
    return f"/communities/{slug or world.open}/threads/{thread_id}/"


def add_posts(app, thread_id, count, authors=None, **extra):
    """Store count posts directly (fast), after the existing ones; returns their ids."""
    with app.app_context():
        thread = db.session.get(Thread, thread_id)
        authors = authors or [thread.author_id]
        start = utcnow()
        posts = [Post(thread=thread, author_id=authors[n % len(authors)], body_source=f"Post number {n}",
                      body_html=render(f"Post number {n}"), created_at=start + timedelta(milliseconds=n), **extra)
                 for n in range(count)]
        db.session.add_all(posts)
        thread.post_count += count
        db.session.commit()
        return [post.id for post in posts]


def post_ids(app, thread_id):
    with app.app_context():
        return list(db.session.scalars(db.select(Post.id).filter_by(thread_id=thread_id).order_by(Post.id)))


def notifications_of(app, user_id):
    with app.app_context():
        return db.session.scalars(db.select(Notification).filter_by(user_id=user_id)).all()


# --- threads and replies -----------------------------------------------------------------------------

def test_member_starts_a_thread_and_others_reply_in_order(client, world, app):
    world.sign_in(world.member)
    response = client.post("/communities/open-circle/threads/new",
                           data={"title": "Listening at home", "body": "What **helps** you listen?"})
    assert response.status_code == 302
    with app.app_context():
        thread = db.session.scalars(db.select(Thread)).one()
        assert (thread.title, thread.author_id, thread.is_dialogue) == ("Listening at home", world.member[0], False)
    assert response.location.endswith(thread_url(world, thread.id))
    assert "Listening at home" in text(client.get("/communities/open-circle/"))
    world.sign_in(world.facilitator)
    for body in ("First reply", "Second reply"):
        reply = client.post(thread_url(world, thread.id) + "reply", data={"body": body})
        assert reply.status_code == 302 and "?post=" in reply.location
    page = text(client.get(thread_url(world, thread.id)))
    assert "What <strong>helps</strong> you listen?" in page
    assert page.index("What <strong>helps") < page.index("First reply") < page.index("Second reply")
    assert "Amara Diallo" in page and "Fatima Facil" in page


@pytest.mark.parametrize("data, message", [({"title": "", "body": "Text"}, "Give the thread a title."),
                                           ({"title": "A title", "body": ""}, "Write a message before posting.")])
def test_thread_form_explains_what_is_missing(client, world, app, data, message):
    world.sign_in(world.member)
    assert message in text(client.post("/communities/open-circle/threads/new", data=data))
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Thread)) == 0


def test_empty_reply_is_refused(client, world):
    thread_id = world.kit.thread(world.member[0], world.open)
    world.sign_in(world.member)
    response = client.post(thread_url(world, thread_id) + "reply", data={"body": "  "})
    assert response.status_code == 400 and "Write a message before posting." in text(response)


def test_outsider_cannot_post_in_an_open_community(client, world, app):
    thread_id = world.kit.thread(world.member[0], world.open)
    world.sign_in(world.outsider)
    assert client.post(thread_url(world, thread_id) + "reply", data={"body": "Hi"}).status_code == 403
    assert client.get("/communities/open-circle/threads/new").status_code == 403
    assert len(post_ids(app, thread_id)) == 1


def test_posts_are_paginated_and_post_links_open_the_right_page(client, world, app):
    thread_id = world.kit.thread(world.member[0], world.open, body="Opening post")
    ids = [post_ids(app, thread_id)[0]] + add_posts(app, thread_id, PER_PAGE + 4)  # Post number 0..33
    world.sign_in(world.member)
    first, second = (text(client.get(thread_url(world, thread_id) + f"?page={n}")) for n in (1, 2))
    assert "Opening post" in first and "Post number 28<" in first and "Post number 29<" not in first
    assert "Post number 29<" in second and "Post number 33<" in second and "Opening post" not in second
    response = client.get(thread_url(world, thread_id) + f"?post={ids[31]}")
    assert response.status_code == 302
    assert response.location.endswith(f"{thread_url(world, thread_id)}?page=2#post-{ids[31]}")
    assert client.get(thread_url(world, thread_id) + f"?post={ids[3]}").location.endswith(f"?page=1#post-{ids[3]}")


def test_quote_prefills_the_reply_and_the_reply_names_who_it_answers(client, world, app):
    thread_id = world.kit.thread(world.facilitator[0], world.open, body="Line one\nLine two")
    quoted = post_ids(app, thread_id)[0]
    world.sign_in(world.member)
    page = text(client.get(thread_url(world, thread_id) + f"?quote={quoted}"))
    assert "&gt; **Fatima Facil:** Line one\n&gt; Line two" in page
    assert f'name="reply_to" value="{quoted}"' in page
    client.post(thread_url(world, thread_id) + "reply", data={"body": "I agree", "reply_to": str(quoted)})
    with app.app_context():
        reply = db.session.scalar(db.select(Post).filter_by(body_source="I agree"))
        assert reply.reply_to_id == quoted
    assert "in reply to Fatima Facil" in text(client.get(thread_url(world, thread_id)))


# --- editing, history, deleting ----------------------------------------------------------------------

def edit_url(world, thread_id, post_id, action="edit"):
    return thread_url(world, thread_id) + f"posts/{post_id}/{action}"


def test_author_edits_within_the_window_and_moderators_see_the_history(client, world, app):
    thread_id = world.kit.thread(world.member[0], world.open, body="My first words")
    post_id = post_ids(app, thread_id)[0]
    world.sign_in(world.member)
    assert "My first words" in text(client.get(edit_url(world, thread_id, post_id)))
    assert client.post(edit_url(world, thread_id, post_id), data={"body": "My better words"}).status_code == 302
    page = text(client.get(thread_url(world, thread_id)))
    assert "My better words" in page and "My first words" not in page and "edited" in page
    assert "Edit history" not in page
    assert client.get(edit_url(world, thread_id, post_id, "history")).status_code == 403
    with app.app_context():
        assert db.session.scalars(db.select(PostRevision.body_source)).all() == ["My first words"]
    world.sign_in(world.facilitator)
    assert "Edit history" in text(client.get(thread_url(world, thread_id)))
    history = text(client.get(edit_url(world, thread_id, post_id, "history")))
    assert "My first words" in history and "My better words" in history


def test_nobody_edits_someone_else_s_post(client, world, app):
    thread_id = world.kit.thread(world.member[0], world.open, body="Mine")
    world.sign_in(world.facilitator)
    post_id = post_ids(app, thread_id)[0]
    assert client.post(edit_url(world, thread_id, post_id), data={"body": "Changed"}).status_code == 403
    assert client.post(edit_url(world, thread_id, post_id, "delete")).status_code == 403


@pytest.mark.parametrize("app_config", [{"POST_EDIT_MINUTES": 0}])
def test_editing_is_refused_after_the_window(client, world, app):
    thread_id = world.kit.thread(world.member[0], world.open, body="Written in stone")
    post_id = post_ids(app, thread_id)[0]
    world.sign_in(world.member)
    assert ">Edit</a>" not in text(client.get(thread_url(world, thread_id)))
    assert client.get(edit_url(world, thread_id, post_id)).status_code == 403
    assert client.post(edit_url(world, thread_id, post_id), data={"body": "Changed"}).status_code == 403
    assert "Written in stone" in text(client.get(thread_url(world, thread_id)))


def test_author_deletes_a_post_softly(client, world, app):
    thread_id = world.kit.thread(world.facilitator[0], world.open, body="Opening")
    world.sign_in(world.member)
    client.post(thread_url(world, thread_id) + "reply", data={"body": "I regret this"})
    post_id = post_ids(app, thread_id)[-1]
    assert client.post(edit_url(world, thread_id, post_id, "delete")).status_code == 302
    with app.app_context():
        assert db.session.get(Post, post_id).status == "deleted"
    for viewer in (world.member, world.facilitator, world.outsider):
        world.sign_in(viewer)
        page = text(client.get(thread_url(world, thread_id)))
        assert "Deleted by its author." in page and "I regret this" not in page and "Opening" in page


# --- framed dialogues --------------------------------------------------------------------------------

DIALOGUE = {"title": "Fathers and care", "framing": "Why **care** matters", "content_note": "mentions violence",
            "body": "Who cared for you?"}


def test_facilitator_opens_a_dialogue_with_framing_agreements_and_content_note(client, world, app):
    world.sign_in(world.facilitator)
    response = client.post("/communities/open-circle/threads/new?dialogue=1", data=DIALOGUE)
    assert response.status_code == 302
    with app.app_context():
        thread = db.session.scalars(db.select(Thread)).one()
        assert thread.is_dialogue and thread.content_note == "mentions violence"
    world.sign_in(world.member)
    page = text(client.get(response.location))
    gate = page.index('<details class="content-note-gate">')
    assert gate < page.index("Content note: mentions violence") < page.index("Why <strong>care</strong> matters")
    assert gate < page.index('<details class="agreements-reminder">') < page.index("Speak from your own experience")
    assert gate < page.index("Who cared for you?")
    assert "Dialogue" in text(client.get("/communities/open-circle/"))


def test_dialogue_without_content_note_is_shown_openly(client, world):
    thread_id = world.kit.thread(world.facilitator[0], world.open, "Open dialogue", "Welcome", dialogue=True)
    world.sign_in(world.member)
    page = text(client.get(thread_url(world, thread_id)))
    assert "content-note-gate" not in page and "Framing text" in page and "Community agreements" in page


def test_dialogue_needs_framing(client, world, app):
    world.sign_in(world.facilitator)
    response = client.post("/communities/open-circle/threads/new?dialogue=1", data={**DIALOGUE, "framing": ""})
    assert "Frame the dialogue for participants." in text(response)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Thread)) == 0


def test_only_facilitators_open_dialogues(client, world, app):
    world.sign_in(world.member)
    assert "Open a framed dialogue" not in text(client.get("/communities/open-circle/"))
    assert client.get("/communities/open-circle/threads/new?dialogue=1").status_code == 403
    assert client.post("/communities/open-circle/threads/new?dialogue=1", data=DIALOGUE).status_code == 403
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Thread)) == 0


# --- mentions and notifications ----------------------------------------------------------------------

def test_mentions_and_replies_notify_with_an_unread_count(client, world, app, make_user):
    thread_id = world.kit.thread(world.member[0], world.open, "Amara asks", "A question")
    stranger = make_user(display_name="Not Here")  # not a member: a mention does not reach them
    world.sign_in(world.facilitator)
    client.post(thread_url(world, thread_id) + "reply", data={"body": "Answer for @amara diallo and @Not Here"})
    assert [n.kind for n in notifications_of(app, world.member[0])] == ["mention"]  # one notice, not two
    assert notifications_of(app, stranger[0]) == []
    assert notifications_of(app, world.facilitator[0]) == []  # nobody is told about their own post
    world.sign_in(world.outsider)
    client.post("/communities/open-circle/join")
    client.post("/communities/open-circle/agreements")
    first = post_ids(app, thread_id)[-1]
    client.post(thread_url(world, thread_id) + "reply", data={"body": "Thanks", "reply_to": str(first)})
    assert [n.kind for n in notifications_of(app, world.facilitator[0])] == ["reply"]
    world.sign_in(world.member)
    assert "Notifications (2 unread)" in text(client.get("/communities/"))
    page = text(client.get("/notifications/"))
    assert "Fatima Facil mentioned you in “Amara asks”." in page
    assert "Olu Outsider replied in “Amara asks”." in page and page.count(">New</span>") == 2
    assert "unread)" not in text(client.get("/communities/"))
    assert all(n.read_at is not None for n in notifications_of(app, world.member[0]))
    assert ">New</span>" not in text(client.get("/notifications/"))


def test_notification_link_opens_the_post(client, world, app):
    thread_id = world.kit.thread(world.member[0], world.open)
    world.sign_in(world.facilitator)
    client.post(thread_url(world, thread_id) + "reply", data={"body": "Reply"})
    notification = notifications_of(app, world.member[0])[0]
    world.sign_in(world.member)
    link = f"/notifications/{notification.id}"
    assert f'href="{link}"' in text(client.get("/notifications/"))
    response = client.get(client.get(link).location)
    assert response.status_code == 302 and response.location.endswith(f"?page=1#post-{post_ids(app, thread_id)[-1]}")


# --- a thread page costs the same number of queries however long the thread is ----------------------

def count_queries(app, client, url):
    with app.app_context():
        engine = db.engine
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements)


def many_authors(app, count):
    with app.app_context():
        users = [User(email=f"author{n}@example.org", display_name=f"Author {n}", password_hash="x")
                 for n in range(count)]
        db.session.add_all(users)
        db.session.commit()
        return [user.id for user in users]


def fill_thread(app, thread_id, count, authors):
    """count posts of varied kinds: replies to others, edited, hidden, deleted and held ones."""
    ids = add_posts(app, thread_id, count, authors)
    with app.app_context():
        for n, post in enumerate(db.session.scalars(db.select(Post).where(Post.id.in_(ids)).order_by(Post.id))):
            post.reply_to_id = ids[n - 1] if n % 2 else None
            post.edited_at = utcnow() if n % 3 == 0 else None
            post.status = ("visible", "visible", "hidden", "deleted", "held")[n % 5]
        db.session.commit()


@pytest.mark.parametrize("viewer", ["member", "facilitator"])
def test_thread_page_query_count_does_not_grow_with_posts(client, world, app, viewer):
    authors = many_authors(app, 40)
    for author in authors[:20]:
        world.kit.member(author, world.open)
    short = world.kit.thread(world.member[0], world.open, "Short", "One")
    long = world.kit.thread(world.member[0], world.open, "Long", "One")
    fill_thread(app, short, 1, authors)
    fill_thread(app, long, 199, authors)
    world.sign_in(getattr(world, viewer))
    client.get(thread_url(world, short))  # warm up
    counts = [count_queries(app, client, thread_url(world, tid) + query)
              for tid, query in ((short, ""), (long, ""), (long, "?page=3"), (long, "?page=7"))]
    assert counts[0] == counts[1] == counts[2] == counts[3], counts
    page = text(client.get(thread_url(world, long)))
    assert page.count('class="post post-') == PER_PAGE and "Author 1" in page


# --- who may write, read and edit: rules that read the thread's and the member's state ------------------------

def set_membership(app, user_id, slug, **values):
    from colab.communities.models import Community, Membership
    with app.app_context():
        member = db.session.scalar(db.select(Membership).join(Community)
                                   .where(Membership.user_id == user_id, Community.slug == slug))
        for name, value in values.items():
            setattr(member, name, value)
        db.session.commit()


def premoderate(app, slug, posts):
    from colab.communities.models import Community
    with app.app_context():
        db.session.scalar(db.select(Community).filter_by(slug=slug)).premoderate_posts = posts
        db.session.commit()


def post_row(app, post_id):
    with app.app_context():
        return db.session.get(Post, post_id)


def test_a_muted_member_cannot_publish_by_editing_a_post(client, world, app):
    thread_id = world.kit.thread(world.member[0], world.open, body="What I first said")
    post_id = post_ids(app, thread_id)[0]
    set_membership(app, world.member[0], world.open, muted_until=utcnow() + timedelta(hours=2))
    world.sign_in(world.member)
    page = text(client.get(thread_url(world, thread_id)))
    assert ">Edit</a>" not in page
    assert "You are muted in this community until" in page and "Post reply" not in page
    assert client.get(edit_url(world, thread_id, post_id)).status_code == 403
    assert client.post(edit_url(world, thread_id, post_id), data={"body": "Words I was muted for"}).status_code == 403
    assert post_row(app, post_id).body_source == "What I first said"


def test_a_post_in_a_locked_thread_cannot_be_edited(client, world, app):
    thread_id = world.kit.thread(world.member[0], world.open, body="Before the lock")
    post_id = post_ids(app, thread_id)[0]
    world.sign_in(world.facilitator)
    assert client.post(f"/communities/open-circle/threads/{thread_id}/lock").status_code == 302
    world.sign_in(world.member)
    assert ">Edit</a>" not in text(client.get(thread_url(world, thread_id)))
    assert client.get(edit_url(world, thread_id, post_id)).status_code == 403
    assert client.post(edit_url(world, thread_id, post_id), data={"body": "After the lock"}).status_code == 403
    assert post_row(app, post_id).body_source == "Before the lock"


def test_a_thread_waiting_for_approval_exists_only_for_its_author_and_moderators(client, world, app, make_user):
    premoderate(app, world.open, 1)
    newcomer = make_user(display_name="Nia Newcomer")
    world.kit.member(newcomer[0], world.open)
    world.sign_in(newcomer)
    response = client.post("/communities/open-circle/threads/new",
                           data={"title": "Coming out to my father", "body": "Held words"})
    assert response.status_code == 302
    url = response.location
    page = text(client.get(url))
    assert "Coming out to my father" in page and "Held words" in page and "Waiting for a moderator" in page
    assert "No posts yet" not in page
    held_post = post_ids(app, int(url.rstrip("/").rsplit("/", 1)[1]))[0]
    for person in (world.member, world.outsider):
        world.sign_in(person)
        for path in (url, f"{url}?post={held_post}", f"{url}posts/{held_post}/report"):
            response = client.get(path)
            assert response.status_code == 404 and "Coming out" not in text(response), path
        assert "Coming out" not in text(client.get("/communities/open-circle/"))
    # a moderator's reply there mentions a member who cannot see the thread: no notification carries its title
    world.sign_in(world.facilitator)
    assert "Coming out to my father" in text(client.get(url))
    assert client.post(url + "reply", data={"body": "Welcome, and @Amara Diallo can help"}).status_code == 302
    assert notifications_of(app, world.member[0]) == []
    assert [n.kind for n in notifications_of(app, newcomer[0])] == ["reply"]
    # once a moderator approves its opening post, the thread is open to all
    assert client.post(url + f"posts/{held_post}/approve").status_code == 302
    world.sign_in(world.member)
    assert "Held words" in text(client.get(url))


def test_premoderation_counts_a_member_s_visible_posts(client, world, app):
    thread_id = world.kit.thread(world.member[0], world.open, body="My first post")
    add_posts(app, thread_id, 1, authors=[world.member[0]])  # a second visible post, written before
    premoderate(app, world.open, 2)
    world.sign_in(world.member)
    assert client.post(thread_url(world, thread_id) + "reply", data={"body": "My third post"}).status_code == 302
    assert post_row(app, post_ids(app, thread_id)[-1]).status == "visible"
    world.sign_in(world.outsider)
    assert "My third post" in text(client.get(thread_url(world, thread_id)))


def test_an_author_sees_their_held_post_waiting_for_a_moderator(client, world, app, make_user):
    thread_id = world.kit.thread(world.member[0], world.open, body="Opening")
    premoderate(app, world.open, 1)
    newcomer = make_user(display_name="Nia Newcomer")
    world.kit.member(newcomer[0], world.open)
    world.sign_in(newcomer)
    client.post(thread_url(world, thread_id) + "reply", data={"body": "My held words"})
    page = text(client.get(thread_url(world, thread_id)))
    assert "My held words" in page and "Waiting for a moderator" in page
    world.sign_in(world.member)
    page = text(client.get(thread_url(world, thread_id)))
    assert "My held words" not in page and "Waiting for a moderator" not in page


# --- rate limits ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("app_config", [{"THREAD_RATE_LIMIT": "1 per minute", "POST_RATE_LIMIT": "2 per minute",
                                         "POST_EDIT_RATE_LIMIT": "1 per minute"}])
def test_new_threads_replies_and_edits_are_rate_limited_per_person(client, world, app):
    thread_id = world.kit.thread(world.member[0], world.open, body="Opening")
    post_id = post_ids(app, thread_id)[0]
    world.sign_in(world.member)
    new = [client.post("/communities/open-circle/threads/new", data={"title": f"Thread {n}", "body": "Text"})
           for n in range(2)]
    replies = [client.post(thread_url(world, thread_id) + "reply", data={"body": f"Reply {n}"}) for n in range(3)]
    edits = [client.post(edit_url(world, thread_id, post_id), data={"body": f"Edit {n}"}) for n in range(2)]
    assert [r.status_code for r in new + replies + edits] == [302, 429, 302, 302, 429, 302, 429]
    for refused in (new[1], replies[2], edits[1]):
        assert "You can try again in 1 minute." in text(refused), re.sub(r"\s+", " ", text(refused))[-700:]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Thread)) == 2
    world.sign_in(world.facilitator)  # the limit is per person
    assert client.post(thread_url(world, thread_id) + "reply", data={"body": "Mine"}).status_code == 302


def test_a_post_or_thread_in_another_language_is_marked_so(client, world, app):
    """Each is written in its author's interface language; a reader of another language's page hears it in that
    language (lang), and a reader of the same language's page gets no mark."""
    world.sign_in(world.member)
    client.post("/language", data={"lang": "es"})
    client.post(f"/communities/{world.open}/threads/new", data={"title": "Escuchar en casa", "body": "¿Qué te ayuda?"})
    with app.app_context():
        thread = db.session.scalar(db.select(Thread).filter_by(title="Escuchar en casa"))
        first = db.session.scalar(db.select(Post).filter_by(thread_id=thread.id))
        assert thread.language == "es" and first.language == "es"
    world.sign_in(world.facilitator)  # reads in English
    client.post(f"{thread_url(world, thread.id)}reply", data={"body": "Listening to my children."})
    page = text(client.get(thread_url(world, thread.id)))
    assert '<h1 lang="es">Escuchar en casa</h1>' in page
    assert '<div class="prose" lang="es"><p>¿Qué te ayuda?</p></div>' in page
    assert '<div class="prose"><p>Listening to my children.</p></div>' in page
    assert 'lang="es">Escuchar en casa</a>' in text(client.get(f"/communities/{world.open}/"))
