"""Fixtures: an app per database backend, clients that send CSRF tokens, users and content."""
import os
import re
import uuid
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from colab import create_app
from colab.accounts import service as accounts
from colab.courses.sync import sync_content
from colab.extensions import db

TESTS = Path(__file__).parent
SAMPLE_CONTENT = TESTS / "fixtures" / "content"
PASSWORD = "a long test passphrase"
IN_CI = os.environ.get("CI") == "true"
PG_ADMIN_URL = os.environ.get("COLAB_TEST_DATABASE_URL")


def pytest_report_header(config):
    if PG_ADMIN_URL:
        return f"PostgreSQL leg: throwaway database on {make_url(PG_ADMIN_URL).render_as_string(hide_password=True)}"
    return "PostgreSQL leg: SKIPPED (set COLAB_TEST_DATABASE_URL=postgresql://user@host:5432/postgres to run it)"


def skip_or_fail(reason):
    """Skip a leg with a clear reason; under CI a missing leg fails the run instead."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: no leg may be skipped)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_url():
    """A throwaway PostgreSQL database for the whole run, dropped at the end."""
    if not PG_ADMIN_URL:
        yield None
        return
    name = f"colab_test_{uuid.uuid4().hex[:8]}"
    admin_url = make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg")
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001 - any connection failure means "no PostgreSQL here"
        yield error
        return
    yield admin_url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory):
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "colab.sqlite")


def make_test_app(database_url, instance_path, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test secret key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "CONTENT_DIR": str(SAMPLE_CONTENT),
        "SIGN_IN_RATE_LIMIT": "1000 per minute",
        **{name: "1000 per minute" for name in ("SIGN_UP_EMAIL_RATE_LIMIT", "EMAIL_CHANGE_RATE_LIMIT",
                                                 "PASSWORD_CHECK_RATE_LIMIT", "ACCOUNT_RATE_LIMIT")},
        "WRITE_RATE_LIMIT": "1000 per minute",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast for tests; production uses scrypt
        "SIGN_UP_RATE_LIMIT": "1000 per minute",
        **dict.fromkeys(("THREAD_RATE_LIMIT", "POST_RATE_LIMIT", "POST_EDIT_RATE_LIMIT", "INVITATION_SEND_RATE_LIMIT",
                         "INVITATION_ACCEPT_RATE_LIMIT", "RESOURCE_RATE_LIMIT", "EVENT_RATE_LIMIT",
                         "DIRECTORY_MESSAGE_RATE_LIMIT", "FEED_RATE_LIMIT", "SEARCH_RATE_LIMIT"), "1000 per minute"),
        "MAIL_SERVER": None,
        "SERVER_NAME": "colab.test",
        **overrides,
    }
    return create_app(config, instance_path=str(instance_path))


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    return request.param


@pytest.fixture
def app_config():
    """Extra settings for one test module: override this fixture."""
    return {}


@pytest.fixture
def app(backend, sqlite_url, postgres_url, tmp_path, app_config):
    if backend == "postgresql":
        if postgres_url is None:
            skip_or_fail("PostgreSQL leg skipped: COLAB_TEST_DATABASE_URL is not set")
        if isinstance(postgres_url, Exception):
            skip_or_fail(f"PostgreSQL leg skipped: cannot reach the server ({postgres_url.__class__.__name__})")
    url = sqlite_url if backend == "sqlite" else postgres_url
    application = make_test_app(url, tmp_path / "instance", **app_config)
    with application.app_context():
        db.create_all()
        accounts.ensure_regions()
        db.session.commit()
    yield application
    with application.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        db.engine.dispose()


class CSRFClient(FlaskClient):
    """A test client whose POSTs carry a valid CSRF token unless csrf=False."""

    def post(self, *args, csrf=True, **kwargs):
        if csrf:
            data = dict(kwargs.get("data") or {})
            data.setdefault("csrf_token", self.csrf_token())
            kwargs["data"] = data
        return super().post(*args, **kwargs)

    def csrf_token(self):
        page = self.get("/sign-in" if not self._signed_in() else "/account").get_data(as_text=True)
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        if found is None:  # the session was ended elsewhere (signed out, password changed)
            found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.get("/sign-in").get_data(as_text=True))
        return found.group(1)

    def _signed_in(self):
        with self.session_transaction() as session:
            return "_user_id" in session


@pytest.fixture
def client(app):
    app.test_client_class = CSRFClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Create an account directly: make_user(email=..., locale=..., is_admin=...)."""
    def factory(email=None, display_name=None, password=PASSWORD, locale="en", timezone="UTC",
                is_admin=False):
        with app.app_context():
            if display_name is None:  # display names are unique: "Tester", then "Tester 2", ...
                display_name, number = "Tester", 1
                while accounts.find_by_name_key(display_name):
                    number += 1
                    display_name = f"Tester {number}"
            user = accounts.create_user(email or f"user-{uuid.uuid4().hex[:8]}@example.org", display_name,
                                        password, locale, timezone, None, is_admin)
            db.session.commit()
            return user.id, user.email
    return factory


