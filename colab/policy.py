"""Who may do what: every permission decision in Co-Lab is made here.

A rule answers True, False or a Refusal (false, with the reason) that a page can explain. Rules read the
state of what they judge (a locked thread, a held post, a mute). The SQL filters that list what a person
may see sit beside the rule they mirror."""
from datetime import timedelta
from math import ceil
from typing import NamedTuple

from flask import abort, current_app, g, has_request_context
from flask_login import current_user
from sqlalchemy import Integer, cast, false, literal, null, or_, select, true, union_all

from .accounts.models import User
from .cohorts.models import CohortFacilitator
from .communities.models import Cohort, Community, FocalPoint, Membership, Post, PostStatus, Role, Thread
from .courses.models import Activity, Enrolment, Lesson
from .directory.models import DirectoryBlock, DirectoryProfile
from .events.models import Event, EventScope
from .extensions import db
from .focus_groups.models import FocusGroup
from .harassment.models import HarassmentReport
from .models_base import utcnow
from .resources.models import Resource, ResourceStatus


class Refusal:
    """A "no" that says why (reason: "locked", "muted", "agreements", "slow_mode", "state"…), with details.
    It is false, so rules compose with and/or; test what refusal() returns with `is not None`."""

    def __init__(self, reason, **details):
        self.reason, self.details = reason, details

    def __bool__(self):
        return False

    def __repr__(self):
        return f"Refusal({self.reason!r}, {self.details!r})"


# --- facts about a person, cached for the request -------------------------------------------------

def request_cache(name, key, compute):
    """compute(), kept for the rest of the request under (name, key); forget() drops it. Other modules keep their
    own request-scoped facts here too (pacing's locked modules), so a change of role or cohort drops them all."""
    if not has_request_context():
        return compute()
    store = g.setdefault("policy_cache", {})
    key = (name, key)
    if key not in store:
        store[key] = compute()
    return store[key]


def memberships(user):
    """{community_id: Membership} for the user's memberships (pending ones included)."""
    def compute():
        rows = db.session.scalars(db.select(Membership).filter_by(user_id=user.id))
        return {row.community_id: row for row in rows}
    return request_cache("memberships", user.id, compute) if user.is_authenticated else {}


class Standing(NamedTuple):
    """What a person is beyond their memberships, read in one query per request (they are asked on every page:
    the header's review queue, the lesson's locks, panels and links)."""

    focal_regions: set  # the regions they are a focal point for
    facilitated_cohorts: set  # the cohorts they facilitate
    cohort_communities: set  # the communities of those cohorts
    learner_cohorts: dict  # {course_id: cohort_id} of the courses they take in a cohort


def standing(user):
    if not user.is_authenticated:
        return Standing(set(), set(), set(), {})

    def compute():
        none = cast(null(), Integer)
        rows = db.session.execute(union_all(
            select(literal("focal"), FocalPoint.region_id, none).where(FocalPoint.user_id == user.id),
            select(literal("facilitates"), CohortFacilitator.cohort_id, Cohort.community_id)
            .join(Cohort, Cohort.id == CohortFacilitator.cohort_id).where(CohortFacilitator.user_id == user.id),
            select(literal("learns"), Enrolment.course_id, Enrolment.cohort_id)
            .where(Enrolment.user_id == user.id, Enrolment.cohort_id.is_not(None))))
        found = Standing(set(), set(), set(), {})
        for kind, first, second in rows:
            if kind == "focal":
                found.focal_regions.add(first)
            elif kind == "facilitates":
                found.facilitated_cohorts.add(first)
                found.cohort_communities.add(second)
            else:
                found.learner_cohorts[first] = second
        return found
    return request_cache("standing", user.id, compute)


def focal_regions(user):
    """The ids of the regions the user is a focal point for."""
    return standing(user).focal_regions


def facilitated_cohorts(user):
    """The ids of the cohorts the user facilitates."""
    return standing(user).facilitated_cohorts


def cohort_communities(user):
    """The ids of the communities in which the user facilitates a cohort."""
    return standing(user).cohort_communities


def learner_cohorts(user):
    """{course_id: cohort_id} for the courses the user takes within a cohort."""
    return standing(user).learner_cohorts


def forget(user):
    """Drop the cached facts after they change within a request."""
    if has_request_context():
        g.pop("policy_cache", None)


def membership(user, community):
    found = memberships(user).get(community.id)
    return found if found is not None and not found.pending else None


def _admin(user, target=None):
    return user.is_authenticated and user.is_admin


def _signed_in(user, target=None):
    return user.is_authenticated


# --- communities ---------------------------------------------------------------------------------

def _authored(user, item):
    """Whether the user wrote the thread or post (a former member's item has no author)."""
    return user.is_authenticated and item.author_id is not None and item.author_id == user.id


def _region_lead(user, community):
    """Admins and focal points of the community's region: above its facilitators."""
    return user.is_authenticated and (user.is_admin or bool(community.region_id
                                                            and community.region_id in focal_regions(user)))


