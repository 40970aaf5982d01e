"""What the secretariat's console lists and changes: people, their roles and status, courses, the audit log.
No requests here: functions take and return models and flush; the view commits."""
from dataclasses import dataclass, field

from sqlalchemy import func, or_
from sqlalchemy.orm import joinedload

from .. import personal_data, policy
from ..accounts import service as accounts
from ..accounts.models import Region, User, name_key
from ..communities.models import Community, FocalPoint, Membership, Role
from ..courses.models import Course, Enrolment
from ..extensions import db
from ..models_base import utcnow
from .models import AdminAct, AdminAction

ROLE_FILTERS = ("learner", "facilitator", "focal_point", "course_team", "admin")
STATUS_FILTERS = ("active", "suspended")


# --- the people list -----------------------------------------------------------------------------------

@dataclass
class PersonRoles:
    """Every role of one person: admin, course team, the regions they are focal point for, how many communities
    they facilitate."""

    admin: bool = False
    course_team: bool = False
    regions: list = field(default_factory=list)
    facilitated: int = 0

    @property
    def learner_only(self):
        return not (self.admin or self.course_team or self.regions or self.facilitated)


def _like(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


_FOCAL_IDS = db.select(FocalPoint.user_id)
_FACILITATOR_IDS = db.select(Membership.user_id).where(Membership.role == Role.FACILITATOR,
                                                       Membership.pending.is_(False))


def people_page(page, per_page, search="", region=None, role=None, status=None):
    """One page of accounts, newest first, filtered: search is a substring of the display name (ignoring case and
    accents) or the start of the email; region a Region; role one of ROLE_FILTERS; status one of STATUS_FILTERS."""
    query = db.select(User).options(joinedload(User.region))
    search = (search or "").replace("\x00", "").strip()  # PostgreSQL compares no text holding a NUL
    if search:
        conditions = [User.email.like(_like(accounts.normalise_email(search)) + "%", escape="\\")]
        if name_key(search):
            conditions.append(User.name_key.like("%" + _like(name_key(search)) + "%", escape="\\"))
        query = query.where(or_(*conditions))
    if region is not None:
        query = query.where(User.region_id == region.id)
    if role == "admin":
        query = query.where(User.is_admin)
    elif role == "focal_point":
        query = query.where(User.id.in_(_FOCAL_IDS))
    elif role == "facilitator":
        query = query.where(User.id.in_(_FACILITATOR_IDS))
    elif role == "course_team":
        query = query.where(User.is_course_team)
    elif role == "learner":
        query = query.where(User.is_admin.is_(False), User.is_course_team.is_(False), User.id.not_in(_FOCAL_IDS),
                            User.id.not_in(_FACILITATOR_IDS))
    if status == "active":
        query = query.where(User.suspended_at.is_(None))
    elif status == "suspended":
        query = query.where(User.suspended_at.is_not(None))
    query = query.order_by(User.created_at.desc(), User.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def roles_of(users):
    """{user_id: PersonRoles} for a page of people, in two queries whatever its length."""
    ids = [user.id for user in users]
    roles = {user.id: PersonRoles(admin=user.is_admin, course_team=user.is_course_team) for user in users}
    if not ids:
        return roles
    for user_id, region in db.session.execute(db.select(FocalPoint.user_id, Region).join(Region)
                                              .where(FocalPoint.user_id.in_(ids)).order_by(Region.position)):
        roles[user_id].regions.append(region)
    for user_id, number in db.session.execute(_FACILITATOR_IDS.add_columns(func.count())
                                              .where(Membership.user_id.in_(ids)).group_by(Membership.user_id)):
        roles[user_id].facilitated = number
    return roles


def regions():
    return accounts.regions()


def find_region(slug):
    return db.session.scalar(db.select(Region).filter_by(slug=slug))


def communities():
    """Every community, to choose one to appoint a facilitator of."""
    return db.session.scalars(db.select(Community).order_by(Community.slug)).all()


def facilitated_communities(user):
    return db.session.scalars(db.select(Community).join(Membership).where(
        Membership.user_id == user.id, Membership.role == Role.FACILITATOR, Membership.pending.is_(False))
        .order_by(Community.slug)).all()


# --- changing a person's account and roles: each writes one row to the audit log ----------------------------

def log(actor, action, subject=None, reason="", region=None, community=None, cohort=None):
    """Write one row of the audit log (subject_label keeps the person's name for after they are gone). The
    subject is the person acted on, if any; region, community and cohort say where."""
    row = AdminAction(actor_id=actor.id, action=action, subject_id=subject.id if subject else None,
                      subject_label=subject.display_name if subject else "",
                      region_id=region.id if region else None, community_id=community.id if community else None,
                      cohort_id=cohort.id if cohort else None, reason=reason)
    db.session.add(row)
    db.session.flush()
    return row


def suspend(actor, user, reason):
    """Suspend an account: every session of theirs ends now, and they cannot sign in until reactivated."""
    policy.ensure("admin.suspend", user, actor)
    user.suspended_at, user.suspension_reason = utcnow(), reason
    accounts.end_all_sessions(user)
    log(actor, AdminAct.SUSPEND, user, reason)


def reactivate(actor, user):
    policy.ensure("admin.reactivate", user, actor)
    user.suspended_at, user.suspension_reason = None, ""
    log(actor, AdminAct.REACTIVATE, user)


def delete(actor, user, reason):
    """Delete an account; their posts stay, signed "a former member" (personal_data.erase)."""
    policy.ensure("admin.delete", user, actor)
    log(actor, AdminAct.DELETE, user, reason)
    personal_data.erase(user, remove_posts=False)


def make_admin(actor, user):
    policy.ensure("admin.make_admin", user, actor)
    user.is_admin = True
    log(actor, AdminAct.MAKE_ADMIN, user)


def remove_admin(actor, user):
    policy.ensure("admin.remove_admin", user, actor)
    user.is_admin = False
    log(actor, AdminAct.REMOVE_ADMIN, user)


def set_course_team(actor, user, member):
    """Put user on the course team (member True) or take them off it; False if nothing changed."""
    policy.ensure("admin.set_course_team", user, actor)
    if user.is_course_team == member:
        return False
    user.is_course_team = member
    log(actor, AdminAct.APPOINT_COURSE_TEAM if member else AdminAct.REMOVE_COURSE_TEAM, user)
    return True


def appoint_focal_point(actor, user, region):
    """Make user a focal point of region; return False if they already were."""
    policy.ensure("admin.appoint", user, actor)
    if db.session.scalar(db.select(FocalPoint).filter_by(user_id=user.id, region_id=region.id)) is not None:
        return False
    db.session.add(FocalPoint(user_id=user.id, region_id=region.id))
    log(actor, AdminAct.APPOINT_FOCAL_POINT, user, region=region)
    policy.forget(user)
    return True


def remove_focal_point(actor, user, region):
    """Return False if user was not a focal point of region."""
    policy.ensure("admin.remove_role", user, actor)
    removed = db.session.execute(db.delete(FocalPoint).where(FocalPoint.user_id == user.id,
                                                             FocalPoint.region_id == region.id)).rowcount
    if removed:
        log(actor, AdminAct.REMOVE_FOCAL_POINT, user, region=region)
        policy.forget(user)
    return bool(removed)


def appoint_facilitator(actor, user, community):
    """Make user a facilitator of community, joining them to it (agreements not yet accepted) if they were not a
    member, admitting them if they had asked to join; return False if they already were."""
    policy.ensure("admin.appoint", user, actor)
    member = db.session.scalar(db.select(Membership).filter_by(user_id=user.id, community_id=community.id))
    if member is None:
        member = Membership(user_id=user.id, community_id=community.id)
        db.session.add(member)
    elif member.role == Role.FACILITATOR and not member.pending:
        return False
    member.role, member.pending = Role.FACILITATOR, False
    log(actor, AdminAct.APPOINT_FACILITATOR, user, community=community)
    policy.forget(user)
    return True


def remove_facilitator(actor, user, community):
    """Make a facilitator of community a member again; return False if they were not its facilitator."""
    policy.ensure("admin.remove_role", user, actor)
    member = db.session.scalar(db.select(Membership).filter_by(user_id=user.id, community_id=community.id,
                                                               role=Role.FACILITATOR))
    if member is None:
        return False
    member.role = Role.MEMBER
    log(actor, AdminAct.REMOVE_FACILITATOR, user, community=community)
    policy.forget(user)
    return True


def audit_page(page, per_page):
    """One page of the audit log, newest first."""
    query = (db.select(AdminAction).options(joinedload(AdminAction.actor), joinedload(AdminAction.region),
                                            joinedload(AdminAction.community), joinedload(AdminAction.cohort))
             .order_by(AdminAction.created_at.desc(), AdminAction.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


# --- courses ---------------------------------------------------------------------------------------------

def course_figures():
    """Every course (archived last) with {course_id: enrolments} and {course_id: completions}."""
    enrolled = dict(db.session.execute(
        db.select(Enrolment.course_id, func.count()).group_by(Enrolment.course_id)).all())
    completed = dict(db.session.execute(
        db.select(Enrolment.course_id, func.count()).where(Enrolment.completed_at.is_not(None))
        .group_by(Enrolment.course_id)).all())
    courses = db.session.scalars(db.select(Course).order_by(Course.archived, Course.position)).all()
    return courses, enrolled, completed
