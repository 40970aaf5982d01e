"""Many people at once, over real HTTP under gunicorn: 200 people sign in, read their community and a thread,
post, and read the thread again, for COLAB_LOAD_SECONDS (60 under CI). No server error, and every post the server
acknowledged (302) is stored exactly once, complete. Then odd bytes on the wire: the server, not only the app,
answers them without a 5xx."""
import os
import random
import re
import socket
import threading
import time
import uuid

import pytest

from .conftest import COMMUNITY, Browser, Tally, check_posts, load_seconds, location_path, topology

pytestmark = pytest.mark.ops
PEOPLE = int(os.environ.get("COLAB_LOAD_PEOPLE", "200"))


def _person(server, site, email, number, prefix, deadline, tally):
    """Sign in, then until the deadline: the community page, a thread, a reply, the thread again."""
    browser, rng, written = Browser(server.port), random.Random(number), 0
    try:
        browser.sign_in(email)
        while time.monotonic() < deadline:
            status, _headers, _page = browser.get(f"/communities/{COMMUNITY}/")
            tally.saw("GET", "community page", status)
            thread = f"/communities/{COMMUNITY}/threads/{rng.choice(site.thread_ids)}/"
            status, _headers, page = browser.get(thread)
            tally.saw("GET", thread, status)
            if status != 200:
                continue
            tag = f"{prefix}{number}-{written}"
            written += 1
            with tally.lock:
                tally.attempted.add(tag)
            status, headers, _page = browser.post(thread + "reply", {"csrf_token": browser.token(page), "body": tag})
            tally.saw("POST", thread + "reply", status)
            if status != 302:
                tally.failed(f"reply {tag} to {thread} answered {status}, not 302")
                continue
            target = location_path(headers)
            post = re.search(r"[?&]post=(\d+)", target)
            with tally.lock:
                tally.acknowledged[tag] = int(post.group(1)) if post else None
            status, _headers, page = browser.follow(target)  # to the page the post is on
            tally.saw("GET", target, status)
            if status == 200 and tag not in page:
                # Replies stored by others between the two requests (with lower ids, still committing when the
                # page was counted) can move a page boundary; as a reader reloading would, ask once more.
                status, _headers, page = browser.follow(target)
                tally.saw("GET", target, status)
            if status != 200 or tag not in page:
                tally.failed(f"{tag} was acknowledged, but its author does not see it at {target} ({status})")
    except Exception as error:  # noqa: BLE001 - a dropped connection or a timeout is a finding, not a crash
        tally.failed(f"person {number}: {type(error).__name__}: {error}")
    finally:
        browser.close()


def test_two_hundred_people_posting_and_reading_lose_nothing(site, serve):
    server = serve(site, **topology(site))
    prefix, tally = f"load-{uuid.uuid4().hex[:8]}-", Tally()
    emails = sorted(site.people)[:PEOPLE]
    started = time.monotonic()
    deadline = started + load_seconds()
    people = [threading.Thread(target=_person, args=(server, site, email, number, prefix, deadline, tally),
                               name=f"person-{number}", daemon=True) for number, email in enumerate(emails)]
    for person in people:
        person.start()
    for person in people:
        person.join(timeout=max(1, deadline - time.monotonic()) + 120)
    elapsed = time.monotonic() - started
    assert not any(person.is_alive() for person in people), "some people were still waiting for an answer"
    summary = (f"{len(people)} people, {elapsed:.0f} s on {site.backend}: {tally.requests} requests "
               f"({tally.requests / elapsed:.0f}/s), {len(tally.acknowledged)} posts acknowledged, "
               f"statuses {dict(sorted(tally.statuses.items()))}")
    print(summary)
    assert tally.failures == [], f"{summary}\n" + "\n".join(tally.failures[:50]) + "\n" + server.log_tail()
    assert server.tracebacks() == [], server.log_tail()
    problems = check_posts(site, prefix, tally.acknowledged, tally.attempted)
    assert problems == [], f"{summary}\n" + "\n".join(problems[:50])
    assert len(tally.acknowledged) >= len(people) // 2, f"too little happened to prove anything: {summary}"


# --- odd bytes on the wire ------------------------------------------------------------------------------------