def _facilitated(user):
    """The ids of the communities the user facilitates."""
    return [cid for cid, member in memberships(user).items() if not member.pending and member.role == Role.FACILITATOR]


def _moderates(user, community):
    """Facilitators of the community, focal points of its region, admins."""
    if _region_lead(user, community):
        return True
    member = membership(user, community) if user.is_authenticated else None
    return member is not None and member.role == Role.FACILITATOR


def _cohort_moderator(user, thread):
    """Whether the thread is in the space of a cohort the user facilitates."""
    return user.is_authenticated and thread.cohort_id is not None and thread.cohort_id in facilitated_cohorts(user)


def _moderates_thread(user, thread):
    """The community's moderators; for a cohort's thread, that cohort's facilitators too (and nothing else of the
    community: muting, roles, pre-moderation and the audit log stay with community.moderate). Asked for every
    post of a page, so answered once per request and thread."""
    if not user.is_authenticated:
        return False

    def compute():
        return _moderates(user, thread.community) or _cohort_moderator(user, thread)
    if thread.id is None:
        return compute()
    return request_cache("moderates_thread", (user.id, thread.id), compute)


def _moderates_some(user, community):
    """Moderates something here: the whole community, or the space of one of its cohorts (the moderation pages
    let them in; the rule of each act decides it)."""
    return _moderates(user, community) or (user.is_authenticated and community.id in cohort_communities(user))


def moderator_ids(community, thread=None):
    """SQL twin of community.moderate, admins aside (they see every queue): facilitators and the region's focal
    points; with a cohort's thread, twin of thread.moderate: that cohort's facilitators too."""
    ids = set(db.session.scalars(db.select(Membership.user_id).filter_by(
        community_id=community.id, role=Role.FACILITATOR, pending=False)))
    if community.region_id:
        ids |= set(db.session.scalars(db.select(FocalPoint.user_id).filter_by(region_id=community.region_id)))
    if thread is not None and thread.cohort_id is not None:
        ids |= set(db.session.scalars(db.select(CohortFacilitator.user_id).filter_by(cohort_id=thread.cohort_id)))
    return ids


def _moderates_somewhere(user, target=None):
    return user.is_authenticated and (user.is_admin or bool(focal_regions(user)) or bool(_facilitated(user))
                                      or bool(facilitated_cohorts(user)))


def moderated_communities(user):
    """SQL twin of community.moderate over Community rows."""
    if not user.is_authenticated:
        return false()
    if user.is_admin:
        return true()
    return or_(Community.region_id.in_(sorted(focal_regions(user))), Community.id.in_(_facilitated(user)))


def partly_moderated_communities(user):
    """SQL twin of community.moderate_some over Community rows: those moderated, and those of the user's cohorts."""
    if not user.is_authenticated or user.is_admin:
        return moderated_communities(user)
    return or_(moderated_communities(user), Community.id.in_(sorted(cohort_communities(user))))


def _views_community(user, community):
    return not community.members_only or membership(user, community) is not None or _moderates(user, community)


def _joins(user, community):
    if community.archived_at is not None:
        return Refusal("archived")
    return user.is_authenticated and community.id not in memberships(user)


def _accepts_agreements(user, community):
    return membership(user, community) is not None


def _posts_in(user, community):
    """Members and moderators: the people who take part in the community's conversations."""
    return membership(user, community) is not None or _moderates(user, community)


def _writes_in(user, community):
    """Whether the user may write here now: a member who accepted the agreements and is not muted, or a
    moderator who is not a member."""
    if not _posts_in(user, community):
        return False
    if community.archived_at is not None:
        return Refusal("archived")
    member = membership(user, community)
    if member is None:
        return True
    if member.agreements_accepted_at is None:
        return Refusal("agreements")
    if member.muted_until is not None and member.muted_until > utcnow():
        return Refusal("muted", until=member.muted_until)
    return True


def _frames_dialogue(user, community):
    return _writes_in(user, community) if _moderates(user, community) else False


def _frames_cohort_dialogue(user, cohort):
    """Open a dialogue in a cohort's space: the community's moderators and the cohort's facilitators."""
    if not (_moderates(user, cohort.community) or _facilitates_cohort(user, cohort)):
        return False
    return _writes_in(user, cohort.community)


def _publishes_unreviewed(user, community):
    """Pre-moderation holds new members only: moderators and members with premoderate_posts visible posts here
    publish without review."""
    if not community.premoderate_posts or _moderates(user, community):
        return True
    visible = db.session.scalar(
        db.select(db.func.count()).select_from(Post).join(Thread)
        .where(Thread.community_id == community.id, Post.author_id == user.id, Post.status == PostStatus.VISIBLE))
    return visible >= community.premoderate_posts


def _publishes_in_thread(user, thread):
    """Posts here without waiting for a moderator: the thread's moderators, else as community.publish says."""
    return _moderates_thread(user, thread) or _publishes_unreviewed(user, thread.community)


