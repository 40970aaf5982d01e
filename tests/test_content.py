"""Content files: what the loader reports, `flask content check|sync --dir`, and what a re-sync keeps."""
import re
import shutil
from pathlib import Path

import pytest

from colab.courses.loader import ContentError, read_content
from colab.courses.models import Activity, Course, Enrolment, Lesson, LessonProgress, LessonText, Module, Response
from colab.extensions import db

SAMPLE = Path(__file__).parent / "fixtures" / "content"
COURSE = "listening-basics"
YML = f"{COURSE}/course.yml"
EN = f"{COURSE}/en/first-steps/why-listen.md"
ES = f"{COURSE}/es/first-steps/why-listen.md"
DISAGREE = f"{COURSE}/en/first-steps/listening-to-disagree.md"
GROUPS = f"{COURSE}/en/going-deeper/listening-in-groups.md"
OVERVIEW = f"/courses/{COURSE}/"
LESSON_URL = f"/courses/{COURSE}/why-listen/"
REFLECTION = "My grandmother listened without interrupting me."
PROBLEM = re.compile(r"^(?P<path>.+?)(?::(?P<line>\d+))?: (?P<message>.+)$")
MODELS = (Course, Module, Lesson, LessonText, Activity, Enrolment, LessonProgress, Response)


@pytest.fixture
def tree(tmp_path):
    """A private copy of the sample content that a test may break or edit."""
    root = tmp_path / "content"
    shutil.copytree(SAMPLE, root)
    return root


def edit(root, name, old, new):
    """Replace the first `old` with `new` in one file; fail if `old` is not there (the edit must happen)."""
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def swap(name, old, new):
    return lambda root: edit(root, name, old, new)


def drop(name, old):
    return swap(name, old, "")


def copy(source, target):
    return lambda root: shutil.copytree(root / source, root / target) if (root / source).is_dir() \
        else shutil.copy(root / source, root / target)


def remove(name):
    return lambda root: (root / name).unlink()


UNTRANSLATED = "    listening-in-groups: Not yet translated; the tests rely on it being shown in English.\n"


def move_es_correct_choice(root):
    edit(root, ES, "        correct: true\n", "")
    edit(root, ES, "- text: Preparar una respuesta.\n", "- text: Preparar una respuesta.\n        correct: true\n")


def set_modules(root, modules):
    """Rewrite the `modules:` part of course.yml: [(module slug, [lesson slugs])]."""
    path = root / YML
    text = path.read_text(encoding="utf-8")
    lines = [f"  - slug: {slug}\n    title: {{en: {slug.replace('-', ' ').capitalize()}}}\n"
             f"    lessons: [{', '.join(lessons)}]\n" for slug, lessons in modules]
    tail = text[text.index("untranslated:"):] if "untranslated:" in text else ""  # the documented fallbacks stay
    path.write_text(text[:text.index("modules:")] + "modules:\n" + "".join(lines) + tail, encoding="utf-8")


