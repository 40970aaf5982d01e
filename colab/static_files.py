"""Static files: URLs that carry a hash of the file so browsers keep them for a year, served from memory already
minified (a stylesheet or script without the comments and layout kept for the people who edit it) and
compressed at the strongest level (once per process and file, not on each request), with the few headers a
stylesheet or script needs (a stylesheet's url() of another static file gets its hash too); and the icon inlined
into the offline page as a data: URI."""
import gzip
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

import brotli
import rcssmin
import rjsmin
from flask import Response, abort, current_app, request, url_for
from flask.sessions import SecureCookieSessionInterface
from werkzeug.security import safe_join

YEAR = 365 * 24 * 3600


@dataclass(frozen=True)
class StaticFile:
    """A file's bytes as served: plain, brotli and gzip, with its content hash."""

    mimetype: str
    digest: str
    bodies: dict  # {"identity" | "br" | "gzip": bytes}


@lru_cache(maxsize=64)
def _load(path, mtime):
    data = Path(path).read_bytes()
    mimetype = _mimetype(path)
    if mimetype.startswith("text/css"):
        data = _versioned_urls(rcssmin.cssmin(data), Path(path).parent)
    elif "javascript" in mimetype:
        data = rjsmin.jsmin(data)
    bodies = {"identity": data}
    if mimetype.startswith("text/") or mimetype.endswith(("javascript", "svg+xml")):
        bodies["br"] = brotli.compress(data, quality=11)
        bodies["gzip"] = gzip.compress(data, compresslevel=9, mtime=0)
        bodies = {name: body for name, body in bodies.items() if len(body) <= len(data)}
    return StaticFile(mimetype, hashlib.sha256(data).hexdigest()[:12], bodies)


_CSS_URL = re.compile(rb"url\(([a-z0-9_-]+\.svg)\)")


def _versioned_urls(css, folder):
    """url(icon.svg) in a stylesheet becomes url(icon.svg?v=<hash>): the very URL static_url() gives a page, so the
    browser fetches the file once for both and keeps it a year."""
    def versioned(match):
        other = folder / match.group(1).decode()
        return b"url(%s?v=%s)" % (match.group(1), _load(str(other), other.stat().st_mtime).digest.encode())
    return _CSS_URL.sub(versioned, css)


def _mimetype(path):
    guessed = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") or guessed.endswith("javascript") else guessed


def _file(filename):
    path = safe_join(current_app.static_folder, filename)
    if path is None or not Path(path).is_file():
        abort(404)
    return _load(path, Path(path).stat().st_mtime)


def static_url(filename):
    """url_for('static') with ?v=<content hash>; a changed file gets a new URL."""
    return url_for("static", filename=filename, v=_file(filename).digest)


def serve_static(filename):
    """The static endpoint: the best encoding the browser accepts, cached for a year when the URL carries the
    file's current hash, revalidated by ETag otherwise."""
    found = _file(filename)
    accepted = request.accept_encodings
    encoding = next((name for name in ("br", "gzip") if name in found.bodies and accepted[name]), "identity")
    etag = f"{found.digest}-{encoding}"
    response = Response(content_type=found.mimetype)
    response.set_etag(etag)
    response.vary.add("Accept-Encoding")
    response.cache_control.public = True
    if request.args.get("v") == found.digest:
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
    else:
        response.cache_control.no_cache = True
    if request.if_none_match.contains(etag):
        response.status_code = 304
        return response
    response.set_data(found.bodies[encoding])
    if encoding != "identity":
        response.headers["Content-Encoding"] = encoding
    return response


@lru_cache(maxsize=8)
def _data_uri(path, mtime):
    """Percent-encoded where a URL needs it (a space too: HTML forbids one in a link's href)."""
    return "data:image/svg+xml," + quote(Path(path).read_text().strip(), safe=":/=,;()-.")


def icon_data_uri(filename):
    """A small SVG from static/ as a data: URI, for <link rel="icon"> (the CSP allows data: images)."""
    path = Path(current_app.static_folder) / filename
    return _data_uri(str(path), path.stat().st_mtime)


# Answers the same for everyone, cached long: the session cookie is never written on them.
COOKIELESS_ENDPOINTS = {"static", "site.favicon"}


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, never written on a static file (nor /favicon.ico): Flask-Login peeks at the
    session after every request, and Flask would then add "Vary: Cookie", which makes shared caches keep one
    stylesheet per visitor (and a refreshed session would send Set-Cookie)."""

    def save_session(self, app, session, response):
        if request.endpoint not in COOKIELESS_ENDPOINTS:
            super().save_session(app, session, response)
