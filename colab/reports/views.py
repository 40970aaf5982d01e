"""The course team's report, per course, module and lesson, with its CSVs. Every page and CSV: rule
course_team.report. Filters come from the query string (a GET form, plain links); a filter that is not valid is
left out and said so beside its field."""
from flask import Blueprint, current_app, render_template, request
from flask_babel import get_locale, get_timezone, ngettext
from flask_babel import gettext as _
from flask_login import login_required

from .. import policy
from ..dashboards.charts import bar_chart
from ..dashboards.tables import csv_response
from ..i18n import LANGUAGES
from ..urls import or_404
from . import service, tables
from .forms import FilterForm

bp = Blueprint("reports", __name__, url_prefix="/course-team")

COURSE = "/<course_slug>/"
LESSON = "/<course_slug>/lessons/<lesson_slug>"
FILTER_NAMES = ("cohort", "region", "lang", "start", "end")


@bp.before_request
@login_required
def course_team_only():
    """The report is for the course team (and admins); nobody else has one to open."""
    policy.require("course_team.report")


def _minimum():
    return current_app.config["REPORT_MIN_GROUP"]


def _locale():
    return str(get_locale())


def _filters(course=None):
    """(the filter form, service.Filters, the query arguments links keep) from the query string; the cohorts offered
    are the course's (every live course's on the list of courses)."""
    form = FilterForm(request.args)
    cohorts = service.cohorts(course)
    regions = service.regions()
    form.cohort.choices = [("", _("All cohorts"))] + [
        (str(cohort.id), cohort.name if course else f"{cohort.name} · {cohort.course.title_in(_locale())}")
        for cohort in cohorts]
    form.region.choices = [("", _("All regions"))] + [(region.slug, region.name) for region in regions]
    form.lang.choices = [("", _("All languages"))] + [(code, info["name"]) for code, info in LANGUAGES.items()]
    form.validate()
    valid = {name: form[name].data for name in FILTER_NAMES if not form[name].errors and form[name].data}
    cohort_id = int(valid["cohort"]) if "cohort" in valid else None
    region = next((region for region in regions if region.slug == valid.get("region")), None)
    filters = service.Filters(cohort_id=cohort_id, region_id=region.id if region else None,
                              locale=valid.get("lang"), start=valid.get("start"), end=valid.get("end"),
                              zone=str(get_timezone()))
    args = {name: request.args[name] for name in valid}
    cohort_courses = {cohort.id: cohort.course_id for cohort in cohorts}
    return form, filters, args, cohort_courses


# --- the list of courses ----------------------------------------------------------------------------------------

def _overview():
    form, filters, args, cohort_courses = _filters()

    def course_args(course):
        """The filters a course's link keeps: a cohort only on its own course."""
        kept = dict(args)
        if "cohort" in kept and cohort_courses.get(filters.cohort_id) != course.id:
            kept.pop("cohort")
        return kept

    lines = service.overview(filters, _minimum())
    return form, args, tables.courses_table(lines, _minimum(), course_args)


@bp.get("/")
def index():
    form, args, table = _overview()
    return render_template("reports/index.html", form=form, args=args, courses=table, minimum=_minimum())


@bp.get("/courses.csv")
def index_csv():
    _form, _args, table = _overview()
    return csv_response(table, "course-team-courses.csv")


# --- one course ---------------------------------------------------------------------------------------------------

def _course(course_slug):
    return or_404(service.find_course(course_slug))


def _course_tables(course):
    form, filters, args, _cohorts = _filters(course)
    report = service.course_report(course, filters, _minimum(), _locale())
    found = {"progress": tables.progress_table(report, _minimum(), args),
             "usefulness": tables.usefulness_table(report, _minimum(), args)}
    if report.pre_post is not None:
        found["scale"] = tables.scale_table(report.pre_post, _minimum())
        found["choices"] = tables.choices_table(report.pre_post, _minimum())
    return form, args, report, found


@bp.get(COURSE)
def course(course_slug):
    course = _course(course_slug)
    form, args, report, found = _course_tables(course)
    charts = {figures.lesson.id: _usefulness_chart(figures) for figures in report.lessons
              if figures.usefulness.counts is not None}
    pre_post_chart = _pre_post_chart(report.pre_post) if report.pre_post is not None else None
    return render_template("reports/course.html", course=course, form=form, args=args, report=report,
                           tables=found, charts=charts, pre_post_chart=pre_post_chart, minimum=_minimum())


@bp.get(COURSE + "<any(progress, usefulness, scale, choices):table>.csv")
def course_csv(course_slug, table):
    course = _course(course_slug)
    _form, _args, _report, found = _course_tables(course)
    return csv_response(or_404(found.get(table)), f"{course.slug}-{table}.csv")


# --- one lesson ---------------------------------------------------------------------------------------------------

def _lesson_tables(course_slug, lesson_slug):
    course = _course(course_slug)
    lesson = or_404(service.find_lesson(course, lesson_slug))
    form, filters, args, _cohorts = _filters(course)
    report = service.lesson_report(course, lesson, filters, _minimum())
    found = {"figures": tables.figures_table(report, _minimum()),
             "distribution": tables.distribution_table(report, _minimum()),
             "unsafe": tables.unsafe_table(report), "comments": tables.comments_table(report, _minimum())}
    return form, args, report, found


@bp.get(LESSON)
def lesson(course_slug, lesson_slug):
    form, args, report, found = _lesson_tables(course_slug, lesson_slug)
    chart = _usefulness_chart(report.figures) if report.figures.usefulness.counts is not None else None
    return render_template("reports/lesson.html", course=report.course, lesson=report.lesson, form=form, args=args,
                           report=report, tables=found, chart=chart, minimum=_minimum())


@bp.get(LESSON + "/<any(figures, distribution, unsafe, comments):table>.csv")
def lesson_csv(course_slug, lesson_slug, table):
    _form, _args, report, found = _lesson_tables(course_slug, lesson_slug)
    return csv_response(found[table], f"{report.course.slug}-{report.lesson.slug}-{table}.csv")


# --- charts -------------------------------------------------------------------------------------------------------

def _usefulness_chart(figures):
    counts = figures.usefulness.counts
    items = [(tables.SCALE_LABELS[value](), count, str(count)) for value, count in zip(service.SCALE, counts,
                                                                                        strict=True)]
    description = " ".join(ngettext("%(answer)s: %(num)s person.", "%(answer)s: %(num)s people.", count,
                                    answer=label) for label, count, _text in items)
    title = tables.lesson_title(figures.lesson)
    return bar_chart(f"usefulness-{figures.lesson.id}", _("How useful learners found “%(lesson)s”", lesson=title),
                     description, items)


def _pre_post_chart(pre_post):
    items = []
    for change in pre_post.scales:
        if change.people is None:
            continue
        for label, value in ((_("%(question)s — before", question=change.text), change.before),
                             (_("%(question)s — after", question=change.text), change.after)):
            items.append((label, value, tables.decimal(value, _minimum()).text))
    if not items:
        return None
    description = " ".join(_("%(label)s: %(mean)s.", label=label, mean=text) for label, _value, text in items)
    scale = max(change.high for change in pre_post.scales if change.people is not None)
    return bar_chart("pre-post-chart", _("Mean answer before and after the course"), description, items, scale=scale)
