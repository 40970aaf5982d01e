"""Forms for filing, adding to and handling confidential harassment reports."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..communities.forms import MAX_POST
from .models import HarassmentPlace, ReportedPerson, ReportStatus

MAX_NAME = 60  # a display name's length


def place_choices():
    labels = {HarassmentPlace.POST: _l("A post or thread on Co-Lab"),
              HarassmentPlace.PROFILE: _l("A person's conduct on Co-Lab"),
              HarassmentPlace.EVENT: _l("At an event or meeting"),
              HarassmentPlace.MESSAGE: _l("In a private message, call or email"),
              HarassmentPlace.OTHER: _l("Somewhere else")}
    return [(place.value, labels[place]) for place in HarassmentPlace]


def reported_labels():
    """Whom a report is about, when it is not a person on Co-Lab chosen from the list."""
    return {ReportedPerson.OUTSIDE: _l("Someone outside Co-Lab"),
            ReportedPerson.UNKNOWN: _l("I don't know or prefer not to say")}


class HarassmentForm(FlaskForm):
    """The report. `person` takes a person's id from the list, or "outside" or "unknown"; the view sets its
    choices to the people the reporter may name, so no other id passes."""

    region = SelectField(_l("Region"), coerce=int,
                         description=_l("The report goes to this region's focal points and to the global secretariat."))
    search = StringField(_l("Find a person on Co-Lab by their display name"),
                         validators=[Optional(), Length(max=MAX_NAME)],
                         description=_l("Only people who share a community with you are listed."))
    person = RadioField(_l("Who is it about?"), choices=[], validate_choice=False)
    person_description = TextAreaField(
        _l("Who is it? (optional)"), validators=[Optional(), Length(max=500)],
        description=_l("Anything that helps identify them: a name, a role, where you met. Names written here are "
                       "not matched to accounts: to keep a person on Co-Lab from reading this report, find and "
                       "choose them above."))
    place = SelectField(_l("Where did it happen?"), choices=place_choices)
    description = TextAreaField(_l("What happened"), validators=[DataRequired(_l("Describe what happened.")),
                                                                 Length(max=MAX_POST)],
                                description=_l("Only you and the people handling the report can read this."))
    # The region and person the "who will read it" sentence was shown for; sending anything else shows it again.
    readers_for = HiddenField()

    def validate_person(self, field):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose the person it is about, or one of the last two answers."))



class AddInformationForm(FlaskForm):
    body = TextAreaField(_l("Add information"), validators=[DataRequired(_l("Write something before sending.")),
                                                            Length(max=MAX_POST)])


def status_choices():
    labels = {ReportStatus.RECEIVED: _l("Received"), ReportStatus.UNDER_REVIEW: _l("Under review"),
              ReportStatus.CLOSED: _l("Closed")}
    return [(status.value, labels[status]) for status in ReportStatus]


class HandleReportForm(FlaskForm):
    status = SelectField(_l("Status"), choices=status_choices)
    outcome = TextAreaField(_l("Outcome the reporter can read"), validators=[Optional(), Length(max=MAX_POST)])


class NoteForm(FlaskForm):
    body = TextAreaField(_l("Private note for the people handling this report"),
                         validators=[DataRequired(_l("Write something before saving.")), Length(max=MAX_POST)])
