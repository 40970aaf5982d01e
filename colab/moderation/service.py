"""Moderation: reports of posts, the review queue, facilitator actions and the audit log."""
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from .. import policy
from ..extensions import db
from ..models_base import utcnow
from ..notifications.service import notify
from ..communities.models import Membership, Post, Thread
from ..communities.service import publish
from .models import ModerationAction, PostReport

OUTCOME_WORDS = {
    "hidden": lambda: _("the post was hidden"),
    "dismissed": lambda: _("no action was needed"),
    "warned": lambda: _("the author was warned"),
    "approved": lambda: _("no action was needed"),
}


def log(community, actor, action, reason="", post=None, thread=None, subject_id=None):
    """Write one row to the audit log."""
    db.session.add(ModerationAction(community=community, actor_id=actor.id, action=action, reason=reason,
                                    post_id=post.id if post else None, thread_id=thread.id if thread else None,
                                    subject_id=subject_id))


def _thread_link(post):
    return f"/communities/{post.thread.community.slug}/threads/{post.thread_id}/?post={post.id}#post-{post.id}"


def report_post(reporter, post, reason, note=""):
    """Flag a post. A post already reviewed stays closed unless it was edited since."""
    report = PostReport(post=post, reporter_id=reporter.id, reason=reason, note=note.strip())
    db.session.add(report)
    if post.reviewed_at and not (post.edited_at and post.edited_at > post.reviewed_at):
        report.resolved_at, report.outcome = utcnow(), "dismissed"
    db.session.flush()
    return report


def queue(community, viewer=None):
    """Posts with open reports (one item each) and held posts; a facilitator never reviews their own posts."""
    own = viewer is not None and not policy.can("community.assign_roles", community, user=viewer)
    open_reports = db.session.scalars(
        db.select(PostReport).join(Post).join(Thread)
        .where(Thread.community_id == community.id, PostReport.resolved_at.is_(None))
        .options(joinedload(PostReport.post).joinedload(Post.author),
                 joinedload(PostReport.post).joinedload(Post.thread))
        .order_by(PostReport.created_at)).all()
    items = {}
    for report in open_reports:
        if own and report.post.author_id == viewer.id:
            continue
        item = items.setdefault(report.post_id, {"post": report.post, "reports": []})
        item["reports"].append(report)
    held = db.session.scalars(
        db.select(Post).join(Thread).where(Thread.community_id == community.id, Post.status == "held")
        .options(joinedload(Post.author), joinedload(Post.thread)).order_by(Post.created_at)).all()
    if own:
        held = [post for post in held if post.author_id != viewer.id]
    return list(items.values()), held


def open_queue_size(community):
    reported = db.session.scalar(
        db.select(db.func.count(db.distinct(PostReport.post_id))).join(Post).join(Thread)
        .where(Thread.community_id == community.id, PostReport.resolved_at.is_(None)))
    held = db.session.scalar(db.select(db.func.count()).select_from(Post).join(Thread)
                             .where(Thread.community_id == community.id, Post.status == "held"))
    return reported + held


def _close_reports(post, outcome):
    """Close the post's open reports and tell each reporter the outcome (never who else reported)."""
    post.reviewed_at = utcnow()
    reports = db.session.scalars(db.select(PostReport).filter_by(post_id=post.id, resolved_at=None)).all()
    for report in reports:
        report.resolved_at, report.outcome = post.reviewed_at, outcome
    for reporter_id in {r.reporter_id for r in reports if r.reporter_id}:
        notify(reporter_id, "report_outcome", link=_thread_link(post), thread=post.thread.title,
               outcome=OUTCOME_WORDS[outcome]())


def hide(actor, post, reason):
    """Hide a post from everyone but moderators; its author is told why."""
    post.status, post.moderation_reason = "hidden", reason
    _close_reports(post, "hidden")
    log(post.thread.community, actor, "hide", reason, post=post, thread=post.thread, subject_id=post.author_id)
    if post.author_id:
        notify(post.author_id, "post_hidden", link=_thread_link(post), thread=post.thread.title, reason=reason)
    db.session.flush()


def restore(actor, post, reason=""):
    post.status, post.moderation_reason = "visible", ""
    log(post.thread.community, actor, "restore", reason, post=post, thread=post.thread, subject_id=post.author_id)
    if post.author_id:
        notify(post.author_id, "post_restored", link=_thread_link(post), thread=post.thread.title)
    db.session.flush()


def dismiss(actor, post, reason=""):
    _close_reports(post, "dismissed")
    log(post.thread.community, actor, "dismiss", reason, post=post, thread=post.thread, subject_id=post.author_id)
    db.session.flush()


def warn(actor, post, reason):
    _close_reports(post, "warned")
    log(post.thread.community, actor, "warn", reason, post=post, thread=post.thread, subject_id=post.author_id)
    if post.author_id:
        notify(post.author_id, "warned", link=_thread_link(post), thread=post.thread.title, reason=reason)
    db.session.flush()


def approve_post(actor, post, reason=""):
    """Release a held post and count it towards its author's pre-moderation allowance."""
    if post.status != "held":
        return
    post.status = "visible"
    member = db.session.scalar(db.select(Membership).filter_by(user_id=post.author_id,
                                                               community_id=post.thread.community_id))
    if member is not None:
        member.approved_posts += 1
    publish(post)
    log(post.thread.community, actor, "approve", reason, post=post, thread=post.thread, subject_id=post.author_id)
    if post.author_id:
        notify(post.author_id, "post_approved", link=_thread_link(post), thread=post.thread.title)
    db.session.flush()


def set_thread_flag(actor, thread, flag, value, reason=""):
    """Lock/unlock or pin/unpin a thread."""
    setattr(thread, flag, value)
    action = {("locked", True): "lock", ("locked", False): "unlock",
              ("pinned", True): "pin", ("pinned", False): "unpin"}[(flag, value)]
    log(thread.community, actor, action, reason, thread=thread)
    db.session.flush()


def set_slow_mode(actor, thread, minutes, reason=""):
    thread.slow_mode_minutes = minutes
    log(thread.community, actor, "slow_mode", f"{minutes} min. {reason}".strip(), thread=thread)
    db.session.flush()


def set_premoderation(actor, community, posts):
    community.premoderate_posts = posts
    log(community, actor, "premoderation", str(posts))
    db.session.flush()


def mute(actor, member, until, reason):
    member.muted_until = until
    log(member.community, actor, "mute", reason, subject_id=member.user_id)
    notify(member.user_id, "muted", link=f"/communities/{member.community.slug}/",
           community=member.community.name, until=until.isoformat(),
           reason=reason)
    db.session.flush()


def unmute(actor, member):
    member.muted_until = None
    log(member.community, actor, "unmute", subject_id=member.user_id)
    db.session.flush()


def audit_page(community, page, per_page):
    query = (db.select(ModerationAction).filter_by(community_id=community.id)
             .options(joinedload(ModerationAction.actor), joinedload(ModerationAction.subject))
             .order_by(ModerationAction.created_at.desc(), ModerationAction.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
