"""The main pages issue as many SQL queries with five times the data as with one: home, a lesson, a course, a
community, a thread, a cohort dashboard and search, each measured after N and after 5N learners, threads, posts,
notifications and search hits (the benchmark, scripts/bench_http.py, reports the counts at 1x and 100x)."""
from datetime import date, timedelta

import factories
from conftest import PASSWORD
from sql_log import recorded_statements
from sqlalchemy import insert, select

from colab.accounts.models import User, name_key
from colab.communities import service as communities
from colab.communities.models import Cohort, Community, Membership, Post, PostStatus, Thread
from colab.courses import service as courses
from colab.courses.models import Enrolment, LessonProgress
from colab.extensions import db
from colab.markup import render
from colab.models_base import utcnow
from colab.notifications.models import Notification
from colab.search.indexing import rebuild

N = 6
WORD = "listening"  # in the sample course's lessons, and in every post written below
LESSON = "/courses/listening-basics/why-listen/"


def count_queries(app, client, url):
    """The SQL statements of the second request of url (the first may do what a session does once)."""
    assert client.get(url).status_code == 200
    with recorded_statements(app) as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements), response.get_data(as_text=True)


def build(app, learner_id, focal_id):
    """A regional community in Africa with a cohort of the sample course (its learner is the signed-in one, its
    focal point the other), and a thread the learner opened. Returns (cohort id, thread id)."""
    with app.app_context():
        community = factories.community("circle", "regional", {"en": "Circle"}, {"en": "A circle"}, region="africa")
        factories.focal_point(focal_id, "africa")
        cohort = factories.cohort(community, "Spring", starts_on=date.today() - timedelta(days=3),
                                  ends_on=date.today() + timedelta(days=90), languages=["en"], learners=[learner_id])
        communities.accept_agreements(db.session.scalar(select(Membership).filter_by(user_id=learner_id)))
        thread = communities.create_thread(db.session.get(User, learner_id), community, "Listening in our groups",
                                           f"On {WORD} first.")
        db.session.commit()
        return cohort.id, thread.id


def grow(app, cohort_id, thread_id, viewer_id, count, start):
    """count more of everything the pages list or count: learners in the cohort (enrolment, progress, membership),
    threads with two posts each, posts in the thread, notifications for the viewer; then the search index."""
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        lessons = courses.outline(cohort.course).lessons
        now, body = utcnow(), f"Practising {WORD} with the group, week by week."
        html = render(body)
        names = [f"Grown learner {start + n}" for n in range(count)]
        user_ids = db.session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), [
            {"email": f"grown-{start + n}@example.org", "display_name": name, "name_key": name_key(name),
             "password_hash": "!", "locale": "en", "timezone": "UTC"} for n, name in enumerate(names)]).all()
        db.session.execute(insert(Enrolment), [{"user_id": user_id, "course_id": cohort.course_id,
                                                "cohort_id": cohort_id, "last_seen_at": now} for user_id in user_ids])
        db.session.execute(insert(LessonProgress), [
            {"user_id": user_id, "lesson_id": lesson.id, "started_at": now, "last_seen_at": now,
             "completed_at": now if n % 2 else None}
            for n, user_id in enumerate(user_ids) for lesson in lessons[:1 + n % len(lessons)]])
        db.session.execute(insert(Membership), [{"user_id": user_id, "community_id": cohort.community_id,
                                                 "agreements_accepted_at": now} for user_id in user_ids])
        thread_ids = db.session.scalars(insert(Thread).returning(Thread.id, sort_by_parameter_order=True), [
            {"community_id": cohort.community_id, "author_id": user_id, "title": f"Grown thread {start + n}",
             "post_count": 2, "created_at": now, "last_post_at": now} for n, user_id in enumerate(user_ids)]).all()
        posts = [{"thread_id": thread, "author_id": user_id, "body_source": body, "body_html": html,
                  "status": PostStatus.VISIBLE, "created_at": now}
                 for thread, user_id in zip(thread_ids, user_ids, strict=True) for _ in range(2)]
        posts += [{"thread_id": thread_id, "author_id": user_id, "body_source": body, "body_html": html,
                   "status": PostStatus.HIDDEN if n % 4 == 3 else PostStatus.VISIBLE, "created_at": now}
                  for n, user_id in enumerate(user_ids)]
        db.session.execute(insert(Post), posts)
        db.session.execute(insert(Notification), [
            {"user_id": viewer_id, "kind": "reply", "community_id": cohort.community_id, "thread_id": thread_id,
             "actor_id": user_id, "params": {}, "created_at": now} for user_id in user_ids])
        thread = db.session.get(Thread, thread_id)
        thread.post_count = db.session.scalar(select(db.func.count()).select_from(Post).filter_by(
            thread_id=thread_id, status=PostStatus.VISIBLE))
        rebuild()
        db.session.commit()
        return db.session.scalar(select(db.func.count()).select_from(Thread).where(
            Thread.community_id == select(Community.id).filter_by(slug="circle").scalar_subquery()))


