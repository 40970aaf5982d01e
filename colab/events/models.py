"""Calendar events and the secret tokens of personal iCal feeds."""
import enum

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Region, User
from ..communities.models import Cohort, Community
from ..extensions import db
from ..markup import EMPTY_HTML, HTMLText
from ..models_base import UTCDateTime, choice_type, utcnow


class EventScope(enum.StrEnum):
    GLOBAL = "global"
    REGION = "region"
    COMMUNITY = "community"
    COHORT = "cohort"


class EventStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Event(db.Model):
    """One calendar entry. Times are UTC; `timezone` is where it happens (how its organiser entered it, and the
    zone of an all-day event's dates). An all-day event runs from local midnight of its first day to local
    midnight after its last, so it sorts and overlaps like any other; feeds write it as DATE values."""

    __table_args__ = (
        CheckConstraint("ends_at >= starts_at", name="event_ends_after_start"),
        CheckConstraint("(scope = 'global' AND region_id IS NULL AND community_id IS NULL AND cohort_id IS NULL)"
                        " OR (scope = 'region' AND region_id IS NOT NULL AND community_id IS NULL"
                        " AND cohort_id IS NULL)"
                        " OR (scope = 'community' AND community_id IS NOT NULL AND cohort_id IS NULL)"
                        " OR (scope = 'cohort' AND cohort_id IS NOT NULL AND community_id IS NOT NULL)",
                        name="event_scope_target"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True)  # RFC 5545 UID: random, never changes
    title: Mapped[str] = mapped_column(String(200))
    description_source: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(HTMLText, default=EMPTY_HTML)
    starts_at = mapped_column(UTCDateTime, nullable=False, index=True)
    ends_at = mapped_column(UTCDateTime, nullable=False, index=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    all_day: Mapped[bool] = mapped_column(Boolean, default=False)
    place: Mapped[str] = mapped_column(String(200), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    languages: Mapped[list] = mapped_column(JSON, default=list)  # the locales it is held in, e.g. ["en", "fr"]
    scope: Mapped[EventScope] = mapped_column(choice_type(EventScope, "event_scope"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), index=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    status: Mapped[EventStatus] = mapped_column(choice_type(EventStatus, "event_status"),
                                                default=EventStatus.SCHEDULED)
    sequence: Mapped[int] = mapped_column(Integer, default=0)  # RFC 5545 SEQUENCE: bumped on every change
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)  # DTSTAMP and LAST-MODIFIED
    cancelled_at = mapped_column(UTCDateTime)

    region: Mapped[Region | None] = relationship()
    community: Mapped[Community | None] = relationship()
    cohort: Mapped[Cohort | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def cancelled(self):
        return self.status == EventStatus.CANCELLED


class CalendarFeed(db.Model):
    """A person's secret feed token (stored hashed): their personal feed and the feeds of their members-only
    communities. Resetting it replaces the hash, so the old URL stops at once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    discreet_titles: Mapped[bool] = mapped_column(Boolean, default=False)  # every event titled "Co-Lab event"
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    last_used_at = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
