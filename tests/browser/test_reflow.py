"""WCAG 1.4.4 and 1.4.10 on a phone: with text at 200 % on a 360 px screen no page scrolls sideways (a wide table
scrolls inside its own box, which the keyboard reaches)."""
import pytest

from .test_learner_journey import sign_in

pytestmark = pytest.mark.browser

PAGES = ["/", "/courses/", "/courses/power-patriarchy-feminism/", "/courses/power-patriarchy-feminism/faces-of-power/",
         "/courses/listening-basics/why-listen/", "/notifications/", "/communities/", "/reports/", "/account",
         "/resources/", "/calendar/", "/offline"]


def test_no_page_scrolls_sideways_with_text_at_200_percent_on_a_phone(new_context, live_server):
    page = new_context(viewport={"width": 360, "height": 740}).new_page()
    sign_in(page, live_server, live_server.make_user(), a11y=False)
    wide = {}
    for url in PAGES:
        response = page.goto(url)
        assert response.status == 200, url
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if width[0] > width[1]:
            wide[url] = width
    assert not wide, f"pages wider than the screen (scroll width, screen width): {wide}"


def test_a_wide_table_scrolls_in_a_box_the_keyboard_reaches(new_context, live_server):
    page = new_context(viewport={"width": 360, "height": 740}).new_page()
    sign_in(page, live_server, live_server.make_user(), a11y=False)
    page.goto("/courses/power-patriarchy-feminism/faces-of-power/")  # its table of the four faces of power
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    box = page.locator(".prose .table-wrap").first
    assert box.get_attribute("tabindex") == "0"
    box.evaluate("element => { element.querySelector('td').textContent = 'a'.repeat(60); }")  # wider than a phone
    assert box.evaluate("element => element.scrollWidth > element.clientWidth")  # it scrolls, inside its box
    box.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("End")
    # and the keyboard scrolls it (waiting: Chromium may animate the scroll)
    page.wait_for_function("() => document.querySelector('.prose .table-wrap').scrollLeft > 0", timeout=5000)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
