"""Real-browser fixtures: a live Co-Lab server on a free local port and Debian's Chromium driven by
Playwright (never a downloaded browser build): one browser per session, a new context per test."""
import os
import shutil
import threading
import uuid
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from colab.accounts import service as accounts
from colab.accounts.models import Region, User
from colab.communities import service as communities
from colab.communities.models import Membership, Thread
from colab.courses.sync import sync_content
from colab.extensions import db
from colab.models_base import utcnow

from .html_check import JAR, ServedPages

try:  # tests/ is a plain directory (pytest imports its conftest as "conftest") or, later, a package
    from tests.conftest import PASSWORD, SAMPLE_CONTENT, make_test_app, skip_or_fail
except ModuleNotFoundError:
    from conftest import PASSWORD, SAMPLE_CONTENT, make_test_app, skip_or_fail

REAL_CONTENT = Path(__file__).resolve().parents[2] / "content"
REAL_COURSES = ("power-patriarchy-feminism", "respectful-dialogues")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def closed_before_sending(wsgi_app):
    """Read a static file's whole body and close it before Werkzeug's test server writes it. When a browser drops
    the connection (it leaves the page while the icon loads), that server's clean-up can raise before it closes
    the body, and the open file surfaces later as a ResourceWarning in an unrelated test."""
    def app(environ, start_response):
        body = wsgi_app(environ, start_response)
        if not environ.get("PATH_INFO", "").startswith("/static/"):
            return body
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()
    return app


class LiveServer:
    """The app served over HTTP in a background thread; .url is its address, .app the Flask app."""

    password = PASSWORD

    def __init__(self, app):
        self.app = app
        # port 0: the OS picks a free one
        self.server = make_server("127.0.0.1", 0, closed_before_sending(app), threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, name="colab-live-server", daemon=True)

    def make_user(self, locale="en", **kwargs):
        """Create an account directly in the database; returns its email (the password is .password)."""
        email = f"browser-{uuid.uuid4().hex[:8]}@example.org"
        with self.app.app_context():
            name = kwargs.pop("display_name", None) or f"Browser tester {uuid.uuid4().hex[:6]}"  # names are unique
            accounts.create_user(email, name, PASSWORD, locale,
                                 kwargs.pop("timezone", "UTC"), None, False)
            db.session.commit()
        return email


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("live")
    content = root / "content"  # a copy: the course team's journey publishes into it
    shutil.copytree(SAMPLE_CONTENT, content)
    for course in REAL_COURSES:  # beside the sample course: the journeys through the real ones, in French
        shutil.copytree(REAL_CONTENT / course, content / course)
    # No SERVER_NAME: the browser reaches the app as 127.0.0.1:<port>.
    app = make_test_app("sqlite:///" + str(root / "colab.sqlite"), root / "instance", SERVER_NAME=None,
                        CONTENT_DIR=str(content), PUBLISH_RATE_LIMIT="1000 per minute")
    with app.app_context():
        db.create_all()
        accounts.ensure_regions()
        sync_content(content)
        db.session.commit()
    served = ServedPages()
    app.after_request(served.keep)  # registered last, so it runs first: before the body is compressed
    server = LiveServer(app)
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()
    server.thread.join(timeout=10)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    check_html(served)


def check_html(served):
    """The Nu Html Checker over every page served in this run: any error fails it (required under CI)."""
    if not JAR.exists() or not shutil.which("java"):
        if os.environ.get("CI") == "true":
            pytest.fail("The HTML of the pages was not checked: the Nu Html Checker is missing (make vnu)")
        return
    problems = served.problems()
    if problems:
        pytest.fail(f"The Nu Html Checker found {len(problems)} errors in {len(served.pages)} pages:\n"
                    + "\n".join(problems[:200]), pytrace=False)


class LiveKit:
    """Build communities, roles and posts directly in the live server's database (people named by email)."""

    def __init__(self, app):
        self.app = app

    def _user(self, email):
        return db.session.scalar(db.select(User).filter_by(email=email))

    def _region_id(self, slug):
        return db.session.scalar(db.select(Region.id).filter_by(slug=slug))

    def community(self, name, members_only=False, region=None):
        """An open (or members-only) community named name in English and Spanish; returns its slug."""
        slug = f"{name.lower().replace(' ', '-')}-{uuid.uuid4().hex[:6]}"
        with self.app.app_context():
            communities.create_community(slug, "thematic", {"en": name, "es": name}, {"en": name, "es": name},
                                         region_id=self._region_id(region) if region else None,
                                         members_only=members_only)
            db.session.commit()
        return slug

    def member(self, email, slug, role="member", accepted=True):
        """Put a person in a community; accepted: the community agreements are already accepted."""
        with self.app.app_context():
            db.session.add(Membership(user_id=self._user(email).id, community=communities.find_community(slug),
                                      role=role, agreements_accepted_at=utcnow() if accepted else None))
            db.session.commit()

    def focal_point(self, email, region):
        with self.app.app_context():
            communities.make_focal_point(self._user(email), self._region_id(region))
            db.session.commit()

    def post(self, email, thread_id, body):
        """Post in a thread as a member; returns the post id."""
        with self.app.app_context():
            post = communities.add_post(self._user(email), db.session.get(Thread, thread_id), body)
            db.session.commit()
            return post.id

    def agreements_accepted(self, email, slug):
        """Whether the person's acceptance of the community's agreements is recorded."""
        with self.app.app_context():
            member = db.session.scalar(db.select(Membership).filter_by(
                user_id=self._user(email).id, community_id=communities.find_community(slug).id))
            return member is not None and member.agreements_accepted_at is not None


@pytest.fixture
def live_kit(live_server):
    """Communities, memberships, focal points and posts created straight in the live server's database."""
    return LiveKit(live_server.app)


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole run."""
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"Browser tests skipped: {CHROMIUM} is missing (install Debian's 'chromium': make chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser, live_server):
    """new_context(**options): a fresh browser context (own cookies) on the live server; closed after the test."""
    contexts = []

    def factory(**options):
        options.setdefault("locale", "en-GB")
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield factory
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()
