"""Create, word, count and mark notifications. No requests here.

A notification stores its kind and the ids it is about (never words, never text a person wrote). It is worded
when read, in the reader's language; when the reader may no longer see what it is about, or reads in discreet
mode, it names no thread, community or person."""
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from .. import jobs, policy
from ..accounts.models import User
from ..communities.models import Community, Post, Thread
from ..courses.models import Lesson
from ..dates import datetime_filter
from ..extensions import db
from ..models_base import utcnow
from ..moderation.models import ModerationAction
from .models import Notification

REVIEW_KINDS = ("post_held", "post_reported")  # alerts to moderators, cleared once the post is reviewed
# Mailed at once, not in the digest: they may need the person soon (colab/notifications/email.py sends them).
ALERT_KINDS = (*REVIEW_KINDS, "harassment_new", "harassment_update", "report_outcome")


@dataclass(frozen=True)
class Kind:
    """How one kind of notification is checked, worded and linked.

    subject: "thread", "post" or "community" (what rule is asked about), or None for kinds with no subject;
    worded(w) names things, plain(w) names no thread, community or person; page: where its link leads."""

    subject: str | None
    rule: str | None
    worded: Callable
    plain: Callable
    page: str | None = None
    needs_action: bool = False  # worded only with the moderator's reason at hand


OUTCOMES = {
    "hidden": lambda: _("the post was hidden"),
    "dismissed": lambda: _("no action was needed"),
    "warned": lambda: _("the author was warned"),
}

_review = lambda w: _("A post in one of your communities needs review.")  # noqa: E731

KINDS = {
    "reply": Kind("thread", "thread.view", lambda w: _("%(name)s replied in “%(thread)s”.", name=w.actor,
                                                       thread=w.thread),
                  lambda w: _("You have a new reply."), "post"),
    "mention": Kind("thread", "thread.view", lambda w: _("%(name)s mentioned you in “%(thread)s”.", name=w.actor,
                                                         thread=w.thread),
                    lambda w: _("Someone mentioned you in a post."), "post"),
    "post_hidden": Kind("thread", "thread.view",
                        lambda w: _("A facilitator hid your post in “%(thread)s”. Reason: %(reason)s",
                                    thread=w.thread, reason=w.reason),
                        lambda w: _("A facilitator hid one of your posts."), "post", needs_action=True),
    "post_restored": Kind("thread", "thread.view",
                          lambda w: _("Your post in “%(thread)s” is visible again.", thread=w.thread),
                          lambda w: _("One of your posts is visible again."), "post"),
    "post_approved": Kind("thread", "thread.view",
                          lambda w: _("Your post in “%(thread)s” was approved and is now visible.", thread=w.thread),
                          lambda w: _("One of your posts was approved and is now visible."), "post"),
    "warned": Kind("thread", "thread.view",
                   lambda w: _("A facilitator sent you a warning about your post in “%(thread)s”: %(reason)s",
                               thread=w.thread, reason=w.reason),
                   lambda w: _("A facilitator sent you a warning about one of your posts."), "post",
                   needs_action=True),
    "report_outcome": Kind("thread", "thread.view",
                           lambda w: _("Your report about a post in “%(thread)s” was reviewed: %(outcome)s",
                                       thread=w.thread, outcome=w.outcome),
                           lambda w: _("A report you made was reviewed: %(outcome)s", outcome=w.outcome), "post"),
    "muted": Kind("community", "community.view",
                  lambda w: _("You are muted in %(community)s until %(until)s. Reason: %(reason)s",
                              community=w.community, until=w.until, reason=w.reason),
                  lambda w: _("You are muted in one of your communities until %(until)s.", until=w.until),
                  "community", needs_action=True),
    "join_request": Kind("community", "community.moderate",
                         lambda w: _("%(name)s asked to join %(community)s.", name=w.actor, community=w.community),
                         lambda w: _("Someone asked to join one of your communities."), "members"),
    "join_approved": Kind("community", "community.view",
                          lambda w: _("You are now a member of %(community)s.", community=w.community),
                          lambda w: _("There is an update in one of your communities."), "community"),
    "post_held": Kind("post", "post.review",
                      lambda w: _("A post in “%(thread)s” is waiting for approval.", thread=w.thread), _review,
                      "queue"),
    "post_reported": Kind("post", "post.review", lambda w: _("A post in “%(thread)s” was reported.", thread=w.thread),
                          _review, "queue"),
    # Confidential harassment reports: worded without any detail, linked by the stored link.
    "harassment_new": Kind(None, None, lambda w: _("A new confidential harassment report needs attention."),
                           lambda w: _("A new confidential harassment report needs attention.")),
    "harassment_update": Kind(None, None, lambda w: _harassment_update(w.params.get("status")),
                              lambda w: _harassment_update(w.params.get("status"))),
    "harassment_info": Kind(None, None, lambda w: _("The reporter added information to a harassment report."),
                            lambda w: _("The reporter added information to a harassment report.")),
    # A learner's unsafe flag on a lesson, to the course team and admins: names the course and lesson (params:
    # lesson id), never the learner nor what they wrote; linked by the stored link to the course team's report.
    "lesson_unsafe": Kind(None, None, lambda w: _lesson_unsafe(w.params.get("lesson")),
                          lambda w: _("A learner flagged something in a lesson as unsafe or hurtful.")),
}


