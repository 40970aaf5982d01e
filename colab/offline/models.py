"""Changes a device made offline and sent later: each carries an id, recorded with the change it made, so sending it
again (a retry, a second tab) changes nothing."""
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models_base import UTCDateTime, utcnow


class OfflineChange(db.Model):
    __table_args__ = (UniqueConstraint("user_id", "change_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))  # first in the unique key
    change_id: Mapped[str] = mapped_column(String(64))
    received_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
