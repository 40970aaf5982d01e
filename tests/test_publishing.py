"""Publishing content without a developer: upload, check, preview, publish, restore; every refusal changes
nothing; who may do it. Each test works on its own copy of tests/fixtures/content, never on the repo's files."""
import io
import shutil
import stat
import zipfile
from pathlib import Path

import pytest
from conftest import PASSWORD, SAMPLE_CONTENT
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from colab.accounts.models import User
from colab.admin.models import AdminAct, AdminAction
from colab.courses import service as courses
from colab.courses.models import Course, Lesson, LessonProgress, LessonText
from colab.courses.sync import sync_content
from colab.extensions import db
from colab.publishing import files, service
from colab.publishing.models import Publication, PublicationKind, StagedUpload

POSTGRESQL = False  # publishing content from the browser (the sync itself: test_content) (see conftest.py)

SLUG = "listening-basics"
WHY = "en/first-steps/why-listen.md"
OLD_LINE = "Listening is where respect begins."
NEW_LINE = "Listening is where respect and trust begin."


def _tree_digest(folder):
    return files.digest(files.read_folder(folder))


REPO_FIXTURES = _tree_digest(SAMPLE_CONTENT)


@pytest.fixture(autouse=True)
def repo_fixtures_untouched():
    """No test here ever writes the repo's own content files."""
    yield
    assert _tree_digest(SAMPLE_CONTENT) == REPO_FIXTURES


@pytest.fixture
def app_config(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, folder)
    return {"CONTENT_DIR": str(folder), "PUBLISH_RATE_LIMIT": "1000 per minute"}


@pytest.fixture
def course(app):
    """The copy's course, loaded; returns its folder."""
    with app.app_context():
        sync_content(app.config["CONTENT_DIR"])
        db.session.commit()
    return Path(app.config["CONTENT_DIR"]) / SLUG


def make_course_team(app, user_id):
    with app.app_context():
        db.session.get(User, user_id).is_course_team = True
        db.session.commit()


@pytest.fixture
def team(app, auth, make_user):
    """A member of the course team, signed in."""
    user_id, _email = auth.as_new_user(display_name="Course Team")
    make_course_team(app, user_id)
    return user_id


def why_listen(_folder, line=NEW_LINE):
    """The lesson file as the repo's fixture has it, with its first line of text replaced."""
    return (SAMPLE_CONTENT / SLUG / WHY).read_text(encoding="utf-8").replace(OLD_LINE, line).encode()


