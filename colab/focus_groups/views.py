"""Focus groups: recording a session and reading the notes; the printable facilitator guide."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from .. import policy
from ..extensions import db
from ..i18n import LANGUAGES
from ..surveys.service import courses_with_a_guide, guide_for
from ..urls import int_arg, or_404, page_arg
from . import service
from .forms import FilterForm, FocusGroupForm

bp = Blueprint("focus_groups", __name__, url_prefix="/focus-groups")

# Why the service refused what was typed, said beside the field it concerns.
PROBLEMS = {
    "future": _l("The date cannot be in the future: give the day the session was held."),
    "range": _l("Give a number from 1 to %(max)s.", max=service.MAX_PARTICIPANTS),
    "not_followed": _l("Choose one of the cohorts of this course that you run or facilitate, or none."),
    "nothing_discussed": _l("Choose the module or at least one lesson that was discussed."),
    "no_notes": _l("Write at least one note: what worked, what did not, suggestions or quotes."),
    "no_consent": _l("Quotes are kept only when the participants agreed to be quoted. Tick the box below the "
                     "quotes, or remove them."),
    "unknown": _l("Choose from the list."),
}


@bp.before_request
@login_required
def signed_in_only():
    """Focus-group notes are for those who record them and for the course team: nothing here is public."""


def _locale():
    return str(get_locale())


def _group_or_404(group_id, rule="focus_group.read"):
    """The session, if the reader may read it (else 404: others do not learn it exists); 403 when they read it
    but the rule (edit, delete) is not theirs."""
    group = or_404(service.find(group_id))
    if not policy.can("focus_group.read", group):
        abort(404)
    policy.require(rule, group)
    return group


# --- the list -------------------------------------------------------------------------------------------

@bp.get("/")
def index():
    """The sessions the reader recorded (every session for the course team), filtered by course, region and
    language, newest first."""
    policy.require("focus_group.list")
    course_id, region_id = int_arg("course"), int_arg("region")
    locale = request.args.get("locale") if request.args.get("locale") in LANGUAGES else None
    page = service.sessions_page(current_user, page_arg(), current_app.config["PER_PAGE"], course_id, region_id,
                                 locale)
    form = FilterForm(formdata=None, data={"course": course_id, "region": region_id, "locale": locale or ""})
    locale_now = _locale()
    form.course.choices = [("", _("All courses"))] + [(course.id, course.title_in(locale_now))
                                                       for course in service.live_courses()]
    form.region.choices = [("", _("All regions"))] + [(region.id, region.name) for region in service.regions()]
    form.locale.choices = [("", _("All languages"))] + [(code, info["name"]) for code, info in LANGUAGES.items()]
    filters = {key: value for key, value in (("course", course_id), ("region", region_id), ("locale", locale))
               if value}
    return render_template("focus_groups/index.html", page=page, form=form, filters=filters,
                           everyone=policy.can("course_team.report"))


# --- recording and changing a session ------------------------------------------------------------------------

def _session_form(course, group=None):
    """The form for a session of course with its choices (the current cohort stays one when changing a session);
    a new session starts with the recorder's region and the reader's language."""
    if request.method == "POST":
        form = FocusGroupForm()
    elif group is not None:
        form = FocusGroupForm(formdata=None, data={
            "held_on": group.held_on, "region": group.region_id, "locale": group.locale, "cohort": group.cohort_id,
            "participants": group.participants, "module": group.module_id, "lessons": list(group.lesson_ids or []),
            **{name: getattr(group, name) for name in service.NOTE_FIELDS}, "quotes_consent": group.quotes_consent})
    else:
        form = FocusGroupForm(formdata=None, data={"region": current_user.region_id, "locale": _locale(),
                                                   "held_on": service.today_for(current_user)})
    locale = _locale()
    outline = service.modules_with_lessons(course)
    form.held_on.render_kw = {"max": service.today_for(current_user).isoformat()}
    form.region.choices = [("", _("No single region"))] + [(region.id, region.name) for region in service.regions()]
    keep = group.cohort_id if group is not None else None
    form.cohort.choices = [("", _("None"))] + [(cohort.id, f"{cohort.name} · {cohort.community.name_in(locale)}")
                                               for cohort in service.cohort_choices(current_user, course, keep)]
    form.module.choices = [("", _("None"))] + [(module.id, module.title_in(locale)) for module, _lessons in outline]
    if group is not None and group.module is not None and group.module not in [module for module, _ in outline]:
        form.module.choices.append((group.module_id, group.module.title_in(locale)))  # archived since: it stays
    form.lessons.choices = [(lesson.id, _lesson_title(lesson, locale)) for _module, lessons in outline
                            for lesson in lessons]
    return form, outline


def _lesson_title(lesson, locale):
    text = lesson.text_in(locale)
    return text.title if text is not None else lesson.slug


def _lesson_groups(form, outline):
    """[(module, [checkbox of each of its lessons])], for a fieldset per module."""
    boxes = {option.data: option for option in form.lessons}
    return [(module, [boxes[lesson.id] for lesson in lessons]) for module, lessons in outline]


def _data(form):
    """What the form holds, for the service."""
    return service.SessionData(
        held_on=form.held_on.data, region_id=form.region.data, locale=form.locale.data, cohort_id=form.cohort.data,
        participants=form.participants.data, module_id=form.module.data, lesson_ids=form.lessons.data or [],
        worked=form.worked.data or "", did_not_work=form.did_not_work.data or "",
        suggestions=form.suggestions.data or "", quotes=form.quotes.data or "",
        quotes_consent=bool(form.quotes_consent.data))


def _checked(form, course, group=None):
    """Whether the form is valid by its own checks and the service's (whose problems go beside their fields)."""
    valid = form.validate_on_submit()
    if not form.is_submitted():
        return False
    for name, reason in service.problems(current_user, course, _data(form), group).items():
        if not form[name].errors:
            form[name].errors = [PROBLEMS[reason]]
        valid = False
    return valid


