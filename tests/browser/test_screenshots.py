"""Screenshots for a reviewer, on a phone (360 px) and a laptop (1280 px), and on a phone in dark mode: the home
signed out and in, a lesson, a course overview, a community, a thread, a cohort dashboard and the admin people page,
saved full-page into test-results/screenshots/. Each is checked with axe-core (colour contrast included, so in
both colour schemes), and must not scroll sideways."""
from datetime import date, timedelta
from pathlib import Path

import pytest

from colab.accounts.models import User
from colab.cohorts import service as cohorts
from colab.communities import service as communities
from colab.courses import service as courses
from colab.extensions import db

from .test_cohort_journey import person
from .test_learner_journey import check_a11y, sign_in

pytestmark = pytest.mark.browser

FOLDER = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
VIEWS = [("", 360, 780), ("", 1280, 800), ("-dark", 360, 780)]  # (file name suffix, width, height)
COURSE = "/courses/power-patriarchy-feminism/"


def scene(live_server, live_kit):
    """A focal point's community with a cohort, a learner in it two lessons in, a thread with replies, an admin."""
    admin, _ = person(live_server, "en", is_admin=True, name="Screenshot Admin")
    focal, _ = person(live_server, "en", name="Zanele M.")
    learner, _ = person(live_server, "en", name="Kwame A.")
    live_kit.focal_point(focal, "africa")
    slug = live_kit.community("Men Engage Nairobi", region="africa")
    live_kit.member(learner, slug)
    app = live_server.app
    with app.app_context():
        users = {email: db.session.scalar(db.select(User).filter_by(email=email)) for email in (focal, learner)}
        community = communities.find_community(slug)
        course = courses.find_course("power-patriarchy-feminism")
        today = date.today()
        cohort = cohorts.create_cohort(users[focal], community, course, "Nairobi, spring", today - timedelta(days=20),
                                       today + timedelta(days=60), ["en"], "Africa/Nairobi", "self-paced")
        cohorts.join_cohort(users[learner], cohort)
        for lesson in courses.outline(course, users[learner]).lessons[:2]:
            courses.set_completed(users[learner], lesson)
        thread = communities.create_thread(users[learner], community, "Fathers' groups that last",
                                           "What has kept a fathers' group meeting after the first month?")
        db.session.commit()
        thread_id, cohort_id = thread.id, cohort.id
    live_kit.post(focal, thread_id, "Meeting where the men already are: after football, at the clinic.")
    live_kit.post(learner, thread_id, "A rota, so that no one person carries it.")
    third = courses_lesson(app)
    return {"admin": admin, "focal": focal, "learner": learner}, [
        ("home-signed-out", None, "/"),
        ("home-signed-in", "learner", "/"),
        ("course-overview", "learner", COURSE),
        ("lesson", "learner", f"{COURSE}{third}/"),
        ("community", "learner", f"/communities/{slug}/"),
        ("thread", "learner", f"/communities/{slug}/threads/{thread_id}/"),
        ("cohort-dashboard", "focal", f"/dashboards/cohorts/{cohort_id}"),
        ("admin-people", "admin", "/admin/users"),
    ]


def courses_lesson(app):
    """The slug of the course's third lesson (the one the learner reads next)."""
    with app.app_context():
        return courses.outline(courses.find_course("power-patriarchy-feminism")).lessons[2].slug


def test_screenshots_of_the_main_pages_on_a_phone_and_a_laptop(new_context, live_server, live_kit):
    people, shots = scene(live_server, live_kit)
    FOLDER.mkdir(parents=True, exist_ok=True)
    pages = {}
    for scheme in ("light", "dark"):
        for who in (None, *people):
            page = pages[scheme, who] = new_context(color_scheme=scheme).new_page()
            if who:
                sign_in(page, live_server, people[who], a11y=False)
    for name, who, path in shots:
        for suffix, width, height in VIEWS:
            page = pages["dark" if suffix else "light", who]
            page.set_viewport_size({"width": width, "height": height})
            response = page.goto(path)
            assert response is not None and response.ok, f"{path}: HTTP {response.status if response else '?'}"
            check_a11y(page)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
            target = FOLDER / f"{name}-{width}{suffix}.png"
            page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 5_000
