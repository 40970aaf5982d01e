"""Two app servers (gunicorn, two workers each) on one PostgreSQL, with Redis holding the rate-limit counters and a
Celery worker on RabbitMQ, as docs/deploy.md describes: a post written through one is read through the other, a
rate limit hit on one holds on the other, a session ended on one is refused by the other, and the worker sends
what either publishes. Skipped without PostgreSQL, Redis or RabbitMQ; required under CI."""
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from conftest import PASSWORD, PG_ADMIN_URL, skip_or_fail
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def reachable(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(port, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}")
        if reachable(port):
            return
        time.sleep(0.2)
    raise RuntimeError(f"nothing serves port {port}")


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """Two gunicorn servers and a Celery worker on a throwaway PostgreSQL database; yields their settings."""
    if not PG_ADMIN_URL:
        skip_or_fail("Two-server test skipped: COLAB_TEST_DATABASE_URL is not set")
    for port, name in ((6379, "Redis"), (5672, "RabbitMQ")):
        if not reachable(port):
            skip_or_fail(f"Two-server test skipped: no {name} on 127.0.0.1:{port}")
    tmp = tmp_path_factory.mktemp("deployment")
    name = f"colab_two_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    database = make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg", database=name)
    tag = uuid.uuid4().hex[:8]
    env = {**os.environ, "COLAB_DATABASE_URL": database.render_as_string(hide_password=False),
           "COLAB_SECRET_KEY": f"two-servers-{tag}", "COLAB_SECURE_COOKIES": "false",
           "COLAB_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0", "COLAB_RATELIMIT_KEY_PREFIX": f"two-{tag}",
           "COLAB_SIGN_IN_RATE_LIMIT": "6 per minute", "COLAB_BROKER_URL": "amqp://guest:guest@127.0.0.1:5672//",
           "COLAB_BROKER_QUEUE": f"colab-two-{tag}", "COLAB_INSTANCE_PATH": str(tmp / "instance"),
           "COLAB_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "WEB_CONCURRENCY": "2", "COLAB_THREADS": "2"}
    env.pop("COLAB_DEVELOPMENT", None)
    flask = [str(BIN / "flask"), "--app", "colab"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "setup"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "content", "sync", "--dir", str(ROOT / "tests" / "fixtures" / "content")], cwd=ROOT,
                   env=env, check=True, capture_output=True)
    processes, ports = [], []
    log = open(tmp / "processes.log", "w")  # noqa: SIM115 - closed below
    try:
        for _ in range(2):
            port = free_port()
            ports.append(port)
            processes.append(subprocess.Popen([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                                              env={**env, "COLAB_BIND": f"127.0.0.1:{port}"}, stdout=log,
                                              stderr=subprocess.STDOUT))
        processes.append(subprocess.Popen([sys.executable, "-m", "celery", "-A", "colab.worker", "worker",
                                           "--pool=solo", "--without-heartbeat", "--without-gossip",
                                           "--without-mingle", "-Q", env["COLAB_BROKER_QUEUE"]],
                                          cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
        for port, process in zip(ports, processes, strict=False):
            wait_until_serving(port, process)
        yield {"env": env, "servers": [f"http://127.0.0.1:{port}" for port in ports], "database": database,
               "outbox": tmp / "instance" / "outbox", "log": tmp / "processes.log"}
    finally:
        for process in processes:  # the checks are done: a quick stop (gunicorn: SIGINT; Celery: a cold one)
            process.send_signal(signal.SIGQUIT if "celery" in process.args else signal.SIGINT)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class Browser:
    """A person's cookies, used against either server (as a load balancer would send them)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def get(self, url):
        return self._open(urllib.request.Request(url))

    def post(self, url, form_url, **fields):
        """POST fields with the CSRF token of the form at form_url (fetched through the same server)."""
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.get(form_url)[1]).group(1)
        data = urllib.parse.urlencode({"csrf_token": token, **fields}).encode()
        return self._open(urllib.request.Request(url, data=data, method="POST"))

    def _open(self, request):
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode(), response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), error.headers


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def run_sql(deployment, statement, **params):
    engine = create_engine(deployment["database"])
    with engine.begin() as connection:
        result = connection.execute(text(statement), params)
        rows = result.all() if result.returns_rows else None
    engine.dispose()
    return rows


MEMBER_SCRIPT = """
from colab import create_app
from colab.accounts import service as accounts
from colab.communities import service as communities
from colab.communities.models import Membership
from colab.extensions import db
from colab.models_base import utcnow

app = create_app()
with app.app_context():
    user = accounts.create_user({email!r}, {name!r}, {password!r})
    community = communities.find_community("two") or communities.create_community(
        "two", "thematic", {{"en": "Two"}}, {{"en": "Two"}})
    db.session.flush()
    db.session.add(Membership(user_id=user.id, community=community, agreements_accepted_at=utcnow(), role={role!r}))
    db.session.commit()
"""


def make_member(deployment, email, name, moderator=False):
    """An account, a member (or facilitator) of an open community "two" who agreed to its rules."""
    code = MEMBER_SCRIPT.format(email=email, name=name, password=PASSWORD,
                                role="facilitator" if moderator else "member")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=deployment["env"], check=True, capture_output=True)


def sign_in(browser, server, email, password=PASSWORD):
    return browser.post(f"{server}/sign-in", f"{server}/sign-in", email=email, password=password)


def test_two_servers_share_posts_limits_sessions_and_the_worker(deployment):
    one, two = deployment["servers"]
    tag = uuid.uuid4().hex[:6]
    make_member(deployment, f"writer-{tag}@example.org", f"Writer {tag}")
    make_member(deployment, f"moderator-{tag}@example.org", f"Moderator {tag}", moderator=True)

    # A post written through one server is read through the other.
    writer = Browser()
    assert sign_in(writer, one, f"writer-{tag}@example.org")[0] == 302
    status, _body, headers = writer.post(f"{one}/communities/two/threads/new", f"{one}/communities/two/threads/new",
                                         title=f"Across servers {tag}", body=f"Written through one {tag}")
    assert status == 302, _body[:500]
    thread_path = urllib.parse.urlsplit(headers["Location"]).path
    status, page, _ = writer.get(f"{two}{thread_path}")
    assert status == 200 and f"Written through one {tag}" in page

    # A session ended through one server is refused by the other at once.
    other_device = Browser()
    assert sign_in(other_device, two, f"writer-{tag}@example.org")[0] == 302
    assert other_device.get(f"{two}/account")[0] == 200
    status, _, _ = writer.post(f"{one}/account/devices/sign-out-others", f"{one}/account")
    assert status == 302
    status, _, headers = other_device.get(f"{two}/account")
    assert status == 302 and "/sign-in" in headers["Location"]

    # A report through the second server: the Celery worker mails the moderator's alert.
    post_id = run_sql(deployment, "SELECT id FROM post WHERE body_source = :body",
                      body=f"Written through one {tag}")[0][0]
    thread_id = thread_path.rstrip("/").split("/")[-1]
    reporter = Browser()
    make_member(deployment, f"reporter-{tag}@example.org", f"Reporter {tag}")
    assert sign_in(reporter, two, f"reporter-{tag}@example.org")[0] == 302
    report_url = f"{two}/communities/two/threads/{thread_id}/posts/{post_id}/report"
    assert reporter.post(report_url, report_url, reason="harassment", note="")[0] == 302
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not list(deployment["outbox"].glob("*.eml")):
        time.sleep(0.2)
    mails = [path.read_text() for path in deployment["outbox"].glob("*.eml")]
    assert any(f"moderator-{tag}@example.org" in mail for mail in mails), deployment["log"].read_text()[-3000:]

    # A rate limit counted on one server holds on the other (Redis keeps the count).
    guesser = Browser()
    # Three sign-ins so far from this address, all counted: three more wrong guesses reach the limit of six.
    wrong = [sign_in(guesser, server, f"writer-{tag}@example.org", "not the password")[0]
             for server in (one, two, one)]
    assert 429 not in wrong
    assert sign_in(guesser, two, f"writer-{tag}@example.org", "not the password")[0] == 429
    assert sign_in(guesser, one, f"writer-{tag}@example.org", "not the password")[0] == 429
