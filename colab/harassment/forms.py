"""Forms for filing, adding to and handling confidential harassment reports."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..communities.forms import MAX_POST
from .models import HARASSMENT_PLACES, HARASSMENT_STATUSES


def place_choices():
    labels = {"post": _l("A post or thread on Co-Lab"), "profile": _l("A person's conduct on Co-Lab"),
              "event": _l("At an event or meeting"), "message": _l("In a private message, call or email"),
              "other": _l("Somewhere else")}
    return [(place, labels[place]) for place in HARASSMENT_PLACES]


class HarassmentForm(FlaskForm):
    region = SelectField(_l("Region"), coerce=int,
                         description=_l("The report goes to this region's focal points and to the global secretariat."))
    place = SelectField(_l("Where did it happen?"), choices=place_choices)
    person = StringField(_l("Who is it about? (optional)"), validators=[Optional(), Length(max=60)],
                         description=_l("Their display name on Co-Lab, if they have one. They will not be told who reported."))
    description = TextAreaField(_l("What happened"), validators=[DataRequired(_l("Describe what happened.")),
                                                                 Length(max=MAX_POST)],
                                description=_l("Only you, the focal points handling it and the secretariat can read this."))


class AddInformationForm(FlaskForm):
    body = TextAreaField(_l("Add information"), validators=[DataRequired(_l("Write something before sending.")),
                                                            Length(max=MAX_POST)])


def status_choices():
    labels = {"received": _l("Received"), "under-review": _l("Under review"), "closed": _l("Closed")}
    return [(status, labels[status]) for status in HARASSMENT_STATUSES]


class HandleReportForm(FlaskForm):
    status = SelectField(_l("Status"), choices=status_choices)
    outcome = TextAreaField(_l("Outcome the reporter can read"), validators=[Optional(), Length(max=MAX_POST)])


class NoteForm(FlaskForm):
    body = TextAreaField(_l("Private note for the people handling this report"),
                         validators=[DataRequired(_l("Write something before saving.")), Length(max=MAX_POST)])