def _views_thread(user, thread):
    """The community's viewers; a thread whose opening post waits for a moderator: its author and the thread's
    moderators."""
    if not _views_community(user, thread.community):
        return False
    return not thread.held or _authored(user, thread) or _moderates_thread(user, thread)


def visible_threads(user, community):
    """SQL twin of thread.view for the threads of a community the user views."""
    if _moderates(user, community):
        return true()
    if not user.is_authenticated:
        return Thread.held.is_(False)
    return or_(Thread.held.is_(False), Thread.author_id == user.id,
               Thread.cohort_id.in_(sorted(facilitated_cohorts(user))))


def _slow_mode_wait(user, thread):
    """Minutes the user must still wait before posting again in a slow-mode thread (0: none)."""
    last = db.session.scalar(db.select(db.func.max(Post.created_at)).filter_by(thread_id=thread.id,
                                                                              author_id=user.id))
    if last is None:
        return 0
    seconds = (last + timedelta(minutes=thread.slow_mode_minutes) - utcnow()).total_seconds()
    return max(1, ceil(seconds / 60)) if seconds > 0 else 0


def _replies_to(user, thread):
    """Those who may write in the community and view the thread; a locked thread takes moderators only; slow
    mode spaces each member's posts."""
    if not _views_thread(user, thread):
        return False
    writes = _writes_in(user, thread.community)
    if writes is False:
        return False
    moderator = _moderates_thread(user, thread)
    if thread.locked and not moderator:
        return Refusal("locked")
    if not writes:
        return writes
    if thread.slow_mode_minutes and not moderator:
        wait = _slow_mode_wait(user, thread)
        if wait:
            return Refusal("slow_mode", minutes=wait)
    return True


def _reads_post(user, post):
    """Its body: visible, the thread's viewers; held, its author and moderators; hidden, moderators; deleted,
    nobody."""
    if post.status == PostStatus.DELETED or not _views_thread(user, post.thread):
        return False
    if post.status == PostStatus.VISIBLE or (post.status == PostStatus.HELD and _authored(user, post)):
        return True
    return _moderates_thread(user, post.thread)


def listed_posts(user, thread):
    """SQL twin of post.read for a thread's list: held posts show to their author and moderators only (hidden and
    deleted ones are listed as a line that says so)."""
    if _moderates_thread(user, thread):
        return true()
    if not user.is_authenticated:
        return Post.status != PostStatus.HELD
    return or_(Post.status != PostStatus.HELD, Post.author_id == user.id)


def _quotes_post(user, post):
    return post.status == PostStatus.VISIBLE and _views_thread(user, post.thread)


def _edits_post(user, post):
    """Its author, within the edit window, in a thread that is not locked, while they may write here."""
    if not _authored(user, post) or post.status not in (PostStatus.VISIBLE, PostStatus.HELD):
        return False
    window = timedelta(minutes=current_app.config["POST_EDIT_MINUTES"])
    if utcnow() - post.created_at > window or post.thread.locked or not _views_thread(user, post.thread):
        return False
    return _writes_in(user, post.thread.community)


def _deletes_post(user, post):
    return _authored(user, post) and post.status != PostStatus.DELETED


def _reports_post(user, post):
    return (user.is_authenticated and not _authored(user, post) and post.status == PostStatus.VISIBLE
            and _views_thread(user, post.thread))


def _reviews_post(user, post):
    """Moderators of the thread (the community's, and a cohort thread's cohort facilitators); nobody reviews their
    own post except those above its facilitators."""
    if not _moderates_thread(user, post.thread):
        return False
    return not _authored(user, post) or _region_lead(user, post.thread.community)


def reviewable_posts(user):
    """SQL twin of post.review for a query over Post joined to Thread."""
    if not user.is_authenticated:
        return false()
    if user.is_admin:
        return true()
    led = Thread.community_id.in_(db.select(Community.id).where(Community.region_id.in_(sorted(focal_regions(user)))))
    others = or_(Post.author_id.is_(None), Post.author_id != user.id)
    facilitated = or_(Thread.community_id.in_(_facilitated(user)),
                      Thread.cohort_id.in_(sorted(facilitated_cohorts(user))))
    return or_(led, facilitated & others)


# What a moderator may do to a post, by the post's status.
POST_ACTS = {
    "approve": (PostStatus.HELD,),
    "hide": (PostStatus.VISIBLE, PostStatus.HELD),
    "restore": (PostStatus.HIDDEN,),
    "warn": (PostStatus.VISIBLE, PostStatus.HIDDEN),
    "dismiss": (PostStatus.VISIBLE, PostStatus.HIDDEN),
}


def _acts_on_post(statuses):
    def rule(user, post):
        if not _reviews_post(user, post):
            return False
        return True if post.status in statuses else Refusal("state")
    return rule


def _admits(user, member):
    """Moderators decide requests to join, never their own."""
    if member.user_id == user.id or not _moderates(user, member.community):
        return False
    return True if member.pending else Refusal("state")


def _mutes(user, member):
    """Moderators mute and unmute members, never themselves."""
    if member.user_id == user.id or not _moderates(user, member.community):
        return False
    return Refusal("state") if member.pending else True


