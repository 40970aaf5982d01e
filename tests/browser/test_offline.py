"""Reading offline in Chromium: a learner saves a module, loses the connection and reads it; nothing from a community
is ever served from the device; "Remove everything" leaves nothing behind; discreet mode stores nothing unasked."""
import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from colab.accounts.models import User
from colab.courses import service as courses
from colab.extensions import db

from .test_learner_journey import sign_in

pytestmark = pytest.mark.browser

COURSE = "/courses/listening-basics/"
MODULE_ONE = ["why-listen", "listening-to-disagree"]
# Every page kept in the browser's caches, as paths.
CACHED_URLS = """Promise.all((await caches.keys()).map(async name =>
    (await (await caches.open(name)).keys()).map(request => new URL(request.url).pathname)))
    .then(lists => lists.flat())"""


def learner(live_server, discreet=False):
    email = live_server.make_user()
    with live_server.app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email=email))
        user.discreet = discreet
        courses.enrol(user, courses.find_course("listening-basics"))
        db.session.commit()
        with force_locale("en"):
            ui = {"save": gettext("Save this module for offline reading (%(size)s)", size="").split("(")[0].strip(),
                  "saved": gettext("Saved on this device: you can read it with no connection."),
                  "offline": gettext("You are offline"),
                  "forget": gettext("Remove everything saved on this device")}
    return email, ui


def cached_urls(page):
    return page.evaluate(f"async () => {CACHED_URLS}")


def signed_in_with_module_one_saved(new_context, live_server):
    """(browser context, page, email, ui) of a new learner who signed in and saved the first module."""
    email, ui = learner(live_server)
    context = new_context()
    page = context.new_page()
    sign_in(page, live_server, email, a11y=False)
    page.goto(COURSE)
    page.get_by_role("button", name=ui["save"]).first.click()
    expect(page.get_by_role("status").filter(has_text=ui["saved"]).first).to_be_visible()
    return context, page, email, ui


def test_a_saved_module_reads_offline_and_nothing_else_is_kept(new_context, live_server):
    context, page, _, ui = signed_in_with_module_one_saved(new_context, live_server)
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.goto("/communities/")  # online: read from the network, never stored
    page.goto("/notifications/")

    context.set_offline(True)
    for slug in MODULE_ONE:
        page.goto(f"{COURSE}{slug}/")
        expect(page.locator("article.lesson h1")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/communities/")
    expect(page.get_by_role("heading", level=1)).to_have_text(ui["offline"])
    saved = page.locator("[data-saved-list] a")
    expect(saved.first).to_be_visible()
    assert {"Why listen?", "Listening when we disagree"} <= set(saved.all_inner_texts())

    kept = cached_urls(page)
    assert f"{COURSE}why-listen/" in kept and f"{COURSE}listening-to-disagree/" in kept
    assert not [url for url in kept if url.startswith(("/communities", "/notifications", "/account", "/reports"))]

    page.get_by_role("button", name=ui["forget"]).click()
    expect(page.locator("[data-forget-done]")).to_be_visible()
    assert cached_urls(page) == []
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then(found => found.length)") == 0
    assert page.evaluate("indexedDB.databases().then(found => found.length)") == 0
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    with pytest.raises(PlaywrightError, match="ERR_INTERNET_DISCONNECTED"):  # nothing left to read offline
        page.goto(f"{COURSE}why-listen/")


def test_discreet_mode_stores_nothing_until_the_learner_saves(new_context, live_server):
    email, ui = learner(live_server, discreet=True)
    page = new_context().new_page()
    sign_in(page, live_server, email, a11y=False)
    page.goto(f"{COURSE}why-listen/")
    page.goto(COURSE)
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then(found => found.length)") == 0
    assert cached_urls(page) == []
    page.get_by_role("button", name=ui["save"]).first.click()  # their choice
    expect(page.get_by_role("status").filter(has_text=ui["saved"]).first).to_be_visible()
    assert f"{COURSE}why-listen/" in cached_urls(page)


def test_signing_out_removes_what_was_saved(new_context, live_server):
    _, page, _, _ = signed_in_with_module_one_saved(new_context, live_server)
    assert cached_urls(page)
    page.locator("header").get_by_role("button", name="Sign out").click()
    page.wait_for_url(live_server.url + "/")
    assert cached_urls(page) == []


def test_what_a_learner_does_offline_reaches_co_lab_once_when_back_online(new_context, live_server):
    from colab.courses.models import LessonProgress, Response
    from colab.offline.models import OfflineChange

    context, page, email, _ = signed_in_with_module_one_saved(new_context, live_server)
    context.set_offline(True)
    page.goto(f"{COURSE}why-listen/")
    notice = page.locator("#offline-changes")
    page.locator("input[name=a-listening-purpose-choice][value='1']").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Check my answer").click()
    expect(notice).to_have_text("1 change is saved on this device, not yet sent. It will be sent when you are online.")
    page.locator("#a-last-time-heard-text").fill("My aunt, at the market, without a word.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save reflection").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Mark as done and continue").click()
    expect(notice).to_contain_text("3 changes are saved on this device, not yet sent.")

    context.set_offline(False)  # the browser says "online": colab.js sends what waits
    expect(notice).to_have_text("Sent: what you did offline has reached Co-Lab.")
    page.reload()  # nothing left to send: nothing is sent twice
    expect(notice).to_be_hidden()
    with live_server.app.app_context():
        user_id = db.session.scalar(db.select(User.id).filter_by(email=email))
        answers = {r.activity.slug: (r.choice, r.text_source, r.attempts)
                   for r in db.session.scalars(db.select(Response).filter_by(user_id=user_id))}
        assert answers["listening-purpose"][0] == 1 and answers["listening-purpose"][2] == 1
        assert answers["last-time-heard"][1] == "My aunt, at the market, without a word."
        progress = db.session.scalars(db.select(LessonProgress).filter_by(user_id=user_id)).all()
        assert [p.completed_at is not None for p in progress if p.lesson.slug == "why-listen"] == [True]
        assert db.session.scalar(db.select(db.func.count()).select_from(OfflineChange).filter_by(user_id=user_id)) == 3
