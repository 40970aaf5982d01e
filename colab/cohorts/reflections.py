"""Reflections a learner shares with their cohort: sharing and unsharing, a facilitator hiding one, and what a
lesson page shows of them. No requests here: functions flush, views commit.

A shared reflection is read by the learners and facilitators of the cohort it was shared with (policy
"cohort.members"), while its author still takes the course in that cohort; never by focal points or admins as
such. Its text is the Response's own, so an edit shows at once and unsharing takes it away at once."""
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import or_
from sqlalchemy.orm import joinedload

from .. import policy
from ..accounts.models import User
from ..admin.models import AdminAct
from ..admin.service import log
from ..communities.models import Cohort
from ..courses.models import Activity, Enrolment, Response
from ..courses.service import LessonPanel
from ..extensions import db
from ..models_base import utcnow
from .models import SharedReflection


def attach_shared(responses):
    """Set .shared on each response to its SharedReflection or None (one query), as the policy asks."""
    responses = list(responses)
    if not responses:
        return responses
    rows = db.session.scalars(db.select(SharedReflection)
                              .where(SharedReflection.response_id.in_([r.id for r in responses])))
    by_response = {row.response_id: row for row in rows}
    for response in responses:
        response.shared = by_response.get(response.id)
    return responses


def own_reflection(user, response_id):
    """The user's own reflection with that id, with .shared set; None for anyone else's or a self-check."""
    response = db.session.scalar(db.select(Response).join(Activity)
                                 .where(Response.id == response_id, Response.user_id == user.id,
                                        Activity.kind == "reflection")
                                 .options(joinedload(Response.activity).joinedload(Activity.lesson)))
    if response is not None:
        attach_shared([response])
    return response


def cohort_of_author(user, response):
    """The cohort the author takes the reflection's course in (None: on their own)."""
    cohort_id = policy.learner_cohorts(user).get(response.activity.lesson.course_id)
    return db.session.get(Cohort, cohort_id) if cohort_id else None


def is_shared(response, cohort):
    """Whether the response is shared with cohort now (a share with a cohort the author has left does not count)."""
    shared = getattr(response, "shared", None)
    return (shared is not None and shared.shared_at is not None and cohort is not None
            and shared.cohort_id == cohort.id)


def share(user, response):
    """Share the author's reflection with the cohort they take the course in; returns the cohort."""
    policy.ensure("reflection.share", response, user)
    cohort = cohort_of_author(user, response)
    shared = response.shared
    if shared is None:
        shared = SharedReflection(response_id=response.id)
        db.session.add(shared)
        response.shared = shared
    if shared.shared_at is None or shared.cohort_id != cohort.id:
        shared.cohort_id, shared.shared_at = cohort.id, utcnow()
    db.session.flush()
    return cohort


def unshare(user, response):
    """Make the reflection private again: the cohort stops seeing it at once."""
    policy.ensure("reflection.share", response, user)
    if response.shared is not None:
        response.shared.shared_at = None
        db.session.flush()


def find_shared(shared_id):
    """A SharedReflection with its response and lesson."""
    return db.session.scalar(db.select(SharedReflection).where(SharedReflection.id == shared_id)
                             .options(joinedload(SharedReflection.response).joinedload(Response.activity)
                                      .joinedload(Activity.lesson)))


def cohort_of(shared):
    return db.session.get(Cohort, shared.cohort_id)


def is_listed(shared):
    """Whether the cohort lists it (to its facilitators at least): shared, by one of its current learners."""
    return shared.shared_at is not None and db.session.scalar(
        db.select(Enrolment.id).filter_by(user_id=shared.response.user_id, cohort_id=shared.cohort_id)) is not None


def hide(actor, shared, reason):
    """A facilitator hides a shared reflection from the cohort (its author cannot share it again); audit-logged
    with the reason, never with the reflection's text."""
    policy.ensure("reflection.hide", shared, actor)
    if shared.hidden_at is not None:
        return False
    shared.hidden_at, shared.hidden_by_id = utcnow(), actor.id
    _log(actor, AdminAct.HIDE_REFLECTION, shared, reason)
    return True


def restore(actor, shared, reason=""):
    """A facilitator shows a hidden reflection to the cohort again; audit-logged."""
    policy.ensure("reflection.hide", shared, actor)
    if shared.hidden_at is None:
        return False
    shared.hidden_at, shared.hidden_by_id = None, None
    _log(actor, AdminAct.RESTORE_REFLECTION, shared, reason)
    return True


def _log(actor, act, shared, reason):
    author = db.session.get(User, shared.response.user_id)
    cohort = cohort_of(shared)
    log(actor, act, author, reason=reason, cohort=cohort, community=cohort.community)