def _sets_role(user, member):
    """Focal points of the region and admins appoint facilitators, never themselves."""
    if member.user_id == user.id or not _region_lead(user, member.community):
        return False
    return Refusal("state") if member.pending else True


def _creates_community(user, region):
    """Admins anywhere (region None: a cross-regional or thematic community); focal points in their regions.
    With no target (the blank form): whoever may create one somewhere."""
    if not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    if region is None:
        return bool(focal_regions(user))
    return region.id in focal_regions(user)


def _manages_community(user, community):
    """Edit, archive and reopen: admins, and focal points of the community's region."""
    return _region_lead(user, community)


# --- cohorts -------------------------------------------------------------------------------------

def _leads_cohort(user, cohort):
    """Focal points of the cohort's region and admins run it: dates, pacing, roster, invitations, facilitators."""
    return _region_lead(user, cohort.community)


def _facilitates_cohort(user, cohort):
    return user.is_authenticated and cohort.id in facilitated_cohorts(user)


def _follows_cohort(user, cohort):
    """Its dashboard: its facilitators, the focal points of its region, admins."""
    return _facilitates_cohort(user, cohort) or _leads_cohort(user, cohort)


def _follows_region(user, region):
    return user.is_authenticated and (user.is_admin or region.id in focal_regions(user))


def followed_cohorts(user):
    """SQL twin of cohort.dashboard (and of cohort.manage, which it includes) over Cohort joined to Community."""
    if not user.is_authenticated:
        return false()
    if user.is_admin:
        return true()
    return or_(Community.region_id.in_(sorted(focal_regions(user))), Cohort.id.in_(sorted(facilitated_cohorts(user))))


def _invites(user, cohort):
    """Its leads, while its community takes new members (an archived one takes nobody)."""
    if not _leads_cohort(user, cohort):
        return False
    return Refusal("archived") if cohort.community.archived_at is not None else True


def _accepts_invitation(user, invitation):
    """Whoever holds the link, signed in and not suspended, while it is pending, not expired, and its cohort's
    community is not archived."""
    if not user.is_authenticated:
        return False
    if user.suspended:
        return Refusal("suspended")
    if invitation.cohort.community.archived_at is not None:
        return Refusal("archived")
    return True if invitation.is_open else Refusal("state")


def _has_dashboards(user, target=None):
    return user.is_authenticated and (user.is_admin or bool(focal_regions(user)) or bool(facilitated_cohorts(user)))


def _in_cohort(user, cohort):
    """Its learners and its facilitators: the people a learner shares a reflection with."""
    return user.is_authenticated and (learner_cohorts(user).get(cohort.course_id) == cohort.id
                                      or _facilitates_cohort(user, cohort))


def _response_course_id(response):
    return db.session.scalar(db.select(Lesson.course_id).join(Activity).where(Activity.id == response.activity_id))


def _shares_reflection(user, response):
    """Its author, about a reflection they wrote, while they take the course within a cohort (target: the
    Response, whose .shared is its SharedReflection or None). A reflection a facilitator hid stays hidden."""
    if not user.is_authenticated or response.user_id != user.id or not response.text_source.strip():
        return False
    if learner_cohorts(user).get(_response_course_id(response)) is None:
        return False
    shared = getattr(response, "shared", None)
    return Refusal("hidden") if shared is not None and shared.hidden_at is not None else True


def _hides_reflection(user, shared):
    """The cohort's facilitators; never focal points or admins as such, who never read reflections."""
    return user.is_authenticated and shared.cohort_id in facilitated_cohorts(user)


# --- the course team: feedback, surveys, focus groups, the report, publishing ------------------------

def _course_team(user, target=None):
    """Appointed by admins (admins are on it too): the report, focus-group notes, unsafe flags, publishing."""
    return user.is_authenticated and (user.is_admin or user.is_course_team)


def _records_focus_groups(user, target=None):
    """Facilitators (of a community or a cohort), focal points, the course team and admins."""
    return user.is_authenticated and (_course_team(user) or bool(focal_regions(user)) or bool(_facilitated(user))
                                      or bool(facilitated_cohorts(user)))


def _reads_focus_group(user, group):
    """Its recorder, the course team and admins."""
    return _course_team(user) or (user.is_authenticated and group.recorded_by_id is not None
                                  and group.recorded_by_id == user.id)


def visible_focus_groups(user):
    """SQL twin of focus_group.read over FocusGroup rows: the course team (admins included) reads every session,
    anyone else only those they recorded."""
    if not user.is_authenticated:
        return false()
    if user.is_admin or user.is_course_team:
        return true()
    return FocusGroup.recorded_by_id == user.id


def _edits_focus_group(user, group):
    """Its recorder and admins (the course team reads every session but does not rewrite a recorder's notes)."""
    return user.is_authenticated and (user.is_admin or (group.recorded_by_id is not None
                                                        and group.recorded_by_id == user.id))


