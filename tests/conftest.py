"""Fixtures: an app per database backend on a database of its own, clients that send CSRF tokens, users and
content. The schema is built once per worker and backend; a test finds it holding the regions and nothing else."""
import os
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path

import factories
import pytest
from factories import PASSWORD
from flask.testing import FlaskClient
from flask_wtf.csrf import generate_csrf
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.routing import Rule

from colab import create_app
from colab.accounts import service as accounts
from colab.accounts.models import Region
from colab.courses.sync import sync_content
from colab.extensions import db

# --- every test builds its own app: its URL rules' builder functions are compiled once per worker -----------------

_BUILDERS = {}
_compile_builder = Rule._compile_builder


def _shared_builder(self, append_unknown=True):
    """Werkzeug compiles a function that builds each rule's URL (Python's ast) for every app: four fifths of a
    test's create_app. The function depends only on the rule's parsed parts, its defaults and append_unknown (the
    rule itself comes as an argument when it runs), so the same rule in the next test's app reuses it."""
    key = (tuple(self._trace), repr(sorted((self.defaults or {}).items())), append_unknown)
    if key not in _BUILDERS:
        _BUILDERS[key] = _compile_builder(self, append_unknown)
    return _BUILDERS[key]


Rule._compile_builder = _shared_builder


class SharedBytecode(BytecodeCache):
    """Compiled templates kept for the worker's whole run: each test's new app loads them (marshal, a millisecond)
    instead of compiling them again (a tenth of a second on a test's first pages). A bucket's key holds the
    template's name and a checksum of its source, so an edited template is compiled afresh."""

    def __init__(self):
        self.compiled = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = SharedBytecode()

TESTS = Path(__file__).parent
SAMPLE_CONTENT = TESTS / "fixtures" / "content"
IN_CI = os.environ.get("CI") == "true"
PG_ADMIN_URL = os.environ.get("COLAB_TEST_DATABASE_URL")
FIRST_USER_ID = 1001  # SQLite: people are numbered apart from other rows, so an id read from the wrong table fails


