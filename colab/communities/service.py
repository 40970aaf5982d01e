"""Communities, membership, cohorts, threads and posts. No requests here."""
import re
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import case, literal
from sqlalchemy.orm import joinedload, selectinload

from .. import policy
from ..accounts.models import User
from ..extensions import db
from ..markup import render
from ..models_base import UTCDateTime, utcnow
from ..notifications import service as notifications
from ..notifications.service import notify
from .agreements import DEFAULT_AGREEMENTS
from .models import (
    Cohort,
    Community,
    CommunityKind,
    FocalPoint,
    Membership,
    Post,
    PostRevision,
    PostStatus,
    Role,
    Thread,
)

# The staff badges the site shows beside a name, from the roles it records (never from what someone typed).
FACILITATOR, FOCAL_POINT, SECRETARIAT = "facilitator", "focal_point", "secretariat"


# --- communities and members ------------------------------------------------------------------------

KIND_ORDER = case({CommunityKind.REGIONAL: 0, CommunityKind.CROSS_REGIONAL: 1}, value=Community.kind, else_=2)


def my_communities(user):
    """The live communities the user belongs to or asked to join, in the list's order (a person's own: few)."""
    ids = list(policy.memberships(user))
    if not ids:
        return []
    return db.session.scalars(db.select(Community).where(Community.id.in_(ids), Community.archived_at.is_(None))
                              .order_by(KIND_ORDER, Community.slug)).all()


