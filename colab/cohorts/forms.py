"""Forms for running a cohort: its settings, module dates, live sessions, the roster search and moves."""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectField, StringField
from wtforms.fields import TimeField, URLField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from ..accounts.forms import language_choices, timezone_choices
from ..communities.models import Pacing
from ..form_fields import CheckboxesField
from ..i18n import LANGUAGES
from .service import is_meeting_link


def at_least_one(form, field):
    """At least one box ticked (not a "required" flag: that would make every box required in the browser)."""
    if not field.data:
        raise StopValidation(_l("Choose at least one language."))


def pacing_choices():
    return [(Pacing.SELF_PACED.value, _l("Self-paced: every learner goes at their own pace")),
            (Pacing.SCHEDULED.value, _l("Scheduled: modules open on dates, at midnight in the cohort's time zone"))]


def reading_pair_choices():
    """No pair, then every two of the platform's languages, each named in itself ("Français + Español")."""
    codes = list(LANGUAGES)
    return [("", _l("None: each learner chooses")),
            *[(f"{first} {second}", f"{LANGUAGES[first]['name']} + {LANGUAGES[second]['name']}")
              for index, first in enumerate(codes) for second in codes[index + 1:]]]


class CohortSettingsForm(FlaskForm):
    """What a cohort's leads set and change: name, dates, languages, time zone, pacing."""

    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the cohort a name.")), Length(3, 120)])
    starts_on = DateField(_l("Starts on"), validators=[InputRequired(_l("Enter a valid date."))])
    ends_on = DateField(_l("Ends on"), validators=[InputRequired(_l("Enter a valid date."))],
                        description=_l("Everything stays readable to its learners after the end."))
    languages = CheckboxesField(_l("Languages"), choices=language_choices, validators=[at_least_one])
    reading_pair = SelectField(_l("Lessons side by side"), choices=reading_pair_choices, default="",
                               description=_l("Learners who read one of these two languages see each lesson with "
                                              "the other beside it, unless they choose otherwise."))
    timezone = SelectField(_l("Time zone"), choices=timezone_choices, default="UTC",
                           description=_l("Modules open at midnight in this time zone; live sessions are set in it."))
    pacing = RadioField(_l("Pacing"), choices=pacing_choices, default=Pacing.SELF_PACED.value,
                        validators=[InputRequired(_l("Choose how the cohort moves through the course."))])

    def validate_reading_pair(self, field):
        if field.data and not set(field.data.split()) <= set(self.languages.data or ()):
            raise ValidationError(_l("Choose two of the cohort's languages, or none."))

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date must be on or after the start date."))


def schedule_form(openings, formdata=None):
    """One date per module of a scheduled cohort, prefilled with its current date, and a box to go back to the
    course's plan. Fields: opens_<module id> and plan_<module id>."""
    class ScheduleForm(FlaskForm):
        pass

    for opening in openings:
        module_id = opening.module.id
        setattr(ScheduleForm, f"opens_{module_id}", DateField(
            _l("Opens on"), validators=[Optional()], default=opening.opens_on,
            description=_l("Leave empty to follow the course plan.")))
        setattr(ScheduleForm, f"plan_{module_id}", BooleanField(_l("Use the course plan")))
    return ScheduleForm(formdata=formdata) if formdata is not None else ScheduleForm()


def https_link(form, field):
    if field.data and not is_meeting_link(field.data.strip()):
        raise ValidationError(_l("Give a link that starts with https://, or leave it empty."))


class LiveSessionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the session a title.")), Length(3, 200)])
    day = DateField(_l("Date"), validators=[InputRequired(_l("Enter a valid date."))])
    time = TimeField(_l("Time"), validators=[InputRequired(_l("Enter a valid time."))])
    minutes = IntegerField(_l("Length in minutes"), default=90,
                           validators=[InputRequired(_l("Give the length in minutes.")), NumberRange(5, 1440)])
    link = URLField(_l("Meeting link (optional)"), validators=[Optional(), Length(max=500), https_link],
                    description=_l("Shown only to the cohort's learners and facilitators and its region's focal "
                                   "points."))


class RosterSearchForm(FlaskForm):
    """A search by display name among the community's members (sent by POST: names stay out of addresses)."""

    q = StringField(_l("Display name"), validators=[Optional(), Length(max=60)],
                    description=_l("Part of a member's display name."))


class MoveForm(FlaskForm):
    to = SelectField(_l("Move to"), coerce=int, validators=[InputRequired(_l("Choose a cohort."))])


def _wtforms_messages():
    """Never called: lists WTForms' own messages used here so extraction puts them in our catalogs."""
    return [_l("Not a valid time value."),
            lazy_ngettext("'%(value)s' is not a valid choice for this field.",
                          "'%(value)s' are not valid choices for this field.", 2)]
