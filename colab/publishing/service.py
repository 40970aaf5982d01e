"""Publishing a course's files without a developer: check an upload exactly as `flask content check` does, stage
it, preview what it would change, publish it, restore an earlier version.

An upload is a zip of the course folder (it replaces the whole folder, so a lesson can be removed) or one lesson
file (.md): its slug comes from its front matter, else its file name; it goes to <language>/<module>/<slug>.md,
the module being the one course.yml lists it under, so a new lesson comes in a zip with its course.yml.

No requests here. Functions flush; `publish` and `restore` are context managers the view commits inside: the files
are swapped in, the database synced and the publication recorded, and if anything fails (the sync, the commit)
the old folder is put back and the session rolled back, so the files and the database always agree."""
import hashlib
import secrets
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path, PurePosixPath

import yaml
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.orm import defer, selectinload

from .. import policy
from ..admin import service as audit
from ..admin.models import AdminAct
from ..courses.loader import FRONT_MATTER, SLUG, ContentError, read_content
from ..courses.models import Course
from ..courses.sync import sync_content
from ..extensions import db
from ..i18n import LANGUAGES
from ..models_base import utcnow
from . import changes, files
from .models import Publication, PublicationKind, StagedUpload

Refused = files.Refused  # an upload refused as a whole: .reason, .details


@dataclass
class ProblemRow:
    """One problem the loader found: the file (inside the course folder, or the content folder for a sync),
    the line when known, and what is wrong."""
    path: str
    line: int | None
    message: str


class Invalid(Exception):
    """The loader found problems (in the upload, or in the content folder when syncing); nothing changed."""

    def __init__(self, problems, syncing=False):
        self.problems, self.syncing = problems, syncing
        super().__init__("\n".join(f"{p.path}:{p.line or ''}: {p.message}" for p in problems))


class Stale(Exception):
    """The course folder changed since the upload was checked: its preview no longer says what would change."""


class NothingChanged(Exception):
    """The files would stay exactly as they are."""


# --- where things are -----------------------------------------------------------------------------------------

def content_dir():
    return Path(current_app.config["CONTENT_DIR"])


def _lock_file():
    return Path(current_app.instance_path) / "publishing.lock"


def limits():
    config = current_app.config
    return files.Limits(config["PUBLISH_MAX_UPLOAD_BYTES"], config["PUBLISH_MAX_FILES"],
                        config["PUBLISH_MAX_UNPACKED_BYTES"], config["PUBLISH_MAX_RATIO"])


def course_slugs():
    """The courses of the content folder: the folders with a course.yml, named by a valid slug."""
    root = content_dir()
    if not root.is_dir():
        return []
    return sorted(folder.name for folder in root.iterdir()
                  if folder.is_dir() and SLUG.match(folder.name) and (folder / "course.yml").is_file())


def courses(slugs):
    """[(slug, Course or None)]: the database's row gives the title, when the course has been synced."""
    rows = {course.slug: course for course in db.session.scalars(select(Course).where(Course.slug.in_(slugs)))}
    return [(slug, rows.get(slug)) for slug in slugs]


def find_course(slug):
    """slug when it names a course of the content folder, else None (a URL is never joined to a path unchecked)."""
    return slug if isinstance(slug, str) and SLUG.match(slug) and slug in course_slugs() else None


def current_files(slug):
    return files.read_folder(content_dir() / slug)


def current_zip(slug):
    """The course folder as it is, zipped as an upload would be (to edit and upload again)."""
    return files.zip_files(slug, current_files(slug))


# --- checking -------------------------------------------------------------------------------------------------

def _relative(path, folder):
    try:
        relative = Path(path).relative_to(folder).as_posix()
    except ValueError:
        return Path(path).name
    return f"{folder.name}/" if relative == "." else relative


def check(slug, course_files):
    """The loader's spec of the course folder these files make, read from a temporary folder exactly as
    `flask content check` reads the content folder; Invalid lists every problem (paths inside the course folder)."""
    with tempfile.TemporaryDirectory(prefix="colab-check-") as root:
        folder = Path(root) / slug
        files.write_tree(folder, course_files)
        try:
            specs = read_content(root)
        except ContentError as error:
            raise Invalid([ProblemRow(_relative(p.path, folder), p.line, p.message) for p in error.problems]) \
                from None
    return next(spec for spec in specs if spec.slug == slug)