# (how to break the sample tree, the file named, its line (None: not checked), what the message says)
BROKEN = [
    pytest.param(drop(EN, "title: Why listen?\n"), EN, 2, 'missing "title"', id="missing-title"),
    pytest.param(swap(EN, "minutes: 10", "minutes: ten"), EN, 3, '"minutes" must be a whole number from 1 to 240',
                 id="minutes-not-a-number"),
    pytest.param(swap(EN, "minutes: 10", "minutes: 0"), EN, 3, '"minutes" must be a whole number', id="minutes-zero"),
    pytest.param(swap(EN, "type: selfcheck", "type: quiz"), EN, 10, "activity 2: unknown type 'quiz'",
                 id="unknown-activity-type"),
    pytest.param(drop(EN, "        correct: true\n"), EN, 10,
                 'activity 2 (selfcheck "listening-purpose"): no choice is marked correct', id="no-correct-choice"),
    pytest.param(swap(EN, "- text: To prepare a reply.\n", "- text: To prepare a reply.\n        correct: true\n"),
                 EN, 10, "more than one choice is marked correct", id="two-correct-choices"),
    pytest.param(drop(EN, "        feedback: Dialogue is not a contest.\n"), EN, 19, 'choice 3 has no "feedback"',
                 id="choice-without-feedback"),
    pytest.param(swap(EN, "slug: listening-purpose", "slug: last-time-heard"), EN, 10,
                 'duplicate activity slug "last-time-heard"', id="duplicate-activity-slug"),
    pytest.param(swap(YML, "lessons: [listening-in-groups]", "lessons: [listening-in-groups, why-listen]"), YML, 16,
                 'duplicate lesson slug "why-listen"', id="duplicate-lesson-slug"),
    pytest.param(swap(YML, "lessons: [listening-in-groups]", "lessons: [listening-in-groups, listening-alone]"),
                 YML, 16, 'lesson "listening-alone" is listed but has no file in any language',
                 id="listed-lesson-without-file"),
    pytest.param(swap(YML, "opens_after_days: 7", "opens_after_days: soon"), YML, 17,
                 'module "going-deeper": opens_after_days must be a whole number from 0 to 3650',
                 id="opening-day-not-a-number"),
    pytest.param(swap(YML, "lessons: [why-listen, listening-to-disagree]",
                      "lessons: [why-listen, listening-to-disagree]\n    opens_after_days: 10"), YML, 18,
                 "module \"going-deeper\": opens_after_days (7) is before an earlier module's (10)",
                 id="opening-day-before-an-earlier-module"),
    pytest.param(copy(GROUPS, f"{COURSE}/en/going-deeper/unlisted.md"), f"{COURSE}/en/going-deeper/unlisted.md",
                 None, 'lesson "unlisted" is not listed in course.yml', id="file-not-listed"),
    pytest.param(copy(f"{COURSE}/es", f"{COURSE}/xx"), f"{COURSE}/xx", None, '"xx" is not a platform language',
                 id="locale-not-a-language"),
    pytest.param(swap(EN, "title: Why listen?", "title: Why: listen?"), EN, 2, "YAML cannot be read",
                 id="yaml-error-in-lesson"),
    pytest.param(swap(YML, "es: Escucha básica", "es: Escucha: básica"), YML, 5, "YAML cannot be read",
                 id="yaml-error-in-course"),
    pytest.param(swap(EN, "---\ntitle", "title"), EN, 1, "must start with front matter", id="front-matter-missing"),
    pytest.param(swap(ES, "slug: listening-purpose", "slug: proposito"), ES, None,
                 "activities do not match the en version", id="es-activity-slug-differs"),
    pytest.param(move_es_correct_choice, ES, None, "activities do not match the en version",
                 id="es-correct-choice-differs"),
    pytest.param(swap(ES, "## Una historia", "Una historia"), ES, None,
                 "it has 0 sections (## headings), the en version (why-listen.md) 1", id="es-section-missing"),
    pytest.param(remove(ES), YML, 13, 'lesson "why-listen" has no es version: write es/first-steps/why-listen.md, '
                 'or list it in course.yml under "untranslated: es:"', id="missing-translation-not-documented"),
    pytest.param(swap(YML, UNTRANSLATED, UNTRANSLATED + "    why-listen: Being revised.\n"), YML, 22,
                 'lesson "why-listen" is listed as untranslated in es, but es/first-steps/why-listen.md exists',
                 id="untranslated-list-gone-stale"),
    pytest.param(swap(YML, UNTRANSLATED, "    listening-in-groups:\n"), YML, 21,
                 '"untranslated: es: listening-in-groups" must say why it is missing', id="untranslated-without-why"),
    pytest.param(swap(YML, "  es:\n" + UNTRANSLATED, "  fr:\n" + UNTRANSLATED), YML, 20,
                 '"untranslated" names "fr", which is not one of the course\'s languages (en, es, from its title)',
                 id="untranslated-in-a-language-the-course-lacks"),
    pytest.param(swap(YML, UNTRANSLATED, "    listening-alone: Coming.\n"), YML, 21,
                 '"untranslated: es" names "listening-alone", which is not a lesson of this course',
                 id="untranslated-names-no-lesson"),
]


