"""Accounts: create, authenticate, reset passwords, update, export and delete. No requests here."""
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .models import REGION_NAMES, Region, User

# Checked against when the email is unknown, so both paths take the same time.
_DUMMY_HASH = generate_password_hash("not a real password")


class EmailTaken(Exception):
    """Another account already uses this email address."""


class ResetLinkExpired(Exception):
    """The reset link is older than PASSWORD_RESET_MAX_AGE."""


class ResetLinkInvalid(Exception):
    """The reset link was already used, or was never issued."""


def normalise_email(email):
    return (email or "").strip().lower()


def find_by_email(email):
    return db.session.scalar(db.select(User).filter_by(email=normalise_email(email)))


def regions():
    return db.session.scalars(db.select(Region).order_by(Region.position)).all()


def create_user(email, display_name, password, locale="en", timezone="UTC", region_id=None, is_admin=False):
    """Create an account; raise EmailTaken when the address is in use."""
    if find_by_email(email):
        raise EmailTaken(email)
    user = User(email=normalise_email(email), display_name=display_name.strip(), locale=locale,
                timezone=timezone, region_id=region_id, is_admin=is_admin)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email, password):
    """The user with this email and password, else None (same answer for unknown emails)."""
    user = find_by_email(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    return user if user.check_password(password or "") else None


def update_profile(user, email, display_name, locale, timezone, region_id):
    """Change the user's profile; raise EmailTaken when the new address is someone else's."""
    other = find_by_email(email)
    if other is not None and other.id != user.id:
        raise EmailTaken(email)
    user.email, user.display_name = normalise_email(email), display_name.strip()
    user.locale, user.timezone, user.region_id = locale, timezone, region_id
    db.session.flush()


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="colab-password-reset")


def reset_token(user):
    """A signed token for a reset link; changing the password makes it unusable."""
    return _serializer().dumps({"id": user.id, "h": user.password_hash[-16:]})


def user_for_reset_token(token):
    """The user a reset token belongs to; raise ResetLinkExpired or ResetLinkInvalid."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except SignatureExpired as error:
        raise ResetLinkExpired() from error
    except BadSignature as error:
        raise ResetLinkInvalid() from error
    user = db.session.get(User, data.get("id"))
    if user is None or user.password_hash[-16:] != data.get("h"):
        raise ResetLinkInvalid()
    return user


def set_password(user, password):
    user.set_password(password)
    db.session.flush()


def delete_user(user):
    """Delete the account and everything that is theirs alone."""
    db.session.delete(user)
    db.session.flush()


# Each feature registers a function user -> (key, data) for the personal data export.
EXPORTERS = []


def exporter(function):
    """Register a function that returns (section name, JSON-ready data) for one user."""
    EXPORTERS.append(function)
    return function


def export_data(user):
    """Everything Co-Lab holds about the user, as one JSON-ready mapping."""
    data = {"account": {
        "email": user.email, "display_name": user.display_name, "language": user.locale,
        "time_zone": user.timezone, "region": user.region.slug if user.region else None,
        "created_at": user.created_at.isoformat(),
    }}
    for function in EXPORTERS:
        key, value = function(user)
        data[key] = value
    return data


def ensure_regions():
    """Create any of the alliance's regions that the database lacks; return how many were added."""
    have = set(db.session.scalars(db.select(Region.slug)))
    added = 0
    for position, slug in enumerate(REGION_NAMES):
        if slug not in have:
            db.session.add(Region(slug=slug, position=position))
            added += 1
    db.session.flush()
    return added


def find_by_display_name(name):
    """The account with exactly this display name (case-insensitive), if there is one and only one."""
    rows = db.session.scalars(db.select(User).where(db.func.lower(User.display_name) == name.strip().lower())
                              .limit(2)).all()
    return rows[0] if len(rows) == 1 else None