def _listed_module(course_files, lesson):
    """The module course.yml lists lesson under, or None."""
    try:
        data = yaml.safe_load(course_files.get("course.yml", b"").decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return None
    modules = data.get("modules") if isinstance(data, dict) else None
    for module in modules if isinstance(modules, list) else []:
        if isinstance(module, dict) and isinstance(module.get("lessons"), list) and lesson in module["lessons"] \
                and isinstance(module.get("slug"), str) and SLUG.match(module["slug"]):
            return module["slug"]
    return None


def _lesson_slug(filename, text):
    """A lesson file's slug: its front matter's, else its file name's."""
    match = FRONT_MATTER.match(text)
    if match:
        try:
            meta = yaml.safe_load(match.group(1) or "")
        except yaml.YAMLError:
            meta = None
        if isinstance(meta, dict) and meta.get("slug") is not None:
            return str(meta["slug"])
    return PurePosixPath(filename.replace("\\", "/")).stem


def candidate(slug, filename, data, locale=None):
    """The whole course folder an upload would make ({path inside it: bytes}); Refused when the upload is."""
    found = limits()
    if len(data) > found.upload_bytes:
        raise Refused("too_large", max=found.upload_bytes)
    name = (filename or "").lower()
    if name.endswith(".zip"):
        return files.read_zip(data, slug, found)
    if not name.endswith(".md"):
        raise Refused("file_type")
    if locale not in LANGUAGES:
        raise Refused("language")
    text = files.text_of(PurePosixPath(filename.replace("\\", "/")).name, data)
    lesson = _lesson_slug(filename, text.decode("utf-8"))
    if not SLUG.match(lesson):
        raise Refused("lesson_slug", slug=lesson)
    course_files = current_files(slug)
    module = _listed_module(course_files, lesson)
    if module is None:
        raise Refused("not_listed", slug=lesson)
    return {**course_files, f"{locale}/{module}/{lesson}.md": text}


# --- staging and the preview ----------------------------------------------------------------------------------

def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def _oldest_kept():
    return utcnow() - timedelta(seconds=current_app.config["PUBLISH_STAGED_MAX_AGE"])


def stage(user, slug, filename, data, locale=None):
    """Check an upload; when it passes, keep the course folder it would make and return (StagedUpload, token)
    for its preview. Refused or Invalid otherwise, with nothing stored."""
    policy.ensure("content.publish", None, user)
    if find_course(slug) is None:
        raise Refused("no_course")
    before = current_files(slug)
    after = candidate(slug, filename, data, locale)
    check(slug, after)
    db.session.execute(delete(StagedUpload).where(StagedUpload.created_at < _oldest_kept()))
    token = secrets.token_urlsafe(32)
    staged = StagedUpload(token_hash=_hash(token), course_slug=slug, uploaded_by_id=user.id,
                          filename=PurePosixPath((filename or "").replace("\\", "/")).name[:200],
                          base_digest=files.digest(before), candidate_zip=files.zip_files(slug, after))
    db.session.add(staged)
    db.session.flush()
    return staged, token


def find_staged(user, token):
    """The person's own staged upload with this token, if it has not expired."""
    if not isinstance(token, str) or not 20 <= len(token) <= 64:
        return None
    return db.session.scalar(select(StagedUpload).where(
        StagedUpload.token_hash == _hash(token), StagedUpload.uploaded_by_id == user.id,
        StagedUpload.created_at >= _oldest_kept()))


def discard(user, staged):
    policy.ensure("content.publish", None, user)
    db.session.delete(staged)
    db.session.flush()


def preview(staged, locale="en"):
    """(Preview of what publishing the staged upload would change now, whether the course folder changed since
    the upload was checked)."""
    before = current_files(staged.course_slug)
    after = files.read_zip(staged.candidate_zip, staged.course_slug, limits())
    spec = check(staged.course_slug, after)
    stale = files.digest(before) != staged.base_digest
    return changes.compare(staged.course_slug, spec, before, after, locale), stale


def describe(found, note=""):
    """The history's summary of a change: the note, then the lessons by kind of change, then the files."""
    lines = [note.strip()] if note and note.strip() else []
    for kind, slugs in found.counts().items():
        lines.append(f"{changes.KIND_LABELS[kind]}: {', '.join(slugs)}")
    for change in found.course:
        if change.module is None:
            what = _("course: %(title)s", title=change.title)
        else:
            what = _("module %(slug)s", slug=change.module)
        lines.append(f"{changes.KIND_LABELS[change.kind]}: {what}" + (f" ({change.locale})" if change.locale else ""))
    counts = {kind: len(paths) for kind, paths in found.files.items()}
    lines.append(_("Files: %(added)s added, %(changed)s changed, %(removed)s removed.", **counts))
    return "\n".join(lines)


# --- publishing and restoring ---------------------------------------------------------------------------------

def _sync_problems(error):
    root = content_dir()
    rows = []
    for problem in error.problems:
        try:
            path = Path(problem.path).relative_to(root).as_posix()
        except ValueError:
            path = Path(problem.path).name
        rows.append(ProblemRow(path, problem.line, problem.message))
    return rows


@contextmanager
def _applied(user, slug, before, after, kind, summary, act, restores=None):
    """Swap after in for the course folder, sync the database, record the publication and the audit row, then
    let the caller commit inside the block. On any exception, the old folder goes back and the session rolls back."""
    try:
        with files.swapped_in(content_dir(), slug, after):
            try:
                sync_content(content_dir())
            except ContentError as error:
                raise Invalid(_sync_problems(error), syncing=True) from None
            publication = Publication(course_slug=slug, kind=kind, published_by_id=user.id, summary=summary,
                                      before_zip=files.zip_files(slug, before), after_zip=files.zip_files(slug, after),
                                      restores_id=restores.id if restores else None)
            db.session.add(publication)
            db.session.flush()
            audit.log(user, act, reason=summary)
            yield publication
    except BaseException:
        db.session.rollback()
        raise


@contextmanager
def publish(user, staged, note="", locale="en"):
    """Publish a staged upload: `with publish(...) as publication: db.session.commit()`. Stale when the course
    folder changed since the upload was checked; NothingChanged; Invalid when the sync finds a problem."""
    policy.ensure("content.publish", None, user)
    with files.locked(_lock_file()):
        files.recover(content_dir())
        slug = staged.course_slug
        before = current_files(slug)
        if files.digest(before) != staged.base_digest:
            raise Stale()
        after = files.read_zip(staged.candidate_zip, slug, limits())
        found = changes.compare(slug, check(slug, after), before, after, locale)
        if found.empty:
            raise NothingChanged()
        db.session.delete(staged)
        with _applied(user, slug, before, after, PublicationKind.PUBLISH, describe(found, note),
                      AdminAct.PUBLISH_CONTENT) as publication:
            yield publication


@contextmanager
def restore(user, publication, locale="en"):
    """Put back the course folder as it was before publication, in one step and the same way as publishing:
    `with restore(...) as restoration: db.session.commit()`. Learners' progress stays (sync never deletes it)."""
    policy.ensure("content.publish", None, user)
    with files.locked(_lock_file()):
        files.recover(content_dir())
        slug = publication.course_slug
        before = current_files(slug)
        after = files.read_zip(publication.before_zip, slug, limits())
        if files.digest(after) == files.digest(before):
            raise NothingChanged()
        found = changes.compare(slug, check(slug, after), before, after, locale)
        summary = describe(found, _("Restored the version from before publication %(number)s.",
                                    number=publication.id))
        with _applied(user, slug, before, after, PublicationKind.RESTORE, summary, AdminAct.RESTORE_CONTENT,
                      restores=publication) as restoration:
            yield restoration


# --- the history ----------------------------------------------------------------------------------------------

def _without_zips(query):
    return query.options(defer(Publication.before_zip), defer(Publication.after_zip),
                         selectinload(Publication.published_by))


def recent_history(slugs, per_course=5):
    """({slug: [its latest publications, newest first]}, {slug: how many it has}) in two queries."""
    if not slugs:
        return {}, {}
    rank = func.row_number().over(partition_by=Publication.course_slug,
                                  order_by=(Publication.created_at.desc(), Publication.id.desc())).label("rank")
    ranked = select(Publication.id, rank).where(Publication.course_slug.in_(slugs)).subquery()
    query = _without_zips(select(Publication).join(ranked, ranked.c.id == Publication.id)
                          .where(ranked.c.rank <= per_course)
                          .order_by(Publication.created_at.desc(), Publication.id.desc()))
    history = {}
    for publication in db.session.scalars(query):
        history.setdefault(publication.course_slug, []).append(publication)
    counts = dict(db.session.execute(select(Publication.course_slug, func.count(Publication.id))
                                     .where(Publication.course_slug.in_(slugs))
                                     .group_by(Publication.course_slug)).all())
    return history, counts


def history_page(slug, page, per_page):
    query = _without_zips(select(Publication).filter_by(course_slug=slug)
                          .order_by(Publication.created_at.desc(), Publication.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def find_publication(publication_id):
    return db.session.get(Publication, publication_id)
