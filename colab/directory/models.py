"""Directory profiles (opt-in), organisations, messages sent through Co-Lab, and blocks."""
from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Region, User
from ..extensions import db
from ..markup import EMPTY_HTML, HTMLText
from ..models_base import UTCDateTime, choice_type, utcnow
from ..topics import Topic


class DirectoryProfile(db.Model):
    """What a person chose to show in the directory. It exists only once they write one; `published` is off
    until they turn it on, and turning it off takes them out of the list, the map counts and search at once.
    Country only (ISO 3166 alpha-2), never a finer location."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    published: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    display_name: Mapped[str] = mapped_column(String(60))
    organisation: Mapped[str] = mapped_column(String(120), default="")
    country: Mapped[str] = mapped_column(String(2), default="", index=True)
    languages: Mapped[list] = mapped_column(JSON, default=list)  # ISO 639-1 codes
    bio_source: Mapped[str] = mapped_column(Text, default="")
    bio_html: Mapped[str] = mapped_column(HTMLText, default=EMPTY_HTML)
    accepts_messages: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    user: Mapped[User] = relationship()
    topics: Mapped[list["ProfileTopic"]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def topic_values(self):
        return sorted(row.topic for row in self.topics)


class ProfileTopic(db.Model):
    profile_id: Mapped[int] = mapped_column(ForeignKey("directory_profile.id", ondelete="CASCADE"), primary_key=True)
    topic: Mapped[Topic] = mapped_column(choice_type(Topic, "profile_topic", length=40), primary_key=True,
                                         index=True)


class Organisation(db.Model):
    """A member organisation of the alliance, entered by admins and the focal points of its region."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    country: Mapped[str] = mapped_column(String(2), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="SET NULL"), index=True)
    website: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[dict] = mapped_column(JSON, default=dict)  # {locale: plain text}
    published: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    region: Mapped[Region | None] = relationship()
    topics: Mapped[list["OrganisationTopic"]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def topic_values(self):
        return sorted(row.topic for row in self.topics)


class OrganisationTopic(db.Model):
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"),
                                                 primary_key=True)
    topic: Mapped[Topic] = mapped_column(choice_type(Topic, "organisation_topic", length=40), primary_key=True,
                                         index=True)


class DirectoryMessage(db.Model):
    """A message sent through the directory: emailed to the recipient without either address, kept so the
    recipient can answer through Co-Lab and report it, and so sending can be limited."""

    __table_args__ = (CheckConstraint("sender_id IS NULL OR recipient_id IS NULL OR sender_id != recipient_id",
                                      name="directory_message_not_self"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("directory_message.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)  # plain text: it goes into an email, never into a page as HTML
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False, index=True)

    sender: Mapped[User | None] = relationship(foreign_keys=[sender_id])
    recipient: Mapped[User | None] = relationship(foreign_keys=[recipient_id])


class DirectoryBlock(db.Model):
    """blocker will receive no directory message from blocked (who is not told)."""

    __table_args__ = (UniqueConstraint("blocker_id", "blocked_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    blocker_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    blocked_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