def _raw(port, request_bytes, timeout=5):
    """Send bytes as they are; the status the server answers with, or None when it closed (or waits) without one."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        try:
            connection.sendall(request_bytes)
            answer = b""
            while b"\r\n" not in answer:
                chunk = connection.recv(4096)
                if not chunk:
                    break
                answer += chunk
        except (ConnectionResetError, BrokenPipeError, TimeoutError):
            return None
    found = re.match(rb"HTTP/1\.[01] (\d{3})", answer)
    return int(found.group(1)) if found else None


def _post(path, content_type, body):
    return (b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nContent-Type: " + content_type + b"\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\n\r\n" + body)


WIRE = [
    b"GET /?q=\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",  # bytes a browser would percent-encode
    b"GET /communities/%00/ HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /courses/%ff%fe/ HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /communities/load/?page=%00 HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nCookie: session=" + b"A" * 9000 + b"\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nCookie: session=bm90IHNpZ25lZA.bad.sig; remember_token=1|x\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nAccept-Language: \xff\xfe;q=nan\r\nIf-Modified-Since: yesterday\r\n\r\n",
    b"GET / HTTP/1.0\r\n\r\n",
    b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
    b"BREW / HTTP/1.1\r\nHost: x\r\n\r\n",
    b"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /static/../../../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /static/style.css HTTP/1.1\r\nHost: x\r\nRange: bytes=99999999-1\r\n\r\n",
    _post(b"/sign-in", b"application/x-www-form-urlencoded", b"\xff\xfe\x00=\x01&a=%ZZ&csrf_token=\xc3"),
    b"POST /sign-in HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nxx\r\n0\r\n\r\n",
    b"POST /sign-in HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    _post(b"/sign-in", b"multipart/form-data; boundary=zz", b"--zz\r\nContent-Disposition: form-data\r\n\r\n"),
    _post(b"/language", b"multipart/form-data; boundary=zz", b"--zz\r\nContent-Disposition: form-data; "
          b"name=\"lang\"; filename=\"\xff\x00.txt\"\r\n\r\nes\r\n--zz--\r\n"),
    b"POST /language HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    b"Content-Length: 600000\r\n\r\nlang=es",  # declares more than MAX_CONTENT_LENGTH: refused before reading
    b"GET / HTTP/1.1\r\nHost: x\r\nX-Bad Header: 1\r\n\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 40,  # a TLS hello on the plain port
]


def test_odd_bytes_on_the_wire_get_no_server_error(site, serve):
    """What only a real server sees: raw bytes, broken framing, oversize lines and headers, a TLS hello."""
    server = serve(site, **topology(site))
    answers = [(request_bytes[:60], _raw(server.port, request_bytes)) for request_bytes in WIRE]
    assert [answer for answer in answers if answer[1] is not None and answer[1] >= 500] == [], answers
    assert sum(status is not None for _request, status in answers) >= len(WIRE) - 3, answers
    browser = Browser(server.port)
    assert browser.get("/")[0] == 200  # and the server still serves
    browser.close()
    assert server.tracebacks() == [], server.log_tail()


# --- the smallest case of what the load test found ---------------------------------------------------------------

def test_two_replies_at_once_are_both_counted(app, make_user, community_kit):
    """Two people reply to one thread at the same moment: each request read the thread before the other wrote.
    The thread must count both replies (a count written as "what I read + 1" loses one)."""
    from colab.accounts.models import User
    from colab.communities import service
    from colab.communities.models import Thread
    from colab.extensions import db

    first_id, _email = make_user()
    second_id, _email = make_user()
    slug = community_kit.community("circle")
    community_kit.member(first_id, slug)
    community_kit.member(second_id, slug)
    thread_id = community_kit.thread(first_id, slug, "Both at once", "Opening post")
    with app.app_context():  # the first person's request reads the thread...
        thread = db.session.get(Thread, thread_id)
        assert thread.post_count == 1
        with app.app_context():  # ...while the second person's request is served
            service.add_post(db.session.get(User, second_id), db.session.get(Thread, thread_id), "Second reply")
            db.session.commit()
        service.add_post(db.session.get(User, first_id), thread, "First reply")
        db.session.commit()
    with app.app_context():
        assert db.session.get(Thread, thread_id).post_count == 3


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    """SQLite serves many readers beside one writer only in WAL mode, and a writer waits its turn (busy_timeout)
    instead of failing with "database is locked". The app's own connections must say so, not the test's."""
    from colab import create_app
    from colab.extensions import db

    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "colab.sqlite")},
                     instance_path=str(tmp_path / "instance"))
    with app.app_context():
        with db.engine.connect() as connection:
            journal_mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
            busy_timeout = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
        db.engine.dispose()
    assert (journal_mode, busy_timeout >= 5000) == ("wal", True), (journal_mode, busy_timeout)
