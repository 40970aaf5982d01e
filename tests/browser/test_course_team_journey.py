"""The course team's pilot loop in a real browser: a learner takes the pre-survey, gives lesson feedback, completes
the course and takes the post-survey; a facilitator records a focus group; the course team reads the lesson's
figures ("fewer than 5" where they should be hidden), downloads the CSV (the same figures), uploads a corrected
lesson, previews and publishes it with the learner's progress intact, then restores the previous version. Every
page is checked with axe-core."""
import csv
import io
import uuid
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from colab.accounts import service as accounts
from colab.accounts.models import User
from colab.communities import service as communities
from colab.communities.models import Membership
from colab.courses.models import Lesson, LessonProgress
from colab.extensions import db
from colab.feedback.models import LessonFeedback
from colab.models_base import utcnow

from .test_learner_journey import follow, sign_in, visit

pytestmark = pytest.mark.browser

COURSE = "/courses/listening-basics/"
REPORT = "/course-team/listening-basics/lessons/why-listen"
CORRECTED = "A corrected opening: listening is where respect begins, and where it is tested."


def person(live_server, **roles):
    """An account with the live server's password; returns its email."""
    email = f"team-{uuid.uuid4().hex[:8]}@example.org"
    with live_server.app.app_context():
        user = accounts.create_user(email, f"Person {uuid.uuid4().hex[:6]}", live_server.password, "en", "UTC")
        user.is_course_team = roles.get("course_team", False)
        db.session.commit()
    return email


def others_gave_feedback(live_server, lesson_slug, count):
    """count other learners who read the lesson and found it useful (4 of 5)."""
    with live_server.app.app_context():
        lesson = db.session.scalar(db.select(Lesson).filter_by(slug=lesson_slug))
        for _ in range(count):
            user = accounts.create_user(f"other-{uuid.uuid4().hex[:8]}@example.org", f"Other {uuid.uuid4().hex[:6]}",
                                        live_server.password)
            db.session.add(LessonProgress(user_id=user.id, lesson_id=lesson.id, completed_at=utcnow()))
            db.session.add(LessonFeedback(user_id=user.id, lesson_id=lesson.id, usefulness=4,
                                          better="More stories from other regions."))
        db.session.commit()


def table(page, table_id):
    rows = page.locator(f"table#{table_id} tr")
    cells = [[text.strip(" ▲▼\n") for text in rows.nth(i).locator("th, td").all_inner_texts()]
             for i in range(rows.count())]
    return [["" if cell == "—" else cell for cell in row] for row in cells]


def downloaded_csv(page, link):
    with page.expect_download() as download:
        link.click()
    return list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))


