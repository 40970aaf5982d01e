"""A learner who reads French takes both real courses in a real browser, at their own pace (no cohort): every lesson
opened, every self-check answered, a reflection written in each course, each lesson marked done with "Marquer comme
faite et continuer", until the course-completed message. Every page is French throughout: the page, the lesson and
the interface around it. The courses come from content/ (the shared live server loads them beside the sample
course)."""
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from test_i18n import english_leftovers

from colab.courses import service as courses

pytestmark = pytest.mark.browser

TITLES = {"power-patriarchy-feminism": "Pouvoir, patriarcat et féminismes",
          "respectful-dialogues": "Dialogues respectueux sur des sujets difficiles"}
# The interface strings the learner reads, from translations/fr/LC_MESSAGES/messages.po (French puts a no-break
# space before "!").
UI = {"enrol": "M'inscrire et commencer", "save_reflection": "Enregistrer la réflexion",
      "reflection_saved": "Votre réflexion est enregistrée.", "check": "Vérifier ma réponse",
      "try_again": "Réessayer", "wrong": "Pas tout à fait.", "right": "Correct.",
      "mark_done": "Marquer comme faite et continuer", "completed_flash": "Vous avez terminé le cours. Bravo\u00a0!",
      "course_completed": "Cours terminé", "sign_out": "Se déconnecter"}


@pytest.fixture(scope="module")
def french_server(live_server):
    """The live server (it holds both real courses beside the sample one), with .lessons: {course slug:
    [(lesson slug, French title, {self-check slug: its right choice})] in order}."""
    with live_server.app.app_context():
        lessons = {}
        for slug in TITLES:
            course = courses.find_course(slug)
            assert course.title_in("fr") == TITLES[slug]
            lessons[slug] = [(lesson.slug, lesson.text_in("fr").title,
                              {a.slug: a.correct_choice for a in lesson.activities
                               if a.kind == "selfcheck" and not a.archived})
                             for lesson in courses.outline(course).lessons]
    live_server.lessons = lessons
    return live_server


def follow(page, target):
    with page.expect_navigation():
        target.click()


def expect_french(page, lesson=False):
    """The page is French: marked so, the lesson too, with no notice of a fallback and no English interface text."""
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    if lesson:
        expect(page.locator("article.lesson")).to_have_attribute("lang", "fr")
        expect(page.locator(".lesson .notice")).to_have_count(0)
    leftovers = english_leftovers(page.content(), "fr")
    assert not leftovers, f"{page.url} shows English: {leftovers}"


def answer_self_checks(page, right_choices, first_wrong):
    """Answer every self-check of the lesson with its right choice (the first one wrong first, when first_wrong)
    and see the feedback, in French."""
    for number, (slug, right) in enumerate(right_choices.items()):
        activity = page.locator(f"#activity-{slug}")
        if first_wrong and number == 0:
            wrong = next(i for i in range(activity.locator("input[type=radio]").count()) if i != right)
            activity.locator(f"input[type=radio][value='{wrong}']").check()
            follow(page, activity.get_by_role("button", name=UI["check"]))
            expect(page.locator(f"#activity-{slug} .feedback-wrong")).to_contain_text(UI["wrong"])
            button = UI["try_again"]
        else:
            button = UI["check"]
        page.locator(f"#activity-{slug} input[type=radio][value='{right}']").check()
        follow(page, page.locator(f"#activity-{slug}").get_by_role("button", name=button))
        expect(page.locator(f"#activity-{slug} .feedback-right")).to_contain_text(UI["right"])


def take_course(page, base_url, slug, lessons):
    """Enrol at one's own pace and go through every lesson of the course to its end."""
    page.goto(f"/courses/{slug}/")
    expect(page.locator("h1")).to_have_text(TITLES[slug])
    expect_french(page)
    follow(page, page.get_by_role("button", name=UI["enrol"]))
    for number, (lesson_slug, title, right_choices) in enumerate(lessons):
        expect(page).to_have_url(f"{base_url}/courses/{slug}/{lesson_slug}/")  # no lesson skipped
        expect(page.locator("article.lesson h1")).to_have_text(title)
        if number == 0:  # a reflection, kept after the page comes back
            reflection = page.locator(".activity textarea").first
            reflection.fill("Ce que je retiens : écouter avant de répondre.")
            follow(page, page.locator(".activity").filter(has=page.locator("textarea")).first
                   .get_by_role("button", name=UI["save_reflection"]))
            expect(page.locator(".flashes")).to_have_text(UI["reflection_saved"])
            expect(page.locator(".activity textarea").first).to_have_value(
                "Ce que je retiens : écouter avant de répondre.")
        answer_self_checks(page, right_choices, first_wrong=number == 0)
        expect_french(page, lesson=True)
        follow(page, page.get_by_role("button", name=UI["mark_done"]))
    expect(page).to_have_url(f"{base_url}/courses/{slug}/")
    expect(page.locator(".flashes")).to_have_text(UI["completed_flash"])
    expect(page.locator(".done-banner")).to_contain_text(UI["course_completed"])
    expect(page.locator("progress").first).to_have_attribute("value", str(len(lessons)))
    expect_french(page)


def test_a_french_learner_takes_both_real_courses_in_french(browser, french_server):
    email = french_server.make_user(locale="fr", timezone="Africa/Dakar")
    context = browser.new_context(base_url=french_server.url, locale="fr-FR")
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto("/sign-in")
        expect_french(page)
        page.fill("#email", email)
        page.fill("#password", french_server.password)
        follow(page, page.locator("main").get_by_role("button"))
        expect(page.locator("header.site-header").get_by_role("button", name=UI["sign_out"])).to_be_visible()
        for slug, lessons in french_server.lessons.items():
            assert lessons and all(right is not None for _, _, checks in lessons for right in checks.values())
            take_course(page, french_server.url, slug, lessons)
        page.goto("/courses/")
        expect(page.locator(".card").filter(has_text=UI["course_completed"])).to_have_count(2)
        expect_french(page)
        assert urlsplit(page.url).path == "/courses/"
    finally:
        context.close()
