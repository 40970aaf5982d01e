"""Forms of the directory: one's profile, a message, an organisation, and the list's filters. The views fill the
choices (countries and languages named in the reader's language, regions one manages)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..accounts.forms import acceptable_name
from ..form_fields import CHOOSE_FROM_LIST, CheckboxesField
from ..i18n import LANGUAGES as PLATFORM_LANGUAGES
from ..topics import TOPIC_NAMES
from .messages import MAX_MESSAGE
from .organisations import MAX_DESCRIPTION
from .service import MAX_BIO


def topic_choices():
    return [SelectChoice(topic.value, label) for topic, label in TOPIC_NAMES.items()]




class ChoiceField(SelectField):
    """One choice from the list; anything else sent is refused with a plain message."""

    def pre_validate(self, form):
        if self.data not in {choice.value for choice in self.choices}:
            raise ValidationError(CHOOSE_FROM_LIST)


class ProfileForm(FlaskForm):
    display_name = StringField(
        _l("Name in the directory"), validators=[DataRequired(_l("Enter a name.")), Length(2, 60), acceptable_name],
        description=_l("It does not have to be your Co-Lab display name or your real name. Nobody is told which "
                       "Co-Lab name it belongs to."))
    organisation = StringField(_l("Organisation (optional)"), validators=[Optional(), Length(max=120)])
    country = ChoiceField(_l("Country (optional)"),
                          description=_l("Only the country: never a city or a finer place."))
    languages = CheckboxesField(_l("Languages you work in"))
    topics = CheckboxesField(_l("Topics of your work"), choices=topic_choices)
    bio = TextAreaField(_l("A few words about your work (optional)"),
                        validators=[Optional(), Length(max=MAX_BIO, message=_l(
                            "Keep it under %(max)s characters.", max=MAX_BIO))],
                        description=_l("Markdown: *italic*, **bold**, links. At most %(max)s characters.",
                                       max=MAX_BIO))
    accepts_messages = BooleanField(_l("Members may write to me through Co-Lab (my email address is never shown)"))
    visibility = RadioField(
        _l("Who can see this profile?"), default="private",
        choices=[SelectChoice("private", _l("Only me: it is not listed, counted on the map or found by search")),
                 SelectChoice("members", _l("Members signed in to Co-Lab: it is listed, counted on the map of its "
                                            "country and found by search"))],
        validators=[DataRequired(CHOOSE_FROM_LIST)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The browser sends "" for "no country"; WTForms would otherwise turn a missing value into "None".
        if self.country.data in (None, "None"):
            self.country.data = ""


class MessageForm(FlaskForm):
    body = TextAreaField(
        _l("Your message"),
        validators=[DataRequired(_l("Write your message.")),
                    Length(max=MAX_MESSAGE, message=_l("Keep it under %(max)s characters.", max=MAX_MESSAGE))],
        description=_l("Plain text, at most %(max)s characters. It is sent by email without your address; the "
                       "answer comes back through Co-Lab.", max=MAX_MESSAGE))


class ConfirmForm(FlaskForm):
    """A button that acts (block, unblock, hide, delete): only the CSRF token."""


def _id_or_none(value):
    if value in (None, "", "None"):
        return None
    return int(value)


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the organisation's name.")), Length(max=160)])
    country = ChoiceField(_l("Country"), validators=[DataRequired(CHOOSE_FROM_LIST)])
    region = ChoiceField(_l("Regional network"), coerce=_id_or_none,
                         description=_l("Only the regions whose organisations you may enter are listed."))
    website = StringField(_l("Website (optional)"), validators=[Optional(), Length(max=300)],
                          description=_l("The full address, starting with https://"))
    topics = CheckboxesField(_l("Topics of its work"), choices=topic_choices)


# A description field per platform language ("description_en", "description_es"...), added once at import.
for _code, _info in PLATFORM_LANGUAGES.items():
    setattr(OrganisationForm, f"description_{_code}", TextAreaField(
        _l("Description in %(language)s (optional)", language=_info["name"]),
        validators=[Optional(), Length(max=MAX_DESCRIPTION, message=_l("Keep it under %(max)s characters.",
                                                                       max=MAX_DESCRIPTION))]))
