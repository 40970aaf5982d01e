"""Users and the regions they belong to."""
from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models_base import UTCDateTime, utcnow


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


class Region(db.Model):
    """One of the alliance's regional networks."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def name(self):
        return str(REGION_NAMES.get(self.slug, self.slug))


class User(UserMixin, db.Model):
    """A person. The email is private; the display name may be a pseudonym."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(60))
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(10), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="SET NULL"))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    region: Mapped[Region | None] = relationship()

    def set_password(self, password):
        self.password_hash = generate_password_hash(password)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)