def _sets_course_team(user, person):
    """Admins appoint and remove members of the course team, never a suspended person."""
    if not _admin(user):
        return False
    return Refusal("suspended") if person.suspended else True


# --- confidential harassment reports -------------------------------------------------------------

class HarassmentRouting(NamedTuple):
    """Who handles one report, and which groups they come from (for telling the reporter who will read it)."""

    handler_ids: frozenset
    admins: bool  # some of the secretariat's admins handle it
    focal_points: bool  # some focal points of its region handle it
    admins_left_out: bool  # an admin is kept from it: the person reported, or the reporter
    focal_points_left_out: bool  # likewise a focal point of the region
    fallback: bool  # nobody else could handle it: the admins other than the person reported, reporter included


def harassment_routing(reporter_id, region_id, reported_user_id):
    """Who handles a report: the admins and the region's focal points, never the person reported, and not the
    reporter unless nobody else could. The one function that routes a report, answers harassment.handle and
    tells the reporter who will read it."""
    def compute():
        admins = set(db.session.scalars(db.select(User.id).where(User.is_admin)))
        focal = set(db.session.scalars(db.select(FocalPoint.user_id).where(FocalPoint.region_id == region_id))
                    if region_id else ())
        left_out = {reported_user_id, reporter_id} - {None}
        handlers = (admins | focal) - left_out
        fallback = not handlers
        if fallback:
            handlers = admins - {reported_user_id}
        return HarassmentRouting(frozenset(handlers), bool(handlers & admins), bool(handlers & focal),
                                 bool(admins & left_out), bool(focal & left_out), fallback)
    return request_cache("harassment_routing", (reporter_id, region_id, reported_user_id), compute)


def _handles_harassment(user, report):
    """The report's handlers (harassment_routing): status, outcome, private notes, the attached post."""
    if not user.is_authenticated or user.id == report.reported_user_id:
        return False
    if not (user.is_admin or (report.region_id is not None and report.region_id in focal_regions(user))):
        return False  # most people: answered without a query
    return user.id in harassment_routing(report.reporter_id, report.region_id, report.reported_user_id).handler_ids


def harassment_inbox_filter(user):
    """SQL mirror of harassment.handle for the inbox (and its count): reports others filed in the user's regions
    (every region for admins), never one about the user. Their own reports are listed as "Reports I made"."""
    clause = (or_(HarassmentReport.reported_user_id.is_(None), HarassmentReport.reported_user_id != user.id)
              & or_(HarassmentReport.reporter_id.is_(None), HarassmentReport.reporter_id != user.id))
    return clause if user.is_admin else clause & HarassmentReport.region_id.in_(focal_regions(user))


def _reads_harassment(user, report):
    return (user.is_authenticated and report.reporter_id == user.id) or _handles_harassment(user, report)


def _adds_harassment_information(user, report):
    """The reporter adds to their own report, even once it is closed (the page says it is closed)."""
    return user.is_authenticated and report.reporter_id is not None and report.reporter_id == user.id


def _reads_reported_post(user, report):
    """The post attached to a report is evidence for its handlers, whatever became of it since (hidden, deleted)."""
    return report.post_id is not None and _handles_harassment(user, report)


def _has_harassment_inbox(user, target=None):
    return _admin(user) or bool(focal_regions(user))


# --- certificates --------------------------------------------------------------------------------

def _course_completed(user_id, course_id):
    """Whether the person's enrolment in the course is complete now (marking a lesson not done undoes it)."""
    return db.session.scalar(db.select(Enrolment.completed_at).filter_by(user_id=user_id, course_id=course_id)) \
        is not None


def _views_certificate(user, enrolment):
    """One's own certificate page, once the course is completed (target: the enrolment, or None)."""
    return (user.is_authenticated and enrolment is not None and enrolment.user_id == user.id
            and enrolment.completed_at is not None)


def _edits_certificate(user, certificate):
    """Its learner chooses the printed name and whether it is public, while it stands and the course is done."""
    if not user.is_authenticated or certificate.user_id != user.id:
        return False
    if not _course_completed(certificate.user_id, certificate.course_id):
        return False
    return Refusal("revoked") if certificate.revoked_at is not None else True


def _verifies_certificate(user, certificate):
    """Anyone with the code, only while it is public, not revoked, and the course still completed."""
    return (certificate is not None and certificate.public and certificate.revoked_at is None
            and _course_completed(certificate.user_id, certificate.course_id))


def _revokes_certificate(user, certificate):
    if not _admin(user):
        return False
    return Refusal("state") if certificate.revoked_at is not None else True


# --- the secretariat's console: people and their roles ---------------------------------------------

def _active_admins():
    """How many admins can still sign in (not suspended)."""
    return db.session.scalar(db.select(db.func.count()).select_from(User)
                             .where(User.is_admin, User.suspended_at.is_(None)))


def _manages(user, person):
    """Admins, about someone else: nobody suspends, deletes or un-admins themselves here."""
    if not _admin(user):
        return False
    return Refusal("self") if person.id == user.id else True


