"""Backups as docs/deploy.md gives them: pg_dump of a migrated database with people, a post and its search entry,
pg_restore into an empty one, and everything comes back (search included). Needs PostgreSQL and its client tools;
skipped without them, required under CI."""
import shutil
import subprocess
import uuid

import pytest
from conftest import PG_ADMIN_URL, SAMPLE_CONTENT, make_test_app, skip_or_fail
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from colab.accounts import service as accounts
from colab.communities import service as communities
from colab.courses.sync import sync_content
from colab.extensions import db
from colab.search import service as search


@pytest.fixture
def databases():
    """Two throwaway databases (the original and the restore), dropped afterwards."""
    if not PG_ADMIN_URL:
        skip_or_fail("Backup test skipped: COLAB_TEST_DATABASE_URL is not set")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        skip_or_fail("Backup test skipped: pg_dump and pg_restore are not installed")
    admin = create_engine(make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    names = [f"colab_backup_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield [make_url(PG_ADMIN_URL).set(database=name) for name in names]
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def libpq(url):
    """The URL as pg_dump and pg_restore take it (no SQLAlchemy driver name)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def test_a_dump_restores_people_posts_and_the_search_index(databases, tmp_path):
    original, restored = databases
    app = make_test_app(original.set(drivername="postgresql+psycopg").render_as_string(hide_password=False),
                        tmp_path / "instance")
    with app.app_context():
        upgrade()
        accounts.ensure_regions()
        sync_content(SAMPLE_CONTENT)
        person = accounts.create_user("kept@example.org", "Kept Person", "a long passphrase here")
        community = communities.create_community("kept", "thematic", {"en": "Kept"}, {"en": "Kept"})
        db.session.flush()
        communities.accept_agreements(communities.join(person, community))
        communities.create_thread(person, community, "Backups matter", "A quokka survives the restore")
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    dump = tmp_path / "colab.dump"
    subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", libpq(original)], check=True)
    subprocess.run(["pg_restore", "--no-owner", f"--dbname={libpq(restored)}", str(dump)], check=True)
    back = make_test_app(restored.set(drivername="postgresql+psycopg").render_as_string(hide_password=False),
                         tmp_path / "instance2")
    with back.app_context():
        person = accounts.find_by_email("kept@example.org")
        assert person is not None and person.check_password("a long passphrase here")
        results = search.search(person, "quokka", "en")
        assert results.total == 1 and "restore" in str(results.items[0].snippet)
        db.session.remove()
        db.engine.dispose()
