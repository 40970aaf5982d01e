"""Moderation: reports of posts, the review queue, facilitator actions and the audit log. No requests here."""
from sqlalchemy.orm import joinedload

from .. import policy
from ..admin import service as admin
from ..admin.models import AdminAct
from ..communities import service as communities
from ..communities.models import Community, Post, PostStatus, Thread
from ..extensions import db
from ..models_base import utcnow
from ..notifications.service import clear_review_alerts, notify
from .models import Act, ModerationAction, PostReport, ReportOutcome


def log(community, actor, action, reason="", post=None, thread=None, subject_id=None):
    """Write one row to the audit log and return it."""
    row = ModerationAction(community=community, actor_id=actor.id, action=action, reason=reason,
                           post_id=post.id if post else None, thread_id=thread.id if thread else None,
                           subject_id=subject_id)
    db.session.add(row)
    db.session.flush()
    return row


def report_post(reporter, post, reason, note=""):
    """Flag a post; its moderators are alerted once. A post already reviewed stays closed unless edited since."""
    policy.ensure("post.report", post, reporter)
    report = PostReport(post=post, reporter_id=reporter.id, reason=reason, note=note.strip())
    db.session.add(report)
    if post.reviewed_at and not (post.edited_at and post.edited_at > post.reviewed_at):
        report.resolved_at, report.outcome = utcnow(), ReportOutcome.DISMISSED
    else:
        communities.alert_reviewers(post, "post_reported", exclude=reporter.id)
    db.session.flush()
    return report


# --- the review queue ----------------------------------------------------------------------------------

def _reported(viewer):
    """Conditions for open reports of posts the viewer may review (a post its author deleted has nothing left)."""
    return (PostReport.resolved_at.is_(None), Post.status != PostStatus.DELETED, policy.reviewable_posts(viewer))


def _held(viewer):
    return (Post.status == PostStatus.HELD, policy.reviewable_posts(viewer))


def queue(community, viewer):
    """Posts with open reports (one item each) and held posts, among those the viewer may review."""
    open_reports = db.session.scalars(
        db.select(PostReport).join(Post).join(Thread).where(Thread.community_id == community.id, *_reported(viewer))
        .options(joinedload(PostReport.post).joinedload(Post.author),
                 joinedload(PostReport.post).joinedload(Post.thread))
        .order_by(PostReport.created_at)).all()
    items = {}
    for report in open_reports:
        item = items.setdefault(report.post_id, {"post": report.post, "reports": []})
        item["reports"].append(report)
    held = db.session.scalars(db.select(Post).join(Thread).where(Thread.community_id == community.id, *_held(viewer))
                              .options(joinedload(Post.author), joinedload(Post.thread))
                              .order_by(Post.created_at)).all()
    return list(items.values()), held


def _counts(viewer, community_ids=None):
    """{community_id: open items} in the viewer's queues (those of community_ids only, if given), in two queries."""
    reported = (db.select(Thread.community_id, db.func.count(db.distinct(PostReport.post_id)))
                .select_from(PostReport).join(Post).join(Thread).where(*_reported(viewer)))
    held = db.select(Thread.community_id, db.func.count()).select_from(Post).join(Thread).where(*_held(viewer))
    if community_ids is not None:
        reported = reported.where(Thread.community_id.in_(community_ids))
        held = held.where(Thread.community_id.in_(community_ids))
    counts = dict(db.session.execute(reported.group_by(Thread.community_id)).all())
    for community_id, number in db.session.execute(held.group_by(Thread.community_id)).all():
        counts[community_id] = counts.get(community_id, 0) + number
    return counts


def open_queue_size(community, viewer):
    """Items in the community's queue that the viewer may review."""
    return _counts(viewer, [community.id]).get(community.id, 0)


def review_count(viewer):
    """Items waiting in every queue the viewer reviews, in two queries."""
    return sum(_counts(viewer).values())


def queues_page(viewer, page, per_page):
    """A page of the communities the viewer moderates (wholly, or a cohort's space), and {community_id: open items}
    for them."""
    found = db.paginate(db.select(Community).where(policy.partly_moderated_communities(viewer))
                        .order_by(Community.slug),
                        page=page, per_page=per_page, error_out=False)
    return found, _counts(viewer, [community.id for community in found.items])


# --- acts on posts ---------------------------------------------------------------------------------------

def _close_reports(post, outcome):
    """Close the post's open reports and tell each reporter the outcome (never who else reported)."""
    post.reviewed_at = utcnow()
    reports = db.session.scalars(db.select(PostReport).filter_by(post_id=post.id, resolved_at=None)).all()
    for report in reports:
        report.resolved_at, report.outcome = post.reviewed_at, outcome
    for reporter_id in {r.reporter_id for r in reports if r.reporter_id}:
        notify(reporter_id, "report_outcome", post=post, outcome=str(outcome))
    clear_review_alerts(post)