def _keeps_an_admin(person):
    """Refuse what would leave no admin who can sign in."""
    if person.is_admin and not person.suspended and _active_admins() <= 1:
        return Refusal("last_admin")
    return True


def _suspends(user, person):
    allowed = _manages(user, person)
    if not allowed:
        return allowed
    return Refusal("state") if person.suspended else _keeps_an_admin(person)


def _reactivates(user, person):
    if not _admin(user):
        return False
    return True if person.suspended else Refusal("state")


def _deletes_account(user, person):
    allowed = _manages(user, person)
    return _keeps_an_admin(person) if allowed else allowed


def _makes_admin(user, person):
    allowed = _manages(user, person)
    if not allowed:
        return allowed
    if person.suspended:
        return Refusal("suspended")
    return Refusal("state") if person.is_admin else True


def _removes_admin(user, person):
    allowed = _manages(user, person)
    if not allowed:
        return allowed
    return _keeps_an_admin(person) if person.is_admin else Refusal("state")


def _appoints(user, person):
    """Admins appoint focal points and facilitators (themselves too), never a suspended person."""
    if not _admin(user):
        return False
    return Refusal("suspended") if person.suspended else True


# --- the commons: calendar, resource library, directory, search ----------------------------------

def viewed_communities(user):
    """SQL twin of community.view over Community rows: open ones, those the user belongs to (not pending), and
    those they moderate."""
    if not user.is_authenticated:
        return Community.members_only.is_(False)
    if user.is_admin:
        return true()
    joined = [cid for cid, member in memberships(user).items() if not member.pending]
    return or_(Community.members_only.is_(False), Community.id.in_(sorted(joined)),
               Community.region_id.in_(sorted(focal_regions(user))))


def _event_place(event):
    """What an event belongs to, as event.plan judges it: EventScope.GLOBAL, a Region, a Community or a Cohort."""
    return {EventScope.GLOBAL: EventScope.GLOBAL, EventScope.REGION: event.region,
            EventScope.COMMUNITY: event.community, EventScope.COHORT: event.cohort}[event.scope]


def _plans_events(user, place):
    """Admins plan global events (place: EventScope.GLOBAL) and any others; focal points their region's (and its
    communities' and cohorts'); facilitators their community's; cohort facilitators their cohort's. With no
    place (the blank form): whoever may plan an event somewhere."""
    if not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    if place is None:
        return bool(focal_regions(user) or _facilitated(user) or facilitated_cohorts(user))
    if place == EventScope.GLOBAL:
        return False
    if isinstance(place, Cohort):
        if place.community.archived_at is not None:
            return Refusal("archived")
        return _leads_cohort(user, place) or _facilitates_cohort(user, place)
    if isinstance(place, Community):
        if place.archived_at is not None:
            return Refusal("archived")
        return _moderates(user, place)
    return place.id in focal_regions(user)  # a Region


def _views_event(user, event):
    """Global and regional events: everyone signed in; a community's: its viewers; a cohort's: its learners,
    facilitators and leads."""
    if not user.is_authenticated:
        return False
    if event.scope == EventScope.COHORT:
        return _in_cohort(user, event.cohort) or _leads_cohort(user, event.cohort)
    if event.scope == EventScope.COMMUNITY:
        return _views_community(user, event.community)
    return True


def _reads_open_feed(user, community):
    """An open community's iCal feed: anyone with its address, signed in or not (calendar apps cannot sign in).
    A members-only community's feed needs a member's secret token (event.view for the token's person)."""
    return not community.members_only and community.archived_at is None


def _manages_event(user, event):
    """Edit and cancel: whoever may plan events where it belongs."""
    return _plans_events(user, _event_place(event))


def visible_events(user):
    """SQL twin of event.view over Event rows."""
    if not user.is_authenticated:
        return false()
    if user.is_admin:
        return true()
    cohorts = set(learner_cohorts(user).values()) | facilitated_cohorts(user)
    led_cohorts = db.select(Cohort.id).join(Community).where(Community.region_id.in_(sorted(focal_regions(user))))
    return or_(Event.scope.in_([EventScope.GLOBAL, EventScope.REGION]),
               (Event.scope == EventScope.COMMUNITY)
               & Event.community_id.in_(db.select(Community.id).where(viewed_communities(user))),
               (Event.scope == EventScope.COHORT) & or_(Event.cohort_id.in_(sorted(cohorts)),
                                                        Event.cohort_id.in_(led_cohorts)))


def _reviews_resources(user, resource):
    """Admins; focal points for a resource of their region. With no resource (the queue): whoever reviews some."""
    if not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    if resource is None:
        return bool(focal_regions(user))
    return resource.region_id is not None and resource.region_id in focal_regions(user)


def reviewable_resources(user):
    """SQL twin of resource.review over Resource rows."""
    if not user.is_authenticated:
        return false()
    if user.is_admin:
        return true()
    return Resource.region_id.in_(sorted(focal_regions(user)))


