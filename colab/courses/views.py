"""Catalogue, course overview, lessons, activities and completion."""
from dataclasses import dataclass
from datetime import datetime, time
from itertools import zip_longest

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import format_date, format_time, get_locale, to_user_timezone
from flask_babel import gettext as _
from flask_login import current_user

from .. import policy
from ..extensions import db
from ..i18n import language_name
from ..markup import EMPTY_HTML, sections
from ..offline import service as offline
from ..offline.views import mark_readable_offline
from ..urls import or_404
from . import package, service
from .forms import ReflectionForm, SecondLanguageForm, SelfCheckForm

bp = Blueprint("courses", __name__, url_prefix="/courses")


def _locale():
    return str(get_locale())


def _course_or_404(slug):
    return or_404(service.find_course(slug))


def _lesson_or_404(course_slug, lesson_slug):
    course = _course_or_404(course_slug)
    return course, or_404(service.find_lesson(course, lesson_slug))


@dataclass
class Opening:
    """When a locked module opens, for the reader: the moment (UTC, for the |date filter), and the local time
    when that moment is not the reader's midnight."""

    at: datetime

    @property
    def time(self):
        local = to_user_timezone(self.at)
        return None if local.time() == time(0) else format_time(self.at, "short")


def _openings(outline):
    return {module_id: Opening(at) for module_id, at in outline.locked.items()}


def _done_so_far(opens_at):
    """The message for a learner who has done every lesson open to them: when the next ones open."""
    opening = Opening(opens_at)
    if opening.time:
        return _("You have done every lesson open so far. The next ones open on %(date)s at %(time)s.",
                 date=format_date(opens_at, "long"), time=opening.time)
    return _("You have done every lesson open so far. The next ones open on %(date)s.",
             date=format_date(opens_at, "long"))


def _lesson_to_open(course_slug, lesson_slug):
    """(course, lesson, refusal) after the sign-in check: refusal is, for a lesson that has not opened for this
    learner yet, the page saying when it opens (403) for the view to return, changing nothing; else None."""
    policy.require("lesson.read")
    course, lesson = _lesson_or_404(course_slug, lesson_slug)
    opens_at = service.lesson_opens_at(current_user, lesson)
    if opens_at is None:
        return course, lesson, None
    page = render_template("courses/locked.html", course=course, lesson=lesson, text=lesson.text_in(_locale()),
                           opening=Opening(opens_at))
    return course, lesson, (page, 403)


@bp.get("/")
def catalogue():
    policy.require("course.browse")
    courses = service.catalogue()
    enrolled = {e.course_id: e for e in service.enrolments(current_user)} if current_user.is_authenticated else {}
    return render_template("courses/catalogue.html", courses=courses, enrolled=enrolled)


@bp.get("/<course_slug>/")
def overview(course_slug):
    policy.require("course.browse")
    course = _course_or_404(course_slug)
    user = current_user if current_user.is_authenticated else None
    enrolment = service.enrolment_for(user, course) if user else None
    outline = service.outline(course, user)
    openings = _openings(outline)
    offline = _package(course, outline, openings) if policy.can("course.package") else None
    page = render_template("courses/overview.html", course=course, outline=outline, enrolment=enrolment,
                           openings=openings, resume=outline.resume(enrolment) if enrolment else None,
                           panels=service.course_panels(user, course, outline, enrolment) if enrolment else [],
                           offline=offline)
    return mark_readable_offline(make_response(page))


def _package(course, outline, openings):
    """The course's offline package for the current reader (built once, then cached); discreet mode names its
    files without the course's words."""
    return package.course_package(course, outline, openings, neutral=current_user.discreet)


