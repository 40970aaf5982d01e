"""The dashboards' tables as cells of text, made once for the page and its CSV: the CSV holds exactly what the
page shows (every page of it), in the same order."""
import csv
import io
from dataclasses import dataclass, field
from math import ceil

from flask import Response, url_for
from flask_babel import get_locale, get_timezone, ngettext, pgettext
from flask_babel import gettext as _

from ..spreadsheets import guard


@dataclass
class Column:
    label: str
    sort: str | None = None  # the ?sort= value that orders the table by this column
    number: bool = False


@dataclass
class Cell:
    text: str  # empty: nothing to show ("—" on the page, an empty cell in the CSV)
    link: str | None = None
    time: str | None = None  # machine-readable date for <time datetime=…>


@dataclass
class Table:
    id: str
    caption: str
    columns: list
    rows: list  # of lists of Cells
    totals: list | None = None  # a last row of Cells
    sortable: dict = field(default_factory=dict)  # sort, dir and the other query arguments the links keep


@dataclass
class Page:
    """One page of a list already in memory, with the attributes macros/pager.html reads."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self):
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.pages

    @property
    def prev_num(self):
        return self.page - 1

    @property
    def next_num(self):
        return self.page + 1


def paginate(items, page, per_page):
    """items[page], or None when page is past the last one."""
    result = Page(items[(page - 1) * per_page:page * per_page], page, per_page, len(items))
    return result if page <= result.pages else None


def number(value):
    return Cell(str(value))


def moment(value, zone):
    """A time in the reader's time zone (zone: flask_babel.get_timezone()), written the same way in every language
    so that it sorts in a spreadsheet. (strftime, not Babel's formatter: this runs for every row of a long table.)"""
    if value is None:
        return Cell("")
    return Cell(value.astimezone(zone).strftime("%Y-%m-%d %H:%M"), time=value.replace(microsecond=0).isoformat())


def day(value):
    return Cell(value.isoformat(), time=value.isoformat())


def locale():
    return str(get_locale())


# --- the cohort dashboard -------------------------------------------------------------------------------------

def learners_table(rows, total_lessons, sort, direction, show):
    columns = [Column(_("Display name"), "name"), Column(_("Progress %"), "progress", True),
               Column(_("Lessons done (of %(total)s)", total=total_lessons), None, True),
               Column(_("Last active"), "active"), Column(_("Reflections written"), "reflections", True),
               Column(_("Posts"), "posts", True)]
    zone = get_timezone()
    cells = [[Cell(row.display_name), number(row.percent), number(row.done), moment(row.last_active, zone),
              number(row.reflections), number(row.posts)] for row in rows]
    return Table("learners", _("Learners"), columns, cells,
                 sortable={"sort": sort, "dir": direction, "args": {"show": show}})


FUNNEL_LABELS = {"invited": lambda: _("Invited"), "accepted": lambda: _("Accepted"),
                 "started": lambda: pgettext("number of people", "Started"),
                 "completed": lambda: pgettext("number of people", "Completed"),
                 "active": lambda: _("Active in the last 7 days")}


def funnel_table(funnel):
    rows = [[Cell(FUNNEL_LABELS[key]()), number(value)] for key, value in funnel.stages()]
    rows.append([Cell(FUNNEL_LABELS["active"]()), number(funnel.active)])
    return Table("funnel", _("From invitation to completion"), [Column(_("Stage")), Column(_("Learners"),
                                                                                          number=True)], rows)


def modules_table(modules):
    columns = [Column(_("Module")), Column(_("Lessons"), number=True),
               Column(_("Learners who completed it"), number=True), Column(_("Completion %"), number=True)]
    rows = [[Cell(row.module.title_in(locale())), number(row.lessons), number(row.completed), number(row.percent)]
            for row in modules]
    return Table("modules", _("Completion per module"), columns, rows)


# --- many cohorts -----------------------------------------------------------------------------------------------

def _figure_cells(figures):
    return [number(figures.learners), number(figures.started), number(figures.completed), number(figures.active),
            number(figures.percent)]


def _figure_columns():
    return [Column(_("Learners"), number=True), Column(pgettext("number of people", "Started"), number=True),
            Column(pgettext("number of people", "Completed"), number=True),
            Column(_("Active in the last 7 days"), number=True), Column(_("Completion %"), number=True)]


def cohorts_table(lines, totals):
    columns = [Column(_("Cohort")), Column(_("Course")), Column(_("Starts")), Column(_("Ends")), *_figure_columns()]
    rows = [[Cell(line.cohort.name, link=url_for("dashboards.cohort", cohort_id=line.cohort.id)),
             Cell(line.course.title_in(locale())), day(line.cohort.starts_on), day(line.cohort.ends_on),
             *_figure_cells(line.figures)] for line in lines]
    label = ngettext("Total: %(num)s cohort", "Total: %(num)s cohorts", totals.cohorts)
    total = [Cell(label), Cell(""), Cell(""), Cell(""), *_figure_cells(totals)]
    return Table("cohorts", _("Cohorts"), columns, rows, total)


def regions_table(summary):
    columns = [Column(_("Region")), Column(_("Cohorts"), number=True), *_figure_columns()]
    rows = []
    for line in summary.lines:
        if line.key is None:
            name = Cell(_("Communities without a region"), link=url_for("dashboards.no_region"))
        else:
            name = Cell(line.key.name, link=url_for("dashboards.region", slug=line.key.slug))
        rows.append([name, number(line.figures.cohorts), *_figure_cells(line.figures)])
    total = [Cell(_("Total")), number(summary.totals.cohorts), *_figure_cells(summary.totals)]
    return Table("regions", _("Regions"), columns, rows, total)


def courses_table(summary):
    columns = [Column(_("Course")), Column(_("Cohorts"), number=True), *_figure_columns()]
    rows = [[Cell(line.key.title_in(locale())), number(line.figures.cohorts), *_figure_cells(line.figures)]
            for line in summary.lines]
    total = [Cell(_("Total")), number(summary.totals.cohorts), *_figure_cells(summary.totals)]
    return Table("courses", _("Courses"), columns, rows, total)


# --- CSV ----------------------------------------------------------------------------------------------------------

def csv_response(table, filename):
    """The table as a UTF-8 CSV download (with a byte-order mark, so spreadsheet apps read accents right)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([guard(column.label) for column in table.columns])
    for row in [*table.rows, *([table.totals] if table.totals else [])]:
        writer.writerow([guard(cell.text) for cell in row])
    return Response(("\ufeff" + out.getvalue()).encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
