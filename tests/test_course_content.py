"""The real courses in content/: valid, complete in every language, and shaped as planned."""
import html
from collections import Counter
from pathlib import Path

import pytest
import yaml

from colab.courses.loader import ContentError, read_content
from colab.i18n import LANGUAGES

POSTGRESQL = False  # the course's own files (see conftest.py)

CONTENT = Path(__file__).resolve().parent.parent / "content"
SAMPLE = Path(__file__).resolve().parent / "fixtures" / "content"
FOUNDATION, DIALOGUES = "power-patriarchy-feminism", "respectful-dialogues"
COURSES = (FOUNDATION, DIALOGUES)
REQUIRED_LANGUAGES = set(LANGUAGES)  # every platform language: English, Spanish and French


def load(root):
    try:
        return {course.slug: course for course in read_content(root)}
    except ContentError as error:
        pytest.fail(f"content check fails:\n{error}")


@pytest.fixture(scope="module")
def courses():
    return load(CONTENT)


def languages(course):
    """The languages a course is offered in: those of its title, and at least every platform language."""
    return set(course.title) | REQUIRED_LANGUAGES


def listed(course):
    return [lesson for module in course.modules for lesson in module.lessons]


def per_language(course):
    """{locale: (modules, lessons, activities)} counted from the lesson files that exist in that language."""
    counts = {}
    for locale in sorted(languages(course)):
        modules = [m for m in course.modules if any(locale in course.lessons.get(s, {}) for s in m.lessons)]
        versions = [course.lessons[s][locale] for s in listed(course) if locale in course.lessons.get(s, {})]
        counts[locale] = (len(modules), len(versions), sum(len(v.activities) for v in versions))
    return counts


def test_content_check_passes_and_sync_loads_both_courses(runner, client):
    check = runner.invoke(args=["content", "check", "--dir", str(CONTENT)])
    assert check.exit_code == 0, check.output
    assert "Content is valid: 2 courses" in check.output
    synced = runner.invoke(args=["content", "sync", "--dir", str(CONTENT)])
    assert synced.exit_code == 0, synced.output
    catalogue = client.get("/courses/").get_data(as_text=True)
    for slug in COURSES:
        assert f'href="/courses/{slug}/"' in catalogue


def test_both_courses_exist_with_a_title_in_every_language(courses):
    assert set(COURSES) <= set(courses)
    for slug in COURSES:
        assert REQUIRED_LANGUAGES <= set(courses[slug].title), slug


def test_the_foundation_course_has_at_least_six_modules_of_three_lessons(courses):
    modules = courses[FOUNDATION].modules
    assert len(modules) >= 6, [m.slug for m in modules]
    assert all(len(m.lessons) >= 3 for m in modules), {m.slug: len(m.lessons) for m in modules}


def test_respectful_dialogues_has_four_lessons_in_every_language(courses):
    course = courses[DIALOGUES]
    assert len(listed(course)) == 4, listed(course)
    assert {slug: sorted(course.lessons[slug]) for slug in listed(course)} == \
        {slug: sorted(LANGUAGES) for slug in listed(course)}


@pytest.mark.parametrize("slug", COURSES)
def test_every_lesson_exists_in_every_language_with_the_same_activities(courses, slug):
    course = courses[slug]
    wanted = languages(course)
    missing = {lesson: sorted(wanted - set(course.lessons[lesson])) for lesson in listed(course)
               if wanted - set(course.lessons[lesson])}
    assert not missing, f"lessons missing a language: {missing}"
    shapes = {lesson: {locale: [(a.slug, a.kind) for a in spec.activities] for locale, spec in versions.items()}
              for lesson, versions in course.lessons.items()}
    differ = {lesson: by_locale for lesson, by_locale in shapes.items()
              if len({tuple(shape) for shape in by_locale.values()}) != 1}
    assert not differ, f"activities differ between languages: {differ}"


@pytest.mark.parametrize("slug", COURSES)
def test_every_lesson_has_a_reflection_and_two_to_four_self_checks(courses, slug):
    wrong = {}
    for lesson, versions in courses[slug].lessons.items():
        for locale, spec in versions.items():
            kinds = Counter(activity.kind for activity in spec.activities)
            choices = [len(a.choices) for a in spec.activities if a.kind == "selfcheck"]
            if kinds["reflection"] < 1 or not 2 <= kinds["selfcheck"] <= 4 or not all(3 <= n <= 4 for n in choices):
                wrong[f"{locale}/{lesson}"] = {**kinds, "choices per self-check": choices}
    assert not wrong, f"want >= 1 reflection and 2-4 self-checks of 3-4 choices: {wrong}"


@pytest.mark.parametrize("slug", COURSES)
def test_no_language_falls_behind(courses, slug):
    course = courses[slug]
    counts = per_language(course)
    assert len(set(counts.values())) == 1, f"(modules, lessons, activities) per language: {counts}"
    assert counts["en"][:2] == (len(course.modules), len(listed(course)))


def test_the_language_count_notices_a_missing_translation():
    """The sample course lacks a Spanish listening-in-groups and any French: the count above must tell."""
    counts = per_language(load(SAMPLE)["listening-basics"])
    assert counts["en"] == (2, 3, 3)
    assert counts["es"] == (1, 2, 3)
    assert counts["fr"] == (0, 0, 0)


def test_the_glossary_gives_every_term_in_every_language():
    glossary = yaml.safe_load((CONTENT / "glossary.yml").read_text(encoding="utf-8"))
    terms = glossary["terms"]
    assert len(terms) >= 10
    incomplete = [term for term in terms
                  if not all(isinstance(term.get(code), str) and term[code].strip() for code in REQUIRED_LANGUAGES)]
    assert not incomplete, incomplete
    repeated = [name for name, times in Counter(term["en"].strip().lower() for term in terms).items() if times > 1]
    assert not repeated, f"terms listed twice: {repeated}"


@pytest.mark.parametrize("locale", sorted(REQUIRED_LANGUAGES))
def test_every_real_lesson_renders_in_each_language(app, client, auth, locale):
    """Each lesson page opens in the reader's language, with its own title, body and activities."""
    from colab.courses.sync import sync_content
    from colab.extensions import db
    with app.app_context():
        sync_content(CONTENT)
        db.session.commit()
    auth.as_new_user(locale=locale)
    for course in load(CONTENT).values():
        for slug in listed(course):
            spec = course.lessons[slug][locale]
            page = client.get(f"/courses/{course.slug}/{slug}/").get_data(as_text=True)
            assert f'<article lang="{locale}"' in page, slug
            assert f"<h1>{spec.title}</h1>" in html.unescape(page), slug
            assert page.count('class="activity"') == len(spec.activities), slug
