"""A survey loaded from content/<course>/surveys/, one learner's answers to it in one course run, and a course's
printable focus-group facilitator guide (content/<course>/<locale>/facilitator-guide.md)."""
import enum
import math

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..courses.models import Course, Module
from ..extensions import db
from ..i18n import pick
from ..markup import EMPTY_HTML, HTMLText
from ..models_base import UTCDateTime, choice_type, utcnow


class SurveyKind(enum.StrEnum):
    PRE = "pre"  # before the course: a self-assessment
    POST = "post"  # after the course: the pre-course questions again, so change can be measured
    MODULE = "module"  # at the end of a module


class Survey(db.Model):
    """A survey of a course. questions: [{"slug", "type": scale|single|multiple|text, "choices": n, "min", "max"}]
    (the same in every language); texts: {locale: {"title", "intro", "questions": {slug: {"text", "choices":
    [...], "low", "high"}}}}. version goes up when the questions change; answers keep the version they answered."""

    __table_args__ = (UniqueConstraint("course_id", "slug"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    kind: Mapped[SurveyKind] = mapped_column(choice_type(SurveyKind, "survey_kind"))
    module_id: Mapped[int | None] = mapped_column(ForeignKey("module.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    questions: Mapped[list] = mapped_column(JSON, default=list)
    texts: Mapped[dict] = mapped_column(JSON, default=dict)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)

    course: Mapped[Course] = relationship()
    module: Mapped[Module | None] = relationship()

    def text_in(self, locale):
        return pick(self.texts, locale)[1]

    def locale_for(self, locale):
        """The language the survey is shown in to a reader of locale (theirs, else the first it has)."""
        return pick(self.texts, locale)[0]

    @property
    def minutes(self):
        """About how long it takes: 20 seconds a scale or single choice, 30 a multiple choice, a minute a text."""
        seconds = {"scale": 20, "single": 20, "multiple": 30, "text": 60}
        return max(1, math.ceil(sum(seconds.get(q["type"], 30) for q in self.questions) / 60))


class SurveyAnswer(db.Model):
    """One learner's answers to a survey in one course run (run_key "cohort:<id>" or "self"), or their choice to
    skip it. answers: {question slug: int, [int], or text}."""

    __table_args__ = (UniqueConstraint("user_id", "survey_id", "run_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id", ondelete="SET NULL"), index=True)
    run_key: Mapped[str] = mapped_column(String(30))
    version: Mapped[int] = mapped_column(Integer)
    locale: Mapped[str] = mapped_column(String(10), default="en")
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
    submitted_at = mapped_column(UTCDateTime, default=utcnow, nullable=False, index=True)

    survey: Mapped[Survey] = relationship()


class CourseGuide(db.Model):
    """The printable focus-group facilitator guide of a course in one language (consent wording, how to run a
    session, questions per module), loaded from content/<course>/<locale>/facilitator-guide.md."""

    __table_args__ = (UniqueConstraint("course_id", "locale"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    locale: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    body_html: Mapped[str] = mapped_column(HTMLText, default=EMPTY_HTML)

    course: Mapped[Course] = relationship()