class Auth:
    """Sign in and out through the real forms."""

    def __init__(self, client, make_user):
        self.client, self.make_user = client, make_user

    def sign_in(self, email, password=PASSWORD):
        return self.client.post("/sign-in", data={"email": email, "password": password})

    def sign_out(self):
        return self.client.post("/sign-out")

    def as_new_user(self, **kwargs):
        """Create a user, sign them in, and return their (id, email)."""
        user_id, email = self.make_user(**kwargs)
        response = self.sign_in(email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user_id, email


@pytest.fixture
def auth(client, make_user):
    return Auth(client, make_user)


@pytest.fixture
def content(app):
    """The sample course under tests/fixtures/content, loaded."""
    with app.app_context():
        sync_content(SAMPLE_CONTENT)
        db.session.commit()
    return SAMPLE_CONTENT


@pytest.fixture
def community_kit(app):
    """Build communities and roles directly: kit.community(...), kit.member(...), kit.focal_point(...)."""
    from colab.accounts.models import Region
    from colab.communities import service as communities

    class Kit:
        def region_id(self, slug):
            with app.app_context():
                return db.session.scalar(db.select(Region.id).filter_by(slug=slug))

        def community(self, slug="circle", kind="thematic", members_only=False, region=None, premoderate=0):
            """Create a community (region: a region slug such as 'africa'); returns its slug."""
            with app.app_context():
                community = communities.create_community(
                    slug, kind, {"en": f"{slug} community", "es": f"comunidad {slug}"},
                    {"en": f"About {slug}", "es": f"Sobre {slug}"},
                    region_id=self.region_id(region) if region else None, members_only=members_only)
                community.premoderate_posts = premoderate
                db.session.commit()
                return slug

        def member(self, user_id, slug, role="member", accepted=True, pending=False):
            """Put a user in a community with a role; accepted: agreements already accepted."""
            from colab.accounts.models import User
            from colab.models_base import utcnow
            with app.app_context():
                community = communities.find_community(slug)
                membership = communities.Membership(user_id=user_id, community=community, role=role,
                                                    pending=pending,
                                                    agreements_accepted_at=utcnow() if accepted else None)
                db.session.add(membership)
                db.session.commit()
                assert db.session.get(User, user_id)
                return membership.id

        def focal_point(self, user_id, region):
            from colab.accounts.models import User
            with app.app_context():
                communities.make_focal_point(db.session.get(User, user_id), self.region_id(region))
                db.session.commit()

        def thread(self, user_id, slug, title="A thread", body="First post", dialogue=False, content_note=""):
            """Open a thread as user_id; returns the thread id."""
            from colab.accounts.models import User
            with app.app_context():
                thread = communities.create_thread(db.session.get(User, user_id), communities.find_community(slug),
                                                   title, body, framing="Framing text" if dialogue else "",
                                                   content_note=content_note, dialogue=dialogue)
                db.session.commit()
                return thread.id

    return Kit()
