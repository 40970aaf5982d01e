"""A notification is stored as a kind and the ids it is about, and worded in the reader's language when shown."""
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models_base import UTCDateTime, utcnow


class Notification(db.Model):
    """Never holds text a person wrote or words in a language: only ids, a kind and plain values in params."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"), index=True)
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"), index=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action_id: Mapped[int | None] = mapped_column(ForeignKey("moderation_action.id", ondelete="SET NULL"))
    params: Mapped[dict] = mapped_column(JSON, default=dict)  # plain values only: a status, a timestamp
    link: Mapped[str] = mapped_column(String(500), default="")  # for kinds with no community subject
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    read_at = mapped_column(UTCDateTime)
    emailed_at = mapped_column(UTCDateTime)  # in a digest or an alert: never mailed twice
