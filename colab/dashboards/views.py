"""Dashboards: a cohort's, a region's and the alliance's, each with its CSV."""
from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import policy
from ..urls import or_404, page_arg
from . import service, tables
from .charts import bar_chart

bp = Blueprint("dashboards", __name__, url_prefix="/dashboards")

COHORT = "/cohorts/<int:cohort_id>"


@bp.before_request
@login_required
def followers_only():
    """Dashboards are for facilitators, focal points and admins; everyone else has none to open."""
    policy.require("dashboard.list")


@bp.get("/")
def index():
    return render_template("dashboards/index.html", regions=service.followed_regions(current_user),
                           cohorts=service.followed_cohorts(current_user))


# --- a cohort -----------------------------------------------------------------------------------------------

def _cohort(cohort_id):
    """The cohort, if the reader follows it; 403 if they may know it exists, else 404."""
    cohort = or_404(service.find_cohort(cohort_id))
    if not policy.can("cohort.dashboard", cohort):
        abort(403 if policy.can("community.view", cohort.community) else 404)
    return cohort


def _choice(name, options):
    """A query-string word among options, else the first (links only ever carry valid ones)."""
    value = request.args.get(name)
    return value if value in options else options[0]


def _learner_args():
    return _choice("sort", service.SORTS), _choice("dir", service.DIRECTIONS), _choice("show", service.SHOWS)


def _learners(learners):
    """The learners the query string asks for, in its order, and the (sort, dir, show) it asked for."""
    sort, direction, show = _learner_args()
    return service.learner_table(learners, sort, direction, show), (sort, direction, show)


@bp.get(COHORT)
def cohort(cohort_id):
    cohort = _cohort(cohort_id)
    dashboard = service.cohort_dashboard(cohort)
    rows, (sort, direction, show) = _learners(dashboard.learners)
    page = or_404(tables.paginate(rows, page_arg(), current_app.config["PER_PAGE"]))
    total_lessons = sum(row.lessons for row in dashboard.modules)
    return render_template(
        "dashboards/cohort.html", cohort=cohort, dashboard=dashboard, page=page, show=show,
        shows=service.show_counts(dashboard.learners),
        query={"sort": sort, "dir": direction, "show": show},
        learners=tables.learners_table(page.items, total_lessons, sort, direction, show),
        funnel=tables.funnel_table(dashboard.funnel), modules=tables.modules_table(dashboard.modules),
        funnel_chart=_funnel_chart(dashboard.funnel), modules_chart=_modules_chart(dashboard.modules))


@bp.get(COHORT + "/<any(learners, modules, funnel):table>.csv")
def cohort_csv(cohort_id, table):
    cohort = _cohort(cohort_id)
    if table == "learners":
        learners, total_lessons = service.cohort_learners(cohort)
        rows, (sort, direction, show) = _learners(learners)
        found = tables.learners_table(rows, total_lessons, sort, direction, show)
    else:
        dashboard = service.cohort_dashboard(cohort)
        found = tables.modules_table(dashboard.modules) if table == "modules" else tables.funnel_table(dashboard.funnel)
    return tables.csv_response(found, f"cohort-{cohort.id}-{table}.csv")


def _funnel_chart(funnel):
    items = [(tables.FUNNEL_LABELS[key](), value, str(value)) for key, value in funnel.stages()]
    description = " ".join(_("%(stage)s: %(num)s.", stage=label, num=text) for label, _value, text in items)
    return bar_chart("funnel-chart", _("Learners at each stage, from invitation to completion"), description,
                     items)


def _modules_chart(modules):
    items = [(row.module.title_in(tables.locale()), row.percent, f"{row.percent}%") for row in modules]
    description = " ".join(_("%(module)s: %(percent)s%% of the learners completed it.", module=label,
                             percent=value) for label, value, _text in items)
    return bar_chart("modules-chart", _("Share of the learners who completed each module"), description, items,
                     scale=100)


# --- a region, the communities without one, the alliance -----------------------------------------------------

def _region_page(region, template_args):
    summary = service.region_summary(region)
    page = or_404(tables.paginate(summary.lines, page_arg(), current_app.config["PER_PAGE"]))
    return render_template("dashboards/region.html", region=region, summary=summary, page=page,
                           cohorts=tables.cohorts_table(page.items, summary.totals), **template_args)


def _region_csv(region, filename):
    summary = service.region_summary(region)
    return tables.csv_response(tables.cohorts_table(summary.lines, summary.totals), filename)


def _region(slug):
    region = or_404(service.find_region(slug))
    policy.require("dashboard.region", region)
    return region


@bp.get("/regions/<slug>")
def region(slug):
    region = _region(slug)
    return _region_page(region, {"title": region.name, "csv_url": ("dashboards.region_csv", {"slug": slug})})


@bp.get("/regions/<slug>/cohorts.csv")
def region_csv(slug):
    return _region_csv(_region(slug), f"region-{slug}-cohorts.csv")


@bp.get("/no-region")
def no_region():
    policy.require("dashboard.global")
    return _region_page(None, {"title": _("Communities without a region"),
                               "csv_url": ("dashboards.no_region_csv", {})})


@bp.get("/no-region/cohorts.csv")
def no_region_csv():
    policy.require("dashboard.global")
    return _region_csv(None, "no-region-cohorts.csv")


@bp.get("/global")
def overview():
    policy.require("dashboard.global")
    regions, courses = service.global_summary()
    return render_template("dashboards/global.html", regions=tables.regions_table(regions),
                           courses=tables.courses_table(courses))


@bp.get("/global/<any(regions, courses):table>.csv")
def overview_csv(table):
    policy.require("dashboard.global")
    regions, courses = service.global_summary()
    found = tables.regions_table(regions) if table == "regions" else tables.courses_table(courses)
    return tables.csv_response(found, f"colab-{table}.csv")
