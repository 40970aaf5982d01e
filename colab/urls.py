"""URL helpers shared by the views."""
from urllib.parse import urlsplit


def safe_next(target):
    """target if it is a path on this site (no scheme, no host), else None."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target
