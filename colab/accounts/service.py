"""Accounts: sign-up, sessions, authentication, passwords, email changes, profiles. No requests here."""
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import contains_eager
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models_base import utcnow
from .models import REGION_NAMES, Digest, PendingSignUp, Region, User, UserSession, hash_password, name_key


@lru_cache(maxsize=4)
def _dummy_hash(method):
    """A hash to check against when the email is unknown, made once per method so both paths take as long."""
    return generate_password_hash("not a real password", method=method)

# A session's last-seen time is written at most this often, not on every request.
TOUCH_EVERY = timedelta(minutes=5)


class EmailTaken(Exception):
    """Another account already uses this email address."""


class NameTaken(Exception):
    """Another account already uses this display name (ignoring case, accents and spacing)."""


class SameEmail(Exception):
    """The new email address is the one the account already has."""


class LinkExpired(Exception):
    """The link (reset, sign-up or email change) is older than its maximum age."""


class LinkInvalid(Exception):
    """The link was already used, or was never issued."""


def normalise_email(email):
    return (email or "").strip().lower()


def find_by_email(email):
    return db.session.scalar(db.select(User).filter_by(email=normalise_email(email)))


def regions():
    return db.session.scalars(db.select(Region).order_by(Region.position)).all()


def _hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


# --- display names -----------------------------------------------------------------------------------

# Names that look like a role the site gives (roles are shown by the site itself, as badges), English and Spanish.
_STAFF_LABELS = re.compile(
    r"\b(facilitat(?:or|ors|rix|eurs?|rices?)|facilitador(?:a|as|es)?|focal ?points?|puntos? focal(?:es)?"
    r"|points? foca(?:l|ux)|admin\w*|moderat(?:or|ors|eurs?|rices?)|moderador(?:a|as|es)?|animat(?:eurs?|rices?)"
    r"|secretaria(?:t|do|s)?|staff|co ?lab|menengage)\b")


def find_by_name_key(name):
    """The account whose display name matches name ignoring case, accents and spacing, or None."""
    key = name_key(name)
    return db.session.scalar(db.select(User).filter_by(name_key=key)) if key else None


def looks_like_staff(name):
    """Whether a display name reads like a role label (facilitator, focal point, admin, moderator, secretariat)."""
    return bool(_STAFF_LABELS.search(re.sub(r"[\W_]+", " ", name_key(name))))


def _check_name_free(name, user=None):
    other = find_by_name_key(name)
    if other is not None and (user is None or other.id != user.id):
        raise NameTaken(name)


# --- creating accounts -----------------------------------------------------------------------------

def create_user(email, display_name, password, locale="en", timezone="UTC", region_id=None, is_admin=False):
    """Create an account directly (CLI, demo data, tests); raise EmailTaken or NameTaken."""
    if find_by_email(email):
        raise EmailTaken(email)
    _check_name_free(display_name)
    user = User(email=normalise_email(email), display_name=display_name.strip(), locale=locale,
                timezone=timezone, region_id=region_id, is_admin=is_admin)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


@dataclass
class SignUpRequest:
    """What request_sign_up found: a new pending sign-up, or the account that has the address."""

    pending: PendingSignUp | None = None
    existing: User | None = None


def request_sign_up(email, display_name, password, locale="en", timezone="UTC", region_id=None):
    """Start a sign-up without saying whether the address has an account; raise NameTaken.

    A new address gets a PendingSignUp row; its confirmation link is made when the mail leaves
    (issue_sign_up_link); an address that has an account gets nothing stored (the caller tells its owner).
    A row rather than a signed token carrying the details: the link then carries only a random token,
    never the password hash (links pass through mail servers, link scanners and browser histories), and
    deleting the row on use makes the link work once. Expired rows are removed here, so unconfirmed
    addresses do not pile up.
    """
    _check_name_free(display_name)
    password_hash = hash_password(password)  # also for a known address, so both take as long
    max_age = timedelta(seconds=current_app.config["SIGN_UP_CONFIRM_MAX_AGE"])
    db.session.execute(db.delete(PendingSignUp).where(PendingSignUp.created_at < utcnow() - max_age))
    existing = find_by_email(email)
    if existing is not None:
        return SignUpRequest(existing=existing)
    pending = PendingSignUp(token_hash=_hash_token(secrets.token_urlsafe(32)),  # no link until the mail leaves
                            email=normalise_email(email), display_name=display_name.strip(),
                            password_hash=password_hash, locale=locale, timezone=timezone, region_id=region_id)
    db.session.add(pending)
    db.session.flush()
    return SignUpRequest(pending=pending)


