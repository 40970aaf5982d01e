"""The report's tables as cells of text (colab/dashboards/tables.py), made once for the page and its CSV: a hidden
figure says "fewer than 5" in both, so the CSV holds exactly what the page shows."""
from flask import url_for
from flask_babel import format_decimal, get_timezone, pgettext
from flask_babel import gettext as _

from ..dashboards.tables import Cell, Column, Table, locale, number
from ..i18n import LANGUAGES
from .service import SCALE


def hidden(minimum):
    return Cell(_("fewer than %(num)s", num=minimum))


def figure(value, minimum):
    """A count, or "fewer than 5" when hidden (None)."""
    return hidden(minimum) if value is None else number(value)


def decimal(value, minimum):
    """A mean with one decimal in the reader's language, or "fewer than 5"."""
    return hidden(minimum) if value is None else Cell(format_decimal(value, "0.0"))


def percent(value, minimum):
    return hidden(minimum) if value is None else number(value)


def language(code):
    return LANGUAGES[code]["name"] if code in LANGUAGES else code


def day(moment):
    """The day of a moment in the reader's time zone: no hour, so an answer is harder to tie to a visit."""
    if moment is None:
        return Cell("")
    text = moment.astimezone(get_timezone()).date().isoformat()
    return Cell(text, time=text)


def lesson_title(lesson):
    text = lesson.text_in(locale())
    return text.title if text else lesson.slug


def _progress_cells(progress, minimum):
    return [figure(progress.started, minimum), figure(progress.completed, minimum),
            percent(progress.percent, minimum)]


def _unsafe_column():
    return Column(_("Unsafe answers (every cohort and region)"), number=True)


def _progress_columns():
    return [Column(_("Learners who started"), number=True),
            Column(pgettext("number of people", "Completed"), number=True), Column(_("Completion %"), number=True)]


# --- the list of courses ---------------------------------------------------------------------------------------

def courses_table(lines, minimum, args):
    columns = [Column(_("Course")), *_progress_columns(), _unsafe_column(),
               Column(_("Focus-group sessions"), number=True)]
    rows = [[Cell(line.course.title_in(locale()), link=url_for("reports.course", course_slug=line.course.slug,
                                                               **args(line.course))),
             *_progress_cells(line.progress, minimum), number(line.unsafe), number(line.sessions)]
            for line in lines]
    return Table("courses", _("Courses"), columns, rows)


# --- one course ----------------------------------------------------------------------------------------------------

def progress_table(report, minimum, args):
    """A row per module (its lessons together), then a row per lesson of it."""
    columns = [Column(_("Module")), Column(_("Lesson")), *_progress_columns(), Column(_("Comments"), number=True),
               _unsafe_column(), Column(_("Focus-group sessions"), number=True)]
    rows = []
    for module in report.modules:
        title = module.module.title_in(locale())
        rows.append([Cell(title), Cell(_("All its lessons")), *_progress_cells(module.progress, minimum),
                     figure(module.comments, minimum), number(module.unsafe), number(module.notes)])
        for figures in module.lessons:
            link = url_for("reports.lesson", course_slug=report.course.slug, lesson_slug=figures.lesson.slug, **args)
            rows.append([Cell(title), Cell(lesson_title(figures.lesson), link=link),
                         *_progress_cells(figures.progress, minimum), figure(figures.comments, minimum),
                         number(figures.unsafe), number(figures.notes)])
    total = [Cell(_("The whole course")), Cell(""), *_progress_cells(report.progress, minimum), Cell(""), Cell(""),
             Cell("")]
    return Table("progress", _("Learners, comments and unsafe answers per module and lesson"), columns, rows, total)


def _usefulness_cells(usefulness, minimum):
    counts = usefulness.counts or [None] * len(SCALE)
    return [figure(usefulness.answers, minimum), *(figure(count, minimum) for count in counts),
            decimal(usefulness.mean, minimum)]


def _usefulness_columns():
    return [Column(_("Answers"), number=True),
            *(Column(_("Answered %(value)s", value=value), number=True) for value in SCALE),
            Column(_("Mean (1 to 5)"), number=True)]


