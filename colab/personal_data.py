"""A person's own data: everything Co-Lab holds about them, as one export, and erasing it when they leave.

A leaf consumer like cli.py: it reads every feature's models; only the accounts views and the admin service
(deleting an account) import it.
tests/test_personal_data.py walks every foreign key to the user table and fails until a new one is
either exported here or deliberately left out there, with the reason.
"""
from collections import defaultdict

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from .accounts import service as accounts
from .accounts.models import UserSession
from .admin.models import AdminAct, AdminAction
from .certificates.models import Certificate
from .cohorts.models import CohortFacilitator, Invitation, SharedReflection
from .communities.models import Cohort, FocalPoint, Membership, Post, PostRevision, PostStatus, Thread
from .courses.models import Activity, Enrolment, Lesson, LessonProgress, Response
from .directory.models import DirectoryBlock, DirectoryMessage, DirectoryProfile, Organisation
from .events.models import CalendarFeed, Event
from .extensions import db
from .feedback.models import LessonFeedback
from .focus_groups.models import FocusGroup
from .harassment.models import HarassmentEntry, HarassmentReport
from .markup import EMPTY_HTML
from .models_base import isoformat as iso
from .moderation.models import Act, ModerationAction, PostReport
from .notifications.models import Notification
from .publishing.models import Publication
from .resources.models import Resource
from .surveys.models import Survey, SurveyAnswer

# Audit-log acts about a person that they were told of when they happened. Others (a report about their
# post dismissed, say) they never learnt of, and the export does not tell them now: it would say that
# someone reported them. Who acted is never exported.
TOLD_ACTS = (Act.HIDE, Act.RESTORE, Act.WARN, Act.APPROVE, Act.MUTE, Act.UNMUTE)


def export(user):
    """Everything Co-Lab holds about user, as one JSON-ready mapping (no one else's email, ever)."""
    return {
        "account": _account(user),
        "sessions": _sessions(user),
        "courses": _courses(user),
        "certificates": _certificates(user),
        "cohorts": _cohorts(user),
        "course_team": _course_team(user),
        "communities": _communities(user),
        "moderation": _moderation(user),
        "harassment": _harassment(user),
        "admin": _admin(user),
        "notifications": _notifications(user),
        "commons": _commons(user),
    }


def _all(query):
    return db.session.scalars(query).all()


def _account(user):
    return {"email": user.email, "display_name": user.display_name, "language": user.locale,
            "time_zone": user.timezone, "region": user.region.slug if user.region else None,
            "admin": user.is_admin, "discreet_mode": user.discreet,
            "low_data_mode": user.low_data, "email_summary": user.digest.value,
            "created_at": iso(user.created_at)}


def _sessions(user):
    rows = _all(db.select(UserSession).filter_by(user_id=user.id).order_by(UserSession.created_at))
    return [{"browser": row.browser, "system": row.platform, "kept_signed_in": row.remember,
             "signed_in_at": iso(row.created_at), "last_seen_at": iso(row.last_seen_at)} for row in rows]


def _courses(user):
    enrolled = _all(db.select(Enrolment).filter_by(user_id=user.id).options(joinedload(Enrolment.course)))
    progress = _all(db.select(LessonProgress).filter_by(user_id=user.id)
                    .options(joinedload(LessonProgress.lesson).joinedload(Lesson.course)))
    answers = _all(db.select(Response).filter_by(user_id=user.id).options(
        joinedload(Response.activity).joinedload(Activity.lesson).joinedload(Lesson.course)))
    shared = {row.response_id: row for row in _all(
        db.select(SharedReflection).join(Response).where(Response.user_id == user.id))}
    cohort_names = dict(db.session.execute(db.select(Cohort.id, Cohort.name).where(
        Cohort.id.in_({e.cohort_id for e in enrolled if e.cohort_id}))).all())

    def sharing(response):
        row = shared.get(response.id)
        if row is None or (row.shared_at is None and row.hidden_at is None):
            return None
        return {"shared_at": iso(row.shared_at), "hidden_by_a_facilitator_at": iso(row.hidden_at)}
    return {
        "enrolments": [{"course": e.course.slug, "cohort": cohort_names.get(e.cohort_id),
                        "enrolled_at": iso(e.enrolled_at), "completed_at": iso(e.completed_at),
                        "last_seen_at": iso(e.last_seen_at)} for e in enrolled],
        "lessons": [{"course": p.lesson.course.slug, "lesson": p.lesson.slug, "started_at": iso(p.started_at),
                     "last_seen_at": iso(p.last_seen_at), "completed_at": iso(p.completed_at)} for p in progress],
        "responses": [{"course": r.activity.lesson.course.slug, "lesson": r.activity.lesson.slug,
                       "activity": r.activity.slug, "type": r.activity.kind, "reflection": r.text_source or None,
                       "choice": r.choice, "attempts": r.attempts, "updated_at": iso(r.updated_at),
                       "shared_with_cohort": sharing(r)}
                      for r in answers],
    }