def _lesson_unsafe(lesson_id):
    """The flag's words: the lesson and its course in the reader's language (the session keeps what it loads)."""
    lesson = db.session.get(Lesson, lesson_id) if isinstance(lesson_id, int) else None
    if lesson is None:
        return _("A learner flagged something in a lesson as unsafe or hurtful.")
    locale = str(get_locale())
    return _("A learner flagged something in “%(lesson)s” (%(course)s) as unsafe or hurtful. Read it in the "
             "course team's report.", lesson=lesson.text_in(locale).title, course=lesson.course.title_in(locale))


def _harassment_update(status):
    return {
        "under-review": lambda: _("Your harassment report is now under review."),
        "closed": lambda: _("Your harassment report is closed. You can read the outcome."),
    }.get(status, lambda: _("Your harassment report has been updated."))()


def notify(user_id, kind, link="", *, community=None, thread=None, post=None, actor=None, action=None, **params):
    """Tell one person something, if they may still see what it is about (checked now, and again when read).
    params hold plain values only (a status, a timestamp), never words."""
    if post is not None:
        thread = post.thread
    if thread is not None:
        community = thread.community
    spec = KINDS[kind]
    if spec.rule is not None:
        reader = db.session.get(User, user_id)
        subject = {"thread": thread, "post": post, "community": community}[spec.subject]
        if reader is None or subject is None or not policy.can(spec.rule, subject, user=reader):
            return None
    notification = Notification(user_id=user_id, kind=kind, link=link, params=params,
                                community_id=community.id if community else None,
                                thread_id=thread.id if thread else None, post_id=post.id if post else None,
                                actor_id=actor.id if actor else None, action_id=action.id if action else None)
    db.session.add(notification)
    if kind in ALERT_KINDS:
        db.session.flush()
        jobs.enqueue("notifications.alert", {"notification_id": notification.id})
    return notification


def told_about(post, kinds):
    """The ids of the people who have a notification of one of these kinds about the post."""
    return set(db.session.scalars(db.select(Notification.user_id).where(Notification.post_id == post.id,
                                                                        Notification.kind.in_(kinds))))


def clear_review_alerts(post):
    """A moderator reviewed the post: the alerts sent to every moderator about it have served."""
    db.session.execute(db.delete(Notification).where(Notification.post_id == post.id,
                                                     Notification.kind.in_(REVIEW_KINDS)))


# --- reading ----------------------------------------------------------------------------------------------

@dataclass
class Shown:
    """A notification as its reader sees it: the words, and whether it leads somewhere."""

    notification: Notification
    text: str
    has_link: bool