@bp.get("/<course_slug>/package.zip")
def package_zip(course_slug):
    """The modules open to the reader as a zip of plain HTML pages in their language, to read with no server."""
    policy.require("course.package")
    course = _course_or_404(course_slug)
    outline = service.outline(course, current_user)
    made = _package(course, outline, _openings(outline))
    response = current_app.response_class(made.data, mimetype="application/zip")
    response.headers.set("Content-Disposition", "attachment", filename=made.file_name)
    response.headers["Cache-Control"] = "private, no-store"  # a shared device keeps no copy unless it is saved
    return response


@bp.post("/<course_slug>/enrol")
def enrol(course_slug):
    policy.require("course.enrol")
    course = _course_or_404(course_slug)
    service.enrol(current_user, course)
    db.session.commit()
    first = service.outline(course, current_user).next_to_do()
    if first is None:
        return redirect(url_for("courses.overview", course_slug=course.slug))
    return redirect(url_for("courses.lesson", course_slug=course.slug, lesson_slug=first.slug))


@bp.get("/<course_slug>/<lesson_slug>/")
def lesson(course_slug, lesson_slug):
    course, lesson, locked = _lesson_to_open(course_slug, lesson_slug)
    if locked:
        return locked
    enrolment = service.record_visit(current_user, lesson)
    db.session.commit()
    page, status = _render_lesson(course, lesson, enrolment)
    return mark_readable_offline(make_response(page, status))


@dataclass
class SideBySide:
    """A lesson's version in a second language, shown beside the reader's: its body cut at each heading and paired
    with the reader's pieces in order, and its activities' texts."""

    text: object  # the LessonText
    sections: list  # [(reader's piece, second language's piece)], before the first heading, then heading by heading
    activities: dict  # {activity id: that activity's texts in the second language}


def _side_by_side(lesson, text, activities, enrolment):
    """(SideBySide or None, the name of a chosen second language this lesson is not written in, or None)."""
    code = service.second_language(current_user, enrolment, text.locale)
    second = lesson.text_exactly_in(code) if code else None
    if second is None:
        return None, (language_name(code, _locale()) if code else None)
    pairs = [pair for pair in zip_longest(sections(text.body_html), sections(second.body_html), fillvalue=EMPTY_HTML)
             if any(piece.strip() for piece in pair)]
    return SideBySide(second, pairs, {a.id: a.texts[code] for a in activities if code in a.texts}), None


def _second_language_form(lesson, text, formdata=None):
    languages = [code for code in lesson.locales if code != text.locale]
    if not languages:
        return None
    form = SecondLanguageForm(languages, formdata=formdata, prefix="reading")
    if formdata is None:
        form.second_language.data = current_user.second_language
    return form


def _render_lesson(course, lesson, enrolment, forms=None, status=200, reading_form=None):
    locale = _locale()
    text = lesson.text_in(locale)
    outline = service.outline(course, current_user)
    responses = service.responses_for(current_user, lesson)
    activities = [a for a in lesson.activities if not a.archived]
    panels = service.lesson_panels(service.LessonPage(current_user, lesson, responses, outline, enrolment))
    forms = forms or {}
    for activity in activities:
        if activity.id not in forms:
            forms[activity.id] = _blank_form(activity, responses.get(activity.id))
    reflections = {activity.id for activity in activities if activity.kind == "reflection"}
    for panel in panels:
        if panel.hint and panel.activity_id in reflections:
            forms[panel.activity_id].text.description = panel.hint
    fallback = language_name(text.locale, locale) if text.locale != locale else None
    side_by_side, second_missing = _side_by_side(lesson, text, activities, enrolment)
    return render_template(
        "courses/lesson.html", course=course, lesson=lesson, text=text, outline=outline, enrolment=enrolment,
        activities=activities, responses=responses, forms=forms, fallback_language=fallback,
        side_by_side=side_by_side, second_missing=second_missing,
        reading_form=reading_form or _second_language_form(lesson, text),
        completed=lesson.id in outline.completed_ids, links=service.lesson_links(current_user, lesson, locale),
        panels=panels, openings=_openings(outline),
        previous=outline.previous_before(lesson), next=outline.next_after(lesson)), status