@pytest.mark.parametrize(("mutate", "name", "line", "message"), BROKEN)
def test_a_broken_tree_is_reported_with_file_line_and_problem(tree, mutate, name, line, message):
    mutate(tree)
    with pytest.raises(ContentError) as raised:
        read_content(tree)
    reported = [PROBLEM.match(str(problem)) for problem in raised.value.problems]
    assert all(reported), raised.value
    matching = [found for found in reported if message in found["message"]]
    assert matching, f"no problem says {message!r}:\n{raised.value}"
    found = matching[0]
    assert (Path.cwd() / found["path"]).resolve() == (tree / name).resolve()
    if line is not None:
        assert found["line"] == str(line), found.string
    assert found.string in str(raised.value)


def test_the_sample_tree_is_valid(tree):
    (course,) = read_content(tree)
    assert [module.lessons for module in course.modules] == [["why-listen", "listening-to-disagree"],
                                                             ["listening-in-groups"]]
    assert sorted(course.lessons["why-listen"]) == ["en", "es"]
    assert sorted(course.lessons["listening-in-groups"]) == ["en"]


def cli(runner, command, root):
    return runner.invoke(args=["content", command, "--dir", str(root)])


def sync(runner, root):
    result = cli(runner, "sync", root)
    assert result.exit_code == 0, result.output
    return result


def snapshot(app):
    """Row counts, and the ids, slugs, places, titles and archive flags of the course rows."""
    with app.app_context():
        counts = {model.__name__: db.session.scalar(db.select(db.func.count()).select_from(model))
                  for model in MODELS}
        courses = sorted((c.id, c.slug, c.title.get("en"), c.archived) for c in db.session.scalars(db.select(Course)))
        lessons = sorted((lesson.id, lesson.slug, lesson.module.slug, lesson.position, lesson.archived)
                         for lesson in db.session.scalars(db.select(Lesson)))
        texts = sorted((text.lesson_id, text.locale, text.title) for text in db.session.scalars(db.select(LessonText)))
        activities = sorted((a.id, a.slug, a.position, a.correct_choice, a.archived)
                            for a in db.session.scalars(db.select(Activity)))
        return counts, courses, lessons, texts, activities


def test_check_of_a_good_tree_passes_and_writes_nothing(app, runner, tree):
    result = cli(runner, "check", tree)
    assert result.exit_code == 0, result.output
    assert "Content is valid: 1 courses, 3 lessons, 3 surveys, 2 facilitator guides." in result.output
    assert snapshot(app)[0] == dict.fromkeys((model.__name__ for model in MODELS), 0)


@pytest.mark.parametrize("synced_before", [True, False], ids=["after-a-good-sync", "empty-database"])
@pytest.mark.parametrize("command", ["check", "sync"])
def test_a_broken_tree_exits_1_lists_the_problems_and_changes_nothing(app, runner, client, tree, command,
                                                                       synced_before):
    if synced_before:
        sync(runner, tree)
    before = snapshot(app)
    edit(tree, YML, "en: Listening basics", "en: Listening, revised")
    edit(tree, EN, "title: Why listen?", "title: Why we listen")
    edit(tree, DISAGREE, "minutes: 12", "minutes: twelve")
    edit(tree, ES, "type: selfcheck", "type: quiz")
    result = cli(runner, command, tree)
    assert result.exit_code == 1
    assert "Content has 2 problem(s); nothing was changed:" in result.output
    assert f'{DISAGREE}:3: "minutes" must be a whole number' in result.output
    assert f"{ES}:10: activity 2: unknown type 'quiz'" in result.output
    assert snapshot(app) == before
    catalogue = client.get("/courses/").get_data(as_text=True)
    assert ("Listening basics" in catalogue) is synced_before
    assert "Listening, revised" not in catalogue


