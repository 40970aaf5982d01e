"""Reports of posts and the moderation audit log."""
import enum

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..communities.models import Community, Post
from ..extensions import db
from ..models_base import UTCDateTime, choice_type, utcnow


class ReportReason(enum.StrEnum):
    DISRESPECTFUL = "disrespectful"
    OFF_TOPIC = "off-topic"
    SPAM = "spam"
    HARASSMENT = "harassment"
    OTHER = "other"


class ReportOutcome(enum.StrEnum):
    HIDDEN = "hidden"
    DISMISSED = "dismissed"
    WARNED = "warned"


class Act(enum.StrEnum):
    """What a moderator did, as written to the audit log."""

    HIDE = "hide"
    RESTORE = "restore"
    DISMISS = "dismiss"
    WARN = "warn"
    APPROVE = "approve"
    LOCK = "lock"
    UNLOCK = "unlock"
    PIN = "pin"
    UNPIN = "unpin"
    SLOW_MODE = "slow_mode"
    PREMODERATION = "premoderation"
    MUTE = "mute"
    UNMUTE = "unmute"
    APPROVE_MEMBER = "approve_member"
    DECLINE_MEMBER = "decline_member"
    ROLE_FACILITATOR = "role_facilitator"
    ROLE_MEMBER = "role_member"


class PostReport(db.Model):
    """A flag on a post; every open flag on one post is one item in the review queue."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    reason: Mapped[ReportReason] = mapped_column(choice_type(ReportReason, "report_reason"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    resolved_at = mapped_column(UTCDateTime)
    outcome: Mapped[ReportOutcome | None] = mapped_column(choice_type(ReportOutcome, "report_outcome"),
                                                          nullable=True)  # set when resolved

    post: Mapped[Post] = relationship()


class ModerationAction(db.Model):
    """The audit log: who did what to what, when and why."""

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[Act] = mapped_column(choice_type(Act, "moderation_act"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="SET NULL"))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("thread.id", ondelete="SET NULL"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    community: Mapped[Community] = relationship()
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id])
