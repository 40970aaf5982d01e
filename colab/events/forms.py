"""The form for planning or changing an event, and the feed settings' toggle."""
from babel import Locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.fields import TimeField, URLField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, StopValidation, ValidationError

from ..accounts.forms import timezone_choices
from ..form_fields import CheckboxesField
from ..i18n import LANGUAGES
from .planning import EVENT_LANGUAGES, is_web_link

DESCRIPTION_LENGTH = 10000


def event_language_choices():
    """Each language an event may be held in, named in itself (as the language switcher names them)."""
    def name(code):
        if code in LANGUAGES:
            return LANGUAGES[code]["name"]
        native = Locale.parse(code).get_display_name(code)
        return native[:1].upper() + native[1:]
    return [(code, name(code)) for code in EVENT_LANGUAGES]




def at_least_one(form, field):
    if not field.data:
        raise StopValidation(_l("Choose at least one language."))


def web_link(form, field):
    if field.data and not is_web_link(field.data.strip()):
        raise ValidationError(_l("Give a link that starts with https:// or http://, or leave it empty."))


class EventForm(FlaskForm):
    """An event: what, for whom, when (in a time zone), where, in which languages. The view fills the choices of
    scope (only the places the planner may plan for); the service checks the choice again."""

    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the event a title.")), Length(3, 200)])
    scope = SelectField(_l("Calendar"), validate_choice=False,
                        description=_l("Who sees the event. Only the calendars you may plan events for are listed."))
    all_day = BooleanField(_l("All-day event (dates only, no times)"))
    starts_on = DateField(_l("Date"), validators=[InputRequired(_l("Enter a valid date."))])
    starts_time = TimeField(_l("Start time"), validators=[Optional()],
                            description=_l("Not needed for an all-day event."))
    ends_on = DateField(_l("End date (optional)"), validators=[Optional()],
                        description=_l("Only for an event over several days."))
    ends_time = TimeField(_l("End time"), validators=[Optional()],
                          description=_l("Not needed for an all-day event."))
    timezone = SelectField(_l("Time zone"), choices=timezone_choices,
                           description=_l("The dates and times above are in this time zone. Everyone reads them in "
                                          "their own."))
    online_url = URLField(_l("Online link (optional)"), validators=[Optional(), Length(max=500), web_link],
                          description=_l("Where to join online, for example a video call."))
    place = StringField(_l("Place (optional)"), validators=[Optional(), Length(max=200)],
                        description=_l("A venue and city, for an event held in person."))
    languages = CheckboxesField(_l("Languages"), choices=event_language_choices, validators=[at_least_one])
    description = TextAreaField(_l("Description (optional)"), validators=[Optional(), Length(max=DESCRIPTION_LENGTH)],
                                description=_l("Markdown: **bold**, *italic*, lists and links."))


class DiscreetTitlesForm(FlaskForm):
    discreet_titles = BooleanField(_l("Discreet titles: every event in my feeds is called “Co-Lab event”, with no "
                                      "description, place or link"))
