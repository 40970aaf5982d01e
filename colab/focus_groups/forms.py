"""The form for recording a focus-group session, and the filters of the list."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..accounts.forms import language_choices
from .service import MAX_PARTICIPANTS

NOTE_LENGTH = 5000


def _id_or_none(value):
    """A choice that may be left empty: its id, or None."""
    if value in (None, "", "None"):
        return None
    return int(value)


class _OptionalIdField(SelectField):
    """A choice of a row by id, or none. Whether the id may be chosen is the service's decision (it says why)."""

    def __init__(self, label=None, **kwargs):
        super().__init__(label, coerce=_id_or_none, validate_choice=False, **kwargs)


class LessonsField(SelectMultipleField):
    """Lessons as checkboxes; the template groups them by module."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, **kwargs):
        super().__init__(label, coerce=int, validate_choice=False, **kwargs)


class FocusGroupForm(FlaskForm):
    """A session: when, where, in which language, with whom, about what, and the notes. The view fills the
    choices (the course's cohorts, modules and lessons, the regions)."""

    held_on = DateField(_l("Date held"), validators=[InputRequired(_l("Enter a valid date."))])
    region = _OptionalIdField(_l("Region"))
    locale = SelectField(_l("Language of the session"), choices=language_choices)
    cohort = _OptionalIdField(_l("Cohort (optional)"),
                              description=_l("Only the cohorts of this course that you run or facilitate."))
    participants = IntegerField(
        _l("Number of participants"),
        validators=[InputRequired(_l("Give the number of participants.")),
                    NumberRange(1, MAX_PARTICIPANTS, _l("Give a number from 1 to %(max)s.", max=MAX_PARTICIPANTS))])
    module = _OptionalIdField(_l("Module discussed"),
                              description=_l("Choose the module, the lessons below, or both."))
    lessons = LessonsField(_l("Lessons discussed"))
    worked = TextAreaField(_l("What worked"), validators=[Optional(), Length(max=NOTE_LENGTH)])
    did_not_work = TextAreaField(_l("What did not work"), validators=[Optional(), Length(max=NOTE_LENGTH)])
    suggestions = TextAreaField(_l("Suggestions"), validators=[Optional(), Length(max=NOTE_LENGTH)])
    quotes = TextAreaField(_l("Quotes"), validators=[Optional(), Length(max=NOTE_LENGTH)],
                           description=_l("Participants' own words, one quote per paragraph."))
    quotes_consent = BooleanField(_l("Participants agreed that these words may be quoted, without names"))


class FilterForm(FlaskForm):
    """The list's filters, read from the query string (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    course = _OptionalIdField(_l("Course"))
    region = _OptionalIdField(_l("Region"))
    locale = SelectField(_l("Language"), validate_choice=False)
