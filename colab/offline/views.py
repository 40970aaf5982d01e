"""The service worker at /sw.js (its scope is the whole site) and the page it shows offline.

What the worker may keep is a short list (colab/offline/sw.js): course overviews and lessons, the stylesheet and the
script, and /offline. Lesson pages say in X-Colab-Offline whether the worker may keep them on its own ("keep": the
lessons a learner opens) or only when the learner saves them ("save": discreet mode, where nothing is kept unasked)."""
import hashlib
import json
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, jsonify, render_template
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from .. import policy
from ..config import CONTENT_SECURITY_POLICY
from ..static_files import static_url

bp = Blueprint("offline", __name__)
WORKER = Path(__file__).with_name("sw.js")
SHELL = ("style.css", "colab.js", "offline.js", "icon.svg")  # what every saved page needs (the icon: the logo)
KEEP, SAVE = "keep", "save"


@lru_cache(maxsize=8)
def _worker(source, shell_urls):
    """The worker's script without its comment lines, with its version (a hash of itself and of the files it caches)
    and their URLs."""
    version = hashlib.sha256(f"{source}\n{shell_urls}".encode()).hexdigest()[:12]
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("//"))  # comments stay home
    return code.replace("__VERSION__", version).replace("__SHELL__", shell_urls) + "\n"


@bp.get("/sw.js")
def worker():
    """Revalidated on each visit (browsers do so at least daily anyway), so a new version installs promptly."""
    script = _worker(WORKER.read_text(encoding="utf-8"), json.dumps([static_url(name) for name in SHELL]))
    response = Response(script, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
def page():
    """Shown by the worker in place of a page that needs the network: the lessons saved on this device are listed by
    the script, which reads them from the browser's caches."""
    response = Response(render_template("offline/offline.html"))
    response.headers["Cache-Control"] = "no-cache"
    # the icon is inside the page, which opens with no connection
    response.headers["Content-Security-Policy"] = f"img-src 'self' data:; {CONTENT_SECURITY_POLICY}"
    return response


def mark_readable_offline(response):
    """Let the worker keep a course page: on its own, or only when saved in discreet mode (the list of saved pages
    names each by its <h1>, read from the copy)."""
    response.headers["X-Colab-Offline"] = SAVE if current_user.is_authenticated and current_user.discreet else KEEP
    return response


@bp.get("/offline/token")
def token():
    """A fresh CSRF token for the device sending what it kept offline (the pages it kept hold old ones). Other sites
    cannot read it: the browser does not let them."""
    policy.require("lesson.read")
    response = jsonify(csrf_token=generate_csrf())
    response.headers["Cache-Control"] = "no-store"
    return response
