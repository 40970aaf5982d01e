"""The iCal feeds' side of the calendar: a person's secret token (only its hash is kept), discreet titles, the
events of a personal or community feed, and open communities' public feeds."""
import hashlib
import secrets
from datetime import timedelta

from flask_login import AnonymousUserMixin
from sqlalchemy import or_
from sqlalchemy.orm import joinedload

from .. import policy
from ..communities.models import Community
from ..extensions import db
from ..models_base import utcnow
from .listing import my_communities
from .models import CalendarFeed, Event, EventScope

FEED_PAST = timedelta(days=90)  # feeds keep events that ended up to this long ago
FEED_MAX_EVENTS = 500
FEED_TOUCH_EVERY = timedelta(minutes=5)  # last_used_at is written at most this often
TOKEN_MAX_LENGTH = 100


def hash_token(token):
    return hashlib.sha256((token or "").encode()).hexdigest()


def feed_of(user):
    return db.session.scalar(db.select(CalendarFeed).filter_by(user_id=user.id))


def new_token(user):
    """Give user a new secret feed token (their first, or in place of the old one, whose addresses stop working at
    once); returns (feed, token): the only time the token exists in clear."""
    policy.ensure("calendar.view", None, user)
    feed = feed_of(user)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, discreet_titles=bool(user.discreet))
        db.session.add(feed)
    token = secrets.token_urlsafe(32)
    feed.token_hash, feed.created_at, feed.last_used_at = hash_token(token), utcnow(), None
    db.session.flush()
    return feed, token


def set_discreet_titles(user, discreet):
    """Turn discreet titles on or off for user's feeds; False when they have no feed."""
    policy.ensure("calendar.view", None, user)
    feed = feed_of(user)
    if feed is None:
        return False
    feed.discreet_titles = bool(discreet)
    db.session.flush()
    return True


def stop_feed(user):
    """Forget user's token: every feed address of theirs stops working. False when they had none."""
    policy.ensure("calendar.view", None, user)
    feed = feed_of(user)
    if feed is None:
        return False
    db.session.delete(feed)
    db.session.flush()
    return True


def feed_by_token(token):
    """The feed a token opens, or None (unknown, reset, or its person suspended)."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    feed = db.session.scalar(db.select(CalendarFeed).filter_by(token_hash=hash_token(token))
                             .options(joinedload(CalendarFeed.user)))
    if feed is None or feed.user.suspended:
        return None
    return feed


def touch(feed, now=None):
    """Note that the feed was just fetched, at most once every FEED_TOUCH_EVERY; whether it changed."""
    now = now or utcnow()
    if feed.last_used_at is not None and now - feed.last_used_at < FEED_TOUCH_EVERY:
        return False
    feed.last_used_at = now
    db.session.flush()
    return True


def _feed_query(since):
    return db.select(Event).where(Event.ends_at >= since).order_by(Event.starts_at, Event.id)


def feed_events(user, community=None, now=None):
    """The events of user's personal feed (community: of that community's feed): what user may see, from
    FEED_PAST ago onward, at most FEED_MAX_EVENTS."""
    query = _feed_query((now or utcnow()) - FEED_PAST).where(policy.visible_events(user))
    if community is not None:
        query = query.where(Event.scope == EventScope.COMMUNITY, Event.community_id == community.id)
    return db.session.scalars(query.limit(FEED_MAX_EVENTS)).all()


def find_community(community_id):
    return db.session.get(Community, community_id)


def is_open(community):
    """Whether anyone may view the community, signed in or not: its feed then needs no token."""
    return policy.can("calendar.open_feed", community, user=AnonymousUserMixin())


def open_feed_events(community, now=None):
    """The events of an open community's public feed; None when the community is not open."""
    if not is_open(community):
        return None
    query = _feed_query((now or utcnow()) - FEED_PAST).where(Event.scope == EventScope.COMMUNITY,
                                                              Event.community_id == community.id)
    return db.session.scalars(query.limit(FEED_MAX_EVENTS)).all()


def feed_communities(user):
    """The communities whose feeds user is offered: those they belong to (not pending) and, for focal points and
    facilitators, those they moderate (admins, who moderate them all, are offered their own)."""
    mine = Community.id.in_(my_communities(user))
    if not user.is_admin:
        mine = or_(mine, policy.moderated_communities(user))
    return db.session.scalars(db.select(Community).where(mine).order_by(Community.slug)).all()
