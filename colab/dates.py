"""Dates and times as a global readership reads them: never "11/29/26" (which most of the alliance reads as another
day), always the month in words ("Nov 29, 2026", "29 nov. 2026"), a time without seconds and with the reader's
time zone, in the reader's language (Flask-Babel picks both)."""
from datetime import timezone
from functools import lru_cache

from babel import Locale
from babel.dates import get_date_format, get_datetime_format, get_time_format
from flask_babel import format_date, format_datetime, get_locale, to_user_timezone

STYLES = ("short", "medium", "long", "full")


def date_filter(value, style="medium"):
    """|date: "short" is read as "medium", the shortest form with the month in words; a CLDR pattern is used as
    given."""
    if value is None:
        return ""
    return format_date(value, "medium" if style == "short" else style)


@lru_cache(maxsize=32)
def _moment_pattern(locale, date_style):
    """The locale's own way of putting a date and a time (hours and minutes) together, as one CLDR pattern."""
    locale = Locale.parse(locale)
    return (str(get_datetime_format("medium", locale)).replace("{1}", get_date_format(date_style, locale).pattern)
            .replace("{0}", get_time_format("short", locale).pattern))


def datetime_filter(value, style="medium"):
    """|datetime: the date as |date shows it, then the time (hours and minutes) and the time zone's name; a CLDR
    pattern ("d MMM y, HH:mm") is used as given; "iso" is for machines (<time datetime>): to the second, in UTC,
    "2026-11-29T14:05:09Z" (HTML refuses more than 3 digits of a second)."""
    if value is None:
        return ""
    if style == "iso":
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if style not in STYLES:
        return format_datetime(value, style)
    zone = to_user_timezone(value).tzname() or ""
    if zone[:1] in "+-":  # zones with no abbreviation are named by their offset
        zone = f"UTC{zone}"
    pattern = _moment_pattern(str(get_locale()), style if style in ("long", "full") else "medium")
    return f"{format_datetime(value, pattern)} {zone}".strip()
