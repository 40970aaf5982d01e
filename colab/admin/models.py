"""The audit log: every change an admin or focal point makes to people, roles, communities and cohorts,
and every shared reflection a facilitator hides."""
import enum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Region, User
from ..communities.models import Cohort, Community
from ..extensions import db
from ..models_base import UTCDateTime, choice_type, utcnow


class AdminAct(enum.StrEnum):
    """What an admin did, as written to the audit log."""

    SUSPEND = "suspend"
    REACTIVATE = "reactivate"
    DELETE = "delete"
    APPOINT_FOCAL_POINT = "appoint_focal_point"
    REMOVE_FOCAL_POINT = "remove_focal_point"
    MAKE_ADMIN = "make_admin"
    REMOVE_ADMIN = "remove_admin"
    APPOINT_FACILITATOR = "appoint_facilitator"
    REMOVE_FACILITATOR = "remove_facilitator"
    CREATE_COMMUNITY = "create_community"
    EDIT_COMMUNITY = "edit_community"
    ARCHIVE_COMMUNITY = "archive_community"
    REOPEN_COMMUNITY = "reopen_community"
    CREATE_COHORT = "create_cohort"
    EDIT_COHORT = "edit_cohort"
    APPOINT_COHORT_FACILITATOR = "appoint_cohort_facilitator"
    REMOVE_COHORT_FACILITATOR = "remove_cohort_facilitator"
    ADD_LEARNER = "add_learner"
    REMOVE_LEARNER = "remove_learner"
    MOVE_LEARNER = "move_learner"
    HIDE_REFLECTION = "hide_reflection"
    RESTORE_REFLECTION = "restore_reflection"
    APPOINT_COURSE_TEAM = "appoint_course_team"
    REMOVE_COURSE_TEAM = "remove_course_team"
    PUBLISH_CONTENT = "publish_content"
    RESTORE_CONTENT = "restore_content"


class AdminAction(db.Model):
    """One change an admin made: who, what, to whom, when and why. Rows outlive both people (SET NULL);
    subject_label keeps the person's display name at the time, so a deleted person's row still reads."""

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    action: Mapped[AdminAct] = mapped_column(choice_type(AdminAct, "admin_act", length=32))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    subject_label: Mapped[str] = mapped_column(String(60), default="")
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="SET NULL"))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id", ondelete="SET NULL"))
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False, index=True)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id])
    region: Mapped[Region | None] = relationship()
    community: Mapped[Community | None] = relationship()
    cohort: Mapped[Cohort | None] = relationship()
