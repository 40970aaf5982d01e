"""Small helpers shared by the views: numbers from URLs, safe redirects and 404s."""
from urllib.parse import urlsplit

from flask import abort, request
from werkzeug.routing import IntegerConverter

# The largest id or page number a query may carry: PostgreSQL's INTEGER (SQLite's is wider).
MAX_INT = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """The `int` URL converter, refusing numbers the database cannot hold (a 404, never a 500)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_INT)
        super().__init__(map, *args, **kwargs)


def parse_int(value, default=None):
    """value as a whole number in 1..MAX_INT; default when it is empty; None when it is not such a number."""
    if value is None or value == "":
        return default
    if not value.isascii() or not value.isdigit() or len(value) > 10:
        return None
    number = int(value)
    return number if 1 <= number <= MAX_INT else None


def int_arg(name, default=None):
    """A number from the query string (?page=, ?post=…): default when absent, a 404 when it is not valid."""
    number = parse_int(request.args.get(name), default)
    if number is None and request.args.get(name):
        abort(404)
    return number


def page_arg():
    """The ?page= number, 1 when absent."""
    return int_arg("page", 1)


def or_404(found):
    """found, or a 404 when a lookup found nothing."""
    if found is None:
        abort(404)
    return found


def safe_next(target):
    """target if it is a path on this site (no scheme, no host), else None."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target