def pytest_collection_modifyitems(config, items):
    """The PostgreSQL leg runs where the database engine can change the outcome: full-text search, locking and
    SKIP LOCKED, migrations, query counts and bounded work, the visibility filters of communities, threads,
    moderation, reflections and the directory, sessions, accounts, personal data, content sync, the dashboards'
    aggregates, the fuzzer (PostgreSQL refuses the numbers and lengths SQLite stores), the load and kill tests.
    A module says otherwise with POSTGRESQL = False (its pages and forms send both engines the same plain ORM
    statements), or narrows it with POSTGRESQL_WHEN = {parameter: values} (a table of every route for every role:
    on PostgreSQL, the roles that reach the most routes and the refusals). CI's two cores could not afford both
    engines everywhere on a slow day (28 minutes against 20)."""
    kept, dropped = [], []
    for item in items:
        (dropped if _postgresql_adds_nothing(item) else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def _postgresql_adds_nothing(item):
    params = item.callspec.params if hasattr(item, "callspec") else {}
    if params.get("backend") != "postgresql":
        return False
    if getattr(item.module, "POSTGRESQL", True) is False:
        return True
    return any(name in params and params[name] not in values
               for name, values in getattr(item.module, "POSTGRESQL_WHEN", {}).items())


def pytest_report_header(config):
    if PG_ADMIN_URL:
        return f"PostgreSQL leg: throwaway database on {make_url(PG_ADMIN_URL).render_as_string(hide_password=True)}"
    return "PostgreSQL leg: SKIPPED (set COLAB_TEST_DATABASE_URL=postgresql://user@host:5432/postgres to run it)"


def skip_or_fail(reason):
    """Skip a leg with a clear reason; under CI a missing leg fails the run instead."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: no leg may be skipped)")
    pytest.skip(reason)


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
    application = create_app(config, instance_path=str(instance_path))
    application.jinja_env.bytecode_cache = TEMPLATES
    return application


def build_schema(application):
    """The tables (with the full-text index of the backend) and the regions, as `flask setup` leaves them."""
    with application.app_context():
        db.create_all()
        accounts.ensure_regions()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


# --- SQLite: a template file per worker, copied for each test ----------------------------------------------------

@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """The schema and the regions in a SQLite file, built once per worker; each test gets a copy of it."""
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "colab.sqlite"
    application = make_test_app(f"sqlite:///{path}", folder / "instance")
    build_schema(application)
    with application.app_context():
        with db.engine.begin() as connection:
            connection.exec_driver_sql(f"INSERT INTO sqlite_sequence (name, seq) VALUES ('user', {FIRST_USER_ID - 1})")
        with db.engine.connect() as connection:  # everything into the main file: a copy of it is the whole database
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.engine.dispose()
    assert not Path(f"{path}-wal").exists() or not Path(f"{path}-wal").stat().st_size
    return path


@pytest.fixture(scope="session")
def sqlite_content_template(sqlite_template, tmp_path_factory):
    """The template with the sample course loaded, for the tests that ask for `content`: a copy costs a few
    milliseconds, a sync a tenth of a second."""
    folder = tmp_path_factory.mktemp("sqlite-content-template")
    path = folder / "colab.sqlite"
    shutil.copyfile(sqlite_template, path)
    application = make_test_app(f"sqlite:///{path}", folder / "instance")
    with application.app_context():
        sync_content(SAMPLE_CONTENT)
        db.session.commit()
        db.session.remove()
        with db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.engine.dispose()
    return path


@pytest.fixture
def sqlite_url(request, sqlite_template, tmp_path):
    """A SQLite database of the test's own (a copy of the worker's template, a few milliseconds; with the sample
    course already loaded when the test asks for `content`), removed after it."""
    path = tmp_path / "colab.sqlite"
    template = request.getfixturevalue("sqlite_content_template") if "content" in request.fixturenames \
        else sqlite_template
    shutil.copyfile(template, path)
    yield f"sqlite:///{path}"
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
        (tmp_path / name).unlink(missing_ok=True)


# --- PostgreSQL: one database per worker, emptied after each test ------------------------------------------------

@contextmanager
def throwaway_postgres_database(prefix, fast_commits=False):
    """The URL of a new, empty PostgreSQL database, dropped afterwards. Skips (fails under CI) when
    COLAB_TEST_DATABASE_URL is not set or the server cannot be reached. fast_commits: commits need not reach the
    disk before a test goes on (nothing in it outlives the run)."""
    if not PG_ADMIN_URL:
        skip_or_fail("PostgreSQL leg skipped: COLAB_TEST_DATABASE_URL is not set")
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin_url = make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg")
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
            if fast_commits:
                connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    except Exception as error:  # noqa: BLE001 - any connection failure means "no PostgreSQL here"
        skip_or_fail(f"PostgreSQL leg skipped: cannot reach the server ({error.__class__.__name__})")
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory):
    """A throwaway PostgreSQL database for the worker's whole run, with the schema and the regions."""
    with throwaway_postgres_database("colab_test", fast_commits=True) as url:
        build_schema(make_test_app(url, tmp_path_factory.mktemp("postgres") / "instance"))
        yield url


