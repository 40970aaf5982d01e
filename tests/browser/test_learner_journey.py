"""A learner's whole journey in a real browser, in English, Spanish and French, checked with axe-core on
every page; plus the same core actions with JavaScript off and a lesson on a 360 px wide phone."""
import re
import uuid
from email import message_from_bytes
from email.policy import default as mail_policy
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from colab.accounts.models import User
from colab.extensions import db

pytestmark = pytest.mark.browser

AXE = Axe()
COURSE = "/courses/listening-basics/"
LESSON_SLUGS = ["why-listen", "listening-to-disagree", "listening-in-groups"]

# The interface strings the journey reads, per language (Spanish from translations/es/.../messages.po).
UI = {
    "en": {
        "courses": "Courses", "create_to_start": "Create an account to start", "create_account": "Create account",
        "welcome": "Welcome to Co-Lab", "enrol": "Enrol and start", "save_reflection": "Save reflection",
        "reflection_saved": "Your reflection is saved.", "check": "Check my answer", "try_again": "Try again",
        "wrong": "Not quite.", "right": "Correct.", "mark_done": "Mark as done and continue", "done": "Done",
        "marked_done": "You marked this lesson as done.",
        "not_translated": "This lesson is not yet available in your language. It is shown in English.",
        "completed_flash": "You have completed the course. Well done!", "course_completed": "Course completed",
        "progress": "{done} of {total} lessons done", "continue": "Continue where you left off",
        "sign_in": "Sign in", "sign_out": "Sign out", "signed_out": "You are signed out.",
    },
    "es": {
        "courses": "Cursos", "create_to_start": "Crea una cuenta para empezar", "create_account": "Crear cuenta",
        "welcome": "Te damos la bienvenida a Co-Lab", "enrol": "Inscribirme y empezar",
        "save_reflection": "Guardar reflexión", "reflection_saved": "Guardamos tu reflexión.",
        "check": "Revisar mi respuesta", "try_again": "Intentar de nuevo", "wrong": "No del todo.",
        "right": "Correcto.", "mark_done": "Marcar como completada y continuar", "done": "Completada",
        "marked_done": "Marcaste esta lección como completada.",
        "not_translated": "Esta lección todavía no está disponible en tu idioma. Se muestra en inglés.",
        "completed_flash": "¡Completaste el curso! ¡Excelente trabajo!", "course_completed": "Curso completado",
        "progress": "{done} de {total} lecciones completadas", "continue": "Continúa donde lo dejaste",
        "sign_in": "Iniciar sesión", "sign_out": "Cerrar sesión", "signed_out": "Cerraste sesión.",
    },
    "fr": {  # from translations/fr/.../messages.po; French puts a no-break space before ":" and "!"
        "courses": "Cours", "create_to_start": "Créez un compte pour commencer", "create_account": "Créer le compte",
        "welcome": "Bienvenue sur le Co-Lab", "enrol": "M'inscrire et commencer",
        "save_reflection": "Enregistrer la réflexion", "reflection_saved": "Votre réflexion est enregistrée.",
        "check": "Vérifier ma réponse", "try_again": "Réessayer", "wrong": "Pas tout à fait.", "right": "Correct.",
        "mark_done": "Marquer comme faite et continuer", "done": "Faite",
        "marked_done": "Vous avez marqué cette leçon comme faite.",
        "not_translated": "Cette leçon n'est pas encore disponible dans votre langue. Elle s'affiche dans une autre "
                          "langue\u00a0: anglais.",
        "completed_flash": "Vous avez terminé le cours. Bravo\u00a0!", "course_completed": "Cours terminé",
        "progress": "Leçons faites\u00a0: {done} sur {total}", "continue": "Reprendre là où vous en étiez",
        "sign_in": "Se connecter", "sign_out": "Se déconnecter", "signed_out": "Votre session est fermée.",
    },
}

