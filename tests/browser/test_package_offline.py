"""A French reader downloads the real course as a package from its overview, unzips it, and reads it from disk in
a browser that can reach nothing (every request other than a file is aborted) and runs no JavaScript: the index, a
lesson in French with the stylesheet applied, a self-check answer opened to its feedback, then the next lesson."""
import zipfile

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import expect

from colab.accounts.models import User
from colab.courses import service as courses
from colab.extensions import db

from .test_learner_journey import sign_in

pytestmark = pytest.mark.browser

COURSE = "power-patriarchy-feminism"


def french_titles(live_server):
    """The course's French title and its first two lessons' French titles; the overview link's French words."""
    with live_server.app.app_context():
        course = courses.find_course(COURSE)
        lessons = courses.outline(course).lessons[:2]
        with force_locale("fr"):
            link = gettext("Download this course to read offline (zip, %(size)s)", size="")
        return course.title_in("fr"), [lesson.text_in("fr").title for lesson in lessons], link.split("(")[0].strip()


def test_a_french_reader_reads_the_downloaded_course_with_no_network_and_no_javascript(
        browser, new_context, live_server, tmp_path):
    course_title, (first, second), link = french_titles(live_server)
    email = live_server.make_user(locale="fr")
    page = new_context(locale="fr-FR", java_script_enabled=False).new_page()
    sign_in(page, live_server, email, a11y=False)
    page.goto(f"/courses/{COURSE}/")
    offer = page.get_by_role("link", name=link)
    expect(offer).to_contain_text("Ko)")  # the size, in French
    with page.expect_download() as download:
        offer.click()
    assert download.value.suggested_filename == f"{COURSE}-fr.zip"
    saved = tmp_path / "package.zip"
    download.value.save_as(saved)
    folder = tmp_path / "package"
    with zipfile.ZipFile(saved) as archive:
        archive.extractall(folder)
    with live_server.app.app_context():  # the learner's copy recorded nothing about them
        user = db.session.scalar(db.select(User).filter_by(email=email))
        assert courses.enrolment_for(user, courses.find_course(COURSE)) is None

    offline = browser.new_context(java_script_enabled=False, locale="fr-FR")
    try:
        attempts = []
        offline.on("request", lambda request: attempts.append(request.url))
        offline.route("**/*", lambda route: route.abort() if not route.request.url.startswith("file:")
                      else route.continue_())
        reader = offline.new_page()
        reader.goto((folder / "index.html").as_uri())
        expect(reader.locator("html")).to_have_attribute("lang", "fr")
        expect(reader.get_by_role("heading", level=1)).to_have_text(course_title)
        expect(reader.locator(".notice")).to_contain_text("ne sont pas enregistrées dans cette copie")

        reader.get_by_role("link", name=first).click()
        expect(reader.get_by_role("heading", level=1)).to_have_text(first)
        expect(reader.locator("article.lesson")).to_have_attribute("lang", "fr")
        # the stylesheet applied: the system font stack and the bordered activity boxes of style.css
        assert "system-ui" in reader.evaluate("getComputedStyle(document.body).fontFamily")
        assert reader.evaluate("getComputedStyle(document.querySelector('.activity')).borderTopStyle") == "solid"

        answer = reader.locator("details.choice-check").filter(has=reader.locator(".feedback-right")).first
        feedback = answer.locator(".feedback")
        expect(feedback).to_be_hidden()
        answer.locator("summary").click()
        expect(feedback).to_be_visible()
        expect(feedback).to_contain_text("Correct.")
        assert len(feedback.inner_text()) > len("Correct.") + 10  # and why

        reader.locator("a[rel=next]").click()
        expect(reader.get_by_role("heading", level=1)).to_have_text(second)
        assert reader.url.startswith("file:")
        assert [url for url in attempts if not url.startswith("file:")] == []  # nothing asked of any host
    finally:
        offline.close()