def test_a_second_sync_changes_nothing(app, runner, tree):
    first = sync(runner, tree)
    assert "1 courses, 2 modules, 3 lessons, 5 lesson texts; 0 items archived" in first.output
    before = snapshot(app)
    assert before[0]["Lesson"] == 3 and before[0]["Activity"] == 3
    again = sync(runner, tree)
    assert "0 items archived" in again.output
    assert snapshot(app) == before


def learn(client):
    """A learner opens why-listen, answers its self-check, writes a reflection and marks it done."""
    assert client.get(LESSON_URL).status_code == 200
    for slug, data in (("listening-purpose", {"a-listening-purpose-choice": "1"}),
                       ("last-time-heard", {"a-last-time-heard-text": REFLECTION})):
        assert client.post(f"{LESSON_URL}activities/{slug}", data=data).status_code == 302
    assert client.post(f"{LESSON_URL}complete").status_code == 302


def records(app):
    """The learners' rows hanging on why-listen: its id, completions and answers."""
    with app.app_context():
        lesson = db.session.scalar(db.select(Lesson).filter_by(slug="why-listen"))
        assert lesson is not None, "the lesson row is gone"
        done = [p.completed_at is not None
                for p in db.session.scalars(db.select(LessonProgress).filter_by(lesson_id=lesson.id))]
        answers = sorted((r.activity_id, r.activity.slug, r.choice, r.text_source) for r in db.session.scalars(
            db.select(Response).join(Activity).where(Activity.lesson_id == lesson.id)))
        return lesson.id, done, answers


def lesson_links(page):
    return re.findall(rf'<li>\s*<a href="/courses/{COURSE}/([a-z-]+)/"', page)


def assert_lesson_shows_records(client, title="Why listen?"):
    page = client.get(LESSON_URL).get_data(as_text=True)
    assert f"<h1>{title}</h1>" in page
    assert REFLECTION in page
    assert re.search(r'name="a-listening-purpose-choice" value="1"\s+checked', page)
    assert "Understanding comes before agreeing or disagreeing." in page
    assert "You marked this lesson as done." in page


def test_resync_after_edits_keeps_progress_reflections_and_answers(app, runner, client, auth, tree):
    sync(runner, tree)
    auth.as_new_user()
    learn(client)
    before = records(app)
    assert before[1] == [True] and [answer[2:] for answer in before[2]] == [(None, REFLECTION), (1, "")]
    edit(tree, EN, "title: Why listen?", "title: Why we listen")
    edit(tree, EN, "question: What is the main purpose", "question: Above all, what is the purpose")
    edit(tree, YML, "en: Listening basics", "en: Listening, revised")
    (tree / f"{COURSE}/en/first-steps/listening-to-yourself.md").write_text(
        "---\ntitle: Listening to yourself\nminutes: 5\n---\nNotice what you feel before you answer.\n",
        encoding="utf-8")
    set_modules(tree, [("going-deeper", ["listening-in-groups"]),
                       ("first-steps", ["listening-to-disagree", "why-listen", "listening-to-yourself"])])
    edit(tree, YML, UNTRANSLATED, UNTRANSLATED + "    listening-to-yourself: New this week, in English first.\n")
    sync(runner, tree)
    assert records(app) == before
    assert_lesson_shows_records(client, title="Why we listen")
    overview = client.get(OVERVIEW).get_data(as_text=True)
    assert "Listening, revised" in overview
    assert "Module 1: Going deeper" in overview and "Module 2: First steps" in overview
    assert lesson_links(overview) == ["listening-in-groups", "listening-to-disagree", "why-listen",
                                      "listening-to-yourself"]
    assert overview.count("badge-done") == 1