# The sample course under tests/fixtures/content, as each language's reader sees it.
CONTENT = {
    "en": {"course": "Listening basics", "modules": ["First steps", "Going deeper"],
           "lessons": ["Why listen?", "Listening when we disagree", "Listening in groups"],
           "wrong_choice": "To prepare a reply.", "wrong_feedback": "you stop hearing them",
           "right_choice": "To understand the other person.", "right_feedback": "Understanding comes before"},
    "es": {"course": "Escucha básica", "modules": ["Primeros pasos", "Más a fondo"],
           "lessons": ["¿Por qué escuchar?", "Escuchar en el desacuerdo", "Listening in groups"],
           "wrong_choice": "Preparar una respuesta.", "wrong_feedback": "dejas de escucharla",
           "right_choice": "Comprender a la otra persona.", "right_feedback": "Comprender viene antes"},
}
# The sample course has no French: a French reader gets every lesson (and the titles) in English, with a notice.
CONTENT["fr"] = CONTENT["en"]
IN_ENGLISH = {"en": set(), "es": {2}, "fr": {0, 1, 2}}  # the lessons a reader of each language gets in English


# ---------------------------------------------------------------- helpers

def format_violations(url, violations):
    lines = [f"axe-core found {len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} [{violation.get('impact')}]: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            summary = " / ".join(line.strip() for line in node.get("failureSummary", "").splitlines() if line.strip())
            lines.append(f"    target {' '.join(map(str, node['target']))}: {summary}")
    return "\n".join(lines)


def check_a11y(page):
    """Run axe-core on the current page and fail on any violation, listing rule, impact and target."""
    violations = AXE.run(page).response["violations"]
    if violations:
        pytest.fail(format_violations(page.url, violations))


def visit(page, url):
    """Open a URL (relative to the live server) and check it with axe."""
    response = page.goto(url)
    assert response is not None and response.ok, f"{url}: HTTP {response.status if response else '?'}"
    check_a11y(page)


def follow(page, target, a11y=True):
    """Click a link or submit button, wait for the page it leads to, and check that page with axe."""
    with page.expect_navigation():
        target.click()
    if a11y:
        check_a11y(page)


def reload(page):
    page.reload()
    check_a11y(page)


def header(page):
    return page.locator("header.site-header")


def flash(page):
    return page.locator(".flashes")


def lesson_heading(page):
    return page.locator("article.lesson h1")


def sign_in(page, live_server, email, a11y=True):
    if a11y:
        visit(page, "/sign-in")
    else:
        page.goto("/sign-in")
    page.fill("#email", email)
    page.fill("#password", live_server.password)
    follow(page, page.locator("main").get_by_role("button"), a11y)
    # signed in: the header offers to sign out (inside the menu, folded on a phone)
    expect(header(page).get_by_role("button", name=re.compile("Sign out|Cerrar sesión|Se déconnecter"),
                                    include_hidden=True)).to_have_count(1)


def confirmation_link(live_server, address):
    """The path of the sign-up confirmation link mailed to address (mail goes to the instance outbox)."""
    for path in sorted((Path(live_server.app.instance_path) / "outbox").glob("*.eml"), reverse=True):
        message = message_from_bytes(path.read_bytes(), policy=mail_policy)
        if message["To"] == address:
            link = urlsplit(re.search(r"https?://\S+/sign-up/confirm/\S+", message.get_content()).group(0))
            return f"{link.path}?{link.query}" if link.query else link.path
    raise AssertionError(f"no mail to {address}")


def stored_user(live_server, email):
    with live_server.app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email=email))
        if user is None:
            return None
        return {"locale": user.locale, "timezone": user.timezone,
                "region": user.region.slug if user.region else None, "name": user.display_name}


# ---------------------------------------------------------------- the journey

def expect_lesson_language(page, lang, index):
    """The lesson is in the reader's language, or in English with a notice in the reader's language."""
    notice = page.locator(".lesson .notice")
    if index in IN_ENGLISH[lang]:
        expect(page.locator("article.lesson")).to_have_attribute("lang", "en")
        expect(notice).to_have_attribute("lang", lang)
        expect(notice).to_have_text(UI[lang]["not_translated"])
    else:
        expect(page.locator("article.lesson")).to_have_attribute("lang", lang)
        expect(notice).to_have_count(0)
    expect(page.locator("html")).to_have_attribute("lang", lang)


