"""A facilitator prints a lesson for a workshop: no navigation, the self-checks' questions and choices with empty
circles and no one's saved answer or feedback, a box for each reflection and no saved text, links with their
address; black on white even from a screen in dark mode."""
import pytest

from .test_learner_journey import sign_in

pytestmark = pytest.mark.browser

LESSON = "/courses/listening-basics/why-listen/"


def shown(locator):
    return locator.first.is_visible()


def test_a_lesson_prints_for_a_workshop(new_context, live_server, live_kit):
    email = live_server.make_user()
    page = new_context(color_scheme="dark").new_page()
    sign_in(page, live_server, email, a11y=False)
    page.goto(LESSON)
    page.locator("textarea").first.fill("My private answer")
    page.get_by_role("button", name="Save reflection").click()
    page.locator("input[type=radio]").first.check()
    page.get_by_role("button", name="Check my answer").click()
    page.wait_for_selector(".feedback")
    page.emulate_media(media="print")
    for hidden in (".site-header", ".site-footer", ".activities button", ".feedback", "textarea", ".lesson-end"):
        assert not shown(page.locator(hidden)), f"{hidden} is printed"
    assert shown(page.locator(".activities fieldset")) and shown(page.locator(".activities label"))
    assert page.locator(".activities input[type=radio]").first.evaluate("e => getComputedStyle(e).appearance") == "none"
    assert page.locator("h1").evaluate("e => getComputedStyle(e).color") == "rgb(0, 0, 0)"
    assert "My private answer" not in page.locator("main").inner_text()


def test_a_printed_link_shows_its_address(new_context, live_server, live_kit):
    email = live_server.make_user()
    slug = live_kit.community("Printing circle")
    live_kit.member(email, slug)
    page = new_context().new_page()
    sign_in(page, live_server, email, a11y=False)
    page.goto(f"/communities/{slug}/threads/new")
    page.fill("#title", "A link to print")
    page.fill("#body", "See [the alliance](https://menengage.org/) for more.")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_selector(".post a[href^='https://menengage.org']")
    page.emulate_media(media="print")
    after = page.locator(".post a[href^='https://menengage.org']").evaluate(
        "e => getComputedStyle(e, '::after').content")
    assert after == '" (https://menengage.org/)"'
