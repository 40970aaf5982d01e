"""Who may do what: every permission decision in Co-Lab is made here."""
from datetime import timedelta

from flask import abort, current_app, g, has_request_context
from flask_login import current_user

from .models_base import utcnow


# --- facts about a person, cached for the request -------------------------------------------------

def _cache(name, user, compute):
    if not has_request_context():
        return compute()
    store = g.setdefault("policy_cache", {})
    key = (name, user.id)
    if key not in store:
        store[key] = compute()
    return store[key]


def memberships(user):
    """{community_id: Membership} for the user's memberships (pending ones included)."""
    from .communities.models import Membership
    from .extensions import db

    def compute():
        rows = db.session.scalars(db.select(Membership).filter_by(user_id=user.id))
        return {row.community_id: row for row in rows}
    return _cache("memberships", user, compute) if user.is_authenticated else {}


def focal_regions(user):
    """The ids of the regions the user is a focal point for."""
    from .communities.models import FocalPoint
    from .extensions import db

    def compute():
        return set(db.session.scalars(db.select(FocalPoint.region_id).filter_by(user_id=user.id)))
    return _cache("focal", user, compute) if user.is_authenticated else set()


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


def _owner(user, target):
    return user.is_authenticated and target is not None and target.user_id == user.id


# --- communities ---------------------------------------------------------------------------------

def _moderates(user, community):
    """Facilitators of the community, focal points of its region, admins."""
    if not user.is_authenticated:
        return False
    if user.is_admin or (community.region_id and community.region_id in focal_regions(user)):
        return True
    member = membership(user, community)
    return member is not None and member.role == "facilitator"


def _views_community(user, community):
    return not community.members_only or membership(user, community) is not None or _moderates(user, community)


def _joins(user, community):
    return user.is_authenticated and community.id not in memberships(user)


def _posts_in(user, community):
    return membership(user, community) is not None or _moderates(user, community)


def _replies_to(user, thread):
    return _posts_in(user, thread.community) and (not thread.locked or _moderates(user, thread.community))


def _creates_cohort(user, community):
    return _admin(user) or bool(community.region_id and community.region_id in focal_regions(user))


def _edits_post(user, post):
    window = timedelta(minutes=current_app.config["POST_EDIT_MINUTES"])
    return (user.is_authenticated and post.author_id == user.id and post.status in ("visible", "held")
            and utcnow() - post.created_at <= window and not post.thread.locked)


def _deletes_post(user, post):
    return user.is_authenticated and post.author_id == user.id and post.status != "deleted"


def _reports_post(user, post):
    return (user.is_authenticated and post.author_id != user.id and post.status == "visible"
            and _views_community(user, post.thread.community))


# --- confidential harassment reports -------------------------------------------------------------

def _handles_harassment(user, report):
    """Admins and the region's focal points, never the person reported."""
    if not user.is_authenticated or report.reported_user_id == user.id:
        return False
    return user.is_admin or (report.region_id is not None and report.region_id in focal_regions(user))


def _reads_harassment(user, report):
    return (user.is_authenticated and report.reporter_id == user.id) or _handles_harassment(user, report)


def _has_harassment_inbox(user, target=None):
    return _admin(user) or bool(focal_regions(user))


# action -> rule(user, target). Names are "<noun>.<verb>".
RULES = {
    "course.browse": lambda user, target: True,
    "course.enrol": _signed_in,
    "lesson.read": _signed_in,
    "response.view": _owner,  # reflections and answers are private to their author
    "account.edit": _signed_in,
    "admin.view": _admin,
    "community.list": _signed_in,
    "community.view": _views_community,
    "community.join": _joins,
    "community.post": _posts_in,
    "community.moderate": _moderates,
    "community.audit": _moderates,
    "cohort.create": _creates_cohort,
    "community.assign_roles": _creates_cohort,  # focal points of the region and admins appoint facilitators
    "thread.frame": _moderates,  # open a dialogue thread with framing text
    "thread.reply": _replies_to,
    "post.edit": _edits_post,
    "post.delete": _deletes_post,
    "post.report": _reports_post,
    "post.history": lambda user, post: _moderates(user, post.thread.community),
    "notification.list": _signed_in,
    "harassment.create": _signed_in,
    "harassment.read": _reads_harassment,
    "harassment.handle": _handles_harassment,  # status, outcome, private notes
    "harassment.inbox": _has_harassment_inbox,
}


def can(action, target=None, user=None):
    """Whether the user (default: the current one) may do action on target."""
    user = current_user if user is None else user
    return bool(RULES[action](user, target))


def require(action, target=None):
    """Abort the request unless the current user may do action: 401 for strangers, else 403 (404 hides)."""
    if can(action, target):
        return
    if not current_user.is_authenticated:
        abort(401)
    abort(403)