@pytest.mark.parametrize("lang", ["en", "es", "fr"])
def test_learner_journey(page, live_server, lang):
    """Home → catalogue → overview → sign up → enrol → lessons, reflection, self-check → completed → sign out."""
    ui, text = UI[lang], CONTENT[lang]

    visit(page, "/")
    if lang != "en":
        follow(page, header(page).get_by_role("button", name={"es": "Español", "fr": "Français"}[lang]))
    expect(page.locator("html")).to_have_attribute("lang", lang)

    # Catalogue and the public course overview.
    follow(page, header(page).get_by_role("link", name=ui["courses"], exact=True))
    expect(page.locator("h1")).to_have_text(ui["courses"])
    follow(page, page.get_by_role("link", name=text["course"]))
    expect(page.locator("h1")).to_have_text(text["course"])
    expect(page.get_by_role("link", name=text["lessons"][0])).to_have_count(0)  # titles only, no links yet

    # Sign up from the overview, then come back to it.
    follow(page, page.get_by_role("link", name=ui["create_to_start"]))
    email = f"learner-{lang}-{uuid.uuid4().hex[:6]}@example.org"
    timezone = {"en": "Africa/Nairobi", "es": "America/Mexico_City", "fr": "Africa/Dakar"}[lang]
    page.fill("#email", email)
    page.fill("#display_name", f"Learner {lang}")
    page.fill("#password", "three unrelated words here")
    expect(page.locator("#locale")).to_have_value(lang)  # preselected from the language in use
    page.select_option("#locale", lang)
    page.select_option("#timezone", timezone)
    region_label = page.locator("#region option").nth(5).inner_text()  # after "None": the fifth region
    page.select_option("#region", label=region_label)
    follow(page, page.get_by_role("button", name=ui["create_account"]))
    assert stored_user(live_server, email) is None  # nothing is created until the address is confirmed
    # The link in the mail opens a page with one button, which creates the account and signs in.
    visit(page, confirmation_link(live_server, email))
    expect(page.locator("#display_name")).to_have_value(f"Learner {lang}")
    follow(page, page.locator("main").get_by_role("button"))
    expect(page).to_have_url(re.compile(re.escape(COURSE) + "$"))
    expect(flash(page)).to_contain_text(ui["welcome"])
    assert stored_user(live_server, email) == {"locale": lang, "timezone": timezone, "region": "latin-america",
                                               "name": f"Learner {lang}"}

    # Enrol: the first lesson opens.
    follow(page, page.get_by_role("button", name=ui["enrol"]))
    expect(lesson_heading(page)).to_have_text(text["lessons"][0])
    expect_lesson_language(page, lang, 0)

    # A reflection is saved and is still there after a reload.
    reflection = f"Heard by my grandmother ({lang}), last summer."
    page.locator("#a-last-time-heard-text").fill(reflection)
    follow(page, page.get_by_role("button", name=ui["save_reflection"]))
    expect(flash(page)).to_have_text(ui["reflection_saved"])
    reload(page)
    expect(page.locator("#a-last-time-heard-text")).to_have_value(reflection)

    # The self-check: wrong first, then right.
    page.get_by_label(text["wrong_choice"]).check()
    follow(page, page.get_by_role("button", name=ui["check"]))
    expect(page.locator(".feedback-wrong")).to_contain_text(ui["wrong"])
    expect(page.locator(".feedback-wrong")).to_contain_text(text["wrong_feedback"])
    expect(page.get_by_label(text["wrong_choice"])).to_be_checked()
    page.get_by_label(text["right_choice"]).check()
    follow(page, page.get_by_role("button", name=ui["try_again"]))
    expect(page.locator(".feedback-right")).to_contain_text(ui["right"])
    expect(page.locator(".feedback-right")).to_contain_text(text["right_feedback"])
    expect(page.locator(".feedback-wrong")).to_have_count(0)

    # Done and continue: the next lesson; previous and next links move between them.
    follow(page, page.get_by_role("button", name=ui["mark_done"]))
    expect(lesson_heading(page)).to_have_text(text["lessons"][1])
    expect_lesson_language(page, lang, 1)
    follow(page, page.locator("a[rel=prev]"))
    expect(lesson_heading(page)).to_have_text(text["lessons"][0])
    expect(page.locator(".lesson .meta")).to_contain_text(ui["done"])
    expect(page.locator(".lesson-end")).to_contain_text(ui["marked_done"])
    follow(page, page.locator("a[rel=next]"))
    expect(lesson_heading(page)).to_have_text(text["lessons"][1])
    expect(page.locator(".lesson-end")).not_to_contain_text(ui["marked_done"])

    # The rest: the last lesson exists only in English.
    follow(page, page.get_by_role("button", name=ui["mark_done"]))
    expect(lesson_heading(page)).to_have_text(text["lessons"][2])
    expect_lesson_language(page, lang, 2)
    follow(page, page.get_by_role("button", name=ui["mark_done"]))

    # The overview shows the course completed, with full progress bars.
    expect(page).to_have_url(re.compile(re.escape(COURSE) + "$"))
    expect(flash(page)).to_have_text(ui["completed_flash"])
    expect(page.locator(".done-banner")).to_contain_text(ui["course_completed"])
    bars = page.locator("progress")
    expect(bars).to_have_count(3)  # the course, then each module
    for index, total in enumerate([3, 2, 1]):
        expect(bars.nth(index)).to_have_attribute("value", str(total))
        expect(bars.nth(index)).to_have_attribute("max", str(total))
        expect(page.locator(".progress-text").nth(index)).to_have_text(ui["progress"].format(done=total, total=total))
    expect(page.locator(".lessons .badge-done")).to_have_count(3)
    expect(page.get_by_role("button", name=ui["enrol"])).to_have_count(0)

    # The home page lists the course as completed.
    follow(page, header(page).get_by_role("link", name="Co-Lab"))
    expect(page.locator("main h2").first).to_have_text(ui["continue"])
    card = page.locator(".card").filter(has_text=ui["course_completed"])
    expect(card).to_have_count(1)
    expect(card).to_contain_text(text["course"])

    # Sign out: the header offers signing in again; the overview is public again, lessons unlinked.
    follow(page, header(page).get_by_role("button", name=ui["sign_out"]))
    expect(flash(page)).to_have_text(ui["signed_out"])
    expect(header(page).get_by_role("link", name=ui["sign_in"], exact=True)).to_be_visible()
    follow(page, page.get_by_role("link", name=text["course"]).first)
    expect(page.get_by_role("link", name=ui["create_to_start"])).to_be_visible()
    expect(page.get_by_role("link", name=text["lessons"][0])).to_have_count(0)
    expect(page.locator("html")).to_have_attribute("lang", lang)


