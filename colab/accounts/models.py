"""People, the regions they belong to, their signed-in sessions and sign-ups waiting for confirmation."""
import enum
import re
import unicodedata

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models_base import UTCDateTime, choice_type, utcnow

# The alliance's regional networks, in display order; names come from the UI catalog.
REGION_NAMES = {
    "africa": _l("Africa"),
    "asia": _l("Asia"),
    "caribbean": _l("Caribbean"),
    "europe": _l("Europe"),
    "latin-america": _l("Latin America"),
    "mena": _l("Middle East and North Africa"),
    "north-america": _l("North America"),
}

NAME_KEY_LENGTH = 255  # NFKD can make a 60-character name several times longer


def name_key(name):
    """A display name as compared for uniqueness: no accents, no case, no invisible characters, single spaces."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c) and unicodedata.category(c) not in ("Cf", "Cc"))
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).strip()[:NAME_KEY_LENGTH]


class Region(db.Model):
    """One of the alliance's regional networks."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def name(self):
        return str(REGION_NAMES.get(self.slug, self.slug))


class Digest(enum.StrEnum):
    """How often a person gets their unread notifications by email."""

    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"


def hash_password(password):
    """A salted hash of password, by PASSWORD_HASH_METHOD (scrypt; tests use a cheaper one)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


class User(UserMixin, db.Model):
    """A person. The email is private; the display name may be a pseudonym, unique ignoring case and accents."""

    # AUTOINCREMENT: SQLite never hands a deleted account's id to a new one.
    __table_args__ = (
        # The secretariat is named on every thread page: found without reading every account.
        Index("ix_user_admins", "id", postgresql_where=text("is_admin"), sqlite_where=text("is_admin = 1")),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(60))
    name_key: Mapped[str] = mapped_column(String(NAME_KEY_LENGTH), unique=True)  # kept by set_name_key below
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(10), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # The language lessons are shown beside, in a second column: a locale, "none" (one language only), or None
    # (not chosen: the default pair of the person's cohort applies, if it sets one).
    second_language: Mapped[str | None] = mapped_column(String(10))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="SET NULL"), index=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # Appointed by admins: reads the course team's report, focus-group notes and unsafe flags; publishes content.
    is_course_team: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    discreet: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Low-data mode (site.low_data): nothing downloaded in the background, shorter pages of posts.
    low_data: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    digest: Mapped[Digest] = mapped_column(choice_type(Digest, "user_digest"), default=Digest.WEEKLY,
                                           server_default=Digest.WEEKLY.value)
    digest_due_at = mapped_column(UTCDateTime, index=True)  # the next digest; None: off, or not scheduled yet
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False, index=True)  # the people list's order
    # Set by an admin (admin.service.suspend): the person cannot sign in, and is told why once they give the password.
    suspended_at = mapped_column(UTCDateTime, index=True)
    suspension_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    region: Mapped[Region | None] = relationship()

    # Set when the person is signed in: the random token of this request's session and its row.
    session_token = None
    current_session = None

    @validates("display_name")
    def set_name_key(self, key, value):
        self.name_key = name_key(value)
        return value

    def get_id(self):
        """Flask-Login's id for the session and remember cookies: the session's token, never the user id."""
        if not self.session_token:
            raise RuntimeError("start a session (accounts.service.start_session) before login_user")
        return self.session_token

    def __eq__(self, other):
        """Two User objects are the same person when their ids match (Flask-Login's compares session tokens)."""
        if isinstance(other, User):
            return self.id is not None and self.id == other.id
        return NotImplemented

    __hash__ = object.__hash__

    @property
    def suspended(self):
        return self.suspended_at is not None

    def set_password(self, password):
        self.password_hash = hash_password(password)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)


class UserSession(db.Model):
    """One signed-in device. The cookies carry a random token; only its SHA-256 is stored here."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    browser: Mapped[str] = mapped_column(String(40), default="")
    platform: Mapped[str] = mapped_column(String(40), default="")
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    last_seen_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    user: Mapped[User] = relationship()


class PendingSignUp(db.Model):
    """A sign-up waiting for its email to be confirmed; see accounts.service.request_sign_up for why a row."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    display_name: Mapped[str] = mapped_column(String(60))
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(10), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
