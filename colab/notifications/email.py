"""Notifications by email: a digest of unread ones (daily, weekly or off; weekly by default) and, at once, the
alerts that cannot wait (a post to review, a new harassment report, the outcome of one's report).

A digest goes out at about 8:00 in the person's time zone, only if they have not been on Co-Lab since the
previous one, in their language, with a plain-text and an HTML part, a neutral subject and an unsubscribe link
that works without signing in. A notification is emailed at most once: it is marked before the mail leaves, and
unmarked if the mail could not be sent.
"""
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from .. import jobs, mail
from ..accounts.models import Digest, User, UserSession
from ..extensions import db
from ..models_base import utcnow
from .models import Notification
from .service import describe, destination

SEND_AT = time(8, 0)  # local time of a digest
DIGEST_ITEMS = 20  # notifications named in one digest; the rest are counted
BATCH = 500  # people scheduled per tick


PERIODS = {Digest.DAILY: timedelta(days=1), Digest.WEEKLY: timedelta(days=7)}


def _zone(name):
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def next_due(frequency, zone_name, after):
    """The first 8:00 local time after `after` (a Monday for weekly digests), in UTC; None when off."""
    if frequency not in PERIODS:
        return None
    zone = _zone(zone_name)
    day = after.astimezone(zone).date()
    while True:
        due = datetime.combine(day, SEND_AT, tzinfo=zone)  # the zone's own offset that day (summer time too)
        if due > after and (frequency == Digest.DAILY or day.weekday() == 0):
            return due.astimezone(timezone.utc)
        day += timedelta(days=1)


def reschedule(user, now=None):
    """After a change of frequency or time zone: the next digest at the new rhythm."""
    user.digest_due_at = next_due(user.digest, user.timezone, now or utcnow())


# --- the tick: due digests become jobs -------------------------------------------------------------------

def schedule_due_digests(now=None):
    """Give a first due time to those who have none, then turn due digests into jobs (one per person and period,
    keyed so a second tick cannot add it again) and move each person's due time on. Several tickers may run:
    rows another one holds are skipped (PostgreSQL)."""
    now = now or utcnow()
    unscheduled = db.session.scalars(db.select(User).where(User.digest != Digest.OFF, User.digest_due_at.is_(None))
                                     .limit(BATCH).with_for_update(skip_locked=True))
    for user in unscheduled:
        reschedule(user, now)
    due = db.session.scalars(db.select(User).where(User.digest != Digest.OFF, User.digest_due_at <= now)
                             .order_by(User.digest_due_at).limit(BATCH).with_for_update(skip_locked=True))
    for user in due:
        since = user.digest_due_at - PERIODS[Digest(user.digest)]
        jobs.enqueue("notifications.digest", {"user_id": user.id, "since": since.isoformat()},
                     key=f"digest:{user.id}:{user.digest_due_at.isoformat()}")
        reschedule(user, now)


def _last_seen(user):
    return db.session.scalar(db.select(db.func.max(UserSession.last_seen_at)).filter_by(user_id=user.id))


@jobs.task("notifications.digest")
def send_digest(user_id, since):
    """Mail the person's unread notifications not mailed before, unless they have been on Co-Lab since `since`."""
    user = db.session.get(User, user_id)
    if user is None or user.suspended or user.digest == Digest.OFF:
        return
    last_seen = _last_seen(user)
    if last_seen is not None and last_seen >= datetime.fromisoformat(since):
        return  # they were here: the notifications page told them
    waiting = (Notification.user_id == user.id, Notification.read_at.is_(None), Notification.emailed_at.is_(None))
    rows = db.session.scalars(db.select(Notification).where(*waiting)
                              .order_by(Notification.created_at.desc()).limit(DIGEST_ITEMS)).all()
    if not rows:
        return
    total = db.session.scalar(db.select(db.func.count()).select_from(Notification).where(*waiting))
    _send_marked(user, rows, "digest", more=total - len(rows), waiting=waiting)


@jobs.task("notifications.alert")
def send_alert(notification_id):
    """Mail one alert at once, if it is still unread and was not mailed."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.read_at is not None or notification.emailed_at is not None:
        return
    user = db.session.get(User, notification.user_id)
    if user is None or user.suspended:
        return
    _send_marked(user, [notification], "alert")


def _send_marked(user, rows, template, more=0, waiting=None):
    """Mark the notifications mailed and commit, then send; if sending fails, unmark them and raise (the job is
    tried again). A crash between the two loses a mail rather than sending it twice."""
    now = utcnow()
    ids = [row.id for row in rows]
    marked = db.update(Notification).where(*waiting) if waiting is not None else \
        db.update(Notification).where(Notification.id.in_(ids))
    db.session.execute(marked.values(emailed_at=now))
    db.session.commit()
    try:
        with force_locale(user.locale or "en"):
            subject, text, html = _compose(user, rows, template, more)
        mail.send(user.email, subject, text, html=html, headers=_unsubscribe_headers(user))
    except Exception:
        db.session.rollback()
        db.session.execute(db.update(Notification).where(Notification.user_id == user.id,
                                                         Notification.emailed_at == now).values(emailed_at=None))
        db.session.commit()
        raise


def _compose(user, rows, template, more):
    items = []
    for shown in describe(rows, user):
        target = destination(shown.notification, user) if shown.has_link else None
        if isinstance(target, tuple):
            endpoint, values = target
            target = url_for(endpoint, **values, _external=True)
        elif target:
            target = request.host_url.rstrip("/") + target  # a stored path; jobs run in a request for PUBLIC_URL
        items.append((shown.text, target))
    context = {"user": user, "items": items, "more": more, "frequency": user.digest,
               "notifications_url": url_for("notifications.index", _external=True),
               "settings_url": url_for("accounts.profile", _external=True),
               "unsubscribe_url": unsubscribe_url(user)}
    subject = _("Your Co-Lab summary") if template == "digest" else _("Something is waiting for you on Co-Lab")
    return (subject, render_template(f"notifications/mail/{template}.txt", **context),
            render_template(f"notifications/mail/{template}.html", **context))


# --- unsubscribing without signing in ---------------------------------------------------------------------

def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="colab-email-off")


def unsubscribe_url(user):
    return url_for("email_settings.stop", token=_serializer().dumps(user.id), _external=True)


def _unsubscribe_headers(user):
    return {"List-Unsubscribe": f"<{unsubscribe_url(user)}>"}


def person_for_unsubscribe(token):
    """The person an unsubscribe link was made for, or None for a link that was not made here."""
    try:
        user_id = _serializer().loads(token)
    except BadSignature:
        return None
    return db.session.get(User, user_id) if isinstance(user_id, int) else None


def stop_email(user):
    """Digests off (alerts to moderators and handlers still go: they are part of the role)."""
    user.digest, user.digest_due_at = Digest.OFF, None

