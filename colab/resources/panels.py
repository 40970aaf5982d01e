"""Where the library shows elsewhere: "From the library" under a lesson (a courses.service.LESSON_PANEL_PROVIDERS
entry), and the notifications that tell a suggester how their suggestion was decided."""
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _

from ..courses import service as courses
from ..courses.service import LessonPanel
from ..extensions import db
from ..i18n import pick
from . import service
from .cards import cards
from .models import Resource


def lesson_panels(page):
    """The published resources the lesson's front matter lists (in the language shown), in one query."""
    locale = str(get_locale())
    text = page.lesson.text_in(locale)
    found = service.published_by_slugs(text.resources if text is not None else [])
    if not found:
        return []
    return [LessonPanel("resources/_lesson_panel.html",
                        {"resource_cards": cards(found, locale, current_app.config["RESOURCE_LOW_DATA_BYTES"])})]


def _title(words):
    resource = db.session.get(Resource, words.params.get("resource")) \
        if isinstance(words.params.get("resource"), int) else None
    return pick(resource.title, str(get_locale()))[1] if resource is not None else None


def _approved(words):
    title = _title(words)
    if title is None:
        return _("One of your suggestions for the library was approved.")
    return _("Your suggestion “%(title)s” is in the library now. Thank you.", title=title)


def _declined(words):
    title = _title(words)
    if title is None:
        return _("One of your suggestions for the library was declined. Read why in your suggestions.")
    return _("Your suggestion “%(title)s” was declined. Read why in your suggestions.", title=title)


def register():
    """Plug the library into lesson pages and notifications (create_app calls this once; calling it again changes
    nothing)."""
    from ..notifications.service import KINDS, Kind
    if lesson_panels not in courses.LESSON_PANEL_PROVIDERS:
        courses.LESSON_PANEL_PROVIDERS.append(lesson_panels)
    KINDS.setdefault(service.APPROVED, Kind(None, None, _approved,
                                            lambda words: _("One of your suggestions for the library was approved.")))
    KINDS.setdefault(service.DECLINED, Kind(None, None, _declined, lambda words: _(
        "One of your suggestions for the library was declined. Read why in your suggestions.")))