def test_the_main_pages_take_as_many_queries_with_five_times_the_data(app, client, auth, make_user, content):
    learner_id, _email = auth.as_new_user(display_name="Lerato Learner")
    focal_id, focal_email = make_user(display_name="Farida Focal")
    cohort_id, thread_id = build(app, learner_id, focal_id)
    focal = app.test_client()
    assert focal.post("/sign-in", data={"email": focal_email, "password": PASSWORD}).status_code == 302
    pages = {"home": (client, "/"), "lesson": (client, LESSON), "course": (client, "/courses/listening-basics/"),
             "community": (client, "/communities/circle/"),
             "thread": (client, f"/communities/circle/threads/{thread_id}/"),
             "dashboard": (focal, f"/dashboards/cohorts/{cohort_id}"), "search": (client, f"/search?q={WORD}")}

    threads_before = grow(app, cohort_id, thread_id, learner_id, N, 0)
    for who, url in pages.values():  # the learner's own state (a lesson visited) is then the same in both rounds
        assert who.get(url).status_code == 200
    few = {name: count_queries(app, who, url) for name, (who, url) in pages.items()}
    threads_after = grow(app, cohort_id, thread_id, learner_id, 4 * N, N)
    many = {name: count_queries(app, who, url) for name, (who, url) in pages.items()}

    assert (threads_before, threads_after) == (1 + N, 1 + 5 * N)
    # The data did reach the pages: more threads listed, more people on the dashboard, more hits found.
    assert f"Grown thread {5 * N - 1}" in many["community"][1] and "Grown thread" in few["community"][1]
    assert f"Grown learner {5 * N - 1}" in many["dashboard"][1]
    assert f"Grown learner {N}" not in few["dashboard"][1]
    assert few["search"][1] != many["search"][1]
    assert {name: count for name, (count, _page) in many.items()} == \
        {name: count for name, (count, _page) in few.items()}


def test_what_a_person_is_is_read_in_one_query_a_request(app, client, auth, make_user, content):
    """The header (the review queue), a lesson's locks, panels and links all ask whether the reader is a focal
    point, facilitates a cohort or learns in one: one query answers all three, once per request."""
    learner_id, _ = auth.as_new_user()
    build(app, learner_id, make_user()[0])
    _count, page = count_queries(app, client, LESSON)
    with recorded_statements(app) as statements:
        assert client.get(LESSON).status_code == 200
    standing = [s for s in statements if "focal_point" in s or "cohort_facilitator" in s
                or ("FROM enrolment" in s and "cohort_id IS NOT NULL" in s)]
    assert len(standing) == 1, standing
    assert all(table in standing[0] for table in ("focal_point", "cohort_facilitator", "enrolment"))
    assert "Discuss this lesson with Spring" in page  # what the query found reached the page
