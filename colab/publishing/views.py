"""Publishing content: upload a course or lesson, preview the changes, publish, restore."""
from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import policy
from ..extensions import csrf, db, limiter, rate_limit_key
from ..urls import or_404, page_arg
from . import changes, service
from .forms import PublishForm, UploadForm

bp = Blueprint("publishing", __name__, url_prefix="/publishing")

TOKEN = "/staged/<token>"
FORM_ALLOWANCE = 64 * 1024  # the upload's request: the file, plus the form's other fields and multipart framing


@bp.before_request
@login_required
def course_team_only():
    """Every page here is the course team's (and admins')."""
    policy.require("content.publish")


def _limited(view):
    return limiter.limit(lambda: current_app.config["PUBLISH_RATE_LIMIT"], methods=["POST"],
                         key_func=rate_limit_key)(view)


def _locale():
    return str(get_locale())


def _megabytes(size):
    return round(size / (1024 * 1024))


def refusal_message(refused):
    """What is wrong with a refused upload, in words; the page adds that nothing was changed."""
    details = refused.details
    messages = {
        "too_large": lambda: _("The file is larger than %(max)s MB.", max=_megabytes(details["max"])),
        "file_type": lambda: _("Upload a zip of the course folder (.zip) or one lesson file (.md)."),
        "language": lambda: _("Choose the language of the lesson file."),
        "no_course": lambda: _("Choose a course of the content folder."),
        "not_zip": lambda: _("The file cannot be read as a zip archive."),
        "empty": lambda: _("The zip holds no files."),
        "too_many_files": lambda: _("The zip holds more than %(max)s files.", max=details["max"]),
        "too_large_unpacked": lambda: _("Unpacked, the zip would be larger than %(max)s MB. It looks like a zip "
                                        "bomb.", max=_megabytes(details["max"])),
        "ratio": lambda: _("“%(path)s” is packed more than %(max)s times smaller than it unpacks. It looks like a "
                           "zip bomb.", path=details["path"], max=details["max"]),
        "escape": lambda: _("“%(path)s” points outside the course folder (an absolute path, “..” or a backslash).",
                            path=details["path"]),
        "link": lambda: _("“%(path)s” is a link or a special file; only ordinary files can be uploaded.",
                          path=details["path"]),
        "top_folder": lambda: _("The zip's top folder must be “%(slug)s”, the course's folder; this zip has "
                                "“%(found)s”.", slug=details["slug"], found=details["found"]),
        "bad_name": lambda: _("“%(path)s”: file and folder names may hold only letters, digits, dots, hyphens and "
                              "underscores.", path=details["path"]),
        "entry_type": lambda: _("“%(path)s” is neither a Markdown (.md) nor a YAML (.yml) file.",
                                path=details["path"]),
        "encrypted": lambda: _("“%(path)s” is encrypted; upload a zip without a password.", path=details["path"]),
        "duplicate": lambda: _("“%(path)s” is in the zip twice.", path=details["path"]),
        "unreadable": lambda: _("“%(path)s” cannot be unpacked: the zip is damaged or uses an unusual compression.",
                                path=details["path"]),
        "encoding": lambda: _("“%(path)s” is not UTF-8 text. Save it as UTF-8 in your editor and upload it again.",
                              path=details["path"]),
        "lesson_slug": lambda: _("The lesson's slug “%(slug)s” (from its front matter, else its file name) must be "
                                 "lowercase letters, digits and hyphens.", slug=details["slug"]),
        "not_listed": lambda: _("Lesson “%(slug)s” is not listed in the course's course.yml. To add a lesson, list "
                                "it in course.yml and upload the whole course as a zip.", slug=details["slug"]),
    }
    return messages[refused.reason]()


# --- the courses, their history and the upload form ---------------------------------------------------------

def _upload_form(**kwargs):
    choices = [(slug, course.title_in(_locale()) if course else slug)
               for slug, course in service.courses(service.course_slugs())]
    return UploadForm(choices, _megabytes(current_app.config["PUBLISH_MAX_UPLOAD_BYTES"]), **kwargs)


def _index(form=None, problems=(), syncing=False, status=200):
    """The page; problems: the loader's, in the course folder (or, syncing, in the whole content folder)."""
    slugs = service.course_slugs()
    history, counts = service.recent_history(slugs)
    return render_template("publishing/index.html", form=form or _upload_form(formdata=None), problems=problems,
                           syncing=syncing, courses=service.courses(slugs), history=history, counts=counts), status


@bp.get("/")
def index():
    return _index()


@bp.post("/upload")
@_limited
def upload():
    """Check an upload and keep it for its preview; on any problem, say what and keep nothing."""
    # The one request allowed to be large: MAX_CONTENT_LENGTH stays small for every other form. The limit is set
    # before the form is read, which is why this view checks the CSRF token itself (it is exempt below).
    request.max_content_length = current_app.config["PUBLISH_MAX_UPLOAD_BYTES"] + FORM_ALLOWANCE
    csrf.protect()
    form = _upload_form()
    problems = []
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.stream.read(current_app.config["PUBLISH_MAX_UPLOAD_BYTES"] + 1)
        try:
            _staged, token = service.stage(current_user, form.course.data, upload.filename or "", data,
                                           form.language.data or None)
        except service.Refused as refused:
            form.file.errors.append(refusal_message(refused))
        except service.Invalid as invalid:
            problems = invalid.problems
        else:
            db.session.commit()
            return redirect(url_for(".preview", token=token))
    return _index(form, problems, status=400)