def _certificates(user):
    mine = _all(db.select(Certificate).filter_by(user_id=user.id).options(joinedload(Certificate.course))
                .order_by(Certificate.issued_at))
    # As an admin: which certificates they revoked and why, without the learner's code or printed name.
    revoked = _all(db.select(Certificate).filter_by(revoked_by_id=user.id).options(joinedload(Certificate.course))
                   .order_by(Certificate.revoked_at))
    return {
        "mine": [{"course": c.course.slug, "printed_name": c.printed_name, "verification_code": c.code,
                  "public": c.public, "issued_at": iso(c.issued_at), "revoked_at": iso(c.revoked_at),
                  "revoke_reason": c.revoke_reason or None} for c in mine],
        "revoked_by_me": [{"course": c.course.slug, "revoked_at": iso(c.revoked_at), "reason": c.revoke_reason}
                          for c in revoked],
    }


def _course_team(user):
    """What they told the course team (lesson feedback, survey answers) and, as a facilitator or on the course
    team, the focus groups they recorded and the content they published."""
    feedback = _all(db.select(LessonFeedback).filter_by(user_id=user.id)
                    .options(joinedload(LessonFeedback.lesson).joinedload(Lesson.course))
                    .order_by(LessonFeedback.created_at))
    answers = _all(db.select(SurveyAnswer).filter_by(user_id=user.id)
                   .options(joinedload(SurveyAnswer.survey).joinedload(Survey.course))
                   .order_by(SurveyAnswer.submitted_at))
    groups = _all(db.select(FocusGroup).filter_by(recorded_by_id=user.id).options(joinedload(FocusGroup.course))
                  .order_by(FocusGroup.held_on))
    published = _all(db.select(Publication).filter_by(published_by_id=user.id).order_by(Publication.created_at))
    return {
        "lesson_feedback": [{"course": f.lesson.course.slug, "lesson": f.lesson.slug, "usefulness": f.usefulness,
                             "what_would_make_it_better": f.better or None, "felt_unsafe": f.unsafe or None,
                             "given_at": iso(f.created_at), "changed_at": iso(f.updated_at)} for f in feedback],
        "survey_answers": [{"course": a.survey.course.slug, "survey": a.survey.slug, "version": a.version,
                            "skipped": a.skipped, "answers": a.answers, "submitted_at": iso(a.submitted_at)}
                           for a in answers],
        "focus_groups_recorded": [{"course": g.course.slug, "held_on": iso(g.held_on), "participants": g.participants,
                                   "worked": g.worked, "did_not_work": g.did_not_work, "suggestions": g.suggestions,
                                   "quotes": g.quotes} for g in groups],
        "content_published": [{"course": p.course_slug, "kind": p.kind, "summary": p.summary,
                               "published_at": iso(p.created_at)} for p in published],
    }