def usefulness_table(report, minimum, args):
    columns = [Column(_("Module")), Column(_("Lesson")), *_usefulness_columns()]
    rows = []
    for module in report.modules:
        title = module.module.title_in(locale())
        rows.append([Cell(title), Cell(_("All its lessons")), *_usefulness_cells(module.usefulness, minimum)])
        for figures in module.lessons:
            link = url_for("reports.lesson", course_slug=report.course.slug, lesson_slug=figures.lesson.slug, **args)
            rows.append([Cell(title), Cell(lesson_title(figures.lesson), link=link),
                         *_usefulness_cells(figures.usefulness, minimum)])
    return Table("usefulness", _("Was this lesson useful? (1: not at all, 5: very)"), columns, rows)


def scale_table(pre_post, minimum):
    columns = [Column(_("Question")), Column(_("People who answered before and after"), number=True),
               Column(_("Mean before"), number=True), Column(_("Mean after"), number=True),
               Column(_("Scale"), number=True)]
    rows = [[Cell(change.text), figure(change.people, minimum), decimal(change.before, minimum),
             decimal(change.after, minimum), Cell(f"{change.low}–{change.high}")] for change in pre_post.scales]
    return Table("scale", _("Scale questions: the mean before and after the course"), columns, rows)


def choices_table(pre_post, minimum):
    columns = [Column(_("Question")), Column(_("Choice")),
               Column(_("People who answered before and after"), number=True),
               Column(_("Before %"), number=True), Column(_("After %"), number=True)]
    rows = []
    for change in pre_post.choices:
        for index, label in enumerate(change.choices):
            before = change.before[index] if change.before is not None else None
            after = change.after[index] if change.after is not None else None
            rows.append([Cell(change.text), Cell(label), figure(change.people, minimum), percent(before, minimum),
                         percent(after, minimum)])
    return Table("choices", _("Choice questions: the share choosing each answer before and after the course"),
                 columns, rows)


# --- one lesson ----------------------------------------------------------------------------------------------------

def figures_table(report, minimum):
    figures = report.figures
    usefulness = figures.usefulness
    rows = [[Cell(_("Learners who started")), figure(figures.progress.started, minimum)],
            [Cell(pgettext("number of people", "Completed")), figure(figures.progress.completed, minimum)],
            [Cell(_("Completion %")), percent(figures.progress.percent, minimum)],
            [Cell(_("Answers to “Was this lesson useful?”")), figure(usefulness.answers, minimum)],
            [Cell(_("Mean usefulness (1 to 5)")), decimal(usefulness.mean, minimum)],
            [Cell(_("People who said what would make it better")), figure(figures.comments, minimum)],
            [Cell(_("Unsafe answers (every cohort and region)")), number(figures.unsafe)],
            [Cell(_("Focus-group sessions")), number(figures.notes)]]
    return Table("figures", _("The lesson's figures"), [Column(_("Figure")), Column(_("Value"), number=True)], rows)


def distribution_table(report, minimum):
    counts = report.figures.usefulness.counts or [None] * len(SCALE)
    rows = [[Cell(SCALE_LABELS[value]()), figure(count, minimum)] for value, count in zip(SCALE, counts, strict=True)]
    return Table("distribution", _("Was this lesson useful?"), [Column(_("Answer")), Column(_("People"), number=True)],
                 rows)


SCALE_LABELS = {1: lambda: _("1 (not useful)"), 2: lambda: "2", 3: lambda: "3", 4: lambda: "4",
                5: lambda: _("5 (very useful)")}


def _answers_table(table_id, caption, heading, answers):
    columns = [Column(_("Day")), Column(_("Language")), Column(heading)]
    rows = [[day(answer.moment), Cell(language(answer.locale)), Cell(answer.text)] for answer in answers]
    return Table(table_id, caption, columns, rows)


def unsafe_table(report):
    return _answers_table("unsafe", _("Unsafe answers, newest first"),
                          _("Did anything in this lesson feel unsafe or hurtful?"), report.unsafe)


def comments_table(report, minimum):
    heading = _("What would make it better?")
    if report.comments is None:
        return Table("comments", _("Comments"), [Column(heading)],
                     [[Cell(_("fewer than %(num)s comments", num=minimum))]])
    return _answers_table("comments", _("Comments, newest first"), heading, report.comments)
