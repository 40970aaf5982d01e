"""Pages of the search package: one search box across lessons, resources, events, the directory and conversations."""

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import get_locale, lazy_pgettext, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.routing import BuildError

from .. import policy
from ..extensions import limiter, minutes_until_reset, rate_limit_key
from ..urls import page_arg
from . import service
from .models import Kind

bp = Blueprint("search", __name__, url_prefix="/search")

# What each kind of result is called, alone and as a filter, in the order the filters are listed.
KIND_NAMES = {
    Kind.LESSON: (lazy_pgettext("search result", "Lesson"), lazy_pgettext("search results", "Lessons")),
    Kind.RESOURCE: (lazy_pgettext("search result", "Resource"), lazy_pgettext("search results", "Resources")),
    Kind.EVENT: (lazy_pgettext("search result", "Event"), lazy_pgettext("search results", "Events")),
    Kind.PROFILE: (lazy_pgettext("search result", "Person in the directory"),
                   lazy_pgettext("search results", "People")),
    Kind.ORGANISATION: (lazy_pgettext("search result", "Organisation"),
                        lazy_pgettext("search results", "Organisations")),
    Kind.THREAD: (lazy_pgettext("search result", "Thread"), lazy_pgettext("search results", "Threads")),
    Kind.POST: (lazy_pgettext("search result", "Post"), lazy_pgettext("search results", "Posts")),
}


def _no_query():
    """An empty box costs nothing: only searches count toward the limit."""
    return not request.args.get("q", "").strip()


@bp.errorhandler(429)
def too_many(error):
    """The limit page, saying when to search again."""
    minutes = minutes_until_reset()
    explanation = ngettext("You have searched many times in a short while. You can search again in %(num)s minute.",
                           "You have searched many times in a short while. You can search again in %(num)s minutes.",
                           minutes)
    return render_template("errors/error.html", title=_("Too many searches"), explanation=explanation,
                           code=429), 429


def _kind_arg():
    """The ?kind= filter: None when absent, a 404 when it names no kind."""
    value = request.args.get("kind", "")
    if not value:
        return None
    if value not in Kind.__members__.values():
        abort(404)
    return Kind(value)


def _link(hit):
    """Where a hit leads, or None when its page does not exist (yet)."""
    try:
        return url_for(hit.endpoint, **hit.values) if hit.endpoint else None
    except BuildError:
        return None


@bp.get("")
@limiter.limit(lambda: current_app.config["SEARCH_RATE_LIMIT"], methods=["GET"], key_func=rate_limit_key,
               exempt_when=_no_query)
def index():
    policy.require("search.use")
    query, kind, page = request.args.get("q", ""), _kind_arg(), page_arg()
    results = service.search(current_user, query.strip(), str(get_locale()), page, kind=kind)
    for hit in results.items:
        hit.url = _link(hit)
    return render_template("search/index.html", results=results, kind_names=KIND_NAMES)