def _cohorts(user):
    """The cohorts they facilitate, the invitations they accepted, and (as a facilitator) the shared
    reflections they hid, without their authors or text."""
    facilitated = _all(db.select(CohortFacilitator).filter_by(user_id=user.id)
                       .options(joinedload(CohortFacilitator.cohort)).order_by(CohortFacilitator.appointed_at))
    accepted = _all(db.select(Invitation).filter_by(accepted_by_id=user.id).options(joinedload(Invitation.cohort))
                    .order_by(Invitation.accepted_at))
    sent = db.session.scalar(db.select(db.func.count()).select_from(Invitation).filter_by(invited_by_id=user.id))
    hidden = _all(db.select(SharedReflection).filter_by(hidden_by_id=user.id).order_by(SharedReflection.hidden_at))
    return {
        "facilitated": [{"cohort": f.cohort.name, "appointed_at": iso(f.appointed_at)} for f in facilitated],
        "invitations_accepted": [{"cohort": i.cohort.name, "sent_to": i.email, "accepted_at": iso(i.accepted_at)}
                                 for i in accepted],
        "invitations_sent": sent,  # a count: the addresses are other people's
        "reflections_hidden": [{"cohort_id": h.cohort_id, "hidden_at": iso(h.hidden_at)} for h in hidden],
    }


def _communities(user):
    memberships = _all(db.select(Membership).filter_by(user_id=user.id).options(joinedload(Membership.community)))
    regions = _all(db.select(FocalPoint).filter_by(user_id=user.id).options(joinedload(FocalPoint.region)))
    cohorts = _all(db.select(Cohort).filter_by(created_by_id=user.id)
                   .options(joinedload(Cohort.community), joinedload(Cohort.course)))
    threads = _all(db.select(Thread).filter_by(author_id=user.id).options(joinedload(Thread.community))
                   .order_by(Thread.created_at))
    posts = _all(db.select(Post).filter_by(author_id=user.id)
                 .options(joinedload(Post.thread).joinedload(Thread.community)).order_by(Post.created_at))
    revisions = defaultdict(list)
    for revision in _all(db.select(PostRevision).join(Post).where(Post.author_id == user.id)
                         .order_by(PostRevision.created_at)):
        revisions[revision.post_id].append({"text": revision.body_source, "written_at": iso(revision.created_at)})
    return {
        "memberships": [{"community": m.community.slug, "role": m.role, "pending": m.pending,
                         "joined_at": iso(m.joined_at), "agreements_accepted_at": iso(m.agreements_accepted_at),
                         "muted_until": iso(m.muted_until), "last_visited_at": iso(m.last_visited_at)}
                        for m in memberships],
        "focal_point_regions": [f.region.slug for f in regions],
        "cohorts_created": [{"name": c.name, "community": c.community.slug, "course": c.course.slug,
                             "starts_on": iso(c.starts_on), "ends_on": iso(c.ends_on),
                             "created_at": iso(c.created_at)} for c in cohorts],
        "threads_started": [{"community": t.community.slug, "title": t.title, "dialogue": t.is_dialogue,
                             "framing": t.framing_source, "content_note": t.content_note, "language": t.language,
                             "created_at": iso(t.created_at)} for t in threads],
        "posts": [{"community": p.thread.community.slug, "thread": p.thread.title, "status": p.status,
                   "text": p.body_source, "language": p.language, "created_at": iso(p.created_at),
                   "edited_at": iso(p.edited_at),
                   "earlier_versions": revisions[p.id]} for p in posts],
    }


def _moderation(user):
    reports = _all(db.select(PostReport).filter_by(reporter_id=user.id)
                   .options(joinedload(PostReport.post).joinedload(Post.thread)).order_by(PostReport.created_at))
    acts = _all(db.select(ModerationAction).filter_by(actor_id=user.id)
                .options(joinedload(ModerationAction.community)).order_by(ModerationAction.created_at))
    about = _all(db.select(ModerationAction).where(ModerationAction.subject_id == user.id,
                                                   ModerationAction.action.in_(TOLD_ACTS))
                 .options(joinedload(ModerationAction.community)).order_by(ModerationAction.created_at))
    return {
        "post_reports_made": [{"thread": r.post.thread.title, "reason": r.reason, "note": r.note,
                               "outcome": r.outcome or None, "created_at": iso(r.created_at),
                               "resolved_at": iso(r.resolved_at)} for r in reports],
        "acts_done": [{"community": a.community.slug, "action": a.action, "reason": a.reason,
                       "thread_id": a.thread_id, "post_id": a.post_id, "created_at": iso(a.created_at)}
                      for a in acts],
        "acts_about_me": [{"community": a.community.slug, "action": a.action, "reason": a.reason,
                           "created_at": iso(a.created_at)} for a in about],
    }


