"""Communities and the people in them, cohorts, threads and posts."""
import enum

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, and_, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Region, User
from ..courses.models import Course, Lesson
from ..extensions import db
from ..i18n import pick
from ..markup import EMPTY_HTML, HTMLInJSON, HTMLText
from ..models_base import UTCDateTime, choice_type, utcnow


class CommunityKind(enum.StrEnum):
    REGIONAL = "regional"
    CROSS_REGIONAL = "cross-regional"
    THEMATIC = "thematic"


class Role(enum.StrEnum):
    """A member's role in one community (focal points and admins come from elsewhere)."""

    MEMBER = "member"
    FACILITATOR = "facilitator"


class Pacing(enum.StrEnum):
    """How a cohort moves through its course: each learner at their own pace, or module by module on dates."""

    SELF_PACED = "self-paced"
    SCHEDULED = "scheduled"


class PostStatus(enum.StrEnum):
    VISIBLE = "visible"
    HELD = "held"  # waiting for a moderator (pre-moderation)
    HIDDEN = "hidden"  # hidden by a moderator
    DELETED = "deleted"  # deleted by its author


class Community(db.Model):
    """A regional, cross-regional or thematic community; open or members-only."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[CommunityKind] = mapped_column(choice_type(CommunityKind, "community_kind"),
                                                default=CommunityKind.THEMATIC)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="SET NULL"))
    name: Mapped[dict] = mapped_column(JSON, default=dict)
    description: Mapped[dict] = mapped_column(JSON, default=dict)
    agreements_source: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")  # {locale: Markdown}
    agreements_html: Mapped[dict] = mapped_column(HTMLInJSON(by_locale=True), default=dict)  # {locale: html}
    members_only: Mapped[bool] = mapped_column(Boolean, default=False)
    premoderate_posts: Mapped[int] = mapped_column(Integer, default=0)  # first N posts of a member held
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    # An archived community stays readable to those who could read it, and takes no new posts or members.
    archived_at = mapped_column(UTCDateTime)

    region: Mapped[Region | None] = relationship()

    def name_in(self, locale):
        return pick(self.name, locale)[1]

    def description_in(self, locale):
        return pick(self.description, locale)[1]

    def agreements_in(self, locale):
        return pick(self.agreements_html, locale)[1]


class Membership(db.Model):
    """A person in a community: role, whether they still wait for approval, agreements, mutes."""

    __table_args__ = (
        UniqueConstraint("user_id", "community_id"),
        # A community's facilitators (every thread page names them) without reading all its members.
        Index("ix_membership_facilitators", "community_id", postgresql_where=text("role = 'facilitator'"),
              sqlite_where=text("role = 'facilitator'")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(choice_type(Role, "membership_role"), default=Role.MEMBER)
    pending: Mapped[bool] = mapped_column(Boolean, default=False)  # asked to join a members-only community
    joined_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    agreements_accepted_at = mapped_column(UTCDateTime)
    muted_until = mapped_column(UTCDateTime)
    # When the member last opened the community or one of its threads (for "new since your last visit" at home).
    last_visited_at = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
    community: Mapped[Community] = relationship()


class FocalPoint(db.Model):
    """A person who runs cohorts and receives harassment reports for a region."""

    __table_args__ = (UniqueConstraint("user_id", "region_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), index=True)

    user: Mapped[User] = relationship()
    region: Mapped[Region] = relationship()


class Cohort(db.Model):
    """A run of a course inside a community: dates, languages, time zone and pacing. Its learners are the
    enrolments that name it; its facilitators are CohortFacilitator rows (colab/cohorts)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    starts_on = mapped_column(Date, nullable=False)
    ends_on = mapped_column(Date, nullable=False)
    languages: Mapped[list] = mapped_column(JSON, default=list)  # the locales it runs in, e.g. ["en", "es"]
    # Two of its languages its learners read lessons in side by side unless they choose otherwise, e.g. "fr es"
    # ("": none suggested).
    reading_pair: Mapped[str] = mapped_column(String(12), default="", server_default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")  # where modules open
    pacing: Mapped[Pacing] = mapped_column(choice_type(Pacing, "cohort_pacing"), default=Pacing.SELF_PACED,
                                           server_default=Pacing.SELF_PACED.value)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    community: Mapped[Community] = relationship()
    course: Mapped[Course] = relationship()


class Thread(db.Model):
    """A discussion, or a dialogue framed by a facilitator, in a community (or a cohort's space)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lesson.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    is_dialogue: Mapped[bool] = mapped_column(Boolean, default=False)
    framing_source: Mapped[str] = mapped_column(Text, default="")
    framing_html: Mapped[str] = mapped_column(HTMLText, default=EMPTY_HTML)
    content_note: Mapped[str] = mapped_column(Text, default="")
    # The language the title and framing were written in (the opener's interface language), so that a reader of
    # another language's page hears them in their own (lang); None for threads from before it was kept.
    language: Mapped[str | None] = mapped_column(String(10))
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    slow_mode_minutes: Mapped[int] = mapped_column(Integer, default=0)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    last_post_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    post_count: Mapped[int] = mapped_column(Integer, default=0)
    # Its opening post waits for a moderator: only its author and moderators see the thread (policy "thread.view").
    held: Mapped[bool] = mapped_column(Boolean, default=False)

    community: Mapped[Community] = relationship()
    cohort: Mapped[Cohort | None] = relationship()
    lesson: Mapped[Lesson | None] = relationship()
    author: Mapped[User | None] = relationship()

    @classmethod
    def pinned_in_community(cls):
        """Pinned at the top of the whole community: a cohort's pinned thread is pinned in its cohort's space only."""
        return and_(cls.pinned, cls.cohort_id.is_(None))


# A community's thread list reads its first page from this index, whatever the number of threads.
Index("ix_thread_listing", Thread.community_id, Thread.pinned_in_community().desc(), Thread.last_post_at.desc(),
      Thread.id.desc())


class Post(db.Model):
    """A post in a thread; who may read its body depends on its status (policy "post.read")."""

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="SET NULL"))
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(HTMLText)
    language: Mapped[str | None] = mapped_column(String(10))  # the author's interface language then, as Thread's
    status: Mapped[PostStatus] = mapped_column(choice_type(PostStatus, "post_status"), default=PostStatus.VISIBLE)
    moderation_reason: Mapped[str] = mapped_column(Text, default="")
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    edited_at = mapped_column(UTCDateTime)
    reviewed_at = mapped_column(UTCDateTime)

    thread: Mapped[Thread] = relationship()
    author: Mapped[User | None] = relationship()
    reply_to: Mapped["Post | None"] = relationship(remote_side="Post.id")

    __table_args__ = (
        # Moderators' queues and the count in their header look at the few held posts, not at every post.
        Index("ix_post_held", "thread_id", postgresql_where=text("status = 'held'"),
              sqlite_where=text("status = 'held'")),
    )


class PostRevision(db.Model):
    """An earlier version of an edited post, kept for moderators."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(HTMLText)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
