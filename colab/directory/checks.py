"""The rules the directory's services share: InvalidEntry, and the checks of a country and of topics."""
from ..topics import Topic
from .countries import COUNTRIES

TOPICS = frozenset(topic.value for topic in Topic)


class InvalidEntry(ValueError):
    """What was asked to be saved breaks a rule of the directory (field: the form field it concerns)."""

    def __init__(self, field_name, reason):
        super().__init__(f"{field_name}: {reason}")
        self.field, self.reason = field_name, reason


def valid_country(value, field_name="country", required=False):
    """The ISO code, upper-cased ("" when absent and not required). Raises InvalidEntry."""
    value = (value or "").strip().upper()
    if (value or required) and value not in COUNTRIES:
        raise InvalidEntry(field_name, "country")
    return value


def valid_topics(values):
    """The topic values, sorted and without repeats. Raises InvalidEntry."""
    values = sorted(set(values or []))
    if not set(values) <= TOPICS:
        raise InvalidEntry("topics", "unknown")
    return values
