"""The library's pages: the list with its filters, a resource and its download, suggesting, one's suggestions,
and the review queue with approve, decline, edit, retire and reinstate."""
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import policy
from ..extensions import csrf, db, limiter, rate_limit_key
from ..site import render_error
from ..urls import or_404, page_arg
from . import files, service
from .cards import STATUS_NAMES, card, cards, facets, size_label
from .forms import DeclineForm, EditForm, SuggestForm, edit_texts, fill_choices
from .models import ResourceStatus

bp = Blueprint("resources", __name__, url_prefix="/resources")

FORM_ALLOWANCE = 64 * 1024  # the suggestion's other fields and the multipart framing, beside the file
# Why the service refused what was typed, said beside the field it concerns.
PROBLEMS = {
    "link_or_file": _l("Give a link, or choose a file."),
    "not_both": _l("Give a link or a file, not both."),
    "link_needed": _l("Give the link of the resource."),
    "url": _l("Give a web address starting with https:// or http://."),
    "unknown": _l("Choose from the list."),
    "no_title": _l("Give a title in at least one language."),
    "slug": _l("Use lowercase letters, digits and hyphens (not “suggest”, “mine” or “review”)."),
    "slug_taken": _l("Another resource has this name already."),
}


def _locale():
    return str(get_locale())


def _max_upload():
    return current_app.config["RESOURCE_MAX_UPLOAD_BYTES"]


def refusal_message(refused):
    """What is wrong with an uploaded file, in words."""
    details = refused.details
    if refused.reason == "mismatch" and details.get("found"):
        return _("The file's name says it is %(expected)s, but its content is %(found)s. Rename it to what it is, "
                 "or choose another file.", expected=details["expected"], found=details["found"])
    messages = {
        "file_type": lambda: _("Files of this type cannot be added. Choose a PDF, an office document (Word, Excel, "
                               "PowerPoint, OpenDocument) or an image (PNG, JPEG, GIF, WebP), or give a link."),
        "empty": lambda: _("The file is empty."),
        "too_large": lambda: _("The file is larger than %(max)s. Choose a smaller file, or give a link to it "
                               "instead.", max=size_label(details["max"])),
        "mismatch": lambda: _("The file's name says it is %(expected)s, but its content is not. It may be damaged, "
                              "or another kind of file renamed. Choose another file.", expected=details["expected"]),
    }
    return messages[refused.reason]()


def _visible_or_404(slug):
    """The resource, if the reader may see it; else 404 (a suggestion or a retired one does not say it exists)."""
    resource = or_404(service.find(slug))
    if not policy.can("resource.view", resource):
        abort(404)
    return resource


def _decidable(slug, rule):
    """The resource for a reviewer's act: 404 when it cannot be seen, 401/403 when the act is not theirs, and
    back to its page with a note when its state changed meanwhile (another reviewer was quicker)."""
    resource = _visible_or_404(slug)
    refusal = policy.refusal(rule, resource)
    if refusal is not None and refusal.reason == "state":
        flash(_("Nothing was changed: this resource is now “%(status)s”.", status=STATUS_NAMES[resource.status]),
              "error")
        abort(redirect(url_for(".show", slug=resource.slug)))
    policy.require(rule, resource)
    return resource


def _card(resource):
    return card(resource, _locale(), current_app.config["RESOURCE_LOW_DATA_BYTES"])


# --- reading ----------------------------------------------------------------------------------------------------

@bp.get("/")
def index():
    """Published resources, newest first, filtered by topic, language, region and kind with plain links."""
    policy.require("resource.list")
    filters = or_404(service.filters_from(request.args))
    number = page_arg()
    page = service.published_page(filters, number, current_app.config["PER_PAGE"])
    if number > 1 and not page.items:
        abort(404)
    groups = facets(filters, service.facet_counts(filters), _locale(), service.regions())
    return render_template("resources/index.html", page=page, filters=filters, facets=groups,
                           resource_cards=cards(page.items, _locale(),
                                                current_app.config["RESOURCE_LOW_DATA_BYTES"]))


def _show_page(resource, decline_form=None, status=200):
    return render_template("resources/show.html", resource=resource, item=_card(resource),
                           decline_form=decline_form or DeclineForm(formdata=None)), status


