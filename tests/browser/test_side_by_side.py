"""A French reader puts Spanish beside a lesson of the real course: two columns on a laptop, section under section
on a phone, each column in its own language; with JavaScript off too."""
import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import expect

from colab.accounts.models import User
from colab.courses import service as courses
from colab.extensions import db

from .test_learner_journey import follow, sign_in, visit

pytestmark = pytest.mark.browser

COURSE = "power-patriarchy-feminism"
LESSON = f"/courses/{COURSE}/faces-of-power/"
LAPTOP, PHONE = {"width": 1280, "height": 800}, {"width": 360, "height": 740}


def enrolled_french_reader(live_server):
    email = live_server.make_user(locale="fr")
    with live_server.app.app_context():
        courses.enrol(db.session.scalar(db.select(User).filter_by(email=email)), courses.find_course(COURSE))
        db.session.commit()
        with force_locale("fr"):
            ui = {"offer": gettext("Read side by side with another language"), "show": gettext("Show"),
                  "beside": gettext("Show beside it")}
    return email, ui


def boxes(page, pair):
    return [pair.locator(":scope > div").nth(index).bounding_box() for index in (0, 1)]


def choose_spanish(page, ui, a11y=True):
    page.get_by_text(ui["offer"]).click()
    page.get_by_label(ui["beside"]).select_option("es")
    follow(page, page.get_by_role("button", name=ui["show"], exact=True), a11y)


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_french_and_spanish_side_by_side(new_context, live_server, viewport):
    """On the phone with JavaScript off (axe needs it, so it checks the laptop's pages)."""
    email, ui = enrolled_french_reader(live_server)
    scripts = viewport is LAPTOP
    page = new_context(viewport=viewport, locale="fr-FR", java_script_enabled=scripts).new_page()
    sign_in(page, live_server, email, a11y=scripts)
    page.goto(LESSON)
    expect(page.locator(".pair")).to_have_count(0)
    choose_spanish(page, ui, a11y=scripts)

    pairs = page.locator("article .pair.prose")
    expect(pairs.first).to_be_visible()
    assert pairs.count() >= 7  # the lesson's sections, each beside its Spanish version
    for index in range(pairs.count()):
        expect(pairs.nth(index).locator(":scope > div").first).to_have_attribute("lang", "fr")
        expect(pairs.nth(index).locator(":scope > div").nth(1)).to_have_attribute("lang", "es")
    # aligned by heading: each French heading sits in the same pair as the Spanish one of the same place
    french = pairs.locator(':scope > div[lang="fr"] h2').all_inner_texts()
    spanish = pairs.locator(':scope > div[lang="es"] h2').all_inner_texts()
    assert len(french) == len(spanish) >= 7 and french != spanish
    for index in range(pairs.count()):
        pair = pairs.nth(index)
        assert pair.locator(':scope > div[lang="fr"] h2').count() == pair.locator(':scope > div[lang="es"] h2').count()

    first, second = boxes(page, pairs.nth(1))
    if viewport is LAPTOP:  # two columns, top-aligned
        assert second["x"] >= first["x"] + first["width"] and abs(second["y"] - first["y"]) < 2
    else:  # stacked: the Spanish piece under the French one, full width
        assert second["y"] >= first["y"] + first["height"] and abs(second["x"] - first["x"]) < 20
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # the self-checks show both languages, one answer for both
    question = page.locator(".activity fieldset").first
    expect(question.locator('.second[lang="es"]').first).to_be_visible()


def test_the_choice_carries_to_the_next_lesson(new_context, live_server):
    email, ui = enrolled_french_reader(live_server)
    page = new_context(viewport=LAPTOP, locale="fr-FR").new_page()
    sign_in(page, live_server, email)
    visit(page, LESSON)
    choose_spanish(page, ui)
    follow(page, page.locator('.pager a[rel="next"]'))
    expect(page.locator('article .pair.prose > div[lang="es"]').first).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
