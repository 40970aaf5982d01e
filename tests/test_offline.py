"""What the service worker may keep, as the server tells it: course pages only, never a community, the account or
anything about other people; discreet mode keeps nothing unasked; the offline page names nobody."""
import re
from datetime import date, timedelta

import factories

from colab import jobs
from colab.accounts.models import User
from colab.extensions import db
from colab.models_base import utcnow
from colab.offline.models import OfflineChange

POSTGRESQL = False  # the offline reader's pages and queue (see conftest.py)

COURSE = "/courses/listening-basics/"
LESSON = f"{COURSE}why-listen/"


def test_the_worker_is_served_for_the_whole_site_and_revalidated(client):
    response = client.get("/sw.js")
    script = response.get_data(as_text=True)
    assert response.mimetype == "text/javascript" and response.headers["Cache-Control"] == "no-cache"
    assert "__VERSION__" not in script and "__SHELL__" not in script
    version = re.search(r'var VERSION = "(\w+)"', script).group(1)
    shell = re.search(r"var SHELL_FILES = (\[.*?\]);", script).group(1)
    assert re.fullmatch(r'\["/static/style\.css\?v=\w+", "/static/colab\.js\?v=\w+", "/static/offline\.js\?v=\w+", '
                        r'"/static/icon\.svg\?v=\w+"\]', shell)
    assert client.get("/sw.js").get_data(as_text=True).count(version) == 1  # the same version on every visit


def readable_pattern(client):
    """The worker's READABLE regular expression, as served (JavaScript's syntax here is Python's too)."""
    script = client.get("/sw.js").get_data(as_text=True)
    return re.compile(re.search(r"var READABLE = /(.+?)/;", script).group(1))


def test_the_worker_keeps_course_pages_and_nothing_else(client):
    readable = readable_pattern(client)
    assert readable.match(COURSE) and readable.match(LESSON)
    for never in ("/communities/circle/", "/communities/circle/threads/1/", "/account", "/reports/",
                  "/notifications/", "/moderation/", "/courses/listening-basics/certificate",
                  "/courses/listening-basics/package.zip", "/courses/", "/courses/listening-basics/why-listen/x/"):
        assert not readable.match(never), never
    assert 'request.method !== "GET"' in client.get("/sw.js").get_data(as_text=True)  # a form sent is never stored


def test_a_lesson_and_its_course_tell_the_worker_to_keep_them(client, content, auth):
    auth.as_new_user()
    client.post(f"{COURSE}enrol")
    lesson = client.get(LESSON)
    assert lesson.headers["X-Colab-Offline"] == "keep" and "X-Colab-Title" not in lesson.headers  # its <h1> names it
    overview = client.get(COURSE)
    assert overview.headers["X-Colab-Offline"] == "keep"
    page = overview.get_data(as_text=True)
    assert re.search(r'<html lang="en" dir="ltr" data-offline-script="/static/offline\.js\?v=\w+" data-offline="auto">',
                     page)
    buttons = re.findall(r'data-save-offline="([^"]*)"', page)
    assert buttons[0].split() == [COURSE, LESSON, f"{COURSE}listening-to-disagree/", f"{COURSE}listening-in-groups/"]
    assert buttons[1].split() == [COURSE, LESSON, f"{COURSE}listening-to-disagree/"]  # module 1
    assert re.search(r"Save this module for offline reading \(\d+ KB\)", page)
    for url in ("/communities/", "/account", "/notifications/"):
        assert "X-Colab-Offline" not in client.get(url).headers, url


def test_a_locked_module_cannot_be_saved(client, app, content, auth):
    user_id, _ = auth.as_new_user()
    with app.app_context():
        factories.community("pace-circle", region="africa")
        factories.cohort("pace-circle", pacing="scheduled", starts_on=date.today(), learners=[user_id])
        db.session.commit()
    page = client.get(COURSE).get_data(as_text=True)
    assert f"{COURSE}listening-in-groups/" not in " ".join(re.findall(r'data-save-offline="([^"]*)"', page))


def test_discreet_mode_keeps_nothing_unasked(client, app, content, auth):
    user_id, _ = auth.as_new_user()
    with app.app_context():
        db.session.get(User, user_id).discreet = True
        db.session.commit()
    lesson = client.get(LESSON)
    assert lesson.headers["X-Colab-Offline"] == "save"  # only if the learner saves it
    assert "data-offline=" not in lesson.get_data(as_text=True)  # no worker until they choose


