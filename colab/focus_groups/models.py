"""A focus-group session: when, where, in which language, with how many people, about what, and what was said."""
from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Region, User
from ..communities.models import Cohort
from ..courses.models import Course, Module
from ..extensions import db
from ..models_base import UTCDateTime, utcnow


class FocusGroup(db.Model):
    """Structured notes of one session. lesson_ids: the lessons discussed (a module may be named instead or as
    well). Quotes are kept only with the participants' consent (quotes_consent)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    held_on = mapped_column(Date, nullable=False)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="SET NULL"), index=True)
    locale: Mapped[str] = mapped_column(String(10), default="en")
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id", ondelete="SET NULL"), index=True)
    participants: Mapped[int] = mapped_column(Integer)
    module_id: Mapped[int | None] = mapped_column(ForeignKey("module.id", ondelete="SET NULL"))
    lesson_ids: Mapped[list] = mapped_column(JSON, default=list)
    worked: Mapped[str] = mapped_column(Text, default="")
    did_not_work: Mapped[str] = mapped_column(Text, default="")
    suggestions: Mapped[str] = mapped_column(Text, default="")
    quotes: Mapped[str] = mapped_column(Text, default="")
    quotes_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    course: Mapped[Course] = relationship()
    recorded_by: Mapped[User | None] = relationship()
    region: Mapped[Region | None] = relationship()
    cohort: Mapped[Cohort | None] = relationship()
    module: Mapped[Module | None] = relationship()
