"""A course downloaded as a zip of plain HTML pages, to read with no server: what it holds, in which language,
what it leaves out, and how it is named and sent."""
import io
import posixpath
import re
import shutil
import zipfile
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from math import ceil

import factories
import pytest
from babel.dates import format_date
from conftest import SAMPLE_CONTENT

from colab.accounts.models import User
from colab.communities.models import Pacing
from colab.courses.sync import sync_content
from colab.extensions import db

POSTGRESQL = False  # the offline zip of a course: files and their HTML (see conftest.py)

COURSE = "/courses/listening-basics/"
PACKAGE = COURSE + "package.zip"
WHY_LISTEN = "01-first-steps/01-why-listen.html"
DISAGREE = "01-first-steps/02-listening-to-disagree.html"
GROUPS = "02-going-deeper/01-listening-in-groups.html"  # written in English only (the documented fallback)


class Page(HTMLParser):
    """The elements of a page that a reader follows or sees: links and stylesheets, each element's lang, and each
    self-check answer's <details> (summary text, then the text inside it)."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.links, self.tags, self.details, self._open = [], [], [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        for name in ("href", "src"):
            if attrs.get(name) is not None:
                self.links.append(attrs[name])
        if tag == "details":
            self.details.append({"summary": "", "body": ""})
            self._open.append("body")
        elif tag == "summary" and self._open:
            self._open.append("summary")

    def handle_endtag(self, tag):
        if tag in ("details", "summary") and self._open:
            self._open.pop()

    def handle_data(self, data):
        if self._open:
            self.details[-1][self._open[-1]] += data

    def langs(self, tag, cls=None):
        return [attrs.get("lang") for name, attrs in self.tags
                if name == tag and (cls is None or cls in (attrs.get("class") or "").split())]


def download(client, url=PACKAGE):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response, zipfile.ZipFile(io.BytesIO(response.data))


def read(archive, name):
    return archive.read(name).decode()


def squeeze(text):
    return " ".join(text.split())


@pytest.fixture
def learner(client, content, auth):
    """A signed-in English-speaking learner; returns their id."""
    user_id, _ = auth.as_new_user()
    return user_id


def test_the_package_holds_an_index_each_lesson_and_a_stylesheet(client, learner):
    response, archive = download(client)
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == "attachment; filename=listening-basics-en.zip"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert archive.testzip() is None
    assert archive.namelist() == ["index.html", WHY_LISTEN, DISAGREE, GROUPS, "style.css"]
    index = read(archive, "index.html")
    assert "<h1>Listening basics</h1>" in index and "A short sample course used by the tests." in index
    assert "Progress and answers are not recorded in this copy; sign in to Co-Lab to keep them." in index
    assert "Module 1: First steps" in index and "Module 2: Going deeper" in index
    lesson = read(archive, WHY_LISTEN)
    assert "<h1>Why listen?</h1>" in lesson and "10 minutes" in lesson
    assert "Explain why listening is a political act." in lesson  # the objectives
    assert "<h2>A story</h2>" in lesson and "Listening is where respect begins." in lesson


def test_every_link_in_every_file_leads_to_a_file_in_the_zip(client, learner):
    _response, archive = download(client)
    names = set(archive.namelist())
    followed = set()
    for name in names - {"style.css"}:
        for link in Page(read(archive, name)).links:
            assert not link.startswith(("/", "//", "file:")), (name, link)
            if re.match(r"^[a-z]+:", link):
                continue  # a link in a lesson's text to a site elsewhere (none in the sample course)
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), link.split("#")[0]))
            assert target in names, (name, link)
            followed.add(target)
    assert followed == names  # every lesson reached, every page back to the index, every page styled
    index = Page(read(archive, "index.html")).links
    assert [link for link in index if link.endswith(".html")] == [WHY_LISTEN, DISAGREE, GROUPS]
    middle = Page(read(archive, DISAGREE)).links
    assert "01-why-listen.html" in middle and "../02-going-deeper/01-listening-in-groups.html" in middle
    assert "../index.html" in middle and "../style.css" in middle


def test_a_spanish_package_is_in_spanish_and_marks_the_english_lesson(client, content, auth):
    auth.as_new_user(locale="es")
    response, archive = download(client)
    assert response.headers["Content-Disposition"] == "attachment; filename=listening-basics-es.zip"
    for name in set(archive.namelist()) - {"style.css"}:
        assert Page(read(archive, name)).langs("html") == ["es"], name
    index = read(archive, "index.html")
    assert "<h1>Escucha básica</h1>" in index and "Módulo 1: Primeros pasos" in index
    assert '<a href="02-going-deeper/01-listening-in-groups.html" lang="en">Listening in groups</a>' in index
    spanish, english = Page(read(archive, WHY_LISTEN)), Page(read(archive, GROUPS))
    assert spanish.langs("article") == ["es"] and "¿Por qué escuchar?" in read(archive, WHY_LISTEN)
    assert english.langs("article") == ["en"] and english.langs("p", "notice") == ["es"]
    assert ("Esta lección todavía no está disponible en tu idioma. Se muestra en inglés."
            in squeeze(read(archive, GROUPS)))
    assert "In a group, notice who has not spoken yet." in read(archive, GROUPS)


def test_each_self_check_answer_opens_to_say_whether_it_is_right_and_why(client, learner):
    _response, archive = download(client)
    lesson = read(archive, WHY_LISTEN)
    answers = {squeeze(found["summary"]): squeeze(found["body"]) for found in Page(lesson).details}
    assert answers == {
        "To prepare a reply.": "Not quite. Preparing a reply while someone speaks means you stop hearing them.",
        "To understand the other person.": "Correct. Yes. Understanding comes before agreeing or disagreeing.",
        "To win the argument.": "Not quite. Dialogue is not a contest.",
    }
    assert "What is the main purpose of listening in a dialogue?" in lesson
    assert "When did you last feel truly <em>heard</em>?" in lesson  # the reflection, as safe HTML
    assert "Write your answer in a notebook: this copy does not keep it." in lesson
    assert "<form" not in lesson and "<input" not in lesson and "<textarea" not in lesson


def test_the_pages_need_no_script_no_server_and_nothing_from_another_host(client, learner):
    _response, archive = download(client)
    site_css = client.get("/static/style.css").data
    css = read(archive, "style.css")
    for name in archive.namelist():
        page = read(archive, name)
        assert "<script" not in page and "javascript:" not in page.lower(), name
        assert not re.search(r"https?://|//colab\.test|localhost", page), name
        assert not re.search(r'(href|src)="/', page) and "/static/" not in page, name
        assert "url(" not in page and "@import" not in page and "@font-face" not in page, name
    # the site's stylesheet, trimmed to what the pages use
    assert "--accent: #6b2a6e" in css and ".activity {" in css and ".choice-check summary" in css
    assert ".post-actions" not in css and "input[type=text]" not in css
    assert len(css) < len(site_css) / 2


def test_strangers_are_sent_to_sign_in_and_see_no_download(client, content):
    response = client.get(PACKAGE)
    assert response.status_code == 302 and "/sign-in" in response.location
    assert "read offline" not in client.get(COURSE).get_data(as_text=True)


def test_an_unknown_course_has_no_package(client, learner):
    assert client.get("/courses/no-such-course/package.zip").status_code == 404


def test_the_overview_offers_the_download_with_its_size(client, content, auth):
    auth.as_new_user(locale="es")
    size = ceil(len(client.get(PACKAGE).data) / 1024)
    page = squeeze(client.get(COURSE).get_data(as_text=True))
    assert f'href="{PACKAGE}" download>Descargar este curso para leerlo sin conexión (zip, {size} KB)</a>' in page
    assert "no se registran" in page  # the hint says progress is not recorded


def in_cohort(app, community_kit, user_id, pacing):
    """Put the learner in a cohort of the sample course that starts today (UTC)."""
    community_kit.community("circle", region="africa")
    with app.app_context():
        today = datetime.now(UTC).date()
        factories.cohort("circle", starts_on=today, ends_on=today + timedelta(days=60), timezone="UTC", pacing=pacing,
                         languages=["en", "es"], learners=[user_id])
        db.session.commit()
        return today


def test_a_module_not_yet_open_is_left_out_and_listed_with_its_date(client, content, auth, app, community_kit):
    user_id, _ = auth.as_new_user(locale="es")
    today = in_cohort(app, community_kit, user_id, Pacing.SCHEDULED)
    _response, archive = download(client)
    assert archive.namelist() == ["index.html", WHY_LISTEN, DISAGREE, "style.css"]
    index = squeeze(read(archive, "index.html"))
    opens = format_date(today + timedelta(days=7), "long", locale="es")
    assert "Módulo 2: Más a fondo" in index and f"se abre el {opens}" in index
    assert "Listening in groups" in index and GROUPS not in index  # listed, not linked
    last = Page(read(archive, DISAGREE)).links
    assert not [link for link in last if "going-deeper" in link]  # "next" does not lead to the closed module
    overview = squeeze(client.get(COURSE).get_data(as_text=True))
    assert "Los módulos que todavía no se han abierto no se incluyen." in overview


def test_discreet_mode_gives_a_neutral_file_name_and_neutral_files(client, learner, app):
    with app.app_context():
        db.session.get(User, learner).discreet = True
        db.session.commit()
    response, archive = download(client)
    assert response.headers["Content-Disposition"] == "attachment; filename=course-en.zip"
    assert archive.namelist() == ["index.html", "01/01.html", "01/02.html", "02/01.html", "style.css"]
    assert "Why listen?" in read(archive, "01/01.html")  # the content itself is what they chose to save
    assert "read offline" in client.get(COURSE).get_data(as_text=True)  # still offered: it is their choice


def test_the_same_course_gives_the_same_bytes_and_a_corrected_lesson_a_new_package(client, learner, app, tmp_path):
    first = client.get(PACKAGE).data
    assert client.get(PACKAGE).data == first
    app.extensions["course_packages"].clear()  # built again from scratch: still the same bytes
    assert client.get(PACKAGE).data == first
    corrected = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, corrected)
    lesson = corrected / "listening-basics" / "en" / "first-steps" / "why-listen.md"
    lesson.write_text(lesson.read_text().replace("Listening is where respect begins.", "Respect starts here."))
    with app.app_context():
        sync_content(corrected)
        db.session.commit()
    _response, archive = download(client)
    assert "Respect starts here." in read(archive, WHY_LISTEN)


def test_each_reader_gets_their_own_language_from_the_cache(client, content, auth, make_user):
    auth.as_new_user(locale="es")
    assert "Escucha básica" in read(download(client)[1], "index.html")
    auth.sign_out()
    auth.as_new_user(locale="en")
    assert "<h1>Listening basics</h1>" in read(download(client)[1], "index.html")


def test_a_self_paced_cohort_learner_gets_every_module(client, content, auth, app, community_kit):
    user_id, _ = auth.as_new_user()
    in_cohort(app, community_kit, user_id, Pacing.SELF_PACED)
    _response, archive = download(client)
    assert GROUPS in archive.namelist()
