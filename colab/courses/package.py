"""A course as a zip of plain HTML pages, to read with no server and share over Bluetooth or a USB stick.

The package is in the reader's language (lessons missing in it fall back as the site does), holds only the modules
open to the reader, and is built from the same safe HTML the site shows: no script, no web font, nothing from
another host, every link relative. Building it renders every lesson, so the bytes are kept per process (an LRU of
CACHE_SIZE) under a key that changes whenever what the package would hold changes; the zip is deterministic, so the
same content always gives the same bytes."""
import hashlib
import io
import json
import posixpath
import re
import threading
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from math import ceil
from pathlib import Path

from flask import current_app, render_template
from flask_babel import format_decimal, get_locale, get_timezone
from flask_babel import gettext as _
from sqlalchemy.orm import undefer

from ..extensions import db
from ..i18n import language_name, pick
from .models import Activity, LessonText

CACHE_SIZE = 32
ZIP_TIME = (2026, 1, 1, 0, 0, 0)  # every file's date in the zip: the same content gives the same bytes
STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "style.css"


@dataclass(frozen=True)
class Package:
    """A built package: the zip's bytes, the name to save it under, and the compressed bytes of each open module's
    lesson files ({module_id: bytes})."""

    data: bytes
    file_name: str
    module_bytes: dict

    @property
    def size_label(self):
        return size_label(len(self.data))

    def module_size_label(self, module_ids):
        """The bytes of those modules' lesson pages, as the reader thinks of them (to save them offline)."""
        return size_label(sum(self.module_bytes.get(module_id, 0) for module_id in module_ids))


def size_label(size):
    """A size as a reader on a metered connection thinks of it: "41 KB", "1.2 MB"."""
    if size < 1024 * 1024:
        return _("%(size)s KB", size=format_decimal(max(1, ceil(size / 1024))))
    return _("%(size)s MB", size=format_decimal(round(size / (1024 * 1024), 1)))


# --- the cache ----------------------------------------------------------------------------------------------------

_lock = threading.Lock()


def _cache():
    """This app's packages, least recently used first (one per app, so tests on other databases share nothing)."""
    return current_app.extensions.setdefault("course_packages", OrderedDict())


def course_package(course, outline, openings, neutral=False):
    """The package of course for the current reader (language and time zone as Flask-Babel picks them): outline is
    their service.outline (its locked modules are left out and listed with openings[module_id], an object with .at
    and .time as courses/_opening.html reads it); neutral names the files without the course's words (discreet
    mode). Built once per key, then served from the cache."""
    locale = str(get_locale())
    key = _key(course, outline, locale, neutral)
    cache = _cache()
    with _lock:
        found = cache.get(key)
        if found is not None:
            cache.move_to_end(key)
            return found
    made = _build(course, outline, openings, locale, neutral)
    with _lock:
        cache[key] = made
        cache.move_to_end(key)
        while len(cache) > CACHE_SIZE:
            cache.popitem(last=False)
    return made


def _key(course, outline, locale, neutral):
    """What the package depends on: the course, the language, the open modules (and, when some are locked, their
    dates and the reader's time zone, which the index shows), the file names' style, and a digest of the content
    (titles and summaries from course.yml, each lesson text's source digest, each activity's shape; activity texts
    come from the same files as the lesson texts, so their digests cover them)."""
    lessons = outline.lessons
    activities = db.session.execute(
        db.select(Activity.lesson_id, Activity.id, Activity.slug, Activity.kind, Activity.position,
                  Activity.correct_choice, Activity.archived)
        .where(Activity.lesson_id.in_([lesson.id for lesson in lessons]))
        .order_by(Activity.lesson_id, Activity.position, Activity.id)).all()
    content = {
        "course": [course.slug, course.title, course.summary],
        "modules": [[m.module.id, m.module.slug, m.module.title, m.module.summary] for m in outline.modules],
        "lessons": [[lesson.id, lesson.module_id, lesson.slug,
                     sorted((text.locale, text.source_digest) for text in lesson.texts)] for lesson in lessons],
        "activities": [list(row) for row in activities],
    }
    digest = hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()
    locked = tuple(sorted((module_id, at.isoformat()) for module_id, at in outline.locked.items()))
    zone = str(get_timezone()) if locked else ""
    open_modules = frozenset(m.module.id for m in outline.modules if m.module.id not in outline.locked)
    return course.id, locale, open_modules, locked, zone, bool(neutral), digest


# --- building -----------------------------------------------------------------------------------------------------

@dataclass
class Entry:
    """One lesson's page in the package."""

    lesson: object
    text: object  # the LessonText the reader gets (theirs, else the fallback)
    path: str
    activities: list


@dataclass
class ModuleEntry:
    """One module on the index: its lessons' pages, or, when it is not open yet, its lessons and when it opens."""

    number: int
    module: object
    lessons: list
    entries: list
    opening: object = None
    summary_locale: str = ""
    summary: str = ""