def test_a_removed_lesson_is_archived_with_its_records_and_restored_when_it_returns(app, runner, client, auth,
                                                                                   tree):
    sync(runner, tree)
    auth.as_new_user()
    learn(client)
    before = records(app)
    set_modules(tree, [("first-steps", ["listening-to-disagree"]), ("going-deeper", ["listening-in-groups"])])
    (tree / EN).unlink()
    (tree / ES).unlink()
    assert "1 items archived" in sync(runner, tree).output
    assert client.get(LESSON_URL).status_code == 404
    assert client.post(f"{LESSON_URL}complete").status_code == 404
    overview = client.get(OVERVIEW).get_data(as_text=True)
    assert "Why listen?" not in overview
    assert lesson_links(overview) == ["listening-to-disagree", "listening-in-groups"]
    assert records(app) == before

    shutil.rmtree(tree)
    shutil.copytree(SAMPLE, tree)
    sync(runner, tree)
    assert records(app) == before
    assert_lesson_shows_records(client)
    overview = client.get(OVERVIEW).get_data(as_text=True)
    assert lesson_links(overview) == ["why-listen", "listening-to-disagree", "listening-in-groups"]
    assert overview.count("badge-done") == 1


# --- surveys (surveys/<slug>.yml) and the facilitator guide (<locale>/facilitator-guide.md) --------------------

PRE = f"{COURSE}/surveys/pre.yml"
POST = f"{COURSE}/surveys/post.yml"
MODULE_SURVEY = f"{COURSE}/surveys/first-steps.yml"
GUIDE = f"{COURSE}/en/facilitator-guide.md"


def write_bytes(name, data):
    return lambda root: (root / name).write_bytes(data)


