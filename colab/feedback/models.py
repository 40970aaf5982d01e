"""A learner's feedback on one lesson; they may change it later."""
from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..courses.models import Lesson
from ..extensions import db
from ..models_base import UTCDateTime, utcnow


class LessonFeedback(db.Model):
    """Optional answers at the end of a lesson. cohort_id is the run it was given in (None: on one's own)."""

    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id", ondelete="SET NULL"), index=True)
    locale: Mapped[str] = mapped_column(String(10), default="en")  # the language the lesson was read in
    usefulness: Mapped[int | None] = mapped_column(Integer)  # 1 (not useful) to 5 (very useful), or no answer
    better: Mapped[str] = mapped_column(Text, default="")  # what would make it better
    unsafe: Mapped[str] = mapped_column(Text, default="")  # what felt unsafe or hurtful; flags it for the team
    unsafe_at = mapped_column(UTCDateTime)  # when the unsafe answer was last given (None: no flag)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, nullable=False, index=True)

    lesson: Mapped[Lesson] = relationship()
