"""Leave quickly, in a real browser: the link and Escape pressed twice replace the page with a neutral
site, so Back does not bring Co-Lab back."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

NEUTRAL = "https://neutral.test/"


@pytest.fixture
def neutral_exit(live_server):
    """Point Leave quickly at a stand-in neutral site that the browser serves without any network."""
    before = live_server.app.config["QUICK_EXIT_URL"]
    live_server.app.config["QUICK_EXIT_URL"] = NEUTRAL
    yield
    live_server.app.config["QUICK_EXIT_URL"] = before


def _context(new_context, **options):
    context = new_context(**options)
    context.route(NEUTRAL + "**", lambda route: route.fulfill(content_type="text/html",
                                                             body="<title>Weather</title><h1>Weather</h1>"))
    return context


def _leaves_without_a_way_back(page):
    expect(page).to_have_url(NEUTRAL)
    expect(page).to_have_title("Weather")
    page.go_back()
    assert "/courses/" not in page.url, "Back returned to the Co-Lab page that was left"


def test_escape_twice_replaces_the_page(new_context, live_server, neutral_exit):
    page = _context(new_context).new_page()
    page.goto("/")
    page.goto("/courses/")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    _leaves_without_a_way_back(page)


def test_the_link_replaces_the_page(new_context, live_server, neutral_exit):
    page = _context(new_context).new_page()
    page.goto("/")
    page.goto("/courses/")
    page.get_by_role("link", name="Leave quickly").click()
    _leaves_without_a_way_back(page)


def test_one_escape_does_nothing(new_context, live_server, neutral_exit):
    page = _context(new_context).new_page()
    page.goto("/courses/")
    page.keyboard.press("Escape")
    page.wait_for_timeout(1200)
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    assert page.url.endswith("/courses/")


def test_the_link_works_without_javascript(new_context, live_server, neutral_exit):
    page = _context(new_context, java_script_enabled=False).new_page()
    page.goto("/courses/")
    page.get_by_role("link", name="Leave quickly").click()
    expect(page).to_have_url(NEUTRAL)
