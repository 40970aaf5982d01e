"""Create, word, count and mark notifications. No requests here."""
from datetime import datetime

from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _

from ..i18n import pick

from ..extensions import db
from ..models_base import utcnow
from .models import Notification


def notify(user_id, kind, link="", **params):
    """Tell one person something; kinds are worded by describe()."""
    db.session.add(Notification(user_id=user_id, kind=kind, link=link, params=params))


def describe(notification):
    """The notification in the reader's language."""
    p = dict(notification.params)
    if isinstance(p.get("community"), dict):  # community names are stored in every language
        p["community"] = pick(p["community"], str(get_locale()))[1]
    if p.get("until"):
        p["until"] = format_datetime(datetime.fromisoformat(p["until"]), "short")
    wording = {
        "reply": lambda: _("%(name)s replied in “%(thread)s”.", name=p.get("name"), thread=p.get("thread")),
        "mention": lambda: _("%(name)s mentioned you in “%(thread)s”.", name=p.get("name"), thread=p.get("thread")),
        "post_hidden": lambda: _("A facilitator hid your post in “%(thread)s”. Reason: %(reason)s",
                                 thread=p.get("thread"), reason=p.get("reason")),
        "post_restored": lambda: _("Your post in “%(thread)s” is visible again.", thread=p.get("thread")),
        "post_approved": lambda: _("Your post in “%(thread)s” was approved and is now visible.",
                                   thread=p.get("thread")),
        "warned": lambda: _("A facilitator sent you a warning about your post in “%(thread)s”: %(reason)s",
                            thread=p.get("thread"), reason=p.get("reason")),
        "report_outcome": lambda: _("Your report about a post in “%(thread)s” was reviewed: %(outcome)s",
                                    thread=p.get("thread"), outcome=p.get("outcome")),
        "muted": lambda: _("You are muted in %(community)s until %(until)s. Reason: %(reason)s",
                           community=p.get("community"), until=p.get("until"), reason=p.get("reason")),
        "harassment_new": lambda: _("A new confidential harassment report needs attention."),
        "harassment_update": lambda: {
            "under-review": lambda: _("Your harassment report is now under review."),
            "closed": lambda: _("Your harassment report is closed. You can read the outcome."),
        }.get(p.get("status"), lambda: _("Your harassment report has been updated."))(),
        "harassment_info": lambda: _("The reporter added information to a harassment report."),
        "join_request": lambda: _("%(name)s asked to join %(community)s.", name=p.get("name"),
                                  community=p.get("community")),
        "join_approved": lambda: _("You are now a member of %(community)s.", community=p.get("community")),
    }
    return wording.get(notification.kind, lambda: notification.kind)()


def unread_count(user):
    return db.session.scalar(db.select(db.func.count()).select_from(Notification)
                             .where(Notification.user_id == user.id, Notification.read_at.is_(None)))


def page_for(user, page, per_page):
    query = db.select(Notification).filter_by(user_id=user.id).order_by(Notification.created_at.desc(),
                                                                         Notification.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def mark_all_read(user):
    db.session.execute(db.update(Notification).where(Notification.user_id == user.id,
                                                     Notification.read_at.is_(None)).values(read_at=utcnow()))