SURVEY_BROKEN = [
    pytest.param(swap(PRE, "type: multiple", "type: checkboxes"), PRE, 21,
                 "question \"where\": unknown type 'checkboxes' (use scale, single, multiple or text)",
                 id="survey-unknown-question-type"),
    pytest.param(swap(PRE, "kind: pre", "kind: before"), PRE, 2, "unknown kind 'before' (use pre, post or module)",
                 id="survey-unknown-kind"),
    pytest.param(drop(PRE, "      es: ¿Dónde quieres escuchar mejor?\n"), PRE, 22,
                 'question "where": "text" has no es text (the survey is in en, es)', id="survey-missing-spanish-text"),
    pytest.param(swap(PRE, "    high: {en: Very, es: Mucha}", "    high: {en: Very}"), PRE, 19,
                 'question "confidence": "high" has no es text', id="survey-missing-scale-label"),
    pytest.param(drop(PRE, "  es: Antes de empezar\n"), PRE, 14,
                 'question "confidence": "text" has language "es", not in the survey\'s title',
                 id="survey-language-not-in-title"),
    pytest.param(swap(PRE, "es: [En casa, En el trabajo, En mi comunidad]", "es: [En casa, En el trabajo]"), PRE, 25,
                 'question "where": every language needs the same number of choices, in the same order (3 in en, '
                 '2 in es)', id="survey-choice-count-differs"),
    pytest.param(swap(PRE, "en: [At home, At work, In my community]", "en: [At home]"), PRE, 25,
                 'question "where": give at least two choices', id="survey-one-choice"),
    pytest.param(swap(PRE, "slug: hope", "slug: where"), PRE, 28, 'duplicate question slug "where"',
                 id="survey-duplicate-question-slug"),
    pytest.param(swap(PRE, "slug: hope", "slug: Hope!"), PRE, 28, "question 3 slug 'Hope!' must be lowercase",
                 id="survey-bad-question-slug"),
    pytest.param(swap(PRE, "version: 1", "version: one"), PRE, 3, '"version" must be a whole number from 1',
                 id="survey-version-not-a-number"),
    pytest.param(swap(PRE, "version: 1", "version: 0"), PRE, 3, '"version" must be a whole number from 1',
                 id="survey-version-zero"),
    pytest.param(drop(PRE, "version: 1\n"), PRE, 2, '"version" must be a whole number from 1',
                 id="survey-version-missing"),
    pytest.param(swap(PRE, "max: 5", "max: 1"), PRE, 13, 'question "confidence": a scale needs whole numbers "min" '
                 'and "max", min below max, from 0 to 10', id="survey-scale-backwards"),
    pytest.param(swap(PRE, "    type: text\n", "    type: text\n    choices: {en: [a, b], es: [a, b]}\n"), PRE, 30,
                 'question "hope": unknown field "choices" for a text question', id="survey-field-of-another-type"),
    pytest.param(swap(PRE, "intro:", "introduction:"), PRE, 7, 'unknown field "introduction"',
                 id="survey-unknown-field"),
    pytest.param(swap(MODULE_SURVEY, "module: first-steps", "module: last-steps"), MODULE_SURVEY, 2,
                 "unknown module 'last-steps' (course.yml has first-steps, going-deeper)", id="survey-unknown-module"),
    pytest.param(drop(MODULE_SURVEY, "module: first-steps\n"), MODULE_SURVEY, 1,
                 'a module survey names its module: "module: <module slug>"', id="survey-module-missing"),
    pytest.param(swap(PRE, "kind: pre", "kind: pre\nmodule: first-steps"), PRE, 3,
                 'only a survey of kind "module" names a module', id="survey-module-on-a-pre-survey"),
    pytest.param(swap(POST, "same_as: pre", "same_as: before"), POST, 3,
                 "same_as: 'before' is not a pre survey of this course (the pre survey is \"pre\")",
                 id="survey-same-as-missing"),
    pytest.param(swap(POST, "same_as: pre", "same_as: first-steps"), POST, 3,
                 "same_as: 'first-steps' is not a pre survey of this course", id="survey-same-as-not-a-pre-survey"),
    pytest.param(swap(POST, "kind: post", "kind: module\nmodule: going-deeper"), POST, 4,
                 'only a post survey may say "same_as"', id="survey-same-as-on-a-module-survey"),
    pytest.param(swap(POST, "same_as: pre", "same_as: pre\nversion: 3"), POST, 4,
                 'version 3 differs from "pre" (1): leave "version" out to take its version',
                 id="survey-same-as-with-another-version"),
    pytest.param(swap(POST, "intro:", "questions: []\nintro:"), POST, 7,
                 'a survey with "same_as" takes the questions of "pre": remove "questions"',
                 id="survey-same-as-with-questions"),
    pytest.param(copy(PRE, f"{COURSE}/surveys/another-pre.yml"), PRE, 2,
                 'the course already has a pre survey: "another-pre" (one each)', id="survey-two-pre-surveys"),
    pytest.param(swap(PRE, "  en: Before you start", "  en: Before: you start"), PRE, 5, "YAML cannot be read",
                 id="survey-yaml-error"),
    pytest.param(copy(PRE, f"{COURSE}/surveys/extra.yaml"), f"{COURSE}/surveys/extra.yaml", None,
                 "a survey is a file surveys/<slug>.yml", id="survey-not-a-yml-file"),
    pytest.param(write_bytes(PRE, b"kind: pre\nversion: 1\ntitle: {en: Caf\xe9}\n"), PRE, 3,
                 "the file is not UTF-8 text", id="survey-not-utf8"),
    pytest.param(swap(GUIDE, "title: Running a listening circle", "heading: Running a listening circle"), GUIDE, 2,
                 'missing "title"', id="guide-missing-title"),
    pytest.param(swap(GUIDE, "title: Running a listening circle", "title: Running a listening circle\nprint: yes"),
                 GUIDE, 3, 'unknown field "print" (a guide has only a title)', id="guide-unknown-field"),
    pytest.param(swap(GUIDE, "---\ntitle", "title"), GUIDE, 1, "must start with front matter",
                 id="guide-no-front-matter"),
    pytest.param(write_bytes(GUIDE, b"---\ntitle: Guide\n---\nLine two\nCaf\xe9\n"), GUIDE, 5,
                 "the file is not UTF-8 text", id="guide-not-utf8"),
    pytest.param(swap(GUIDE, "- What helped you listen?\n", ""), None, None, None, id="guide-still-has-a-body"),
    pytest.param(copy(GUIDE, f"{COURSE}/en/notes.md"), f"{COURSE}/en/notes.md", None,
                 "only facilitator-guide.md may sit directly in a language folder", id="stray-file-in-a-language"),
    pytest.param(write_bytes(EN, b"---\ntitle: Why listen?\nminutes: 10\n---\nCaf\xe9\n"), EN, 5,
                 "the file is not UTF-8 text", id="lesson-not-utf8"),
]


