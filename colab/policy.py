"""Who may do what: every permission decision in Co-Lab is made here."""
from flask import abort
from flask_login import current_user


def _signed_in(user, target):
    return user.is_authenticated


def _admin(user, target):
    return user.is_authenticated and user.is_admin


def _owner(user, target):
    return user.is_authenticated and target is not None and target.user_id == user.id


# action -> rule(user, target). Names are "<noun>.<verb>".
RULES = {
    "course.browse": lambda user, target: True,
    "course.enrol": _signed_in,
    "lesson.read": _signed_in,
    "response.view": _owner,  # reflections and answers are private to their author
    "account.edit": _signed_in,
    "admin.view": _admin,
}


def can(action, target=None, user=None):
    """Whether the user (default: the current one) may do action on target."""
    user = current_user if user is None else user
    return bool(RULES[action](user, target))


def require(action, target=None):
    """Abort the request unless the current user may do action: 401 for strangers, else 403."""
    if not can(action, target):
        abort(401 if not current_user.is_authenticated else 403)
