"""Library resources, their topics and languages."""
import enum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Region, User
from ..extensions import db
from ..markup import HTMLInJSON
from ..models_base import UTCDateTime, choice_type, utcnow
from ..topics import Topic


class ResourceKind(enum.StrEnum):
    GUIDE = "guide"
    TOOLKIT = "toolkit"
    RESEARCH = "research"
    VIDEO = "video"
    POLICY_BRIEF = "policy-brief"
    ARTICLE = "article"
    CURRICULUM = "curriculum"
    OTHER = "other"


class ResourceStatus(enum.StrEnum):
    SUGGESTED = "suggested"  # a member's suggestion, waiting for a focal point or an admin
    PUBLISHED = "published"
    DECLINED = "declined"  # a suggestion not taken (its author sees why)
    RETIRED = "retired"  # was published, taken out of the library


class Resource(db.Model):
    """One library item: a link or an uploaded file (stored under instance/resources/ by `stored_name`), with a
    title and summary per language ({locale: text}), the languages the item itself is in, its topics, region
    (None: global) and kind."""

    __table_args__ = (CheckConstraint("(url != '') OR (stored_name IS NOT NULL)", name="resource_link_or_file"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)  # lessons list resources by slug
    kind: Mapped[ResourceKind] = mapped_column(choice_type(ResourceKind, "resource_kind"))
    status: Mapped[ResourceStatus] = mapped_column(choice_type(ResourceStatus, "resource_status"),
                                                   default=ResourceStatus.SUGGESTED, index=True)
    title: Mapped[dict] = mapped_column(JSON, default=dict)  # {locale: title}
    summary_source: Mapped[dict] = mapped_column(JSON, default=dict)  # {locale: Markdown}
    summary_html: Mapped[dict] = mapped_column(HTMLInJSON(by_locale=True), default=dict)  # {locale: html}
    url: Mapped[str] = mapped_column(String(500), default="")
    stored_name: Mapped[str | None] = mapped_column(String(80), unique=True)  # random file name under instance/
    file_name: Mapped[str] = mapped_column(String(200), default="")  # as uploaded, for the download's name
    content_type: Mapped[str] = mapped_column(String(100), default="")  # as checked from the file's content
    file_size: Mapped[int | None] = mapped_column(Integer)  # bytes; None for a link
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="SET NULL"), index=True)
    suggested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    review_note: Mapped[str] = mapped_column(String(500), default="")  # why a suggestion was declined
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    published_at = mapped_column(UTCDateTime, index=True)

    region: Mapped[Region | None] = relationship()
    suggested_by: Mapped[User | None] = relationship(foreign_keys=[suggested_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    topics: Mapped[list["ResourceTopic"]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    languages: Mapped[list["ResourceLanguage"]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def topic_values(self):
        return sorted(row.topic for row in self.topics)

    @property
    def language_codes(self):
        return sorted(row.locale for row in self.languages)


class ResourceTopic(db.Model):
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id", ondelete="CASCADE"), primary_key=True)
    topic: Mapped[Topic] = mapped_column(choice_type(Topic, "resource_topic", length=40), primary_key=True,
                                         index=True)


class ResourceLanguage(db.Model):
    """A language the item itself is written or spoken in (any ISO 639-1 code, not only the platform's)."""

    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id", ondelete="CASCADE"), primary_key=True)
    locale: Mapped[str] = mapped_column(String(10), primary_key=True, index=True)