def empty_postgres_database(connection, regions):
    """Delete every row a test left (first finding the tables that have any, in one query), keeping the regions as
    the schema was built with them (put back if a test changed them). A schema a test changed (the migration
    tests drop it) is built again."""
    tables = db.metadata.sorted_tables
    present = set(connection.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")))
    if present != {table.name for table in tables}:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
        db.metadata.create_all(connection)
        filled = set()
    else:
        filled = set(connection.scalars(text(" UNION ALL ".join(
            f"SELECT '{table.name}' FROM (SELECT FROM \"{table.name}\" LIMIT 1) AS t{number}"
            for number, table in enumerate(tables)))))
    if connection.execute(Region.__table__.select().order_by(Region.id)).all() == regions:
        filled.discard("region")
    else:
        filled.add("region")
    for table in reversed(tables):  # dependent rows first
        if table.name in filled:
            connection.execute(table.delete())
    if "region" in filled:
        connection.execute(Region.__table__.insert(), [row._asdict() for row in regions])


@pytest.fixture(scope="session")
def postgres_regions(postgres_url):
    """The region rows of the worker's PostgreSQL database as the schema was built."""
    engine = create_engine(postgres_url)
    with engine.connect() as connection:
        regions = connection.execute(Region.__table__.select().order_by(Region.id)).all()
    engine.dispose()
    return regions


# --- the app -----------------------------------------------------------------------------------------------------

@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    return request.param


@pytest.fixture
def app_config():
    """Extra settings for one test module: override this fixture."""
    return {}


@pytest.fixture
def app(request, backend, tmp_path, app_config):
    """The app on a database holding the schema and the regions only. The test commits as the app does, so servers
    and other processes see its rows; none is left for the next test (SQLite: the test's own copy of the template;
    PostgreSQL: the worker's database, emptied afterwards)."""
    if backend == "sqlite":
        url, regions = request.getfixturevalue("sqlite_url"), None
    else:
        url, regions = request.getfixturevalue("postgres_url"), request.getfixturevalue("postgres_regions")
    application = make_test_app(url, tmp_path / "instance", **app_config)
    yield application
    with application.app_context():
        db.session.remove()
        if regions is not None:
            with db.engine.begin() as connection:
                empty_postgres_database(connection, regions)
        db.engine.dispose()


class CSRFClient(FlaskClient):
    """A test client whose POSTs carry a valid CSRF token unless csrf=False. The token is made for the client's
    session as a page would render it, without fetching a page."""

    def post(self, *args, csrf=True, **kwargs):
        if csrf:
            data = dict(kwargs.get("data") or {})
            data.setdefault("csrf_token", self.csrf_token())
            kwargs["data"] = data
        return super().post(*args, **kwargs)

    def csrf_token(self):
        """The token a page would carry now: Flask-WTF's generate_csrf in a request context opened with this
        client's cookies, whose session (holding the token's secret half) goes back into the cookies, as
        FlaskClient.session_transaction does it."""
        app = self.application
        context = app.test_request_context()
        self._add_cookies_to_wsgi(context.request.environ)
        with context:
            token = generate_csrf()
            response = app.response_class()
            app.session_interface.save_session(app, context.session, response)
        self._update_cookies_from_response(context.request.host.partition(":")[0], context.request.path,
                                           response.headers.getlist("Set-Cookie"))
        return token


@pytest.fixture
def client(app):
    app.test_client_class = CSRFClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Create an account directly: make_user(email=..., display_name=..., locale=..., is_admin=...) -> (id, email)."""
    def make(email=None, display_name=None, password=PASSWORD, locale="en", timezone="UTC", is_admin=False):
        with app.app_context():
            user = factories.user(email, display_name, password, locale, timezone, is_admin=is_admin)
            db.session.commit()
            return user.id, user.email
    return make


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
def content(app, backend):
    """The sample course under tests/fixtures/content, loaded. On SQLite the test's database was copied with it,
    because the test names `content` among its fixtures (sqlite_url looks): ask for it that way, not later."""
    if backend != "sqlite":
        with app.app_context():
            sync_content(SAMPLE_CONTENT)
            db.session.commit()
    return SAMPLE_CONTENT


@pytest.fixture
def community_kit(app):
    """Build communities and roles directly: kit.community(...), kit.member(...), kit.focal_point(...)."""
    from colab.accounts.models import User
    from colab.communities import service as communities

    class Kit:
        def region_id(self, slug):
            with app.app_context():
                return factories.region_id(slug)

        def community(self, slug="circle", kind="thematic", members_only=False, region=None, premoderate=0):
            """Create a community (region: a region slug such as 'africa'); returns its slug."""
            with app.app_context():
                factories.community(slug, kind, region=region, members_only=members_only, premoderate=premoderate)
                db.session.commit()
                return slug

        def member(self, user_id, slug, role="member", accepted=True, pending=False):
            """Put a user in a community with a role; accepted: agreements already accepted."""
            with app.app_context():
                membership = factories.member(user_id, slug, role, accepted, pending)
                db.session.commit()
                return membership.id

        def focal_point(self, user_id, region):
            with app.app_context():
                factories.focal_point(user_id, region)
                db.session.commit()

        def thread(self, user_id, slug, title="A thread", body="First post", dialogue=False, content_note=""):
            """Open a thread as user_id; returns the thread id."""
            with app.app_context():
                thread = communities.create_thread(db.session.get(User, user_id), communities.find_community(slug),
                                                   title, body, framing="Framing text" if dialogue else "",
                                                   content_note=content_note, dialogue=dialogue)
                db.session.commit()
                return thread.id

    return Kit()
