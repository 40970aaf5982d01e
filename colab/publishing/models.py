"""Each publication of a course's files, with the files as they were before, so one step restores them."""
import enum

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db
from ..models_base import UTCDateTime, choice_type, utcnow


class PublicationKind(enum.StrEnum):
    PUBLISH = "publish"  # an uploaded course folder or lesson file
    RESTORE = "restore"  # the files as they were before an earlier publication


class Publication(db.Model):
    """One change to content/<course_slug>/: the zip of the course folder before it (to restore) and after it.
    Kept in the database, so every server sees the same history."""

    id: Mapped[int] = mapped_column(primary_key=True)
    course_slug: Mapped[str] = mapped_column(String(80), index=True)
    kind: Mapped[PublicationKind] = mapped_column(choice_type(PublicationKind, "publication_kind"))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    summary: Mapped[str] = mapped_column(Text, default="")  # what changed, in words, for the history
    before_zip: Mapped[bytes] = mapped_column(LargeBinary)
    after_zip: Mapped[bytes] = mapped_column(LargeBinary)
    restores_id: Mapped[int | None] = mapped_column(ForeignKey("publication.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False, index=True)

    published_by: Mapped[User | None] = relationship()


class StagedUpload(db.Model):
    """An upload that passed every check, waiting for its author to publish it: the whole course folder it would
    make, as a zip. Kept in the database (never a path a browser sends), reached by a random token of which only
    the SHA-256 is stored, and deleted once published or expired (PUBLISH_STAGED_MAX_AGE)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    course_slug: Mapped[str] = mapped_column(String(80))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200), default="")  # what the person uploaded, to remind them
    base_digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the course folder the upload was applied to
    candidate_zip: Mapped[bytes] = mapped_column(LargeBinary)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False, index=True)

    uploaded_by: Mapped[User] = relationship()
