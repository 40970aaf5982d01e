"""Command-line tools: content, translations, users, reference and demo data."""
import subprocess
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from .extensions import db

ROOT = Path(__file__).resolve().parent.parent
content_cli = AppGroup("content", help="Check and load course content from files.")
translate_cli = AppGroup("translate", help="Extract, update and compile translations (wraps pybabel).")
users_cli = AppGroup("users", help="Manage accounts.")
jobs_cli = AppGroup("jobs", help="Background work: run what is due (cron, when no Celery beat runs).")


def register(app):
    from .search.commands import search_cli
    for group in (content_cli, translate_cli, users_cli, search_cli, jobs_cli):
        app.cli.add_command(group)
    app.cli.add_command(setup)
    app.cli.add_command(demo)


def _content_dir(path):
    return Path(path or current_app.config["CONTENT_DIR"])


@content_cli.command("check")
@click.option("--dir", "path", help="Content folder (default: CONTENT_DIR).")
def content_check(path):
    """Validate every content file without writing anything."""
    from .courses.loader import read_content
    courses = _or_fail(lambda: read_content(_content_dir(path)))
    lessons = sum(len(c.lessons) for c in courses)
    surveys, guides = sum(len(c.surveys) for c in courses), sum(len(c.guides) for c in courses)
    click.echo(f"Content is valid: {len(courses)} courses, {lessons} lessons, {surveys} surveys, "
               f"{guides} facilitator guides.")


@content_cli.command("sync")
@click.option("--dir", "path", help="Content folder (default: CONTENT_DIR).")
def content_sync(path):
    """Validate every content file, then load them all; on any error change nothing."""
    from .courses.sync import cpu_count, sync_content
    report = _or_fail(lambda: sync_content(_content_dir(path), workers=cpu_count()))
    db.session.commit()
    click.echo(f"Content synced: {report}.")


def _or_fail(work):
    """Run work(); on a ContentError roll back, list every problem and exit 1."""
    from .courses.loader import ContentError
    try:
        return work()
    except ContentError as error:
        db.session.rollback()
        _fail(error)


def _fail(error):
    click.echo(f"Content has {len(error.problems)} problem(s); nothing was changed:", err=True)
    for problem in error.problems:
        click.echo(f"  {problem}", err=True)
    sys.exit(1)


# The translation functions `translate extract` looks for, as pybabel's -k specs (1c: the context argument). Babel's
# defaults are switched off so that this list is the whole truth; tests/test_i18n.py extracts with the same list.
EXTRACT_KEYWORDS = ("_", "gettext", "ngettext:1,2", "pgettext:1c,2", "npgettext:1c,2,3",
                    "_l", "lazy_gettext", "lazy_ngettext:1,2", "lazy_pgettext:1c,2", "lazy_npgettext:1c,2,3")


def _pybabel(*args):
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), *args], check=True, cwd=ROOT)


@translate_cli.command("extract")
def translate_extract():
    """Extract every translatable string into translations/messages.pot."""
    keywords = [option for keyword in EXTRACT_KEYWORDS for option in ("-k", keyword)]
    _pybabel("extract", "-F", "babel.cfg", "--no-default-keywords", *keywords, "--add-location=file",
             "--sort-by-file", "--omit-header", "-o", "translations/messages.pot", ".")


@translate_cli.command("update")
def translate_update():
    """Extract, then merge new strings into every catalog."""
    translate_extract.callback()
    _pybabel("update", "-i", "translations/messages.pot", "-d", "translations", "--no-fuzzy-matching")


@translate_cli.command("compile")
def translate_compile():
    """Compile the catalogs to .mo files the app reads."""
    _pybabel("compile", "-d", "translations", "--statistics")


@translate_cli.command("init")
@click.argument("language")
def translate_init(language):
    """Start a catalog for a new language."""
    _pybabel("init", "-i", "translations/messages.pot", "-d", "translations", "-l", language)


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--name", default="Admin", help="Display name.")
@click.password_option()
def create_admin(email, name, password):
    """Create an admin account (or make an existing account admin)."""
    from .accounts import service
    from .accounts.forms import password_problem
    user = service.find_by_email(email)
    if user is None:
        problem = password_problem(password, email)
        if problem:
            raise click.BadParameter(str(problem), param_hint="password")
        user = service.create_user(email, name, password, is_admin=True)
    user.is_admin = True
    db.session.commit()
    click.echo(f"{user.email} is an admin.")


@click.command("setup")
def setup():
    """Create the reference data every installation needs (the regions)."""
    from .accounts.service import ensure_regions
    added = ensure_regions()
    db.session.commit()
    click.echo(f"Reference data ready ({added} regions added).")


@click.command("demo")
def demo():
    """Load the demo accounts and their progress once; running it again changes nothing."""
    from .demo import load_demo
    created = load_demo()
    db.session.commit()
    click.echo("Demo data loaded." if created else "Demo data already present.")


@jobs_cli.command("tick")
@click.option("--limit", default=100, show_default=True, help="The most jobs to run in this tick.")
def jobs_tick(limit):
    """Turn due digests into jobs and run the jobs that are due (safe while other ticks or workers run)."""
    from . import jobs
    ran = jobs.tick(limit)
    click.echo(f"{ran} job(s) due.")


@jobs_cli.command("status")
def jobs_status():
    """How many jobs are pending, running, done and failed, and the last failures."""
    from . import jobs
    counts = db.session.execute(db.select(jobs.Job.status, db.func.count()).group_by(jobs.Job.status)).all()
    click.echo(", ".join(f"{status}: {number}" for status, number in counts) or "no jobs")
    failed = db.session.scalars(db.select(jobs.Job).filter_by(status=jobs.JobStatus.FAILED)
                                .order_by(jobs.Job.id.desc()).limit(5))
    for job in failed:
        click.echo(f"  failed job {job.id} ({job.task}): {job.last_error}")