def _form_page(course, form, outline, status, group=None, more_courses=False):
    return render_template("focus_groups/form.html", course=course, form=form, group=group,
                           lesson_groups=_lesson_groups(form, outline), more_courses=more_courses), status


@bp.route("/new", methods=["GET", "POST"])
def new():
    """First the course (unless there is only one, or ?course= names it), then the session."""
    policy.require("focus_group.record")
    courses = service.live_courses()
    slug = request.args.get("course")
    if not slug and len(courses) == 1:
        slug = courses[0].slug
    if not slug:
        return render_template("focus_groups/choose_course.html", courses=courses,
                               with_guide=courses_with_a_guide(courses))
    course = or_404(service.find_course(slug))
    form, outline = _session_form(course)
    if _checked(form, course):
        group = service.record(current_user, course, _data(form))
        db.session.commit()
        flash(_("The session is recorded. Thank you."), "success")
        return redirect(url_for(".show", group_id=group.id))
    return _form_page(course, form, outline, 400 if form.is_submitted() else 200, more_courses=len(courses) > 1)


@bp.route("/<int:group_id>/edit", methods=["GET", "POST"])
def edit(group_id):
    group = _group_or_404(group_id, "focus_group.edit")
    form, outline = _session_form(group.course, group)
    if _checked(form, group.course, group):
        service.update(current_user, group, _data(form))
        db.session.commit()
        flash(_("The session is saved."), "success")
        return redirect(url_for(".show", group_id=group.id))
    return _form_page(group.course, form, outline, 400 if form.is_submitted() else 200, group)


@bp.route("/<int:group_id>/delete", methods=["GET", "POST"])
def delete(group_id):
    """A page that asks first; the POST deletes the session and its notes."""
    group = _group_or_404(group_id, "focus_group.delete")
    if request.method == "GET":
        return render_template("focus_groups/delete.html", group=group)
    service.delete(current_user, group)
    db.session.commit()
    flash(_("The session and its notes are deleted."), "info")
    return redirect(url_for(".index"))


# --- reading a session, and the guide ----------------------------------------------------------------------

@bp.get("/<int:group_id>")
def show(group_id):
    group = _group_or_404(group_id)
    return render_template("focus_groups/show.html", group=group, lessons=service.lessons_of(group))


@bp.get("/guide/<course_slug>")
def guide(course_slug):
    """The course's facilitator guide in the reader's language (else another), laid out to print."""
    policy.require("focus_group.record")
    course = or_404(service.find_course(course_slug))
    found = guide_for(course, _locale())
    if found is None:
        return render_template("focus_groups/no_guide.html", course=course), 404
    return render_template("focus_groups/guide.html", course=course, guide=found)
