"""Operations tests: Co-Lab served by gunicorn (gunicorn.conf.py, production settings) on a free loopback port,
on a database prepared as in production (`flask db upgrade`, `flask setup`, `flask content sync`), driven over
real HTTP. SQLite runs one process with threads; PostgreSQL (a throwaway database) two processes sharing Redis
for the rate-limit counters. Without PostgreSQL or Redis a leg is skipped with the reason, and fails under CI.

Select them with `pytest -m ops`; COLAB_LOAD_SECONDS sets the load test's length (60 under CI=true, else 10)."""
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import create_engine, text

try:  # tests/ is a plain directory (pytest imports its conftest as "conftest") or, later, a package
    from tests.conftest import IN_CI, PASSWORD, SAMPLE_CONTENT, skip_or_fail, throwaway_postgres_database
except ModuleNotFoundError:
    from conftest import IN_CI, PASSWORD, SAMPLE_CONTENT, skip_or_fail, throwaway_postgres_database

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("COLAB_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
COMMUNITY = "load"
NO_LIMIT = "1000000 per minute"
LIMITS = ("WRITE", "SIGN_IN", "SIGN_UP", "ACCOUNT", "THREAD", "POST", "POST_EDIT", "REPORT", "SEARCH")


def pytest_configure(config):
    config.addinivalue_line("markers", "ops: Co-Lab under gunicorn over HTTP: load, crashes (pytest -m ops)")


def load_seconds():
    return float(os.environ.get("COLAB_LOAD_SECONDS") or (60 if IN_CI else 10))


def free_port():
    """A loopback port nobody listens on now (the OS picks it, so parallel test workers never share one)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the database ----------------------------------------------------------------------------------------------

class Site:
    """One prepared database: its URL, its people (email -> id) and the load community's thread ids."""

    def __init__(self, backend, url, root):
        self.backend, self.url, self.root = backend, url, root
        self.instance = root / "instance"
        self.people, self.thread_ids = {}, []
        self.engine = create_engine(url)

    def factory(self):
        """The app factory gunicorn and flask load: its own instance folder, never the repository's."""
        return f"colab:create_app(instance_path={str(self.instance)!r})"

    def env(self, **extra):
        """The environment of a production server (no DEVELOPMENT, no TESTING), with limits out of the way."""
        env = {key: value for key, value in os.environ.items() if not key.startswith(("COLAB_", "WEB_CONCURRENCY"))}
        env.update({
            "COLAB_SECRET_KEY": "ops-test-" + secrets.token_hex(16), "COLAB_DATABASE_URL": self.url,
            "COLAB_CONTENT_DIR": str(SAMPLE_CONTENT), "COLAB_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            **{f"COLAB_{name}_RATE_LIMIT": NO_LIMIT for name in LIMITS}, "PYTHONUNBUFFERED": "1",
        })
        env.update(extra)
        return env

    def prepare(self, people=200, threads=20):
        """`flask db upgrade` (a process of its own, as a deployment runs it), reference data and the course as
        `flask setup` and `flask content sync` make them, then people who accepted the load community's
        agreements and threads for them to write in."""
        self.instance.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([sys.executable, "-m", "flask", "--app", self.factory(), "db", "upgrade"],
                              cwd=ROOT, env=self.env(), capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        from colab import create_app
        app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": self.url,
                          "CONTENT_DIR": str(SAMPLE_CONTENT), "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"},
                         instance_path=str(self.instance))
        runner = app.test_cli_runner()
        with app.app_context():
            for command in (["setup"], ["content", "sync"]):
                result = runner.invoke(args=command)
                assert result.exit_code == 0, result.output
            from colab.accounts import service as accounts
            from colab.communities import service as communities
            from colab.communities.models import Membership
            from colab.extensions import db
            from colab.models_base import utcnow
            community = communities.create_community(COMMUNITY, "thematic", {"en": "Load"}, {"en": "Many at once"})
            db.session.flush()
            users = []
            for number in range(people):
                user = accounts.create_user(f"load-{number}@example.org", f"Load tester {number}", PASSWORD)
                db.session.add(Membership(user_id=user.id, community=community, agreements_accepted_at=utcnow()))
                users.append(user)
            db.session.flush()
            for number in range(threads):
                thread = communities.create_thread(users[number % len(users)], community, f"Thread {number}",
                                                   f"Opening post {number}")
                self.thread_ids.append(thread.id)
            db.session.commit()
            self.people = {user.email: user.id for user in users}
            db.session.remove()
            db.engine.dispose()

    def scalar(self, sql, **params):
        with self.engine.connect() as connection:
            return connection.execute(text(sql), params).scalar()

    def rows(self, sql, **params):
        with self.engine.connect() as connection:
            return connection.execute(text(sql), params).all()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(request, tmp_path_factory):
    """A prepared database (one per test module and backend): a file for SQLite, a throwaway PostgreSQL
    database dropped afterwards."""
    backend = request.param
    tmp_path = tmp_path_factory.mktemp(f"ops-{backend}")
    if backend == "sqlite":
        prepared = Site(backend, "sqlite:///" + str(tmp_path / "colab.sqlite"), tmp_path)
        prepared.prepare()
        yield prepared
        prepared.engine.dispose()
        return
    with throwaway_postgres_database("colab_ops") as url:
        prepared = Site(backend, url, tmp_path)
        try:
            prepared.prepare()
            yield prepared
        finally:
            prepared.engine.dispose()