@pytest.mark.parametrize(("mutate", "name", "line", "message"), SURVEY_BROKEN)
def test_a_broken_survey_or_guide_is_reported_with_file_line_and_problem(tree, mutate, name, line, message):
    if name is None:  # a change that must stay valid
        mutate(tree)
        assert read_content(tree)
        return
    test_a_broken_tree_is_reported_with_file_line_and_problem(tree, mutate, name, line, message)


def test_the_sample_surveys_and_guides_are_read(tree):
    (course,) = read_content(tree)
    surveys = {survey.slug: survey for survey in course.surveys}
    assert sorted(surveys) == ["first-steps", "post", "pre"]
    assert [q.slug for q in surveys["post"].questions] == ["confidence", "where", "hope"]
    assert surveys["post"].version == 1 and surveys["first-steps"].module == "first-steps"
    assert surveys["pre"].questions[1].texts["es"]["choices"] == ["En casa", "En el trabajo", "En mi comunidad"]
    assert {locale: guide.title for locale, guide in course.guides.items()} == {
        "en": "Running a listening circle", "es": "Cómo facilitar un círculo de escucha"}


def test_check_and_sync_report_a_broken_survey_and_change_nothing(app, runner, tree):
    sync(runner, tree)
    before = snapshot(app)
    edit(tree, PRE, "type: multiple", "type: checkboxes")
    for command in ("check", "sync"):
        result = cli(runner, command, tree)
        assert result.exit_code == 1
        assert f"{PRE}:21: question \"where\": unknown type 'checkboxes'" in result.output
    assert snapshot(app) == before


def test_a_course_without_surveys_or_guides_is_still_valid(tree):
    shutil.rmtree(tree / COURSE / "surveys")
    (tree / GUIDE).unlink()
    (course,) = read_content(tree)
    assert course.surveys == [] and list(course.guides) == ["es"]


def test_a_large_first_sync_renders_in_several_processes_alike(app, tree, monkeypatch):
    """`flask content sync` shares a first load's rendering among the CPUs; the HTML is what rendering alone
    gives, and a sync with nothing changed renders nothing ahead."""
    from colab.courses import sync as course_sync
    from colab.markup import SafeHTML, render
    monkeypatch.setattr(course_sync, "PARALLEL_FROM", 1)
    with app.app_context():
        ready = course_sync._prerender(read_content(tree), workers=2)
        assert len(ready) >= 20  # 5 lesson bodies, and the prompts, choices and feedback of 3 activities
        assert all(isinstance(html, SafeHTML) and html == render(source) for source, html in ready.items())
        course_sync.sync_content(tree, workers=2)
        db.session.commit()
        body = db.session.scalar(db.select(LessonText.body_html).join(Lesson)
                                 .where(Lesson.slug == "why-listen", LessonText.locale == "en"))
        assert "<blockquote>" in body
        assert course_sync._prerender(read_content(tree), workers=2) == {}
