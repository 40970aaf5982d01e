"""Confidential harassment reports and what is added to them later."""
import enum

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Region, User
from ..communities.models import Post
from ..extensions import db
from ..models_base import UTCDateTime, choice_type, utcnow


class ReportStatus(enum.StrEnum):
    RECEIVED = "received"
    UNDER_REVIEW = "under-review"
    CLOSED = "closed"


class HarassmentPlace(enum.StrEnum):
    POST = "post"
    PROFILE = "profile"
    EVENT = "event"
    MESSAGE = "message"
    OTHER = "other"


class ReportedPerson(enum.StrEnum):
    """Whom a report is about: a person on Co-Lab (by id), someone outside it, or not known or not said."""

    MEMBER = "member"
    OUTSIDE = "outside"
    UNKNOWN = "unknown"


class HarassmentReport(db.Model):
    """A confidential report, seen only by the reporter and its handlers (policy "harassment.read")."""

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="SET NULL"), index=True)
    # The person reported, chosen from a list by id (never matched by name); kept from every list about the report.
    reported_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reported_kind: Mapped[ReportedPerson] = mapped_column(choice_type(ReportedPerson, "harassment_reported_kind"),
                                                          default=ReportedPerson.UNKNOWN)
    reported_description: Mapped[str] = mapped_column(Text, default="")  # who, in the reporter's words
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="SET NULL"))
    place: Mapped[HarassmentPlace] = mapped_column(choice_type(HarassmentPlace, "harassment_place"),
                                                   default=HarassmentPlace.OTHER)
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[ReportStatus] = mapped_column(choice_type(ReportStatus, "harassment_status"),
                                                 default=ReportStatus.RECEIVED)
    outcome: Mapped[str] = mapped_column(Text, default="")  # readable by the reporter
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])
    reported_user: Mapped[User | None] = relationship(foreign_keys=[reported_user_id])
    region: Mapped[Region | None] = relationship()
    post: Mapped[Post | None] = relationship()


class HarassmentEntry(db.Model):
    """A later addition to a report: the reporter's further information, or a handler's private note."""

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("harassment_report.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    is_handler_note: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(Text)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    author: Mapped[User | None] = relationship()
