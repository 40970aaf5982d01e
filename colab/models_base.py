"""Column helpers shared by the feature models."""
from datetime import datetime, timezone

from sqlalchemy import DateTime, Enum
from sqlalchemy.types import TypeDecorator


def utcnow():
    """The current time, timezone-aware, in UTC."""
    return datetime.now(timezone.utc)


def isoformat(value):
    """A timestamp as ISO 8601 text for exports, or None."""
    return value.isoformat() if value else None


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(timezone.utc) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value


def choice_type(choices, name, length=20):
    """A column type for a StrEnum: stored as its text values, with a CHECK constraint named name."""
    return Enum(choices, name=name, native_enum=False, create_constraint=True, length=length, validate_strings=True,
                values_callable=lambda members: [member.value for member in members])