@bp.get("/<slug>")
def show(slug):
    return _show_page(_visible_or_404(slug))


@bp.get("/<slug>/download")
def download(slug):
    """The file, as a download only: the type checked at upload, never sniffed, sandboxed if opened."""
    resource = _visible_or_404(slug)
    path = or_404(service.file_path(resource))
    format_ = files.BY_CONTENT_TYPE.get(resource.content_type)
    name = files.download_name(resource.file_name or resource.slug, format_) if format_ else resource.slug
    response = send_file(path, mimetype=format_.content_type if format_ else "application/octet-stream",
                         as_attachment=True, download_name=name, conditional=True, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "no-store" if getattr(current_user, "discreet", False) \
        else "private, no-cache"
    response.headers.pop("Expires", None)
    return response


# --- suggesting ---------------------------------------------------------------------------------------------------

def _suggest_counted(response):
    """What counts towards RESOURCE_RATE_LIMIT: a suggestion made, and any request that carried a file."""
    return current_user.is_authenticated and (
        response.status_code == 302 or (request.content_length or 0) > FORM_ALLOWANCE)


def _suggest_form(**kwargs):
    form = SuggestForm(**kwargs)
    if not form.is_submitted():
        form.region.data = current_user.region_id if form.region.data is None else form.region.data
        form.locale.data = form.locale.data or _locale()
    form.file.description = _("A PDF, an office document (Word, Excel, PowerPoint, OpenDocument) or an image (PNG, "
                              "JPEG, GIF, WebP), at most %(max)s.", max=size_label(_max_upload()))
    return fill_choices(form, _locale(), service.regions())


def _suggest_page(form, status=200, too_large=False):
    return render_template("resources/suggest.html", form=form, too_large=too_large,
                           max_size=size_label(_max_upload())), status


def _upload(storage):
    """The chosen file as a service.Upload (read up to one byte past the limit), or None when none was chosen."""
    if storage is None or not getattr(storage, "filename", ""):
        return None
    return service.Upload(storage.filename, storage.stream.read(_max_upload() + 1))


def _place(form, problems):
    for name, reason in problems.items():
        form[name].errors = [*form[name].errors, PROBLEMS[reason]]


@bp.route("/suggest", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESOURCE_RATE_LIMIT"], methods=["POST"], key_func=rate_limit_key,
               deduct_when=_suggest_counted)
@limiter.limit(lambda: current_app.config["WRITE_RATE_LIMIT"], methods=["POST"], key_func=rate_limit_key)
def suggest():
    """A link or a file, described; it waits for a focal point of its region (or an admin) to review it."""
    policy.require("resource.suggest")
    if request.method == "POST":
        # The one request here allowed to be large: the limit is set before the form is read, which is why this
        # view checks the CSRF token itself. Up to twice the file limit is read, so a file a little too large is
        # refused beside the field with everything typed kept; beyond that, the 413 page below.
        request.max_content_length = 2 * _max_upload() + FORM_ALLOWANCE
        csrf.protect()
    form = _suggest_form()
    if form.validate_on_submit():
        titles, summaries = form.texts()
        data = service.ResourceData(titles=titles, summaries=summaries, languages=form.languages.data,
                                    topics=form.topics.data, region_id=form.region.data, kind=form.kind.data,
                                    url=(form.url.data or "").strip())
        try:
            with service.suggested(current_user, data, _upload(form.file.data)):
                db.session.commit()
        except files.Refused as refused:
            form.file.errors = [refusal_message(refused)]
        except service.Invalid as invalid:
            _place(form, invalid.problems)
        else:
            flash(_("Thank you. Your suggestion is waiting for review; you will be told when it is decided."),
                  "success")
            return redirect(url_for(".mine"))
    return _suggest_page(form, 400 if form.is_submitted() else 200)


csrf.exempt(suggest)


@bp.errorhandler(413)
def too_large(error):
    """A suggestion far larger than a file may be: the form again, saying so; nothing was read or saved."""
    if request.endpoint != "resources.suggest" or not current_user.is_authenticated:
        return render_error(error)
    form = _suggest_form(formdata=None)
    form.file.errors = [refusal_message(files.Refused("too_large", max=_max_upload()))]
    return _suggest_page(form, 413, too_large=True)


@bp.get("/mine")
def mine():
    """The reader's suggestions and what became of them (with a reviewer's note when declined)."""
    policy.require("resource.suggest")
    number = page_arg()
    page = service.mine_page(current_user, number, current_app.config["PER_PAGE"])
    if number > 1 and not page.items:
        abort(404)
    return render_template("resources/mine.html", page=page, resource_cards=cards(
        page.items, _locale(), current_app.config["RESOURCE_LOW_DATA_BYTES"]))


# --- reviewing ----------------------------------------------------------------------------------------------------

@bp.get("/review")
def review():
    """Suggestions to decide (and the published, retired and declined resources) of the reviewer's regions."""
    policy.require("resource.review")
    status = request.args.get("status") or ResourceStatus.SUGGESTED.value
    if status not in {value.value for value in service.REVIEW_STATUSES}:
        abort(404)
    number = page_arg()
    page = service.review_page(current_user, ResourceStatus(status), number, current_app.config["PER_PAGE"])
    if number > 1 and not page.items:
        abort(404)
    return render_template("resources/review.html", page=page, status=ResourceStatus(status),
                           statuses=service.REVIEW_STATUSES, status_names=STATUS_NAMES,
                           counts=service.review_counts(current_user),
                           resource_cards=cards(page.items, _locale(), current_app.config["RESOURCE_LOW_DATA_BYTES"]))


def _mine_link():
    return url_for(".mine")


@bp.post("/<slug>/approve")
def approve(slug):
    resource = _decidable(slug, "resource.approve")
    service.approve(current_user, resource, _mine_link())
    db.session.commit()
    flash(_("Approved: it is in the library now."), "success")
    return redirect(url_for(".review") if request.form.get("back") == "review" else url_for(".show", slug=slug))


@bp.post("/<slug>/decline")
def decline(slug):
    resource = _decidable(slug, "resource.decline")
    form = DeclineForm()
    if not form.validate_on_submit():
        return _show_page(resource, form, 400)
    service.decline(current_user, resource, form.note.data, _mine_link())
    db.session.commit()
    flash(_("Declined. The person who suggested it can read your note."), "success")
    return redirect(url_for(".review"))


@bp.post("/<slug>/retire")
def retire(slug):
    resource = _decidable(slug, "resource.retire")
    service.retire(current_user, resource)
    db.session.commit()
    flash(_("Retired: it is no longer in the library or under lessons. You can reinstate it."), "success")
    return redirect(url_for(".show", slug=slug))


@bp.post("/<slug>/reinstate")
def reinstate(slug):
    resource = _decidable(slug, "resource.reinstate")
    service.reinstate(current_user, resource)
    db.session.commit()
    flash(_("Reinstated: it is in the library again."), "success")
    return redirect(url_for(".show", slug=slug))


def _edit_form(resource):
    if request.method == "POST":
        form = EditForm()
    else:
        data = {"slug": resource.slug, "url": resource.url, "languages": resource.language_codes,
                "topics": [str(value) for value in resource.topic_values], "region": resource.region_id,
                "kind": resource.kind.value}
        for code in (resource.title or {}):
            data[f"title_{code}"] = resource.title[code]
        for code in (resource.summary_source or {}):
            data[f"summary_{code}"] = resource.summary_source[code]
        form = EditForm(formdata=None, data=data)
    return fill_choices(form, _locale(), service.regions())


@bp.route("/<slug>/edit", methods=["GET", "POST"])
def edit(slug):
    """Every field of a suggestion or a published resource, with its title and summary in each language."""
    resource = _decidable(slug, "resource.edit")
    form = _edit_form(resource)
    if form.validate_on_submit():
        titles, summaries = edit_texts(form)
        data = service.ResourceData(titles=titles, summaries=summaries, languages=form.languages.data,
                                    topics=form.topics.data, region_id=form.region.data, kind=form.kind.data,
                                    url=(form.url.data or "").strip(), slug=form.slug.data.strip())
        try:
            service.update(current_user, resource, data)
        except service.Invalid as invalid:  # checked before anything was changed
            _place(form, {("title_" + _locale() if name == "title" else name): reason
                          for name, reason in invalid.problems.items()})
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for(".show", slug=resource.slug))
    return render_template("resources/edit.html", resource=resource, form=form, item=_card(resource)), \
        400 if form.is_submitted() else 200