def issue_sign_up_link(pending):
    """A new confirmation link for a pending sign-up, made as its mail leaves; return its token (the only time it
    exists in clear). An earlier link of the same sign-up stops working."""
    token = secrets.token_urlsafe(32)
    pending.token_hash = _hash_token(token)
    db.session.flush()
    return token


def link_hours(setting):
    """How many hours a link lasts whose maximum age in seconds is the setting (at least one, as mails say)."""
    return max(1, current_app.config[setting] // 3600)


def pending_sign_up(token):
    """The sign-up a confirmation link belongs to; raise LinkExpired or LinkInvalid."""
    pending = db.session.scalar(db.select(PendingSignUp).filter_by(token_hash=_hash_token(token or "")))
    if pending is None:
        raise LinkInvalid()
    if utcnow() - pending.created_at > timedelta(seconds=current_app.config["SIGN_UP_CONFIRM_MAX_AGE"]):
        raise LinkExpired()
    return pending


def confirm_sign_up(pending, display_name):
    """Create the account a confirmed sign-up asked for; raise NameTaken, or EmailTaken if it exists by now."""
    if find_by_email(pending.email) is not None:
        db.session.delete(pending)
        db.session.flush()
        raise EmailTaken(pending.email)
    _check_name_free(display_name)
    user = User(email=pending.email, display_name=display_name.strip(), password_hash=pending.password_hash,
                locale=pending.locale, timezone=pending.timezone, region_id=pending.region_id)
    db.session.add(user)
    db.session.execute(db.delete(PendingSignUp).where(PendingSignUp.email == pending.email))
    db.session.flush()
    return user


# --- signing in and sessions -----------------------------------------------------------------------

def authenticate(email, password):
    """The user with this email and password, else None (same answer for unknown emails)."""
    user = find_by_email(email)
    if user is None:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password or "")
        return None
    return user if user.check_password(password or "") else None


_BROWSERS = [("Edg", "Edge"), ("OPR/", "Opera"), ("Opera", "Opera"), ("SamsungBrowser", "Samsung Internet"),
             ("UCBrowser", "UC Browser"), ("FxiOS", "Firefox"), ("Firefox", "Firefox"), ("CriOS", "Chrome"),
             ("Chromium", "Chromium"), ("Chrome", "Chrome"), ("Safari", "Safari")]
_PLATFORMS = [("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("CrOS", "ChromeOS"),
              ("Windows", "Windows"), ("Mac OS X", "macOS"), ("Macintosh", "macOS"), ("Linux", "Linux")]


def device_summary(user_agent):
    """(browser, system) named from a User-Agent header, e.g. ("Firefox", "Android"); "" when unknown."""
    agent = user_agent or ""
    browser = next((name for marker, name in _BROWSERS if marker in agent), "")
    platform = next((name for marker, name in _PLATFORMS if marker in agent), "")
    return browser, platform


def _lifetime(row):
    """How long a session may go unseen: as long as the cookie that carries it lives."""
    if row.remember:
        lifetime = current_app.config.get("REMEMBER_COOKIE_DURATION") or timedelta(days=365)
    else:
        lifetime = current_app.permanent_session_lifetime
    return lifetime if isinstance(lifetime, timedelta) else timedelta(seconds=lifetime)


def start_session(user, user_agent="", remember=False):
    """Record a new signed-in device for user and return its token (also set on user for login_user)."""
    now = utcnow()
    for row in db.session.scalars(db.select(UserSession).filter_by(user_id=user.id)):
        if now - row.last_seen_at > _lifetime(row):
            db.session.delete(row)
    token = secrets.token_urlsafe(32)
    browser, platform = device_summary(user_agent)
    row = UserSession(user_id=user.id, token_hash=_hash_token(token), browser=browser, platform=platform,
                      remember=bool(remember), created_at=now, last_seen_at=now)
    db.session.add(row)
    db.session.flush()
    user.session_token, user.current_session = token, row
    return token


def session_for_token(token):
    """The live session a cookie's token belongs to, its user loaded in the same query; else None."""
    if not token:
        return None
    row = db.session.scalar(db.select(UserSession).join(UserSession.user).options(contains_eager(UserSession.user))
                            .where(UserSession.token_hash == _hash_token(token)))
    if row is None or utcnow() - row.last_seen_at > _lifetime(row):
        return None
    row.user.session_token, row.user.current_session = token, row
    return row


def touch_session(row):
    """Note that the session was just used, at most once every TOUCH_EVERY; return whether it changed."""
    now = utcnow()
    if now - row.last_seen_at < TOUCH_EVERY:
        return False
    row.last_seen_at = now
    db.session.flush()
    return True


def sessions_for(user):
    """The user's signed-in devices, the most recently used first."""
    return db.session.scalars(db.select(UserSession).filter_by(user_id=user.id)
                              .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())).all()