def _harassment(user):
    reports = _all(db.select(HarassmentReport).filter_by(reporter_id=user.id)
                   .options(joinedload(HarassmentReport.region)).order_by(HarassmentReport.created_at))
    entries = _all(db.select(HarassmentEntry).filter_by(author_id=user.id).order_by(HarassmentEntry.created_at))
    return {
        "reports_made": [{"report": r.id, "region": r.region.slug if r.region else None, "place": r.place,
                          "about": r.reported_kind, "about_in_their_words": r.reported_description,
                          "description": r.description, "status": r.status, "outcome": r.outcome,
                          "created_at": iso(r.created_at), "updated_at": iso(r.updated_at)} for r in reports],
        # What they added to their own reports and, if they handle reports, the notes they wrote.
        "information_added": [{"report": e.report_id, "handler_note": e.is_handler_note, "text": e.body,
                                "created_at": iso(e.created_at)} for e in entries],
    }


def _admin(user):
    """The secretariat's acts: those the person did as an admin (without the name of the person acted on), and
    those about their account, which they learnt of (a suspension's reason is shown at sign-in; roles show on
    their pages). Who acted is never exported, and only a suspension's reason, the one they were shown."""
    done = _all(db.select(AdminAction).filter_by(actor_id=user.id).options(
        joinedload(AdminAction.region), joinedload(AdminAction.community)).order_by(AdminAction.created_at))
    about = _all(db.select(AdminAction).filter_by(subject_id=user.id).options(
        joinedload(AdminAction.region), joinedload(AdminAction.community)).order_by(AdminAction.created_at))

    def where(act):
        return {"region": act.region.slug if act.region else None,
                "community": act.community.slug if act.community else None}
    return {
        "acts_done": [{"action": a.action, **where(a), "reason": a.reason, "created_at": iso(a.created_at)}
                      for a in done],
        "acts_about_me": [{"action": a.action, **where(a),
                           "reason": a.reason if a.action == AdminAct.SUSPEND else None,
                           "created_at": iso(a.created_at)} for a in about],
    }


def _notifications(user):
    rows = _all(db.select(Notification).filter_by(user_id=user.id).order_by(Notification.created_at))
    return [{"kind": n.kind, "params": n.params, "link": n.link, "created_at": iso(n.created_at),
             "read_at": iso(n.read_at)} for n in rows]