def course_zip(folder, top=SLUG, replace=None, remove=(), extra=()):
    """A zip of the course folder as an author would make it, with some files replaced, removed or added."""
    found = files.read_folder(folder)
    found.update(replace or {})
    for path in remove:
        found.pop(path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in sorted(found.items()):
            archive.writestr(f"{top}/{path}" if top else path, content)
        for info, content in extra:
            archive.writestr(info, content)
    return buffer.getvalue()


def upload(client, data, filename, language="", course=SLUG):
    """Post the upload form; the body is built in memory (the test client would leave a temporary file open)."""
    body, _length, boundary = stream_encode_multipart(
        {"csrf_token": client.csrf_token(), "course": course, "language": language,
         "file": FileStorage(io.BytesIO(data), filename)}, use_tempfile=False)
    return client.post("/publishing/upload", data=body.getvalue(), csrf=False,
                       content_type=f'multipart/form-data; boundary="{boundary}"')


def staged_token(response):
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"].rsplit("/", 1)[-1]


def lesson_body(app, slug="why-listen", locale="en"):
    with app.app_context():
        lesson = db.session.scalar(db.select(Lesson).filter_by(slug=slug))
        text = db.session.scalar(db.select(LessonText).filter_by(lesson_id=lesson.id, locale=locale))
        return str(text.body_html)


def snapshot(app, folder):
    """Everything a refusal must leave as it was: the files, the rows, what learners read."""
    with app.app_context():
        counts = tuple(db.session.scalar(db.select(db.func.count()).select_from(model))
                       for model in (Publication, StagedUpload, AdminAction))
    return _tree_digest(folder.parent), counts, lesson_body(app)


# --- the journey: a corrected lesson, previewed, published, restored -------------------------------------------

def test_a_corrected_lesson_is_previewed_published_and_restored_with_progress_intact(app, client, course, team,
                                                                                     make_user):
    learner_id, learner_email = make_user(display_name="Learner")
    learner = app.test_client()  # a second browser (the client fixture made it send CSRF tokens)
    assert learner.post("/sign-in", data={"email": learner_email, "password": PASSWORD}).status_code == 302
    learner.post(f"/courses/{SLUG}/enrol")
    assert OLD_LINE in learner.get(f"/courses/{SLUG}/why-listen/").get_data(as_text=True)
    learner.post(f"/courses/{SLUG}/why-listen/complete")
    with app.app_context():
        before = db.session.scalar(db.select(LessonProgress).filter_by(user_id=learner_id))
        assert before.completed_at is not None

    token = staged_token(upload(client, why_listen(course), "why-listen.md", "en"))
    assert (course / WHY).read_text(encoding="utf-8").count(NEW_LINE) == 0  # nothing changed yet
    page = client.get(f"/publishing/staged/{token}").get_data(as_text=True)
    assert "Lessons in English" in page and "Why listen?" in page and "Changed" in page and "text" in page
    assert "1 learner has progress on the lessons this touches." in page and "none is lost" in page
    assert "Lessons in Español" not in page  # only the English file changed
    assert f"<code>{WHY}</code>" in page

    response = client.post(f"/publishing/staged/{token}/publish", data={"note": "Warmer opening"})
    assert response.status_code == 302
    assert NEW_LINE in (course / WHY).read_text(encoding="utf-8")
    assert NEW_LINE in learner.get(f"/courses/{SLUG}/why-listen/").get_data(as_text=True)
    with app.app_context():
        after = db.session.scalar(db.select(LessonProgress).filter_by(user_id=learner_id))
        assert (after.id, after.completed_at) == (before.id, before.completed_at)
        publication = db.session.scalar(db.select(Publication))
        assert publication.kind == PublicationKind.PUBLISH and publication.published_by_id == team
        assert publication.summary.startswith("Warmer opening\nChanged: why-listen")
        assert OLD_LINE.encode() in zipfile.ZipFile(io.BytesIO(publication.before_zip)).read(f"{SLUG}/{WHY}")
        assert NEW_LINE.encode() in zipfile.ZipFile(io.BytesIO(publication.after_zip)).read(f"{SLUG}/{WHY}")
        audit = db.session.scalars(db.select(AdminAction)).all()
        assert [(row.action, row.actor_id) for row in audit] == [(AdminAct.PUBLISH_CONTENT, team)]
        assert audit[0].reason == publication.summary
        assert db.session.scalar(db.select(db.func.count()).select_from(StagedUpload)) == 0
        publication_id = publication.id
    index = client.get("/publishing/").get_data(as_text=True)
    assert "Warmer opening" in index and "Course Team" in index and "<td>Published</td>" in index

    response = client.post(f"/publishing/{publication_id}/restore")
    assert response.status_code == 302
    assert OLD_LINE in (course / WHY).read_text(encoding="utf-8")
    page = learner.get(f"/courses/{SLUG}/why-listen/").get_data(as_text=True)
    assert OLD_LINE in page and NEW_LINE not in page
    with app.app_context():
        progress = db.session.scalar(db.select(LessonProgress).filter_by(user_id=learner_id))
        assert (progress.id, progress.completed_at) == (before.id, before.completed_at)
        restoration = db.session.scalar(db.select(Publication).filter_by(kind=PublicationKind.RESTORE))
        assert restoration.restores_id == publication_id
        assert f"before publication {publication_id}" in restoration.summary
        actions = db.session.scalars(db.select(AdminAction.action).order_by(AdminAction.id)).all()
        assert actions == [AdminAct.PUBLISH_CONTENT, AdminAct.RESTORE_CONTENT]
    assert not (course.parent.parent / ".content-publishing").exists()  # no work folder left behind


def test_a_course_zip_previews_added_renamed_moved_and_archived_lessons_per_language(app, client, course, team,
                                                                                     make_user):
    """listening-to-disagree moves to going-deeper and is renamed in Spanish; listening-in-groups is archived;
    a new lesson is added. The archived lesson's learner keeps their progress."""
    learner_id, _email = make_user()
    with app.app_context():
        user = db.session.get(User, learner_id)
        for slug in ("listening-in-groups", "listening-to-disagree"):
            courses.record_visit(user, db.session.scalar(db.select(Lesson).filter_by(slug=slug)))
        db.session.commit()
    course_yml = (course / "course.yml").read_text(encoding="utf-8").replace(
        "lessons: [why-listen, listening-to-disagree]", "lessons: [why-listen]").replace(
        "lessons: [listening-in-groups]", "lessons: [listening-to-disagree, circles]").replace(
        "listening-in-groups: Not yet translated", "circles: Not yet translated")  # the new lesson is English only
    es = (course / "es/first-steps/listening-to-disagree.md").read_text(encoding="utf-8")
    new_lesson = "---\ntitle: Listening circles\nminutes: 5\n---\nSit in a circle.\n"
    upload_zip = course_zip(course, replace={
        "course.yml": course_yml.encode(),
        "en/going-deeper/listening-to-disagree.md": (course / "en/first-steps/listening-to-disagree.md").read_bytes(),
        "es/going-deeper/listening-to-disagree.md": es.replace("title: ", "title: Nuevo - ", 1).encode(),
        "en/going-deeper/circles.md": new_lesson.encode()},
        remove=("en/first-steps/listening-to-disagree.md", "es/first-steps/listening-to-disagree.md",
                "en/going-deeper/listening-in-groups.md"))
    token = staged_token(upload(client, upload_zip, f"{SLUG}.zip"))
    page = client.get(f"/publishing/staged/{token}").get_data(as_text=True)
    english = page.split("Lessons in English")[1].split("Lessons in Español")[0]
    spanish = page.split("Lessons in Español")[1].split('id="file-changes"')[0]
    assert "Listening circles" in english and "Added" in english
    assert "Moved" in english and "from First steps, lesson 2 to Going deeper, lesson 1" in english
    assert "Archived" in english and "Listening in groups" in english
    assert "Renamed" in spanish and "Nuevo - " in spanish and "Moved" in spanish
    assert "Primeros pasos, lesson 2" in spanish  # the module's title in the lesson's language
    assert "Archived" not in spanish  # listening-in-groups has no Spanish text
    assert "2 learners" not in page and "1 learner has progress" in page  # one learner, two lessons

    assert client.post(f"/publishing/staged/{token}/publish").status_code == 302
    with app.app_context():
        archived = db.session.scalar(db.select(Lesson).filter_by(slug="listening-in-groups"))
        assert archived.archived
        assert db.session.scalar(db.select(LessonProgress).filter_by(user_id=learner_id, lesson_id=archived.id))
        moved = db.session.scalar(db.select(Lesson).filter_by(slug="listening-to-disagree"))
        assert moved.module.slug == "going-deeper" and not moved.archived
        summary = db.session.scalar(db.select(Publication.summary))
        assert "Added: circles" in summary and "Archived: listening-in-groups" in summary
    assert not (course / "en/going-deeper/listening-in-groups.md").exists()


def test_a_lesson_file_from_windows_is_accepted(app, client, course, team):
    """A byte-order mark and CRLF line ends are what Notepad writes; the file is stored as UTF-8 with LF."""
    expected = why_listen(course)
    text = b"\xef\xbb\xbf" + expected.replace(b"\n", b"\r\n")
    token = staged_token(upload(client, text, "why-listen.md", "en"))
    assert client.post(f"/publishing/staged/{token}/publish").status_code == 302
    assert (course / WHY).read_bytes() == expected
    assert NEW_LINE in lesson_body(app)


# --- refusals: each changes nothing --------------------------------------------------------------------------

def _link():
    info = zipfile.ZipInfo(f"{SLUG}/en/link.md")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def _bomb(folder):
    return course_zip(folder, replace={WHY: why_listen(folder) + b"\n" + b"a" * 5_000_000})


REFUSALS = [
    ("zip bomb", lambda f: (_bomb(f), f"{SLUG}.zip", ""), "It looks like a zip bomb."),
    ("too many files", lambda f: (course_zip(f, extra=[(f"{SLUG}/en/x{n}.md", b"x") for n in range(1001)]),
                                  f"{SLUG}.zip", ""), "more than 1000 files"),
    ("a .. path", lambda f: (course_zip(f, extra=[(f"{SLUG}/../evil.md", b"x")]), f"{SLUG}.zip", ""),
     "points outside the course folder"),
    ("an absolute path", lambda f: (course_zip(f, extra=[(f"/{SLUG}/evil.md", b"x")]), f"{SLUG}.zip", ""),
     "points outside the course folder"),
    ("a symlink", lambda f: (course_zip(f, extra=[(_link(), b"/etc/passwd")]), f"{SLUG}.zip", ""),
     "is a link or a special file"),
    ("a zip with a file that is not UTF-8", lambda f: (course_zip(f, replace={WHY: "Escuchá".encode("latin-1")}),
                                                        f"{SLUG}.zip", ""), "is not UTF-8 text"),
    ("a lesson file that is not UTF-8", lambda f: (why_listen(f, "Escuchá").decode().encode("latin-1"),
                                                   "why-listen.md", "en"), "is not UTF-8 text"),
    ("over 20 MB", lambda f: (why_listen(f) + b"a" * (20 * 1024 * 1024), "why-listen.md", "en"),
     "The file is larger than 20 MB."),
    ("the wrong top folder", lambda f: (course_zip(f, top="another-course"), "another-course.zip", ""),
     "top folder must be “listening-basics”"),
    ("files at the top", lambda f: (course_zip(f, top=""), f"{SLUG}.zip", ""),
     "this zip has “course.yml”"),
    ("an unexpected type of file", lambda f: (course_zip(f, extra=[(f"{SLUG}/en/photo.png", b"\x89PNG")]),
                                              f"{SLUG}.zip", ""), "is neither a Markdown (.md) nor a YAML"),
    ("a file that is not a zip", lambda f: (b"PK\x03\x04 not really", f"{SLUG}.zip", ""), "cannot be read as a zip"),
    ("neither zip nor lesson", lambda f: (b"hello", "notes.txt", ""), "Upload a zip of the course folder"),
    ("a lesson without its language", lambda f: (why_listen(f), "why-listen.md", ""), "Choose the language"),
    ("a lesson course.yml does not list", lambda f: (why_listen(f), "new-lesson.md", "en"),
     "Lesson “new-lesson” is not listed"),
]


@pytest.mark.parametrize(("case", "make", "message"), REFUSALS, ids=[row[0] for row in REFUSALS])
def test_a_refused_upload_says_why_and_changes_nothing(app, client, course, team, case, make, message):
    before = snapshot(app, course)
    data, filename, language = make(course)
    response = upload(client, data, filename, language)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert "Nothing was changed." in page
    assert snapshot(app, course) == before


def test_an_upload_larger_than_any_request_may_be_is_refused_unread(app, client, course, team):
    before = snapshot(app, course)
    response = upload(client, b"a" * (21 * 1024 * 1024), "why-listen.md", "en")
    assert response.status_code == 413
    assert "The file is larger than 20 MB." in response.get_data(as_text=True)
    assert snapshot(app, course) == before


def test_too_much_unpacked_is_refused(app, client, course, team):
    app.config["PUBLISH_MAX_UNPACKED_BYTES"] = 2000
    before = snapshot(app, course)
    response = upload(client, course_zip(course), f"{SLUG}.zip")
    assert response.status_code == 400
    assert "Unpacked, the zip would be larger than 0 MB." in response.get_data(as_text=True)
    assert snapshot(app, course) == before


def test_a_loader_error_is_listed_with_file_line_and_problem(app, client, course, team):
    before = snapshot(app, course)
    broken = why_listen(course).replace(b"minutes: 10", b"minutes: lots")
    response = upload(client, course_zip(course, replace={WHY: broken}), f"{SLUG}.zip")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The content has 1 problem. Nothing was changed." in page
    assert (f"<tr><td><code>{WHY}</code></td><td>3</td>"
            "<td>&#34;minutes&#34; must be a whole number from 1 to 240</td></tr>") in page
    assert snapshot(app, course) == before


# --- staleness, a failed sync, a failed commit: the files and the database stay together ---------------------

def test_a_preview_made_stale_by_another_publication_is_not_published(app, client, course, team):
    first = staged_token(upload(client, why_listen(course, "First version."), "why-listen.md", "en"))
    second = staged_token(upload(client, why_listen(course, "Second version."), "why-listen.md", "en"))
    assert client.post(f"/publishing/staged/{first}/publish").status_code == 302
    before = snapshot(app, course)
    assert "out of date" in client.get(f"/publishing/staged/{second}").get_data(as_text=True)
    response = client.post(f"/publishing/staged/{second}/publish", follow_redirects=True)
    assert "the preview was out of date" in response.get_data(as_text=True)
    assert snapshot(app, course) == before
    assert "First version." in lesson_body(app)


def test_a_sync_that_fails_puts_the_folder_back_and_changes_nothing(app, client, course, team):
    token = staged_token(upload(client, why_listen(course), "why-listen.md", "en"))
    broken = course.parent / "broken-course"  # another course of the content folder, broken by hand meanwhile
    broken.mkdir()
    (broken / "course.yml").write_text("slug: broken-course\nmodules: []\n")
    before = snapshot(app, course)
    response = client.post(f"/publishing/staged/{token}/publish")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<code>broken-course/course.yml</code>" in page and "Nothing was changed." in page
    assert snapshot(app, course) == before
    assert OLD_LINE in (course / WHY).read_text(encoding="utf-8")


def test_a_commit_that_fails_puts_the_folder_back(app, course, team):
    with app.test_request_context():
        user = db.session.get(User, team)
        staged, _token = service.stage(user, SLUG, "why-listen.md", why_listen(course), "en")
        db.session.commit()
        before = _tree_digest(course)
        with pytest.raises(RuntimeError), service.publish(user, staged):
            assert NEW_LINE in (course / WHY).read_text(encoding="utf-8")  # swapped in, synced, not committed
            raise RuntimeError("the database went away")
        assert _tree_digest(course) == before
        assert db.session.scalar(db.select(db.func.count()).select_from(Publication)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(StagedUpload)) == 1
    assert OLD_LINE in lesson_body(app)


def test_an_interrupted_swap_is_recovered(app, course):
    """A crash between the two renames leaves the old folder in the work folder; the next operation puts it back."""
    root = files.work_root(course.parent)
    work = root / "swap-crashed"
    work.mkdir(parents=True)
    (work / "slug").write_text(SLUG)
    before = _tree_digest(course)
    course.rename(work / "old")
    files.recover(course.parent)
    assert _tree_digest(course) == before and not root.exists()


def test_discarding_an_upload_keeps_nothing(app, client, course, team):
    token = staged_token(upload(client, why_listen(course), "why-listen.md", "en"))
    assert client.post(f"/publishing/staged/{token}/discard").status_code == 302
    assert client.get(f"/publishing/staged/{token}").status_code == 404
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(StagedUpload)) == 0