def test_the_offline_page_names_nobody_and_offers_to_remove_everything(client, auth):
    _, email = auth.as_new_user(display_name="Amina Offline")
    page = client.get("/offline").get_data(as_text=True)
    assert "<h1>You are offline</h1>" in page
    assert "Amina" not in page and email not in page and "Sign out" not in page and 'name="csrf_token"' not in page
    assert "Remove everything saved on this device" in page and "data-forget-device" in page
    assert "Leave quickly" in page


def test_the_notice_of_what_was_done_offline_is_worded_on_the_offline_page_not_in_every_lesson(client, content, auth):
    """Its five sentences were 177 bytes of every lesson, compressed; offline.js reads them from /offline (which the
    worker keeps), in the reader's language."""
    auth.as_new_user(locale="es")
    lesson = client.get(LESSON).get_data(as_text=True)
    assert "offline-changes" not in lesson and "data-one=" not in lesson  # offline.js makes the notice itself
    offline = client.get("/offline").get_data(as_text=True)
    assert 'id="offline-strings" hidden' in offline and 'data-many="Hay %(num)s cambios guardados' in offline


def test_every_page_offers_to_remove_what_this_device_saved(client):
    """A button of the footer's form (with its CSRF token) that sends it to /device/forget."""
    page = client.get("/").get_data(as_text=True)
    footer = page[page.index("<footer"):]
    assert re.search(r'<form method="post"[^>]*>\s*<input type="hidden" name="csrf_token"', footer)
    assert re.search(r'<button type="submit"[^>]*formaction="/device/forget">Remove everything saved on this device<',
                     footer)


def test_a_change_sent_again_from_the_offline_queue_is_applied_once(client, app, content, auth):
    user_id, _ = auth.as_new_user()
    answer = {"a-listening-purpose-choice": "1"}
    change = {"X-Colab-Change": "3f1c2a9e-5b7d-4c1e-9a2b-7d6e5f4a3b2c"}
    first = client.post(f"{LESSON}activities/listening-purpose", data=answer, headers=change)
    again = client.post(f"{LESSON}activities/listening-purpose", data=answer, headers=change)
    assert first.status_code == again.status_code == 302
    client.post(f"{LESSON}complete", headers={"X-Colab-Change": "done-0001"})
    client.post(f"{LESSON}complete", data={"undo": "1"})  # undone online, by hand
    client.post(f"{LESSON}complete", headers={"X-Colab-Change": "done-0001"})  # the queue's copy must not redo it
    with app.app_context():
        from colab.courses.models import LessonProgress, Response
        response = db.session.scalar(db.select(Response).filter_by(user_id=user_id))
        assert (response.choice, response.attempts) == (1, 1)
        progress = db.session.scalar(db.select(LessonProgress).filter_by(user_id=user_id))
        assert progress.completed_at is None
    assert client.post(f"{LESSON}activities/listening-purpose", data=answer,
                       headers={"X-Colab-Change": "not an id!"}).status_code == 400


def test_an_ordinary_answer_counts_each_time(client, app, content, auth):
    user_id, _ = auth.as_new_user()
    for _ in range(2):
        client.post(f"{LESSON}activities/listening-purpose", data={"a-listening-purpose-choice": "0"})
    with app.app_context():
        from colab.courses.models import Response
        assert db.session.scalar(db.select(Response.attempts).filter_by(user_id=user_id)) == 2


def test_the_queue_gets_a_fresh_token_only_when_signed_in(client, auth):
    assert client.get("/offline/token").status_code == 302
    auth.as_new_user()
    response = client.get("/offline/token")
    assert response.headers["Cache-Control"] == "no-store" and len(response.get_json()["csrf_token"]) > 20


def test_the_ids_of_changes_are_forgotten_after_thirty_days(client, app, content, auth):
    """Co-Lab keeps no lasting trace of when someone studied offline: each jobs tick drops ids older than 30 days."""
    auth.as_new_user()
    for change_id in ("old-change-01", "new-change-01"):
        client.post(f"{LESSON}complete", headers={"X-Colab-Change": change_id})
    with app.app_context():
        old = db.session.scalar(db.select(OfflineChange).filter_by(change_id="old-change-01"))
        old.received_at = utcnow() - timedelta(days=31)
        db.session.commit()
        jobs.tick()
        assert list(db.session.scalars(db.select(OfflineChange.change_id))) == ["new-change-01"]