def end_session(token):
    """Sign out the device whose cookies carry token; return whether there was such a session."""
    if not token:
        return False
    result = db.session.execute(db.delete(UserSession).where(UserSession.token_hash == _hash_token(token)))
    return result.rowcount > 0


def end_device(user, session_id):
    """Sign out one of user's own devices by its id; return whether it was theirs."""
    result = db.session.execute(db.delete(UserSession).where(UserSession.id == session_id,
                                                              UserSession.user_id == user.id))
    return result.rowcount > 0


def end_all_sessions(user, except_token=None):
    """Sign user out everywhere, except the device holding except_token; return how many sessions ended."""
    query = db.delete(UserSession).where(UserSession.user_id == user.id)
    if except_token:
        query = query.where(UserSession.token_hash != _hash_token(except_token))
    return db.session.execute(query).rowcount


# --- passwords --------------------------------------------------------------------------------------

def _reset_serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="colab-password-reset")


def reset_token(user):
    """A signed token for a reset link; changing the password makes it unusable."""
    return _reset_serializer().dumps({"id": user.id, "h": user.password_hash[-16:]})


def user_for_reset_token(token):
    """The user a reset token belongs to; raise LinkExpired or LinkInvalid."""
    try:
        data = _reset_serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except SignatureExpired as error:
        raise LinkExpired() from error
    except BadSignature as error:
        raise LinkInvalid() from error
    user = db.session.get(User, data.get("id"))
    if user is None or user.password_hash[-16:] != data.get("h"):
        raise LinkInvalid()
    return user


def change_password(user, password, keep_token=None):
    """Set a new password and sign out every other device (keep_token: the one in use stays signed in)."""
    user.set_password(password)
    end_all_sessions(user, except_token=keep_token)
    db.session.flush()


def reset_password(user, password):
    """Set a new password from a reset link and sign out every device."""
    change_password(user, password)


# --- profile and email -----------------------------------------------------------------------------

def update_profile(user, display_name, locale, timezone, region_id, discreet=False, digest=None,
                   second_language=None, low_data=None):
    """Change the user's profile; raise NameTaken when the display name is someone else's. A new digest rhythm or
    time zone drops the next digest's time: the next jobs tick sets it afresh. second_language: a locale,
    ONE_LANGUAGE, or "" (as the person's cohort suggests); None keeps it, as it does low_data."""
    _check_name_free(display_name, user)
    digest = Digest(digest) if digest else user.digest
    if digest != user.digest or timezone != user.timezone:
        user.digest_due_at = None
    user.display_name = display_name.strip()
    user.locale, user.timezone, user.region_id, user.discreet = locale, timezone, region_id, bool(discreet)
    user.digest = digest
    if second_language is not None:
        user.second_language = second_language or None
    if low_data is not None:
        user.low_data = bool(low_data)
    db.session.flush()


def _email_serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="colab-email-change")


def _email_digest(email):
    return hashlib.sha256(normalise_email(email).encode()).hexdigest()[:16]


def request_email_change(user, new_email):
    """Check a wish to move user to new_email: None for a free address (mail it a link: email_change_token), or
    the account that has it (tell its owner). Raise SameEmail for the current one.

    Nothing changes until the link is opened (see confirm_email_change).
    """
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise SameEmail(new_email)
    return find_by_email(new_email)


def email_change_token(user, new_email):
    """A signed token for the link that moves user to new_email; it stops working once their address changes."""
    return _email_serializer().dumps({"id": user.id, "to": normalise_email(new_email),
                                      "from": _email_digest(user.email)})


def email_change_for_token(token):
    """(user, new address) for an email-change link; raise LinkExpired or LinkInvalid (also once used)."""
    try:
        data = _email_serializer().loads(token, max_age=current_app.config["EMAIL_CHANGE_MAX_AGE"])
    except SignatureExpired as error:
        raise LinkExpired() from error
    except BadSignature as error:
        raise LinkInvalid() from error
    user = db.session.get(User, data.get("id"))
    if user is None or _email_digest(user.email) != data.get("from"):
        raise LinkInvalid()
    return user, data["to"]


def confirm_email_change(user, new_email):
    """Give user the new address; raise EmailTaken if another account took it since the link was sent."""
    owner = find_by_email(new_email)
    if owner is not None and owner.id != user.id:
        raise EmailTaken(new_email)
    user.email = normalise_email(new_email)
    db.session.flush()


# --- reference data and deletion -------------------------------------------------------------------

def delete_user(user):
    """Delete the account row; the database removes what hangs on it (see personal_data.erase for the whole)."""
    db.session.delete(user)
    db.session.flush()


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
