"""Communities, membership, cohorts, threads and posts. No requests here."""
import re
from datetime import timedelta

from sqlalchemy.orm import joinedload, selectinload

from .. import policy
from ..accounts.models import User
from ..accounts.service import exporter
from ..extensions import db
from ..markup import render
from ..models_base import isoformat as iso
from ..models_base import utcnow
from ..notifications.service import notify
from .models import Cohort, Community, FocalPoint, Membership, Post, PostRevision, Thread


class NeedsAgreements(Exception):
    """The member has not accepted the community's agreements yet."""


class Muted(Exception):
    """The member is muted in this community until .until."""

    def __init__(self, until):
        self.until = until


class SlowMode(Exception):
    """Slow mode: the member must wait .minutes more before posting in this thread."""

    def __init__(self, minutes):
        self.minutes = minutes


class ThreadLocked(Exception):
    """The thread is locked."""


# --- communities and members ------------------------------------------------------------------------

def communities_for(user):
    """Every community with the user's membership (or None), regional ones first."""
    rows = db.session.scalars(db.select(Community).options(selectinload(Community.region))
                              .order_by(Community.kind.desc(), Community.slug)).all()
    mine = policy.memberships(user)
    return [(community, mine.get(community.id)) for community in rows]


def create_community(slug, kind, name, description, region_id=None, members_only=False, agreements=None):
    """A community; name and description are {locale: text}; agreements default to the alliance's."""
    from .agreements import DEFAULT_AGREEMENTS
    agreements = agreements or DEFAULT_AGREEMENTS
    community = Community(slug=slug, kind=kind, name=name, description=description, region_id=region_id,
                          members_only=members_only,
                          agreements_html={code: render(text) for code, text in agreements.items()})
    db.session.add(community)
    db.session.flush()
    return community


def make_focal_point(user, region_id):
    db.session.add(FocalPoint(user_id=user.id, region_id=region_id))
    db.session.flush()


def find_community(slug):
    return db.session.scalar(db.select(Community).filter_by(slug=slug))


def join(user, community):
    """Join an open community, or ask to join a members-only one (moderators are told)."""
    member = Membership(user_id=user.id, community=community, pending=community.members_only)
    db.session.add(member)
    if community.members_only:
        for moderator_id in moderator_ids(community):
            notify(moderator_id, "join_request", link=f"/communities/{community.slug}/members",
                   name=user.display_name, community=community.name)
    db.session.flush()
    policy.forget(user)
    return member


def approve(member):
    member.pending = False
    notify(member.user_id, "join_approved", link=f"/communities/{member.community.slug}/",
           community=member.community.name)
    db.session.flush()


def decline(member):
    """Turn down a request to join; the person may ask again later."""
    db.session.delete(member)
    db.session.flush()


def leave(user, community):
    member = policy.memberships(user).get(community.id)
    if member is not None:
        db.session.delete(member)
        db.session.flush()
        policy.forget(user)


def accept_agreements(member):
    member.agreements_accepted_at = utcnow()
    db.session.flush()


def set_role(member, role):
    member.role = role
    db.session.flush()


def moderator_ids(community):
    """Facilitators of the community and focal points of its region (admins see every queue)."""
    ids = set(db.session.scalars(db.select(Membership.user_id).filter_by(
        community_id=community.id, role="facilitator", pending=False)))
    if community.region_id:
        ids |= set(db.session.scalars(db.select(FocalPoint.user_id).filter_by(region_id=community.region_id)))
    return ids


def find_member(community, member_id):
    return db.session.scalar(db.select(Membership).filter_by(id=member_id, community_id=community.id))


def members_page(community, page, per_page, pending=None):
    query = db.select(Membership).filter_by(community_id=community.id).options(joinedload(Membership.user))
    if pending is not None:
        query = query.filter_by(pending=pending)
    return db.paginate(query.order_by(Membership.role.desc(), Membership.joined_at), page=page,
                       per_page=per_page, error_out=False)


# --- cohorts ------------------------------------------------------------------------------------------

def create_cohort(community, course, name, starts_on, ends_on, created_by):
    cohort = Cohort(community=community, course=course, name=name.strip(), starts_on=starts_on,
                    ends_on=ends_on, created_by_id=created_by.id)
    db.session.add(cohort)
    db.session.flush()
    return cohort


def find_cohort(community, cohort_id):
    return db.session.scalar(db.select(Cohort).filter_by(id=cohort_id, community_id=community.id))