def _views_resource(user, resource):
    """Published: everyone, signed in or not. A suggestion: its author and its reviewers. Retired: reviewers."""
    if resource.status == ResourceStatus.PUBLISHED:
        return True
    if resource.status != ResourceStatus.RETIRED and user.is_authenticated \
            and resource.suggested_by_id is not None and resource.suggested_by_id == user.id:
        return True
    return _reviews_resources(user, resource)


def _acts_on_resource(*statuses):
    def rule(user, resource):
        if not _reviews_resources(user, resource):
            return False
        return True if resource.status in statuses else Refusal("state")
    return rule


def _views_profile(user, profile):
    """A published profile of an account that is not suspended: everyone signed in; one's own, always."""
    if not user.is_authenticated or profile is None:
        return False
    return profile.user_id == user.id or (profile.published and not profile.user.suspended)


def listed_profiles(user):
    """SQL twin of directory.profile over DirectoryProfile rows, for the list, the map and search: published
    profiles of accounts that are not suspended (one's own unpublished profile is never counted)."""
    if not user.is_authenticated:
        return false()
    return DirectoryProfile.published.is_(True) & DirectoryProfile.user_id.in_(
        db.select(User.id).where(User.suspended_at.is_(None)))


def _blocked_by(user, other_id):
    return db.session.scalar(db.select(DirectoryBlock.id).filter_by(blocker_id=other_id, blocked_id=user.id)) \
        is not None


def _messages_profile(user, profile):
    """Write to a published profile that takes messages, never one's own; a block answers like a closed
    profile ("unavailable"), so the blocked person is not told."""
    if not _views_profile(user, profile) or profile.user_id == user.id or user.suspended:
        return False
    if not profile.published or not profile.accepts_messages or _blocked_by(user, profile.user_id):
        return Refusal("unavailable")
    return True


def _replies_to_message(user, message):
    """The recipient answers the sender through Co-Lab, unless the sender is gone or blocked the recipient."""
    if not user.is_authenticated or message.recipient_id != user.id or user.suspended:
        return False
    if message.sender_id is None or message.sender.suspended or _blocked_by(user, message.sender_id):
        return Refusal("unavailable")
    return True


def _blocks(user, person):
    return user.is_authenticated and person is not None and person.id != user.id


def _manages_organisations(user, target):
    """Admins; focal points for organisations of their region (target: an Organisation, a Region, or None for
    the blank form)."""
    if not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    if target is None:
        return bool(focal_regions(user))
    region_id = target.id if not hasattr(target, "region_id") else target.region_id
    return region_id is not None and region_id in focal_regions(user)