def redis_for(site):
    """PostgreSQL runs two processes: they share rate-limit counters in Redis (a key prefix of their own)."""
    if site.backend != "postgresql":
        return {}
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        skip_or_fail(f"Redis is not running at {REDIS_URL} (two app processes need shared rate-limit counters)")
    return {"COLAB_RATELIMIT_STORAGE_URI": REDIS_URL, "COLAB_RATELIMIT_KEY_PREFIX": f"colab-ops-{uuid.uuid4().hex}"}


def forget_redis_keys(env):
    prefix = env.get("COLAB_RATELIMIT_KEY_PREFIX")
    if prefix:
        import redis
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(match=f"*{prefix}*"):
            client.delete(key)
        client.close()


# --- the server ------------------------------------------------------------------------------------------------

class Gunicorn:
    """`gunicorn -c gunicorn.conf.py` in a process group of its own, logging to a file."""

    def __init__(self, site, workers, threads, extra_env=None):
        self.site, self.port = site, free_port()
        self.env = site.env(COLAB_BIND=f"127.0.0.1:{self.port}", WEB_CONCURRENCY=str(workers),
                            COLAB_THREADS=str(threads), **(extra_env or {}))
        self.log_path = site.root / f"gunicorn-{self.port}.log"
        self.process = None

    def start(self):
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()/kill()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "--keep-alive", "30",
             "--graceful-timeout", "5", self.site.factory()],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            probe = Browser(self.port, timeout=10)
            try:
                if probe.get("/")[0] == 200:
                    return self
            except OSError:
                pass
            finally:
                probe.close()
            time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer on port {self.port} within 60 s:\n{self.log_tail()}")

    def kill(self):
        """SIGKILL the whole process group (the arbiter and every worker at once), as a power cut would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.log.close()

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
        if not self.log.closed:
            self.log.close()

    def log_tail(self, lines=60):
        text_ = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(line for line in text_.splitlines() if '" 200 ' not in line and '" 302 ' not in line)[-8000:]

    def tracebacks(self):
        """Errors the app logged (a 500 logs its traceback)."""
        text_ = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return [line for line in text_.splitlines() if re.search(r"Traceback|Error:|Exception on", line)]


@pytest.fixture
def serve():
    """serve(site, workers, threads) starts gunicorn; every server started is stopped at the end."""
    started = []

    def start(site, workers=1, threads=8, extra_env=None):
        server = Gunicorn(site, workers, threads, extra_env)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()
        forget_redis_keys(server.env)


def topology(site):
    """How each backend is served: SQLite in one process with threads; PostgreSQL in two, sharing Redis."""
    if site.backend == "sqlite":
        return {"workers": 1, "threads": 8, "extra_env": {}}
    return {"workers": 2, "threads": 4, "extra_env": redis_for(site)}


# --- a person with a browser ------------------------------------------------------------------------------------

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Browser:
    """One person: a keep-alive connection and the cookies the server set (kept by hand: production cookies are
    Secure, and these requests are plain HTTP on loopback)."""

    def __init__(self, port, timeout=60):
        self.port, self.timeout = port, timeout
        self.connection = None
        self.cookies = {}

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def request(self, method, path, form=None):
        """(status, headers, body text). A connection the server closed while idle is reopened for a GET only:
        a POST is never sent twice."""
        body = urlencode(form).encode() if form is not None else None
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if method != "GET" or attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return response.status, response.headers, data.decode("utf-8", "replace")

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, form):
        return self.request("POST", path, form)

    def follow(self, path, hops=5):
        """GET path, following redirects as a browser does: (status, headers, body) of the last answer."""
        for _hop in range(hops):
            status, headers, body = self.get(path)
            if status not in (301, 302, 303, 307, 308):
                break
            path = location_path(headers)
        return status, headers, body

    def token(self, page):
        found = TOKEN.search(page)
        assert found, "no CSRF token on the page"
        return found.group(1)

    def sign_in(self, email):
        status, _headers, page = self.get("/sign-in")
        assert status == 200, status
        status, headers, _page = self.post("/sign-in", {"csrf_token": self.token(page), "email": email,
                                                        "password": PASSWORD})
        assert status == 302, f"signing in as {email} gave {status}"


def location_path(headers):
    location = headers.get("Location", "")
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# --- what must hold after any run -------------------------------------------------------------------------------

def check_posts(site, prefix, acknowledged, attempted):
    """Problems (a list of sentences; empty when all is well) with the posts whose body starts with prefix:
    acknowledged {tag: post id from the redirect} each stored exactly once under that id; nothing stored twice or
    never sent; and every post complete: counted in its thread's post_count and last_post_at, indexed for search
    (one entry, and no entry left for a post that is gone), and its reply notification written with it."""
    problems = []
    stored = {}
    for post_id, body in site.rows("SELECT id, body_source FROM post WHERE body_source LIKE :p", p=prefix + "%"):
        stored.setdefault(body.strip(), []).append(post_id)
    for tag, ids in stored.items():
        if len(ids) > 1:
            problems.append(f"{tag} stored {len(ids)} times: posts {ids}")
        if tag not in attempted:
            problems.append(f"{tag} stored but never sent")
    for tag, post_id in acknowledged.items():
        ids = stored.get(tag, [])
        if not ids:
            problems.append(f"{tag} acknowledged (302 to post {post_id}) but not stored")
        elif post_id is not None and post_id not in ids:
            problems.append(f"{tag} acknowledged as post {post_id} but stored as {ids}")
    problems += check_threads(site)
    return problems


def check_threads(site):
    """The invariants colab/communities/service.py keeps for every thread and post, checked over the database."""
    problems = []
    for thread_id, post_count, visible in site.rows(
            "SELECT t.id, t.post_count, COUNT(p.id) FROM thread t LEFT JOIN post p ON p.thread_id = t.id "
            "AND p.status = 'visible' GROUP BY t.id, t.post_count HAVING t.post_count != COUNT(p.id)"):
        problems.append(f"thread {thread_id}: post_count {post_count}, but {visible} visible posts")
    for thread_id, last_post_at, newest in site.rows(
            "SELECT t.id, t.last_post_at, MAX(p.created_at) FROM thread t JOIN post p ON p.thread_id = t.id "
            "AND p.status = 'visible' GROUP BY t.id, t.last_post_at HAVING t.last_post_at != MAX(p.created_at)"):
        problems.append(f"thread {thread_id}: last_post_at {last_post_at}, but its newest post is from {newest}")
    unindexed = site.rows("SELECT p.id FROM post p LEFT JOIN search_entry s ON s.kind = 'post' AND s.object_id = p.id "
                          "GROUP BY p.id HAVING COUNT(s.id) != 1")
    if unindexed:
        problems.append(f"posts without exactly one search entry: {[row[0] for row in unindexed][:20]}")
    orphans = site.rows("SELECT s.object_id FROM search_entry s LEFT JOIN post p ON p.id = s.object_id "
                        "WHERE s.kind = 'post' AND p.id IS NULL")
    if orphans:
        problems.append(f"search entries for posts that do not exist: {[row[0] for row in orphans][:20]}")
    untold = site.rows(
        "SELECT p.id FROM post p JOIN thread t ON t.id = p.thread_id LEFT JOIN notification n ON n.post_id = p.id "
        "AND n.user_id = t.author_id AND n.kind = 'reply' WHERE p.author_id != t.author_id AND p.status = 'visible' "
        "GROUP BY p.id HAVING COUNT(n.id) != 1")
    if untold:
        problems.append(f"replies whose thread author was not told exactly once: {[row[0] for row in untold][:20]}")
    if site.backend == "sqlite":
        with site.engine.connect() as connection:
            integrity = connection.exec_driver_sql("PRAGMA integrity_check").scalar()
            if integrity != "ok":
                problems.append(f"SQLite integrity_check: {integrity}")
            try:  # the full-text index agrees with search_entry (raises SQLITE_CORRUPT_VTAB when it does not)
                connection.exec_driver_sql("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')")
            except Exception as error:  # noqa: BLE001 - the finding itself
                problems.append(f"search_fts integrity-check: {error}")
    return problems


class Tally:
    """What the simulated people saw, gathered from their threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.acknowledged, self.attempted, self.failures = {}, set(), []
        self.requests = 0
        self.statuses = {}

    def saw(self, method, path, status):
        with self.lock:
            self.requests += 1
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status >= 500 or status == 429:
                self.failures.append(f"{method} {path}: {status}")

    def failed(self, what):
        with self.lock:
            self.failures.append(what)