def _commons(user):
    """The calendar, the library and the directory: events they planned, their feed's settings (never its token),
    resources they suggested or reviewed, their directory profile, organisations they entered, the messages they
    sent and received through the directory (nobody else's name or address), and how many people they blocked."""
    events = _all(db.select(Event).filter_by(created_by_id=user.id).order_by(Event.starts_at))
    feed = db.session.scalar(db.select(CalendarFeed).filter_by(user_id=user.id))
    suggested = _all(db.select(Resource).filter_by(suggested_by_id=user.id).order_by(Resource.created_at))
    reviewed = _all(db.select(Resource).filter_by(reviewed_by_id=user.id).order_by(Resource.updated_at))
    profile = db.session.scalar(db.select(DirectoryProfile).filter_by(user_id=user.id))
    organisations = _all(db.select(Organisation).filter_by(created_by_id=user.id).order_by(Organisation.created_at))
    sent = _all(db.select(DirectoryMessage).filter_by(sender_id=user.id).order_by(DirectoryMessage.created_at))
    received = _all(db.select(DirectoryMessage).filter_by(recipient_id=user.id).order_by(DirectoryMessage.created_at))
    blocked = _all(db.select(DirectoryBlock.created_at).filter_by(blocker_id=user.id)
                   .order_by(DirectoryBlock.created_at))
    return {
        "events_planned": [{"title": e.title, "description": e.description_source, "starts_at": iso(e.starts_at),
                            "ends_at": iso(e.ends_at), "scope": e.scope.value, "status": e.status.value}
                           for e in events],
        "calendar_feed": {"created_at": iso(feed.created_at), "last_used_at": iso(feed.last_used_at),
                          "discreet_titles": feed.discreet_titles} if feed else None,
        "resources_suggested": [{"slug": r.slug, "title": r.title, "summary": r.summary_source, "url": r.url or None,
                                 "file_name": r.file_name or None, "status": r.status.value,
                                 "suggested_at": iso(r.created_at)} for r in suggested],
        "resources_reviewed": [{"slug": r.slug, "status": r.status.value, "note": r.review_note or None}
                               for r in reviewed],
        "directory_profile": {"published": profile.published, "display_name": profile.display_name,
                              "organisation": profile.organisation, "country": profile.country,
                              "languages": profile.languages, "topics": profile.topic_values,
                              "bio": profile.bio_source, "accepts_messages": profile.accepts_messages,
                              "updated_at": iso(profile.updated_at)} if profile else None,
        "organisations_entered": [{"name": o.name, "country": o.country, "website": o.website,
                                   "entered_at": iso(o.created_at)} for o in organisations],
        "messages_sent": [{"text": m.body, "sent_at": iso(m.created_at)} for m in sent],
        "messages_received": [{"text": m.body, "received_at": iso(m.created_at)} for m in received],
        "people_blocked": len(blocked),  # a count: who they are is another person's data
    }


def summary(user):
    """How many posts the person wrote and threads they started, for the deletion page."""
    count = db.func.count()
    return {"posts": db.session.scalar(db.select(count).select_from(Post).where(Post.author_id == user.id,
                                                                                  Post.status != PostStatus.DELETED)),
            "threads": db.session.scalar(db.select(count).select_from(Thread).where(Thread.author_id == user.id))}


def erase(user, remove_posts, keep_thread_titles=False):
    """Delete the account and all that is the person's alone; their posts lose their text or stay unsigned.

    The database removes the account's sessions, enrolments, progress, reflections, answers, certificates,
    memberships, focal-point roles and notifications with it, and unsigns what stays (posts kept, threads,
    reports filed, audit-log acts, certificates revoked): those show "a former member".
    """
    if remove_posts:
        _remove_writing(user, keep_thread_titles)
    # Invitations to their address (accepted or not) hold it: they go with the account.
    db.session.execute(db.delete(Invitation).where(
        (Invitation.accepted_by_id == user.id) | (Invitation.email == user.email)))
    accounts.delete_user(user)


def _remove_writing(user, keep_thread_titles):
    """Empty the person's posts (and earlier versions) and their threads' framing; retitle their threads."""
    mine = db.select(Post.id).where(Post.author_id == user.id).scalar_subquery()
    db.session.execute(db.delete(PostRevision).where(PostRevision.post_id.in_(mine)))
    counted = db.session.execute(db.select(Post.thread_id, db.func.count()).where(
        Post.author_id == user.id, Post.status == PostStatus.VISIBLE).group_by(Post.thread_id)).all()
    for thread_id, number in counted:  # deleted posts leave the thread's count, as when an author deletes one
        db.session.execute(db.update(Thread).where(Thread.id == thread_id)
                           .values(post_count=Thread.post_count - number))
    db.session.execute(db.update(Post).where(Post.author_id == user.id)
                       .values(body_source="", body_html=EMPTY_HTML, status=PostStatus.DELETED))
    changes = {"framing_source": "", "framing_html": EMPTY_HTML}
    if not keep_thread_titles:
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            changes["title"] = _("Thread by a former member")
    db.session.execute(db.update(Thread).where(Thread.author_id == user.id).values(**changes))
    db.session.flush()