def communities_page(page, per_page):
    """One page of every community: regional, then cross-regional, then thematic; archived ones last."""
    query = (db.select(Community).options(selectinload(Community.region))
             .order_by(Community.archived_at.is_not(None), KIND_ORDER, Community.slug))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def create_community(slug, kind, name, description, region_id=None, members_only=False, agreements=None):
    """A community; name and description are {locale: text}; agreements default to the alliance's."""
    agreements = agreements or DEFAULT_AGREEMENTS
    community = Community(slug=slug, kind=kind, name=name, description=description, region_id=region_id,
                          members_only=members_only,
                          agreements_source=dict(agreements),
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
    db.session.flush()
    policy.forget(user)
    if community.members_only:
        for moderator_id in policy.moderator_ids(community):
            notify(moderator_id, "join_request", community=community, actor=user)
    return member


def approve(member):
    member.pending = False
    db.session.flush()
    notify(member.user_id, "join_approved", community=member.community)


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


def find_member(community, member_id):
    return db.session.scalar(db.select(Membership).filter_by(id=member_id, community_id=community.id))


def members_page(community, page, per_page, pending=None):
    query = db.select(Membership).filter_by(community_id=community.id).options(joinedload(Membership.user))
    if pending is not None:
        query = query.filter_by(pending=pending)
    return db.paginate(query.order_by(Membership.role.desc(), Membership.joined_at), page=page,
                       per_page=per_page, error_out=False)


def staff_roles(community):
    """{user_id: FACILITATOR | FOCAL_POINT | SECRETARIAT} for the community's staff, in three queries."""
    roles = dict.fromkeys(db.session.scalars(db.select(Membership.user_id).filter_by(
        community_id=community.id, role=Role.FACILITATOR, pending=False)), FACILITATOR)
    if community.region_id:
        roles.update(dict.fromkeys(db.session.scalars(
            db.select(FocalPoint.user_id).filter_by(region_id=community.region_id)), FOCAL_POINT))
    roles.update(dict.fromkeys(db.session.scalars(db.select(User.id).filter_by(is_admin=True)), SECRETARIAT))
    return roles


# --- what is new for a member --------------------------------------------------------------------------

VISIT_EVERY = timedelta(minutes=1)  # a member's last visit is written at most this often
NEW_SHOWN = 99  # "99+ threads with new posts": counting stops there


def note_visit(membership):
    """Remember that the member just looked at the community (None: not a member); True when that changed
    something to commit."""
    now = utcnow()
    if membership is None or membership.pending or \
            (membership.last_visited_at and now - membership.last_visited_at < VISIT_EVERY):
        return False
    membership.last_visited_at = now
    return True


def new_threads(user, community, membership):
    """How many threads the member may see have posts since their last visit (all of them before a first
    visit), counting up to NEW_SHOWN + 1."""
    query = db.select(Thread.id).filter_by(community_id=community.id).where(policy.visible_threads(user, community))
    if membership.last_visited_at is not None:
        query = query.where(Thread.last_post_at > membership.last_visited_at)
    return db.session.scalar(db.select(db.func.count()).select_from(query.limit(NEW_SHOWN + 1).subquery()))


# --- cohorts ------------------------------------------------------------------------------------------

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
        thread = Thread(community=cohort.community, cohort=cohort, lesson_id=lesson.id, title=title[:200],
                        language=lesson.text_in(locale).locale)
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

def threads_page(community, page, per_page, viewer, cohort=None):
    """Threads the viewer may see (policy "thread.view"), pinned first. A cohort's thread is pinned in its
    cohort's space only (its facilitators pin there), not at the top of the whole community."""
    pinned = Thread.pinned if cohort is not None else Thread.pinned_in_community()
    query = (db.select(Thread).filter_by(community_id=community.id)
             .where(policy.visible_threads(viewer, community))
             .options(joinedload(Thread.author), joinedload(Thread.cohort))
             .order_by(pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc()))
    if cohort is not None:
        query = query.filter_by(cohort_id=cohort.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def create_thread(user, community, title, body, framing="", content_note="", dialogue=False, cohort=None,
                  language=None):
    """Open a thread with its first post; dialogue threads carry framing text and a content note. A thread whose
    first post is held waits with it: only its author and moderators see it until a moderator approves. A dialogue
    in a cohort's space may be opened by the cohort's facilitators too (policy "cohort.frame"). language: what the
    title, framing and first post are written in."""
    if dialogue and cohort is not None:
        policy.ensure("cohort.frame", cohort, user)
    else:
        policy.ensure("thread.frame" if dialogue else "thread.create", community, user)
    thread = Thread(community=community, cohort=cohort, author_id=user.id, title=title.strip(),
                    is_dialogue=dialogue, framing_source=framing, framing_html=render(framing),
                    content_note=content_note.strip(), language=language)
    db.session.add(thread)
    db.session.flush()
    if body.strip():
        thread.held = add_post(user, thread, body, language=language).status == PostStatus.HELD
    return thread


def add_post(user, thread, body, reply_to=None, language=None):
    """Post in a thread: held for a moderator under pre-moderation (moderators are alerted), else published.
    Raises policy.Refused when the user may not post here now. language: what the body is written in."""
    policy.ensure("thread.reply", thread, user)
    if reply_to is not None and (reply_to.thread_id != thread.id or not policy.can("post.read", reply_to, user=user)):
        reply_to = None
    held = not policy.can("thread.publish", thread, user=user)
    post = Post(thread=thread, author_id=user.id, body_source=body, body_html=render(body), language=language,
                reply_to=reply_to, status=PostStatus.HELD if held else PostStatus.VISIBLE)
    db.session.add(post)
    db.session.flush()
    if held:
        alert_reviewers(post, "post_held")
    else:
        publish(post)
    member = policy.memberships(user).get(thread.community_id)
    if member is not None and not member.pending:  # one's own post is not news to oneself
        member.last_visited_at = max(post.created_at, member.last_visited_at or post.created_at)
    return post


def publish(post):
    """Count a visible post in its thread and tell the people it concerns (if they may still see the thread)."""
    thread, author = post.thread, post.author
    # In SQL, not "what this request read + 1": two replies at the same moment are both counted, and the thread
    # keeps the newer time whichever commits first.
    thread.post_count = Thread.post_count + 1
    thread.last_post_at = case((Thread.last_post_at < post.created_at, literal(post.created_at, UTCDateTime())),
                               else_=Thread.last_post_at)
    if thread.held and post.author_id == thread.author_id:
        thread.held = False  # the opening post is approved: the thread is open to all who view the community
    told = {post.author_id}
    for user_id in _mentioned_ids(post.body_source, thread.community):
        if user_id not in told:
            notify(user_id, "mention", thread=thread, post=post, actor=author)
            told.add(user_id)
    for user_id in (post.reply_to.author_id if post.reply_to else None, thread.author_id):
        if user_id and user_id not in told:
            notify(user_id, "reply", thread=thread, post=post, actor=author)
            told.add(user_id)


def alert_reviewers(post, kind, exclude=None):
    """Tell the post's moderators (the community's, and a cohort thread's cohort facilitators) that it needs review
    ("post_held", "post_reported"): one alert per moderator per post until someone reviews it."""
    told = notifications.told_about(post, notifications.REVIEW_KINDS)
    for user_id in policy.moderator_ids(post.thread.community, post.thread) - told - {exclude}:
        notify(user_id, kind, thread=post.thread, post=post)


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


def edit_post(user, post, body):
    """Replace the post's text, keeping the earlier version for moderators. Raises policy.Refused."""
    policy.ensure("post.edit", post, user)
    db.session.add(PostRevision(post_id=post.id, body_source=post.body_source, body_html=post.body_html,
                                created_at=post.edited_at or post.created_at))
    post.body_source, post.body_html, post.edited_at = body, render(body), utcnow()
    db.session.flush()


def delete_post(post):
    if post.status == PostStatus.VISIBLE:
        post.thread.post_count = Thread.post_count - 1
    post.status = PostStatus.DELETED
    db.session.flush()


def posts_page(thread, page, per_page, viewer):
    """One page of the posts the viewer may see listed, in a fixed number of queries however many there are."""
    query = (db.select(Post).filter_by(thread_id=thread.id).where(policy.listed_posts(viewer, thread))
             .options(joinedload(Post.author), joinedload(Post.reply_to).joinedload(Post.author))
             .order_by(Post.id))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def page_of_post(thread, post_id, per_page, viewer):
    """The page number on which a post appears. Posts are listed in the order they were stored (by id), not by
    their time: a reply whose clock read earlier but that was stored later (it waited for the database) would
    otherwise push a post its author was just sent to onto the next page."""
    target = db.session.get(Post, post_id)
    if target is None or target.thread_id != thread.id:
        return 1
    query = (db.select(db.func.count()).select_from(Post)
             .where(Post.thread_id == thread.id, Post.id < target.id, policy.listed_posts(viewer, thread)))
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
    return [(_("Discuss this lesson with %(cohort)s", cohort=cohort.name),
             f"/communities/{cohort.community.slug}/cohorts/{cohort.id}/lessons/{lesson.slug}")
            for cohort in cohorts_for_lesson(user, lesson)]