def test_downloads_give_the_course_as_an_upload_expects_it(app, client, course, team):
    response = client.get(f"/publishing/courses/{SLUG}/files.zip")
    assert response.headers["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert f"{SLUG}/course.yml" in archive.namelist()
    token = staged_token(upload(client, response.data, f"{SLUG}.zip"))  # the same files, uploaded back
    assert "Nothing would change" in client.get(f"/publishing/staged/{token}").get_data(as_text=True)


def test_a_staged_upload_is_its_uploaders_alone_and_expires(app, client, course, team, auth):
    token = staged_token(upload(client, why_listen(course), "why-listen.md", "en"))
    auth.sign_out()
    other_id, _email = auth.as_new_user()
    make_course_team(app, other_id)
    assert client.get(f"/publishing/staged/{token}").status_code == 404
    assert client.post(f"/publishing/staged/{token}/publish").status_code == 404
    app.config["PUBLISH_STAGED_MAX_AGE"] = 0
    with app.app_context():
        assert service.find_staged(db.session.get(User, team), token) is None


# --- who may: every route, every role ------------------------------------------------------------------------

ROLES = ("anonymous", "learner", "facilitator", "focal", "course_team", "admin")
TEAM_200 = "302 403 403 403 200 200"
TEAM_302 = "302 403 403 403 302 302"
TEAM_404 = "302 403 403 403 404 404"

ROUTES = [
    ("courses and history", "GET", "/publishing/", None, TEAM_200),
    ("upload a lesson", "POST", "/publishing/upload", "lesson", TEAM_302),
    ("upload nothing", "POST", "/publishing/upload", "empty", "302 403 403 403 400 400"),
    ("full history", "GET", f"/publishing/courses/{SLUG}/history", None, TEAM_200),
    ("history of an unknown course", "GET", "/publishing/courses/no-such-course/history", None, TEAM_404),
    ("download the course", "GET", f"/publishing/courses/{SLUG}/files.zip", None, TEAM_200),
    ("download a version", "GET", "/publishing/{publication}/before.zip", None, TEAM_200),
    ("preview", "GET", "/publishing/staged/{token}", None, TEAM_200),
    ("another person's preview", "GET", "/publishing/staged/{other_token}", None, TEAM_404),
    ("publish", "POST", "/publishing/staged/{token}/publish", "note", TEAM_302),
    ("publish another person's upload", "POST", "/publishing/staged/{other_token}/publish", "note", TEAM_404),
    ("discard", "POST", "/publishing/staged/{token}/discard", None, TEAM_302),
    ("restore", "POST", "/publishing/{publication}/restore", None, TEAM_302),
    ("restore an unknown publication", "POST", "/publishing/0/restore", None, TEAM_404),
]


@pytest.fixture
def cast(app, make_user, community_kit, auth):
    def sign_in_as(role):
        secretariat, _email = make_user(display_name="Secretariat", is_admin=True)
        if role == "anonymous":
            return secretariat, secretariat
        actor, email = make_user(display_name=f"Actor {role}", is_admin=role == "admin")
        if role == "course_team":
            make_course_team(app, actor)
        elif role == "learner":
            with app.app_context():
                courses.enrol(db.session.get(User, actor), db.session.scalar(db.select(Course)))
                db.session.commit()
        elif role == "facilitator":
            community_kit.member(actor, community_kit.community(), role="facilitator")
        elif role == "focal":
            community_kit.focal_point(actor, "africa")
        assert auth.sign_in(email).status_code == 302
        return secretariat, actor if role in ("course_team", "admin") else secretariat
    return sign_in_as


def publish_one(app, folder, user_id, line):
    """A publication of why-listen with line as its first line, made through the services; returns its id."""
    with app.test_request_context():
        user = db.session.get(User, user_id)
        staged, _token = service.stage(user, SLUG, "why-listen.md", why_listen(folder, line), "en")
        with service.publish(user, staged) as publication:
            db.session.commit()
        return publication.id


def build_world(app, folder, secretariat, stager, n):
    """Two uploads, each a new version of why-listen: one staged by stager (the actor, when they may), one by the
    secretariat."""
    with app.test_request_context():
        _staged, token = service.stage(db.session.get(User, stager), SLUG, "why-listen.md",
                                       why_listen(folder, f"Staged {n}."), "en")
        _staged, other_token = service.stage(db.session.get(User, secretariat), SLUG, "why-listen.md",
                                             why_listen(folder, f"Other {n}."), "en")
        db.session.commit()
        return {"token": token, "other_token": other_token}


def send(client, method, url, body, world, folder, csrf_token):
    url = url.format(**world)
    if method == "GET":
        return client.get(url)
    data = {"csrf_token": csrf_token}
    if body == "lesson":
        data.update(course=SLUG, language="en", file=(io.BytesIO(why_listen(folder, "Uploaded.")), "why-listen.md"))
    elif body == "empty":
        data.update(course=SLUG, language="")
    elif body == "note":
        data.update(note="A note")
    return client.post(url, data=data, content_type="multipart/form-data" if body in ("lesson", "empty") else None)


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_every_role_as_the_table_says(app, client, course, cast, role):
    secretariat, stager = cast(role)
    publication = publish_one(app, course, secretariat, "Published by the secretariat.")
    csrf_token = client.csrf_token()
    actual, expected = {}, {}
    for n, (name, method, url, body, codes) in enumerate(ROUTES):
        world = {**build_world(app, course, secretariat, stager, n), "publication": publication}
        actual[name] = send(client, method, url, body, world, course, csrf_token).status_code
        expected[name] = dict(zip(ROLES, map(int, codes.split()), strict=True))[role]
    assert actual == expected


def test_the_table_covers_every_route_of_the_blueprint(app):
    adapter = app.url_map.bind("colab.test")
    covered = {(adapter.match(url.format(publication=1, token="t" * 43, other_token="o" * 43), method=method)[0],
                method) for _name, method, url, *_ in ROUTES}
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              if rule.endpoint.startswith("publishing.") for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - covered == set(), "routes without a row in ROUTES"
    assert covered <= routes
    assert len({row[0] for row in ROUTES}) == len(ROUTES), "row names must be unique"


def test_services_refuse_people_outside_the_course_team(app, course, make_user):
    from colab import policy
    learner_id, _email = make_user()
    with app.test_request_context():
        with pytest.raises(policy.Refused):
            service.stage(db.session.get(User, learner_id), SLUG, "why-listen.md", b"", "en")


def test_zips_of_the_same_files_are_the_same_and_one_byte_changes_the_digest(course):
    found = files.read_folder(course)
    assert files.zip_files(SLUG, found) == files.zip_files(SLUG, dict(reversed(found.items())))
    assert files.read_zip(files.zip_files(SLUG, found), SLUG, files.Limits(10**6, 100, 10**6, 100)) == found
    assert files.digest({**found, WHY: found[WHY] + b" "}) != files.digest(found)


def test_moves_count_only_lessons_that_changed_place_among_those_that_stayed():
    from colab.publishing.changes import _moved
    old = {"a": ("m", 0), "b": ("m", 1), "c": ("m", 2)}
    assert _moved(old, {"x": ("m", 0), "a": ("m", 1), "b": ("m", 2), "c": ("m", 3)}) == set()  # one inserted
    assert len(_moved(old, {"b": ("m", 0), "a": ("m", 1), "c": ("m", 2)})) == 1  # two swapped
    assert _moved(old, {"a": ("m", 0), "b": ("n", 0), "c": ("m", 1)}) == {"b"}  # another module


def test_restoring_the_current_version_changes_nothing(app, client, course, team):
    publication = publish_one(app, course, team, NEW_LINE)
    publish_one(app, course, team, OLD_LINE)  # by hand, back to the first version
    before = snapshot(app, course)
    response = client.post(f"/publishing/{publication}/restore", follow_redirects=True)
    assert "already the course&#39;s current one" in response.get_data(as_text=True)
    assert snapshot(app, course) == before


def test_an_upload_without_its_csrf_token_is_refused(app, client, course, team):
    """The upload view checks the token itself (it raises the size limit first); a forged form changes nothing."""
    before = snapshot(app, course)
    response = client.post("/publishing/upload", csrf=False, content_type="multipart/form-data",
                           data={"course": SLUG, "language": "en",
                                 "file": (io.BytesIO(why_listen(course)), "why-listen.md")})
    assert response.status_code == 400 and "This form has expired" in response.get_data(as_text=True)
    assert snapshot(app, course) == before