csrf.exempt(upload)


@bp.errorhandler(413)
def too_large(error):
    """A request larger than even an upload may be: the page says so, and nothing was read or changed."""
    form = _upload_form(formdata=None)
    form.file.errors = [refusal_message(service.Refused("too_large",
                                                        max=current_app.config["PUBLISH_MAX_UPLOAD_BYTES"]))]
    return _index(form, status=413)


@bp.get("/courses/<slug>/history")
def history(slug):
    slug = or_404(service.find_course(slug))
    page = service.history_page(slug, page_arg(), current_app.config["PER_PAGE"])
    return render_template("publishing/history.html", slug=slug, course=dict(service.courses([slug]))[slug],
                           page=page)


def _zip(data, name):
    return Response(data, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@bp.get("/courses/<slug>/files.zip")
def download(slug):
    """The course folder as it is now, to edit and upload again."""
    slug = or_404(service.find_course(slug))
    return _zip(service.current_zip(slug), f"{slug}.zip")


@bp.get("/<int:publication_id>/<any(before, after):version>.zip")
def version_zip(publication_id, version):
    publication = or_404(service.find_publication(publication_id))
    data = publication.before_zip if version == "before" else publication.after_zip
    return _zip(data, f"{publication.course_slug}-{publication.id}-{version}.zip")


# --- the preview and publishing -----------------------------------------------------------------------------

def _preview_page(staged, token, form=None, problems=(), syncing=False, status=200):
    refused = None
    try:
        found, stale = service.preview(staged, _locale())
    except service.Invalid as invalid:  # the checks changed since the upload was staged
        found, stale, problems, syncing = None, False, invalid.problems, False
    except service.Refused as refusal:  # so did the limits
        found, stale, refused = None, False, refusal_message(refusal)
    return render_template("publishing/preview.html", staged=staged, token=token, preview=found, stale=stale,
                           problems=problems, syncing=syncing, refused=refused,
                           form=form or PublishForm(formdata=None),
                           kinds=changes.KIND_LABELS, parts=changes.PART_LABELS), status


@bp.get(TOKEN)
def preview(token):
    staged = or_404(service.find_staged(current_user, token))
    return _preview_page(staged, token)


@bp.post(TOKEN + "/publish")
@_limited
def publish(token):
    staged = or_404(service.find_staged(current_user, token))
    form = PublishForm()
    if not form.validate_on_submit():
        return _preview_page(staged, token, form, status=400)
    try:
        with service.publish(current_user, staged, form.note.data or "", _locale()) as publication:
            db.session.commit()
    except service.Stale:
        flash(_("The course's files changed since you uploaded yours, so the preview was out of date. Nothing was "
                "changed: upload your file again to see what it would change now."), "error")
        return redirect(url_for(".index"))
    except service.NothingChanged:
        flash(_("Nothing to publish: the files are the same as the course's."), "error")
        return redirect(url_for(".index"))
    except service.Refused as refused:
        flash(refusal_message(refused) + " " + _("Nothing was changed."), "error")
        return redirect(url_for(".index"))
    except service.Invalid as invalid:
        return _preview_page(staged, token, form, problems=invalid.problems, syncing=invalid.syncing, status=400)
    flash(_("Published. Learners see the new version now, and their progress is kept. The version before it "
            "can be restored from the history."), "success")
    return redirect(url_for(".index", _anchor=f"course-{publication.course_slug}"))


@bp.post(TOKEN + "/discard")
@_limited
def discard(token):
    staged = or_404(service.find_staged(current_user, token))
    service.discard(current_user, staged)
    db.session.commit()
    flash(_("The upload was discarded. Nothing was changed."), "success")
    return redirect(url_for(".index"))


@bp.post("/<int:publication_id>/restore")
@_limited
def restore(publication_id):
    """Put back the course's files as they were before this publication, in one step."""
    publication = or_404(service.find_publication(publication_id))
    slug = publication.course_slug
    try:
        with service.restore(current_user, publication, _locale()):
            db.session.commit()
    except service.NothingChanged:
        flash(_("That version is already the course's current one. Nothing was changed."), "error")
    except service.Refused as refused:
        flash(refusal_message(refused) + " " + _("Nothing was changed."), "error")
    except service.Invalid as invalid:
        return _index(problems=invalid.problems, syncing=invalid.syncing, status=400)
    else:
        flash(_("Restored: the course is back as it was before publication %(number)s. Learners' progress is "
                "kept.", number=publication.id), "success")
    return redirect(url_for(".index", _anchor=f"course-{slug}"))