def test_the_course_team_reads_the_pilot_and_publishes_a_correction(new_context, live_server):
    learner_email, facilitator_email = person(live_server), person(live_server)
    team_email = person(live_server, course_team=True)
    with live_server.app.app_context():
        slug = f"circle-{uuid.uuid4().hex[:6]}"
        community = communities.create_community(slug, "thematic", {"en": "Circle"}, {"en": "About"})
        facilitator = db.session.scalar(db.select(User).filter_by(email=facilitator_email))
        db.session.add(Membership(user_id=facilitator.id, community=community, role="facilitator",
                                  agreements_accepted_at=utcnow()))
        db.session.commit()
    others_gave_feedback(live_server, "why-listen", 4)  # with the learner below: five people

    # 1. The learner answers the pre-survey, gives feedback on lesson 1, completes the course, answers the post one.
    learner = new_context().new_page()
    sign_in(learner, live_server, learner_email)
    visit(learner, COURSE)
    follow(learner, learner.get_by_role("button", name="Enrol and start"))
    follow(learner, learner.get_by_role("link", name="Answer the survey").first)
    learner.check("input[name=q_confidence][value='2']")
    learner.check("input[name=q_where][value='1']")
    follow(learner, learner.get_by_role("button", name="Send my answers"))
    visit(learner, COURSE + "why-listen/")
    follow(learner, learner.get_by_role("link", name="Tell the course team what you thought of it"))
    learner.check("input[type=radio][value='5']")
    learner.locator("textarea").first.fill("An example from a rural youth group would help.")
    follow(learner, learner.get_by_role("button", name="Send my feedback"))
    for lesson in ("why-listen", "listening-to-disagree", "listening-in-groups"):
        visit(learner, COURSE + lesson + "/")
        follow(learner, learner.get_by_role("button", name="Mark as done and continue"))
    visit(learner, COURSE)
    follow(learner, learner.get_by_role("link", name="Answer the survey").first)
    learner.check("input[name=q_confidence][value='4']")
    follow(learner, learner.get_by_role("button", name="Send my answers"))

    # 2. A facilitator records a focus group about lesson 1.
    facilitator_page = new_context().new_page()
    sign_in(facilitator_page, live_server, facilitator_email)
    visit(facilitator_page, "/focus-groups/new?course=listening-basics")
    facilitator_page.fill("#held_on", date.today().isoformat())
    facilitator_page.fill("#participants", "7")
    facilitator_page.locator("input[name=lessons]").first.check()
    facilitator_page.fill("#worked", "The Nairobi story opened a real conversation about silence.")
    follow(facilitator_page, facilitator_page.get_by_role("button", name="Record the session"))

    # 3. The course team reads the lesson: five people, so the figures show; lesson 3 hides its figures.
    team = new_context().new_page()
    sign_in(team, live_server, team_email)
    visit(team, REPORT)
    main = team.locator("main")
    expect(main).to_contain_text("An example from a rural youth group would help.")
    expect(main).to_contain_text("The Nairobi story opened a real conversation about silence.")
    distribution = table(team, "distribution")
    assert distribution[1:] == [["1 (not useful)", "0"], ["2", "0"], ["3", "0"], ["4", "4"], ["5 (very useful)", "1"]]
    assert downloaded_csv(team, team.locator("a[href$='/why-listen/distribution.csv']")) == distribution
    figures = table(team, "figures")
    assert ["Mean usefulness (1 to 5)", "4.2"] in figures and ["Focus-group sessions", "1"] in figures
    assert downloaded_csv(team, team.locator("a[href$='/why-listen/figures.csv']")) == figures
    visit(team, "/course-team/listening-basics/lessons/listening-in-groups")
    expect(team.locator("main")).to_contain_text("fewer than 5")

    # 4. They upload a corrected lesson, see what would change, and publish it.
    source = Path(live_server.app.config["CONTENT_DIR"]) / "listening-basics/en/first-steps/why-listen.md"
    original = source.read_text(encoding="utf-8")
    corrected = original.replace("Listening is where respect begins.", CORRECTED)
    visit(team, "/publishing/")
    team.select_option("#course", value="listening-basics")
    team.set_input_files("#file", files=[{"name": "why-listen.md", "mimeType": "text/markdown",
                                          "buffer": corrected.encode()}])
    team.select_option("#language", value="en")
    follow(team, team.get_by_role("button", name="Check the upload"))
    expect(team.locator("main")).to_contain_text("why-listen")
    follow(team, team.get_by_role("button", name="Publish now"))
    visit(learner, COURSE + "why-listen/")
    expect(learner.locator("article.lesson")).to_contain_text(CORRECTED)
    visit(learner, COURSE)
    expect(learner.locator("main")).to_contain_text("Course completed")  # progress intact

    # 5. The previous version comes back in one step.
    visit(team, "/publishing/courses/listening-basics/history")
    follow(team, team.get_by_role("button", name="Restore the version before").first)
    assert source.read_text(encoding="utf-8") == original
    visit(learner, COURSE + "why-listen/")
    expect(learner.locator("article.lesson")).not_to_contain_text(CORRECTED)
    visit(learner, COURSE)
    expect(learner.locator("main")).to_contain_text("Course completed")
