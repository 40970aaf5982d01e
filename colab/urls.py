"""Small helpers shared by the views: safe redirects and 404s."""
from urllib.parse import urlsplit

from flask import abort


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