# ---------------------------------------------------------------- without JavaScript, and on a phone

def test_without_javascript_a_learner_signs_in_and_marks_a_lesson_done(new_context, live_server):
    """Every core action is a plain form: sign in and mark a lesson done with JavaScript off."""
    page = new_context(java_script_enabled=False, timezone_id="Africa/Nairobi").new_page()
    page.goto("/sign-up")
    expect(page.locator("#timezone")).to_have_value("UTC")  # colab.js would have guessed Africa/Nairobi
    sign_in(page, live_server, live_server.make_user(), a11y=False)
    page.goto(f"{COURSE}why-listen/")
    follow(page, page.get_by_role("button", name=UI["en"]["mark_done"]), a11y=False)
    expect(lesson_heading(page)).to_have_text(CONTENT["en"]["lessons"][1])
    page.goto(f"{COURSE}why-listen/")
    expect(page.locator(".lesson-end")).to_contain_text(UI["en"]["marked_done"])
    expect(page.locator("progress").first).to_have_attribute("value", "1")


@pytest.mark.parametrize("slug", LESSON_SLUGS)
@pytest.mark.parametrize("locale", ["en", "es"])
def test_lesson_fits_a_360px_screen(new_context, live_server, slug, locale):
    """On a 360 px wide phone a lesson page never scrolls sideways."""
    page = new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True).new_page()
    sign_in(page, live_server, live_server.make_user(locale=locale))
    visit(page, f"{COURSE}{slug}/")
    expect(lesson_heading(page)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
