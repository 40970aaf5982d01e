"""The feed settings page, and the iCal feeds calendar apps fetch at a secret address (or an open community's, at
a plain one), without a session. On the calendar blueprint of views.py."""
from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from .. import policy
from ..extensions import db, limiter
from ..urls import or_404
from . import feeds, ical
from .forms import DiscreetTitlesForm
from .views import bp, event_url, ics_response


def _feed_key():
    """Feed fetches are counted per token (hashed: no token is kept in the limiter's store), an open community's
    per community and address."""
    args = request.view_args or {}
    if args.get("token"):
        return "feed:" + feeds.hash_token(args["token"])[:32]
    return f"feed-open:{args.get('community_id')}:{get_remote_address()}"


_feed_limit = limiter.shared_limit(lambda: current_app.config["FEED_RATE_LIMIT"], scope="calendar-feeds",
                                   key_func=_feed_key)


# --- the feed settings -------------------------------------------------------------------------------------------

def _feed_page(token=None):
    """The settings page; with token (just made), the feed addresses, shown this once."""
    feed = feeds.feed_of(current_user)
    communities = [(community, feeds.is_open(community)) for community in feeds.feed_communities(current_user)]
    form = DiscreetTitlesForm(formdata=None, data={"discreet_titles": feed.discreet_titles if feed else False})
    response = make_response(render_template("events/feed.html", feed=feed, token=token, communities=communities,
                                             form=form))
    if token is not None:  # the only page that shows the secret: no copy kept anywhere
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/feed")
def feed_settings():
    policy.require("calendar.view")
    return _feed_page()


@bp.post("/feed/token")
def feed_token():
    """Create the secret token, or replace it: the old addresses stop working at once."""
    policy.require("calendar.view")
    _feed, token = feeds.new_token(current_user)
    db.session.commit()
    return _feed_page(token)


@bp.post("/feed/discreet")
def feed_discreet():
    policy.require("calendar.view")
    form = DiscreetTitlesForm()
    if form.validate_on_submit() and feeds.set_discreet_titles(current_user, form.discreet_titles.data):
        db.session.commit()
        flash(_("Discreet titles are on: your feeds call every event “Co-Lab event”.") if form.discreet_titles.data
              else _("Discreet titles are off: your feeds show each event's title and details."), "success")
    return redirect(url_for(".feed_settings"))


@bp.post("/feed/stop")
def feed_stop():
    policy.require("calendar.view")
    if feeds.stop_feed(current_user):
        db.session.commit()
        flash(_("Your feed addresses no longer work. Calendar apps subscribed to them get nothing more."), "info")
    return redirect(url_for(".feed_settings"))


# --- the feeds ----------------------------------------------------------------------------------------------------

def _token_feed(feed, events, name):
    if feeds.touch(feed):
        db.session.commit()
    with force_locale(feed.user.locale or "en"):
        title = "Co-Lab" if feed.discreet_titles else name()
        body = ical.calendar(events, title, event_url, discreet=feed.discreet_titles)
    return ics_response(body)


@bp.get("/feeds/<token>.ics")
@_feed_limit
def personal_feed(token):
    """Every event the token's person may see, from FEED_PAST ago on."""
    feed = or_404(feeds.feed_by_token(token))
    return _token_feed(feed, feeds.feed_events(feed.user), lambda: _("Co-Lab: my calendar"))


@bp.get("/feeds/<token>/communities/<int:community_id>.ics")
@_feed_limit
def member_community_feed(token, community_id):
    """A community's events, for a person who may view it (a members-only community's members)."""
    feed = or_404(feeds.feed_by_token(token))
    community = or_404(feeds.find_community(community_id))
    if not policy.can("community.view", community, user=feed.user):
        abort(404)
    return _token_feed(feed, feeds.feed_events(feed.user, community),
                       lambda: _("Co-Lab: %(community)s", community=community.name_in(str(get_locale()))))


@bp.get("/communities/<int:community_id>.ics")
@_feed_limit
def open_community_feed(community_id):
    """An open community's events, at an address anyone may subscribe to; a members-only one's is not here."""
    community = or_404(feeds.find_community(community_id))
    events = feeds.open_feed_events(community)
    if events is None:
        abort(404)
    name = _("Co-Lab: %(community)s", community=community.name_in(str(get_locale())))
    return ics_response(ical.calendar(events, name, event_url), private=False)
