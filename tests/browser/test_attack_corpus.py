"""The attack corpus typed into Co-Lab's forms in a real browser: no dialog opens, no injected element
reaches the page, and the Content-Security-Policy never has to block anything (a block means something
got through the sanitiser)."""
import pytest
from html_safety import ATTACKS
from playwright.sync_api import expect

from .test_learner_journey import sign_in

pytestmark = pytest.mark.browser

WATCH = """
window.__blocked = [];
document.addEventListener('securitypolicyviolation', e => window.__blocked.push(e.violatedDirective));
"""
INJECTED = "main script, main iframe, main object, main embed, main svg, main style, main img, main [onerror], " \
           "main [onload], main [style], main a[href^='javascript'], main form[action^='http']"


def _watched_page(new_context, dialogs):
    context = new_context()
    context.add_init_script(WATCH)
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    return page


def _assert_clean(page, dialogs):
    assert page.locator(INJECTED).count() == 0, page.url
    assert page.evaluate("window.__blocked") == [], page.url
    assert dialogs == [], page.url


def test_attacks_typed_into_posts_and_reflections_run_nowhere(new_context, live_server, live_kit):
    writer = live_server.make_user(display_name="Attack writer")
    reader = live_server.make_user(display_name="Attack reader")
    slug = live_kit.community("Attack circle")
    live_kit.member(writer, slug, role="facilitator")
    live_kit.member(reader, slug)
    dialogs = []

    page = _watched_page(new_context, dialogs)
    sign_in(page, live_server, writer, a11y=False)
    page.goto(f"/communities/{slug}/threads/new")
    page.fill("#title", "Attack thread")
    page.fill("#body", "\n\n".join(ATTACKS))
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("h1")).to_contain_text("Attack thread")
    thread_url = page.url.split("?")[0]
    for attack in ATTACKS[:6]:
        page.fill("#body", attack)
        page.locator("main form button[type=submit]", has_text="Post reply").click()
        page.wait_for_load_state()
    _assert_clean(page, dialogs)
    page.goto("/courses/listening-basics/")
    page.get_by_role("button", name="Enrol and start").click()
    page.fill("textarea[name='a-last-time-heard-text']", "\n".join(ATTACKS))
    page.get_by_role("button", name="Save reflection").click()
    page.wait_for_load_state()
    _assert_clean(page, dialogs)

    reader_page = _watched_page(new_context, dialogs)
    sign_in(reader_page, live_server, reader, a11y=False)
    for url in (thread_url, f"/communities/{slug}/", "/notifications/"):
        reader_page.goto(url)
        _assert_clean(reader_page, dialogs)