# --- what a lesson page shows ---------------------------------------------------------------------------------

@dataclass
class SharedItem:
    """One shared reflection as a cohort page lists it."""

    shared: SharedReflection
    response: Response
    author: User

    @property
    def hidden(self):
        return self.shared.hidden_at is not None


def reading_cohorts(user, course_id):
    """The cohorts of the course whose shared reflections user reads (learner's own first, then by name)."""
    if not user.is_authenticated:
        return []
    learning = policy.learner_cohorts(user).get(course_id)
    ids = set(policy.facilitated_cohorts(user)) | ({learning} if learning else set())
    if not ids:
        return []
    cohorts = db.session.scalars(db.select(Cohort).where(Cohort.id.in_(ids), Cohort.course_id == course_id)
                                 .options(joinedload(Cohort.community))).all()
    cohorts = [cohort for cohort in cohorts if policy.can("cohort.members", cohort, user)]
    return sorted(cohorts, key=lambda cohort: (cohort.id != learning, cohort.name.casefold(), cohort.id))


def shared_with(user, cohorts, activity_ids):
    """{(cohort_id, activity_id): [SharedItem]} in the order they were shared, in one query: the visible ones
    (shared, not hidden) of each cohort's current learners, and the hidden ones too in the cohorts user
    facilitates (the SQL mirrors the rule "reflection.hide")."""
    if not cohorts or not activity_ids:
        return {}
    cohort_ids = [cohort.id for cohort in cohorts]
    moderated = [cohort_id for cohort_id in cohort_ids if cohort_id in policy.facilitated_cohorts(user)]
    rows = db.session.execute(
        db.select(SharedReflection, Response, User)
        .join(Response, Response.id == SharedReflection.response_id)
        .join(User, User.id == Response.user_id)
        .join(Enrolment, (Enrolment.user_id == Response.user_id) & (Enrolment.cohort_id == SharedReflection.cohort_id))
        .where(SharedReflection.cohort_id.in_(cohort_ids), Response.activity_id.in_(activity_ids),
               SharedReflection.shared_at.is_not(None),
               or_(SharedReflection.hidden_at.is_(None), SharedReflection.cohort_id.in_(moderated)))
        .order_by(SharedReflection.shared_at, SharedReflection.id))
    found = {}
    for shared, response, author in rows:
        if shared.hidden_at is not None and not policy.can("reflection.hide", shared, user):
            continue
        found.setdefault((shared.cohort_id, response.activity_id), []).append(SharedItem(shared, response, author))
    return found


def lesson_panels(page):
    """The panels a lesson page shows (registered with courses.service.LESSON_PANEL_PROVIDERS): under each of the
    user's reflections, sharing it with their cohort; after the activities, what each cohort they read shares."""
    user, lesson, responses = page.user, page.lesson, page.responses
    reflections = [activity for activity in lesson.activities
                   if activity.kind == "reflection" and not activity.archived]
    if not user.is_authenticated or not reflections:
        return []
    cohorts = reading_cohorts(user, lesson.course_id)
    learning = policy.learner_cohorts(user).get(lesson.course_id)
    own = [responses[activity.id] for activity in reflections if activity.id in responses]
    panels = _sharing_panels(user, own, next((cohort for cohort in cohorts if cohort.id == learning), None))
    found = shared_with(user, cohorts, [activity.id for activity in reflections])
    for cohort in cohorts:
        groups = [(activity, found.get((cohort.id, activity.id), [])) for activity in reflections]
        panels.append(LessonPanel("reflections/_cohort_panel.html", {
            "cohort": cohort, "groups": groups, "learner": cohort.id == learning}))
    return panels


def _sharing_panels(user, own, learning):
    """Under each of the user's reflections: share with the cohort they learn in (learning) or stop sharing, or
    why it cannot be shared again."""
    attach_shared(own)
    panels = []
    for response in own:
        refusal = policy.refusal("reflection.share", response, user)
        if refusal is not None and refusal.reason != "hidden":
            continue
        if refusal is not None:
            cohort = cohort_of(response.shared)
            state, hint = "hidden", _("A facilitator hid it from your cohort. You can still edit it.")
        else:
            cohort = learning
            if cohort is None:
                continue
            if is_shared(response, cohort):
                state, hint = "shared", _("Shared with %(cohort)s. You can edit it later.", cohort=cohort.name)
            else:
                state, hint = "private", _("Private: only you can see it unless you share it. You can edit it "
                                           "later.")
        panels.append(LessonPanel("reflections/_share_panel.html", {"response": response, "cohort": cohort,
                                                                     "state": state}, response.activity_id, hint))
    return panels