# action -> rule(user, target). Names are "<noun>.<verb>".
RULES = {
    "course.browse": lambda user, target: True,
    "course.enrol": _signed_in,
    "lesson.read": _signed_in,
    "course.package": _signed_in,  # download the modules open to one as a zip to read offline
    "admin.view": _admin,
    "admin.manage_people": _admin,  # the people list, a person's page
    "admin.audit": _admin,  # the secretariat's audit log
    "admin.suspend": _suspends,
    "admin.reactivate": _reactivates,
    "admin.delete": _deletes_account,
    "admin.make_admin": _makes_admin,
    "admin.remove_admin": _removes_admin,
    "admin.appoint": _appoints,  # focal point of a region, facilitator of a community
    "admin.remove_role": _admin,  # removing a focal point or facilitator role
    "community.list": _signed_in,
    "community.view": _views_community,
    "community.join": _joins,
    "community.accept_agreements": _accepts_agreements,
    "community.post": _posts_in,  # takes part here (thread.create and thread.reply say whether right now)
    "community.publish": _publishes_unreviewed,  # posts without waiting for a moderator
    "community.moderate": _moderates,
    "moderation.overview": _moderates_somewhere,  # the list of one's review queues
    "community.create": _creates_community,  # target: the Region, or None
    "community.edit": _manages_community,  # name, description, agreements, kind, region, members-only
    "community.archive": _manages_community,  # and reopen
    "cohort.create": _region_lead,  # target: the community
    "cohort.manage": _leads_cohort,  # dates, pacing, live sessions, roster, facilitators, invitations
    "cohort.dashboard": _follows_cohort,
    "cohort.members": _in_cohort,  # read the reflections its learners share with it
    "dashboard.list": _has_dashboards,
    "cohort.list": _has_dashboards,  # the cohorts one runs or facilitates
    "cohort.invite": _invites,  # send, resend (cohort.manage lists and revokes)
    "invitation.accept": _accepts_invitation,
    "feedback.give": _signed_in,  # on a lesson they may read (the view checks the lesson is open to them)
    "survey.answer": _signed_in,  # a survey of a course they take (the service checks the enrolment)
    "focus_group.record": _records_focus_groups,
    "focus_group.list": _records_focus_groups,  # the sessions one recorded (all of them for the course team)
    "focus_group.read": _reads_focus_group,
    "focus_group.edit": _edits_focus_group,
    "focus_group.delete": _edits_focus_group,
    "course_team.report": _course_team,
    "content.publish": _course_team,  # upload, preview, publish, restore
    "admin.set_course_team": _sets_course_team,
    "dashboard.region": _follows_region,
    "dashboard.global": _admin,
    "reflection.share": _shares_reflection,  # and unshare
    "reflection.hide": _hides_reflection,  # and restore
    "member.admit": _admits,  # approve or decline a request to join
    "member.mute": _mutes,
    "member.set_role": _sets_role,
    "thread.view": _views_thread,
    "thread.create": _writes_in,
    "thread.frame": _frames_dialogue,  # open a dialogue thread with framing text
    "thread.reply": _replies_to,
    "post.read": _reads_post,
    "post.quote": _quotes_post,
    "post.edit": _edits_post,
    "post.delete": _deletes_post,
    "post.report": _reports_post,
    "post.history": lambda user, post: _moderates_thread(user, post.thread),
    "post.review": _reviews_post,
    **{f"post.{act}": _acts_on_post(statuses) for act, statuses in POST_ACTS.items()},
    "notification.list": _signed_in,
    "harassment.create": _signed_in,
    "harassment.read": _reads_harassment,
    "harassment.handle": _handles_harassment,  # status, outcome, private notes
    "harassment.add_information": _adds_harassment_information,
    "harassment.read_post": _reads_reported_post,
    "harassment.inbox": _has_harassment_inbox,
    "certificate.open": _signed_in,  # ask for one's own certificate page (certificate.view decides, else 404)
    "certificate.view": _views_certificate,
    "certificate.edit": _edits_certificate,  # printed name, public or private
    "certificate.verify": _verifies_certificate,
    "certificate.manage": _admin,  # the admin's page for one certificate
    "certificate.revoke": _revokes_certificate,
    # a cohort's facilitators moderate its discussion space (issue 8)
    "community.moderate_some": _moderates_some,  # the whole community or a cohort's space: the moderation pages
    "cohort.frame": _frames_cohort_dialogue,  # open a dialogue thread in the cohort's space (target: the Cohort)
    "thread.moderate": _moderates_thread,  # lock, unlock, pin, unpin, slow mode
    "thread.publish": _publishes_in_thread,  # post here without waiting for a moderator
    # the commons (issue 10)
    "calendar.view": _signed_in,  # the calendar pages, the personal feed's settings
    "event.view": _views_event,
    "event.create": _plans_events,  # target: EventScope.GLOBAL, a Region, a Community, a Cohort, or None
    "event.edit": _manages_event,
    "event.cancel": _manages_event,  # and reinstate
    "calendar.open_feed": _reads_open_feed,  # target: the Community
    "resource.list": lambda user, target: True,
    "resource.view": _views_resource,  # and download its file
    "resource.suggest": _signed_in,
    "resource.review": _reviews_resources,  # the queue (target None) or one resource
    "resource.approve": _acts_on_resource(ResourceStatus.SUGGESTED, ResourceStatus.DECLINED),
    "resource.decline": _acts_on_resource(ResourceStatus.SUGGESTED),
    "resource.edit": _acts_on_resource(ResourceStatus.SUGGESTED, ResourceStatus.PUBLISHED),
    "resource.retire": _acts_on_resource(ResourceStatus.PUBLISHED),
    "resource.reinstate": _acts_on_resource(ResourceStatus.RETIRED),
    "directory.view": _signed_in,  # the list, the map, organisations
    "directory.edit_own": _signed_in,  # one's own profile: write, publish, hide
    "directory.profile": _views_profile,
    "directory.message": _messages_profile,
    "directory.reply": _replies_to_message,
    "directory.block": _blocks,  # target: the User (and unblock)
    "organisation.manage": _manages_organisations,  # create, edit, unpublish
    "search.use": _signed_in,
}


def _current_user():
    """The signed-in user (or the anonymous one) itself: rules read many attributes, and each read through
    Flask-Login's proxy would look the user up again."""
    return current_user._get_current_object()


def can(action, target=None, user=None):
    """Whether the user (default: the current one) may do action on target."""
    user = _current_user() if user is None else user
    return bool(RULES[action](user, target))


def refusal(action, target=None, user=None):
    """None when the user may do action on target, else a Refusal saying why (reason "forbidden" when the
    rule gives no reason)."""
    user = _current_user() if user is None else user
    answer = RULES[action](user, target)
    if answer:
        return None
    return answer if isinstance(answer, Refusal) else Refusal("forbidden")


class Refused(Exception):
    """A service was asked to do what the policy refuses; .refusal says why."""

    def __init__(self, refusal):
        super().__init__(refusal.reason)
        self.refusal = refusal


def ensure(action, target, user):
    """For services, which know no request: raise Refused unless user may do action on target."""
    found = refusal(action, target, user)
    if found is not None:
        raise Refused(found)


def require(action, target=None):
    """Abort the request unless the current user may do action: 401 for strangers, else 403 (404 hides)."""
    if can(action, target):
        return
    if not current_user.is_authenticated:
        abort(401)
    abort(403)
