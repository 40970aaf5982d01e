"""Course structure (from content files) and each learner's enrolment, progress and answers."""
from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..i18n import LANGUAGES, pick
from ..markup import EMPTY_HTML, HTMLInJSON, HTMLText
from ..models_base import UTCDateTime, utcnow


class Course(db.Model):
    """A course; title and summary are {locale: text} mappings."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=100)
    title: Mapped[dict] = mapped_column(JSON, default=dict)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)

    modules: Mapped[list["Module"]] = relationship(
        back_populates="course", order_by="Module.position", cascade="all, delete-orphan")

    def title_in(self, locale):
        return pick(self.title, locale)[1]

    def summary_in(self, locale):
        return pick(self.summary, locale)[1]


class Module(db.Model):
    """A module of a course: an ordered group of lessons."""

    __table_args__ = (UniqueConstraint("course_id", "slug"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[dict] = mapped_column(JSON, default=dict)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    # Scheduled cohorts: the default number of days after a cohort's start on which the module opens.
    opens_after_days: Mapped[int | None] = mapped_column(Integer)

    course: Mapped[Course] = relationship(back_populates="modules")
    lessons: Mapped[list["Lesson"]] = relationship(
        back_populates="module", order_by="Lesson.position", cascade="all, delete-orphan")

    def title_in(self, locale):
        return pick(self.title, locale)[1]


class Lesson(db.Model):
    """A lesson; its slug is unique within the course, so URLs need no module."""

    __table_args__ = (UniqueConstraint("course_id", "slug"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, default=0)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)

    module: Mapped[Module] = relationship(back_populates="lessons")
    course: Mapped[Course] = relationship()
    texts: Mapped[list["LessonText"]] = relationship(
        back_populates="lesson", cascade="all, delete-orphan", lazy="selectin")
    activities: Mapped[list["Activity"]] = relationship(
        back_populates="lesson", order_by="Activity.position", cascade="all, delete-orphan")

    def text_in(self, locale):
        """The LessonText best for this reader (their language, else the first that exists)."""
        by_locale = {text.locale: text for text in self.texts}
        return pick(by_locale, locale)[1]

    def text_exactly_in(self, locale):
        """The LessonText in exactly this language, or None."""
        return next((text for text in self.texts if text.locale == locale), None)

    @property
    def locales(self):
        """The languages this lesson is written in, in the platform's order."""
        return [code for code in LANGUAGES if self.text_exactly_in(code)]


class LessonText(db.Model):
    """A lesson in one language."""

    __table_args__ = (UniqueConstraint("lesson_id", "locale"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int] = mapped_column(Integer)
    objectives: Mapped[list] = mapped_column(JSON, default=list)
    content_note: Mapped[str] = mapped_column(Text, default="")
    resources: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")  # library slugs, in order
    # Only the lesson page needs the body; outlines load titles and minutes without it.
    body_html: Mapped[str] = mapped_column(HTMLText, default=EMPTY_HTML, deferred=True)
    # LessonSpec.digest of the file this text was last rendered from (content sync skips unchanged files).
    source_digest: Mapped[str] = mapped_column(String(64), default="", server_default="")

    lesson: Mapped[Lesson] = relationship(back_populates="texts")


class Activity(db.Model):
    """A reflection prompt or a self-check question; texts is {locale: {...}}."""

    __table_args__ = (UniqueConstraint("lesson_id", "slug"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))  # "reflection" or "selfcheck"
    position: Mapped[int] = mapped_column(Integer, default=0)
    correct_choice: Mapped[int | None] = mapped_column(Integer)
    texts: Mapped[dict] = mapped_column(HTMLInJSON, default=dict)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)

    lesson: Mapped[Lesson] = relationship(back_populates="activities")

    def text_in(self, locale):
        return pick(self.texts, locale)[1]


class ContentVersion(db.Model):
    """One row: a token that changes in the same transaction as any change of courses, modules, lessons, their
    texts or activities (see snapshot.py), so each process knows when its copy of the content is out of date."""

    ONLY = 1
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))


class Enrolment(db.Model):
    """A person taking a course, on their own or in one cohort (the cohort's pacing then applies)."""

    __table_args__ = (UniqueConstraint("user_id", "course_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    enrolled_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    completed_at = mapped_column(UTCDateTime)
    last_lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lesson.id", ondelete="SET NULL"))
    last_seen_at = mapped_column(UTCDateTime)
    # The cohort they take it in; "cohort.id" by name, because courses knows nothing of communities.
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id", ondelete="SET NULL"), index=True)

    course: Mapped[Course] = relationship()
    last_lesson: Mapped[Lesson | None] = relationship()
    user = relationship("User")  # by name: the accounts package sits beside courses, not below it


class LessonProgress(db.Model):
    """Summary per person and lesson: when started, completed and last seen."""

    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"), index=True)
    started_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    last_seen_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    completed_at = mapped_column(UTCDateTime)

    lesson: Mapped[Lesson] = relationship()


class Response(db.Model):
    """A learner's reflection (Markdown source and rendered HTML) or self-check choice."""

    __table_args__ = (UniqueConstraint("user_id", "activity_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    text_source: Mapped[str] = mapped_column(Text, default="")
    text_html: Mapped[str] = mapped_column(HTMLText, default=EMPTY_HTML)
    choice: Mapped[int | None] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)

    activity: Mapped[Activity] = relationship()
