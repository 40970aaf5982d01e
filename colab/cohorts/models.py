"""What a cohort holds besides its row: facilitators, module dates, live sessions, invitations, shared
reflections."""
import enum

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..communities.models import Cohort
from ..courses.models import Module, Response
from ..extensions import db
from ..models_base import UTCDateTime, choice_type, utcnow


class CohortFacilitator(db.Model):
    """A person who facilitates one cohort: moderates its discussion space, sees its dashboard and its shared
    reflections."""

    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    appointed_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    cohort: Mapped[Cohort] = relationship()
    user: Mapped[User] = relationship()


class ModuleRelease(db.Model):
    """A scheduled cohort's own opening date for one module, overriding start date + the module's offset."""

    __table_args__ = (UniqueConstraint("cohort_id", "module_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"))
    opens_on = mapped_column(Date, nullable=False)  # at local midnight in the cohort's time zone

    module: Mapped[Module] = relationship()


class LiveSession(db.Model):
    """A live meeting of a cohort, shown on its page in each reader's time zone."""

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at = mapped_column(UTCDateTime, nullable=False)
    minutes: Mapped[int] = mapped_column(Integer, default=90)
    link: Mapped[str] = mapped_column(String(500), default="")  # an https link to the meeting, or empty


class InvitationStatus(enum.StrEnum):
    PENDING = "pending"  # sent; open until it expires
    ACCEPTED = "accepted"
    REVOKED = "revoked"


class Invitation(db.Model):
    """An invitation to join a cohort, sent to an address. The link's token is stored hashed; the link works
    once, until expires_at."""

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    display_name: Mapped[str] = mapped_column(String(60), default="")  # a suggestion the invitee may change
    locale: Mapped[str] = mapped_column(String(10), default="en")  # the language of the email and the page
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[InvitationStatus] = mapped_column(choice_type(InvitationStatus, "invitation_status"),
                                                     default=InvitationStatus.PENDING)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    sent_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    expires_at = mapped_column(UTCDateTime, nullable=False)
    accepted_at = mapped_column(UTCDateTime)
    revoked_at = mapped_column(UTCDateTime)

    cohort: Mapped[Cohort] = relationship()

    @property
    def is_open(self):
        """Whether its link can still be used: pending, not expired, its cohort's community not archived."""
        return (self.status == InvitationStatus.PENDING and self.expires_at > utcnow()
                and self.cohort.community.archived_at is None)


class SharedReflection(db.Model):
    """A reflection its author shared with their cohort. shared_at is None once unshared; hidden_at is set
    when a facilitator hides it (it cannot then be shared again)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), unique=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    shared_at = mapped_column(UTCDateTime)
    hidden_at = mapped_column(UTCDateTime)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    response: Mapped[Response] = relationship()
