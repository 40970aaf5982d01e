"""Killing the server in the middle of writes: SIGKILL to gunicorn's whole process group (the arbiter and every
worker at once, as the OOM killer or a lost machine would) while people are posting, twice, restarting it each
time. Nothing the server acknowledged is lost or stored twice, and no record is half-written: every stored post is
counted in its thread (post_count, last_post_at), indexed for search, and its reply notification exists; SQLite's
own integrity check and its full-text index's agree."""
import http.client
import re
import threading
import time
import uuid

import pytest

from .conftest import COMMUNITY, Browser, Tally, check_posts, location_path, topology

pytestmark = pytest.mark.ops
WRITERS = 20  # one per thread of the load community
KILLS = 2
WRITES_BEFORE_KILL = 60  # acknowledged posts per round before the kill (or ROUND_SECONDS, whichever first)
ROUND_SECONDS = 20


def _writer(port, site, email, number, tag_prefix, stop, tally):
    """Post in one thread until the server dies (a refused or reset connection ends the writer)."""
    browser = Browser(port, timeout=30)
    thread = f"/communities/{COMMUNITY}/threads/{site.thread_ids[number]}/"  # a thread each: test_load has many
    written = 0
    try:
        browser.sign_in(email)
        while not stop.is_set():
            status, _headers, page = browser.get(thread)
            if status != 200:
                tally.failed(f"{thread} answered {status} before the kill")
                return
            tag = f"{tag_prefix}{written}"
            written += 1
            with tally.lock:
                tally.attempted.add(tag)
            status, headers, _page = browser.post(thread + "reply", {"csrf_token": browser.token(page), "body": tag})
            if status != 302:
                tally.failed(f"reply {tag} answered {status} before the kill")
                return
            post = re.search(r"[?&]post=(\d+)", location_path(headers))
            with tally.lock:
                tally.acknowledged[tag] = int(post.group(1)) if post else None
    except (OSError, http.client.HTTPException):  # killed under this request: reset, refused, cut short
        pass
    except AssertionError as error:
        if not stop.is_set():
            tally.failed(f"{email}: {error}")
    finally:
        browser.close()


def test_killing_the_server_mid_writes_loses_nothing_acknowledged(site, serve):
    shape = topology(site)
    prefix, tally = f"crash-{uuid.uuid4().hex[:8]}-", Tally()
    emails = sorted(site.people)[:WRITERS]
    in_flight = 0
    for round_ in range(KILLS):
        server = serve(site, **shape)
        stop = threading.Event()
        writers = [threading.Thread(target=_writer, args=(server.port, site, email, n, f"{prefix}{round_}-{n}-", stop,
                                                          tally), daemon=True) for n, email in enumerate(emails)]
        before = len(tally.acknowledged)
        for writer in writers:
            writer.start()
        deadline = time.monotonic() + ROUND_SECONDS
        while len(tally.acknowledged) - before < WRITES_BEFORE_KILL and time.monotonic() < deadline:
            time.sleep(0.05)
        assert tally.failures == [], "\n".join(tally.failures) + "\n" + server.log_tail()
        assert server.tracebacks() == [], server.log_tail()
        with tally.lock:
            sent, answered = len(tally.attempted), len(tally.acknowledged)
        server.kill()  # mid-writes: the writers are posting as fast as the server answers
        stop.set()
        for writer in writers:
            writer.join(timeout=60)
        assert not any(writer.is_alive() for writer in writers)
        in_flight += sent - answered
        assert len(tally.acknowledged) - before >= 10, f"round {round_}: too few writes to prove anything"

    server = serve(site, **shape)  # restarted on the same database
    problems = check_posts(site, prefix, tally.acknowledged, tally.attempted)
    assert problems == [], "\n".join(problems[:50])
    assert in_flight >= 1, "the kills should land while posts are being written"

    browser = Browser(server.port)  # the restarted server shows what was acknowledged, and takes new posts
    try:
        browser.sign_in(emails[0])
        tag, post_id = sorted(tally.acknowledged.items())[-1]
        thread_id = site.scalar("SELECT thread_id FROM post WHERE id = :id", id=post_id)
        status, _headers, page = browser.follow(f"/communities/{COMMUNITY}/threads/{thread_id}/?post={post_id}")
        assert status == 200 and tag in page
        status, _headers, page = browser.get(f"/communities/{COMMUNITY}/threads/{thread_id}/")
        status, _headers, _page = browser.post(f"/communities/{COMMUNITY}/threads/{thread_id}/reply",
                                               {"csrf_token": browser.token(page), "body": f"{prefix}after"})
        assert status == 302
    finally:
        browser.close()
    assert server.tracebacks() == [], server.log_tail()
    assert check_posts(site, prefix, {**tally.acknowledged, f"{prefix}after": None},
                       tally.attempted | {f"{prefix}after"}) == []
    print(f"{site.backend}: {len(tally.acknowledged)} posts acknowledged over {KILLS} kills, "
          f"{in_flight} in flight when killed")