def _review(actor, post, act, outcome, reason, notice=None, change=None):
    """A moderator's review of a post: checked by the policy, changed, logged, its reports closed with the
    outcome, and its author told (notice) with the reason kept on the audit row."""
    policy.ensure(f"post.{act.value}", post, actor)
    if change:
        change(post)
    action = log(post.thread.community, actor, act, reason, post=post, thread=post.thread,
                 subject_id=post.author_id)
    _close_reports(post, outcome)
    if notice and post.author_id:
        notify(post.author_id, notice, post=post, action=action)
    db.session.flush()


def _hidden(post, reason):
    post.status, post.moderation_reason = PostStatus.HIDDEN, reason


def hide(actor, post, reason):
    """Hide a post from everyone but moderators; its author is told why."""
    _review(actor, post, Act.HIDE, ReportOutcome.HIDDEN, reason, "post_hidden",
            change=lambda post: _hidden(post, reason))


def dismiss(actor, post, reason=""):
    """Close the post's reports: nothing needed doing."""
    _review(actor, post, Act.DISMISS, ReportOutcome.DISMISSED, reason)


def warn(actor, post, reason):
    """Close the post's reports with a warning its author reads."""
    _review(actor, post, Act.WARN, ReportOutcome.WARNED, reason, "warned")


def restore(actor, post, reason=""):
    """Show a hidden post again; its author is told."""
    policy.ensure("post.restore", post, actor)
    post.status, post.moderation_reason = PostStatus.VISIBLE, ""
    log(post.thread.community, actor, Act.RESTORE, reason, post=post, thread=post.thread, subject_id=post.author_id)
    if post.author_id:
        notify(post.author_id, "post_restored", post=post)
    db.session.flush()


def approve_post(actor, post, reason=""):
    """Release a held post (and its thread, if it opened one)."""
    policy.ensure("post.approve", post, actor)
    post.status = PostStatus.VISIBLE
    communities.publish(post)
    log(post.thread.community, actor, Act.APPROVE, reason, post=post, thread=post.thread, subject_id=post.author_id)
    clear_review_alerts(post)
    if post.author_id:
        notify(post.author_id, "post_approved", post=post)
    db.session.flush()


# --- acts on threads, communities and members ---------------------------------------------------------------

THREAD_FLAGS = {Act.LOCK: ("locked", True), Act.UNLOCK: ("locked", False), Act.PIN: ("pinned", True),
                Act.UNPIN: ("pinned", False)}


def set_thread_flag(actor, thread, action, reason=""):
    """Lock/unlock or pin/unpin a thread."""
    policy.ensure("thread.moderate", thread, actor)
    flag, value = THREAD_FLAGS[action]
    setattr(thread, flag, value)
    log(thread.community, actor, action, reason, thread=thread)


def set_slow_mode(actor, thread, minutes, reason=""):
    policy.ensure("thread.moderate", thread, actor)
    thread.slow_mode_minutes = minutes
    log(thread.community, actor, Act.SLOW_MODE, f"{minutes} min. {reason}".strip(), thread=thread)


def set_premoderation(actor, community, posts):
    policy.ensure("community.moderate", community, actor)
    community.premoderate_posts = posts
    log(community, actor, Act.PREMODERATION, str(posts))


def admit(actor, member):
    policy.ensure("member.admit", member, actor)
    communities.approve(member)
    log(member.community, actor, Act.APPROVE_MEMBER, subject_id=member.user_id)


def decline(actor, member):
    policy.ensure("member.admit", member, actor)
    community, user_id = member.community, member.user_id
    communities.decline(member)
    log(community, actor, Act.DECLINE_MEMBER, subject_id=user_id)


def set_role(actor, member, role):
    """Appoint or remove a facilitator: written to the community's log and to the secretariat's audit log."""
    policy.ensure("member.set_role", member, actor)
    if member.role == role:
        return
    communities.set_role(member, role)
    facilitator = role == "facilitator"
    log(member.community, actor, Act.ROLE_FACILITATOR if facilitator else Act.ROLE_MEMBER, subject_id=member.user_id)
    admin.log(actor, AdminAct.APPOINT_FACILITATOR if facilitator else AdminAct.REMOVE_FACILITATOR, member.user,
              community=member.community)


def mute(actor, member, until, reason):
    """Mute a member until a time; they are told why."""
    policy.ensure("member.mute", member, actor)
    member.muted_until = until
    action = log(member.community, actor, Act.MUTE, reason, subject_id=member.user_id)
    notify(member.user_id, "muted", community=member.community, action=action, until=until.isoformat())


def unmute(actor, member):
    policy.ensure("member.mute", member, actor)
    member.muted_until = None
    log(member.community, actor, Act.UNMUTE, subject_id=member.user_id)


def audit_page(community, page, per_page):
    query = (db.select(ModerationAction).filter_by(community_id=community.id)
             .options(joinedload(ModerationAction.actor), joinedload(ModerationAction.subject))
             .order_by(ModerationAction.created_at.desc(), ModerationAction.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