def _build(course, outline, openings, locale, neutral):
    modules = _modules(outline, openings, locale, neutral)
    entries = [entry for module in modules for entry in module.entries]
    pages = [("index.html", render_template("courses/package/index.html", course=course, modules=modules,
                                            entries=entries, root=""))]
    for number, entry in enumerate(entries):
        module = next(module for module in modules if entry in module.entries)
        previous = entries[number - 1] if number else None
        following = entries[number + 1] if number + 1 < len(entries) else None
        fallback = language_name(entry.text.locale, locale) if entry.text.locale != locale else None
        pages.append((entry.path, render_template(
            "courses/package/lesson.html", course=course, module=module, entry=entry, text=entry.text,
            fallback_language=fallback, root=_relative("", entry.path), previous=previous, next=following,
            href=lambda target, here=entry.path: _relative(target.path, here))))
    files = [(name, html.encode()) for name, html in pages]
    files.append(("style.css", _stylesheet([html for _name, html in pages]).encode()))
    data, compressed = _zip(files)
    module_bytes = {module.module.id: sum(compressed[entry.path] for entry in module.entries)
                    for module in modules if not module.opening}
    name = f"course-{locale}.zip" if neutral else f"{course.slug}-{locale}.zip"
    return Package(data, name, module_bytes)


def _modules(outline, openings, locale, neutral):
    """The index's modules in order, the open ones with their lessons' pages (bodies loaded in one query)."""
    open_lessons = [lesson for lesson in outline.lessons if lesson.module_id not in outline.locked]
    texts = [lesson.text_in(locale) for lesson in open_lessons]
    if texts:  # the bodies are deferred: load them for all the pages at once
        db.session.scalars(db.select(LessonText).where(LessonText.id.in_([text.id for text in texts]))
                           .options(undefer(LessonText.body_html))).all()
    activities = {}
    if open_lessons:
        for activity in db.session.scalars(
                db.select(Activity).where(Activity.lesson_id.in_([lesson.id for lesson in open_lessons]),
                                          Activity.archived.is_(False))
                .order_by(Activity.lesson_id, Activity.position)):
            activities.setdefault(activity.lesson_id, []).append(activity)
    modules = []
    for number, module_outline in enumerate(outline.modules, start=1):
        module = module_outline.module
        summary = pick(module.summary or {}, locale)
        if module.id in outline.locked:
            modules.append(ModuleEntry(number, module, module_outline.lessons, [], openings[module.id], *summary))
            continue
        folder = f"{number:02d}" if neutral else f"{number:02d}-{module.slug}"
        entries = [Entry(lesson, lesson.text_in(locale),
                         f"{folder}/{index:02d}.html" if neutral else f"{folder}/{index:02d}-{lesson.slug}.html",
                         activities.get(lesson.id, []))
                   for index, lesson in enumerate(module_outline.lessons, start=1)]
        modules.append(ModuleEntry(number, module, module_outline.lessons, entries, None, *summary))
    return modules


def _relative(target, here):
    """The link from the file `here` to the file `target` (both paths inside the zip; "" is its root folder)."""
    start = posixpath.dirname(here)
    if not target:
        return posixpath.relpath(".", start) + "/" if start else ""
    return posixpath.relpath(target, start or ".")


def _zip(files):
    """(the zip's bytes, {name: compressed bytes}) with fixed dates and permissions, files in the given order."""
    buffer = io.BytesIO()
    compressed = {}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # the same bytes whatever system builds it
            archive.writestr(info, data, compresslevel=9)
            compressed[name] = archive.getinfo(name).compress_size
    return buffer.getvalue(), compressed


# --- the stylesheet: the site's, trimmed to what the pages use ----------------------------------------------------

_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_PSEUDO = re.compile(r"::?[a-zA-Z-]+(?:\([^)]*\))?")
_ATTRIBUTE = re.compile(r"\[[^\]]*\]")
_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)")
_CLASSES = re.compile(r'\sclass="([^"]*)"')


def _stylesheet(pages):
    """style.css with only the rules that can match the pages (their tags and classes), then the package's own."""
    tags = {tag.lower() for html in pages for tag in _TAG.findall(html)}
    classes = {name for html in pages for value in _CLASSES.findall(html) for name in value.split()}
    site = _trim(_COMMENT.sub("", STYLESHEET.read_text(encoding="utf-8")), tags, classes)
    return f"/* Co-Lab, offline copy */\n{site}\n{render_template('courses/package/package.css').strip()}\n"


def _blocks(css):
    """The top-level (prelude, body) pairs of a stylesheet without comments; an @media body holds its own rules."""
    blocks, start = [], 0
    while (opening := css.find("{", start)) >= 0:
        depth, end = 1, opening + 1
        while depth and end < len(css):
            depth += {"{": 1, "}": -1}.get(css[end], 0)
            end += 1
        blocks.append((css[start:opening].strip(), css[opening + 1:end - 1]))
        start = end
    return blocks


def _trim(css, tags, classes):
    rules = []
    for prelude, body in _blocks(css):
        if prelude.startswith("@media"):
            inner = _trim(body, tags, classes)
            if inner:
                rules.append(f"{prelude} {{\n{inner}\n}}")
        elif not prelude.startswith("@"):  # (an @font-face or @import would reach another file: never)
            selectors = [s.strip() for s in prelude.split(",") if _matches(s.strip(), tags, classes)]
            if selectors:
                rules.append(f"{', '.join(selectors)} {{ {' '.join(body.split())} }}")
    return "\n".join(rules)


def _matches(selector, tags, classes):
    """Whether every element and class the selector names is on the pages (so it may match something there)."""
    bare = _ATTRIBUTE.sub("", _PSEUDO.sub("", selector))
    for compound in re.split(r"[\s>+~]+", bare):
        if "#" in compound:
            return False
        name = re.match(r"[a-zA-Z][a-zA-Z0-9-]*", compound)
        if name and name.group(0).lower() not in tags:
            return False
        if any(found not in classes for found in re.findall(r"\.([\w-]+)", compound)):
            return False
    return True