def cohorts_of(community):
    return db.session.scalars(db.select(Cohort).filter_by(community_id=community.id)
                              .options(selectinload(Cohort.course)).order_by(Cohort.starts_on.desc())).all()


def lesson_thread(cohort, lesson, locale):
    """The cohort's discussion thread for a lesson, opened on first use (titled in the opener's language)."""
    thread = db.session.scalar(db.select(Thread).filter_by(cohort_id=cohort.id, lesson_id=lesson.id))
    if thread is None:
        title = f"{cohort.name}: {lesson.text_in(locale).title}"
        thread = Thread(community=cohort.community, cohort=cohort, lesson=lesson, title=title[:200])
        db.session.add(thread)
        db.session.flush()
    return thread


def cohorts_for_lesson(user, lesson):
    """The cohorts of the lesson's course in communities where the user is a member."""
    community_ids = [cid for cid, m in policy.memberships(user).items() if not m.pending]
    if not community_ids:
        return []
    return db.session.scalars(db.select(Cohort).where(Cohort.course_id == lesson.course_id,
                                                      Cohort.community_id.in_(community_ids))
                              .options(selectinload(Cohort.community))).all()


# --- threads and posts -------------------------------------------------------------------------------

def threads_page(community, page, per_page, cohort=None, viewer=None):
    """Threads, pinned first; a thread still waiting for its first post's approval shows to its author
    and moderators only."""
    query = (db.select(Thread).filter_by(community_id=community.id)
             .options(joinedload(Thread.author), joinedload(Thread.cohort))
             .order_by(Thread.pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc()))
    if cohort is not None:
        query = query.filter_by(cohort_id=cohort.id)
    if viewer is not None and not policy.can("community.moderate", community, user=viewer):
        waiting = db.exists().where(Post.thread_id == Thread.id, Post.status == "held")
        query = query.where(~((Thread.post_count == 0) & (Thread.author_id != viewer.id) & waiting))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def create_thread(user, community, title, body, framing="", content_note="", dialogue=False, cohort=None):
    """Open a thread with its first post; dialogue threads carry framing text and a content note."""
    thread = Thread(community=community, cohort=cohort, author_id=user.id, title=title.strip(),
                    is_dialogue=dialogue, framing_source=framing, framing_html=render(framing),
                    content_note=content_note.strip())
    db.session.add(thread)
    db.session.flush()
    if body.strip():
        add_post(user, thread, body)
    return thread