class _Words:
    """What one notification may name, for the wording functions."""

    def __init__(self, notification, found):
        actor = found.actors.get(notification.actor_id)
        thread = found.threads.get(notification.thread_id)
        community = found.communities.get(notification.community_id)
        action = found.actions.get(notification.action_id)
        self.params = notification.params or {}
        self.actor = actor.display_name if actor else _("a former member")
        self.thread = thread.title if thread else ""
        self.community = community.name_in(str(get_locale())) if community else ""
        self.reason = action.reason if action else ""
        self.outcome = OUTCOMES.get(self.params.get("outcome"), lambda: "")()
        until = self.params.get("until")
        self.until = datetime_filter(datetime.fromisoformat(until)) if until else ""


@dataclass
class _Found:
    threads: dict
    posts: dict
    communities: dict
    actors: dict
    actions: dict


def _by_id(model, ids, *options):
    ids = {id_ for id_ in ids if id_ is not None}
    if not ids:
        return {}
    return {row.id: row for row in db.session.scalars(db.select(model).where(model.id.in_(ids)).options(*options))}


def _load(notifications):
    """Everything the notifications are about, in at most five queries however many there are."""
    threads = _by_id(Thread, (n.thread_id for n in notifications), joinedload(Thread.community))
    communities = {thread.community_id: thread.community for thread in threads.values()}
    communities |= _by_id(Community, {n.community_id for n in notifications} - communities.keys())
    return _Found(threads=threads, posts=_by_id(Post, (n.post_id for n in notifications)), communities=communities,
                  actors=_by_id(User, (n.actor_id for n in notifications)),
                  actions=_by_id(ModerationAction, (n.action_id for n in notifications)))


def _subject(notification, spec, found):
    if spec.subject == "thread":
        return found.threads.get(notification.thread_id)
    if spec.subject == "post":
        return found.posts.get(notification.post_id)
    return found.communities.get(notification.community_id)


def _may_see(notification, spec, found, reader):
    """Whether the reader may still see what the notification is about."""
    if spec.rule is None:
        return True
    subject = _subject(notification, spec, found)
    return subject is not None and policy.can(spec.rule, subject, user=reader)


def describe(notifications, reader):
    """[Shown] for a page of the reader's notifications, in their language, in a fixed number of queries."""
    found = _load(notifications)
    discreet = getattr(reader, "discreet", False)
    shown = []
    for notification in notifications:
        spec = KINDS.get(notification.kind)
        if spec is None:
            continue
        words = _Words(notification, found)
        may_see = _may_see(notification, spec, found, reader)
        complete = not spec.needs_action or notification.action_id in found.actions
        text = spec.worded(words) if may_see and complete and not discreet else spec.plain(words)
        has_link = may_see and (spec.page is not None or bool(notification.link))
        shown.append(Shown(notification, text, has_link))
    return shown


def destination(notification, reader):
    """Where the notification leads: (endpoint, values), a stored path, or None when the reader may no longer
    see what it is about."""
    spec = KINDS.get(notification.kind)
    if spec is None:
        return None
    found = _load([notification])
    if not _may_see(notification, spec, found, reader):
        return None
    if spec.page is None:
        return notification.link or None
    community = found.communities.get(notification.community_id)
    post_id, thread_id = notification.post_id, notification.thread_id
    pages = {
        "post": lambda: ("communities.thread", {"slug": community.slug, "thread_id": thread_id, "post": post_id}),
        "community": lambda: ("communities.show", {"slug": community.slug}),
        "members": lambda: ("moderation.members", {"slug": community.slug}),
        "queue": lambda: ("moderation.queue", {"slug": community.slug, "_anchor": f"post-{post_id}"}),
    }
    return pages[spec.page]()


def find(user, notification_id):
    return db.session.scalar(db.select(Notification).filter_by(id=notification_id, user_id=user.id))


def unread_count(user):
    return db.session.scalar(db.select(db.func.count()).select_from(Notification)
                             .where(Notification.user_id == user.id, Notification.read_at.is_(None)))


def page_for(user, page, per_page):
    query = db.select(Notification).filter_by(user_id=user.id).order_by(Notification.created_at.desc(),
                                                                         Notification.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def mark_read(notification):
    if notification.read_at is None:
        notification.read_at = utcnow()


def mark_all_read(user):
    db.session.execute(db.update(Notification).where(Notification.user_id == user.id,
                                                     Notification.read_at.is_(None)).values(read_at=utcnow()))