def _activity_form(activity, **kwargs):
    """The activity's form; a per-activity prefix keeps field ids unique on the page."""
    prefix = f"a-{activity.slug}"
    if activity.kind == "reflection":
        return ReflectionForm(prefix=prefix, **kwargs)
    return SelfCheckForm(len(activity.text_in(_locale())["choices"]), prefix=prefix, **kwargs)


def _blank_form(activity, response):
    if activity.kind == "reflection":
        return _activity_form(activity, formdata=None, text=response.text_source if response else "")
    return _activity_form(activity, formdata=None, choice=response.choice if response else None)


@bp.post("/<course_slug>/<lesson_slug>/activities/<activity_slug>")
def answer(course_slug, lesson_slug, activity_slug):
    course, lesson, locked = _lesson_to_open(course_slug, lesson_slug)
    if locked:
        return locked
    activity = or_404(service.find_activity(lesson, activity_slug))
    form = _activity_form(activity)
    # first_time is False for a change sent again from a device's offline queue: it is done already
    if offline.first_time(current_user) and form.validate_on_submit():
        if activity.kind == "reflection":
            service.save_reflection(current_user, activity, form.text.data)
            flash(_("Your reflection is saved."), "success")
        else:
            service.answer_selfcheck(current_user, activity, form.choice.data)
        db.session.commit()
    if form.errors:
        enrolment = service.record_visit(current_user, lesson)
        return _render_lesson(course, lesson, enrolment, forms={activity.id: form}, status=400)
    return redirect(url_for("courses.lesson", course_slug=course.slug, lesson_slug=lesson.slug,
                            _anchor=f"activity-{activity.slug}"))


@bp.post("/<course_slug>/<lesson_slug>/second-language")
def second_language(course_slug, lesson_slug):
    """Show this lesson, and every lesson after it, beside a second language (or in one language only)."""
    course, lesson, locked = _lesson_to_open(course_slug, lesson_slug)
    if locked:
        return locked
    form = _second_language_form(lesson, lesson.text_in(_locale()), formdata=request.form)
    if form is None:
        flash(_("This lesson is written in one language only."), "error")
    if form is None or not form.validate_on_submit():
        enrolment = service.enrolment_for(current_user, course)
        return _render_lesson(course, lesson, enrolment, reading_form=form, status=400)
    service.choose_second_language(current_user, form.second_language.data)
    db.session.commit()
    return redirect(url_for("courses.lesson", course_slug=course.slug, lesson_slug=lesson.slug))


@bp.post("/<course_slug>/<lesson_slug>/complete")
def complete(course_slug, lesson_slug):
    course, lesson, locked = _lesson_to_open(course_slug, lesson_slug)
    if locked:
        return locked
    undo = request.form.get("undo") == "1"
    if not offline.first_time(current_user):  # sent again from a device's offline queue: done already
        return redirect(url_for("courses.lesson", course_slug=course.slug, lesson_slug=lesson.slug))
    outline = service.set_completed(current_user, lesson, completed=not undo)
    db.session.commit()
    if undo:
        return redirect(url_for("courses.lesson", course_slug=course.slug, lesson_slug=lesson.slug))
    if outline.first_unfinished() is None:
        flash(_("You have completed the course. Well done!"), "success")
        return redirect(url_for("courses.overview", course_slug=course.slug))
    following = outline.next_after(lesson)
    if following is None or outline.opens_at(following) is not None:
        following = outline.next_to_do()
    if following is None:  # every lesson left has not opened yet
        flash(_done_so_far(outline.opens_at(outline.first_unfinished())), "success")
        return redirect(url_for("courses.overview", course_slug=course.slug))
    flash(_("Lesson marked as done: %(title)s", title=lesson.text_in(_locale()).title), "success")
    return redirect(url_for("courses.lesson", course_slug=course.slug, lesson_slug=following.slug))