def check_can_post(user, thread):
    """Raise the reason the member may not post in the thread right now, if any."""
    community = thread.community
    moderator = policy.can("community.moderate", community, user=user)
    member = policy.membership(user, community)
    if thread.locked and not moderator:
        raise ThreadLocked()
    if member is None:
        return None
    if member.agreements_accepted_at is None:
        raise NeedsAgreements()
    if member.muted_until and member.muted_until > utcnow():
        raise Muted(member.muted_until)
    if thread.slow_mode_minutes and not moderator:
        last = db.session.scalar(db.select(db.func.max(Post.created_at)).filter_by(
            thread_id=thread.id, author_id=user.id))
        if last is not None:
            ready = last + timedelta(minutes=thread.slow_mode_minutes)
            if ready > utcnow():
                raise SlowMode(max(1, int((ready - utcnow()).total_seconds() // 60) + 1))
    return member


def add_post(user, thread, body, reply_to=None):
    """Post in a thread (held for approval under pre-moderation) and notify the people concerned."""
    member = check_can_post(user, thread)
    moderator = policy.can("community.moderate", thread.community, user=user)
    held = (not moderator and member is not None
            and member.approved_posts < thread.community.premoderate_posts)
    post = Post(thread=thread, author_id=user.id, body_source=body, body_html=render(body),
                reply_to=reply_to, status="held" if held else "visible")
    db.session.add(post)
    db.session.flush()
    if not held:
        publish(post)
    return post


def publish(post):
    """Count a visible post in its thread and tell the people it concerns."""
    thread, author = post.thread, post.author
    thread.post_count += 1
    thread.last_post_at = post.created_at
    told = {post.author_id}
    link = f"/communities/{thread.community.slug}/threads/{thread.id}/?post={post.id}#post-{post.id}"
    for user_id in _mentioned_ids(post.body_source, thread.community):
        if user_id not in told:
            notify(user_id, "mention", link=link, name=author.display_name, thread=thread.title)
            told.add(user_id)
    for user_id in (post.reply_to.author_id if post.reply_to else None, thread.author_id):
        if user_id and user_id not in told:
            notify(user_id, "reply", link=link, name=author.display_name, thread=thread.title)
            told.add(user_id)


def _mentioned_ids(text, community):
    """Members whose display name follows an @ in the text (longest names first)."""
    if "@" not in text:
        return []
    rows = db.session.execute(db.select(User.id, User.display_name).join(Membership)
                              .where(Membership.community_id == community.id, Membership.pending.is_(False)))
    found = []
    for user_id, name in sorted(rows, key=lambda row: -len(row[1])):
        if re.search(r"(?<!\w)@" + re.escape(name) + r"(?!\w)", text, flags=re.IGNORECASE):
            found.append(user_id)
    return found


def edit_post(post, body):
    """Replace the post's text, keeping the earlier version for moderators."""
    db.session.add(PostRevision(post_id=post.id, body_source=post.body_source, body_html=post.body_html,
                                created_at=post.edited_at or post.created_at))
    post.body_source, post.body_html, post.edited_at = body, render(body), utcnow()
    db.session.flush()


def delete_post(post):
    if post.status == "visible":
        post.thread.post_count -= 1
    post.status = "deleted"
    db.session.flush()


def posts_page(thread, page, per_page, viewer_moderates):
    """One page of a thread's posts in a fixed number of queries, however many posts there are."""
    query = (db.select(Post).filter_by(thread_id=thread.id)
             .options(joinedload(Post.author), joinedload(Post.reply_to).joinedload(Post.author))
             .order_by(Post.created_at, Post.id))
    if not viewer_moderates:
        query = query.where(Post.status != "held")
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def page_of_post(thread, post_id, per_page, viewer_moderates):
    """The page number on which a post appears (posts are ordered by time, then id)."""
    target = db.session.get(Post, post_id)
    if target is None or target.thread_id != thread.id:
        return 1
    earlier = (Post.created_at < target.created_at) | ((Post.created_at == target.created_at) & (Post.id < target.id))
    query = db.select(db.func.count()).select_from(Post).where(Post.thread_id == thread.id, earlier)
    if not viewer_moderates:
        query = query.where(Post.status != "held")
    return db.session.scalar(query) // per_page + 1


def revisions(post):
    return db.session.scalars(db.select(PostRevision).filter_by(post_id=post.id)
                              .order_by(PostRevision.created_at)).all()


def find_thread(community, thread_id):
    return db.session.scalar(db.select(Thread).filter_by(id=thread_id, community_id=community.id))


def find_post(thread, post_id):
    return db.session.scalar(db.select(Post).filter_by(id=post_id, thread_id=thread.id))


def discussion_links(user, lesson, locale):
    """'Discuss this lesson' links for each of the user's cohorts running the lesson's course."""
    from flask_babel import gettext as _
    return [(_("Discuss this lesson with %(cohort)s", cohort=cohort.name),
             f"/communities/{cohort.community.slug}/cohorts/{cohort.id}/lessons/{lesson.slug}")
            for cohort in cohorts_for_lesson(user, lesson)]


@exporter
def export_for(user):
    """The user's memberships, posts and harassment reports, for their personal data export."""
    from ..harassment.models import HarassmentReport
    memberships = db.session.scalars(db.select(Membership).filter_by(user_id=user.id)
                                     .options(joinedload(Membership.community))).all()
    posts = db.session.scalars(db.select(Post).filter_by(author_id=user.id)
                               .options(joinedload(Post.thread).joinedload(Thread.community))
                               .order_by(Post.created_at)).all()
    reports = db.session.scalars(db.select(HarassmentReport).filter_by(reporter_id=user.id)).all()
    return "communities", {
        "memberships": [{"community": m.community.slug, "role": m.role, "pending": m.pending,
                         "joined_at": iso(m.joined_at), "agreements_accepted_at": iso(m.agreements_accepted_at)}
                        for m in memberships],
        "posts": [{"community": p.thread.community.slug, "thread": p.thread.title, "status": p.status,
                   "text": p.body_source, "created_at": iso(p.created_at), "edited_at": iso(p.edited_at)}
                  for p in posts],
        "harassment_reports_made": [{"status": r.status, "place": r.place, "description": r.description,
                                     "outcome": r.outcome, "created_at": iso(r.created_at)} for r in reports],
    }
