"""The home page leads each person to their next step: courses with progress, cohorts with the next opening,
communities with what is new since the last visit, queues and cohorts for those who run them."""
import re
from datetime import date, timedelta

import factories
from test_communities import text, world  # noqa: F401 - the shared `world` fixture
from test_threads import add_posts

from colab.communities.models import Post, PostStatus, Thread
from colab.extensions import db

POSTGRESQL = False  # the home page's blocks (see conftest.py)


def hold(app, thread_id):
    """Put a thread and its posts in the review queue, as pre-moderation does."""
    with app.app_context():
        db.session.get(Thread, thread_id).held = True
        db.session.execute(db.update(Post).where(Post.thread_id == thread_id).values(status=PostStatus.HELD))
        db.session.commit()


def my_communities(page):
    return page.split('id="my-communities-heading"')[1].split("All communities")[0]


def test_signed_out_it_says_what_co_lab_is_for_whom_and_what_is_in_it(client, content):
    page = text(client.get("/"))
    assert "It is for the people in the alliance's member organisations" in page
    assert "Listening basics" in page and "learning circles" in page
    assert "My communities" not in page


def test_a_learner_sees_progress_and_the_next_module_of_a_scheduled_cohort(client, app, content, auth):
    user_id, _ = auth.as_new_user()
    with app.app_context():
        place = factories.community("spring-place")
        factories.cohort(place, name="Nairobi circle", starts_on=date.today() - timedelta(days=3), learners=[user_id],
                         pacing="scheduled", timezone="UTC")
        db.session.commit()
    client.post("/courses/listening-basics/why-listen/complete")
    page = text(client.get("/"))
    assert "1 of 3 lessons done" in page and "Continue: Listening when we disagree" in page
    assert "Nairobi circle" in page and "Next: Going deeper, opens on" in page
    assert 'href="/communities/spring-place/cohorts/' in page


def test_communities_show_what_is_new_since_the_last_visit(client, world, app):  # noqa: F811 - world is a fixture
    first = world.kit.thread(world.facilitator[0], world.open, "First", "One")
    world.kit.thread(world.facilitator[0], world.open, "Second", "Two")
    world.sign_in(world.member)
    assert "2 threads with new posts" in text(client.get("/"))
    client.get(f"/communities/{world.open}/")
    assert "nothing new since your last visit" in text(client.get("/"))
    add_posts(app, first, 1, authors=[world.facilitator[0]])
    with app.app_context():  # the new post comes after the visit (the visit is remembered to the second)
        db.session.get(Thread, first).last_post_at += timedelta(minutes=2)
        db.session.commit()
    assert "1 thread with new posts" in text(client.get("/"))


def test_ones_own_post_is_not_news(client, world):  # noqa: F811 - world is a fixture
    world.sign_in(world.member)
    client.get(f"/communities/{world.open}/")
    client.post(f"/communities/{world.open}/threads/new", data={"title": "Mine", "body": "My own words"})
    section = my_communities(text(client.get("/")))
    assert 'href="/communities/open-circle/"' in section and "nothing new since your last visit" in section


def test_a_thread_held_for_review_is_not_counted_for_others(client, world, app):  # noqa: F811
    world.sign_in(world.member)
    client.get(f"/communities/{world.open}/")
    hold(app, world.kit.thread(world.facilitator[0], world.open, "Held", "Waiting"))
    assert "nothing new since your last visit" in my_communities(text(client.get("/")))


def test_a_facilitator_sees_the_cohorts_they_follow_and_what_waits_for_review(client, world, app, content):  # noqa: F811
    with app.app_context():
        factories.cohort(world.open, name="Evening circle", facilitators=[world.facilitator[0]])
        db.session.commit()
    hold(app, world.kit.thread(world.member[0], world.open, "To review", "Words"))
    world.sign_in(world.facilitator)
    page = text(client.get("/"))
    assert "Cohorts I follow" in page and "Evening circle" in page and 'href="/dashboards/cohorts/' in page
    assert "Waiting for you" in page and 'href="/moderation/"' in page


def test_the_home_page_has_a_picture_that_follows_the_colour_scheme_and_says_nothing_to_a_screen_reader(client):
    page = text(client.get("/"))
    picture = re.search(r'<img class="home-picture" src="([^"]+)" alt="" width="320" height="128">', page)
    assert picture, "no picture, or one a screen reader would announce, or one that shifts the page as it loads"
    served = client.get(picture.group(1))
    assert served.status_code == 200 and served.mimetype == "image/svg+xml"
    assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    svg = served.get_data(as_text=True)
    assert "@media (prefers-color-scheme:dark)" in svg and "<script" not in svg and "href" not in svg
    assert "Taking part safely" in page
