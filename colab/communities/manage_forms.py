"""Forms for creating, editing and archiving communities, and for finding people to give a role."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, FormField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from ..i18n import DEFAULT_LOCALE, LANGUAGES
from .models import CommunityKind

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z"
MAX_NAME, MAX_DESCRIPTION, MAX_AGREEMENTS, MAX_REASON = 120, 1000, 20000, 1000
MAX_PREMODERATION = 50


class TextsForm(Form):
    """A community's texts in one language; a language left blank shows another one's."""

    name = StringField(_l("Name"), validators=[Optional(), Length(max=MAX_NAME)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=MAX_DESCRIPTION)],
                                description=_l("One or two sentences, shown in the list of communities."))
    agreements = TextAreaField(_l("Community agreements"), validators=[Optional(), Length(max=MAX_AGREEMENTS)],
                               description=_l("What members agree to before they take part. You can use Markdown: "
                                              "**bold**, *italics*, numbered lists, links."))


class DefaultTextsForm(TextsForm):
    """The texts in the platform's default language, where the name is required."""

    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the community a name in English.")),
                                               Length(max=MAX_NAME)])


class CommunityForm(FlaskForm):
    """What a community is: kind, region, who may read it, pre-moderation, and its texts in each language
    (one texts_<locale> group per platform language, added below)."""

    kind = SelectField(_l("Kind"), choices=[
        SelectChoice(CommunityKind.REGIONAL.value, _l("Regional community")),
        SelectChoice(CommunityKind.CROSS_REGIONAL.value, _l("Cross-regional community")),
        SelectChoice(CommunityKind.THEMATIC.value, _l("Working group or learning circle"))])
    # Choices come from the view (the regions this person may place a community in); checked there, with words.
    region = SelectField(_l("Region"), validate_choice=False)
    members_only = BooleanField(_l("Members only: only members read the conversations, and people ask to join"))
    premoderate_posts = IntegerField(
        _l("Posts held for review"), default=0,
        validators=[Optional(), NumberRange(min=0, max=MAX_PREMODERATION)],
        description=_l("How many of a new member's first posts wait for a facilitator before they appear "
                       "(0: none)."))

    def texts(self):
        """[(locale, the texts group for that language)] in the platform's order."""
        return [(code, self[f"texts_{code}"]) for code in LANGUAGES]


for _code, _info in LANGUAGES.items():
    setattr(CommunityForm, f"texts_{_code}",
            FormField(DefaultTextsForm if _code == DEFAULT_LOCALE else TextsForm, label=_info["name"]))


class NewCommunityForm(CommunityForm):
    slug = StringField(_l("Address"), validators=[
        DataRequired(_l("Choose the community's address.")), Length(min=2, max=80),
        Regexp(SLUG_PATTERN, message=_l("Use lowercase letters, digits and single hyphens only, "
                                        "e.g. africa-learning-circle."))],
        description=_l("Part of the community's web address: lowercase letters, digits and hyphens. "
                       "It cannot be changed later."))


class ReasonForm(FlaskForm):
    """Archiving or reopening a community: the reason is kept in the audit log."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(_l("Give the reason.")), Length(max=MAX_REASON)],
                           description=_l("Kept in the audit log."))


class ButtonForm(FlaskForm):
    """A button that only needs its CSRF token (appoint or remove a person)."""


class _SearchForm(FlaskForm):
    """A search read from the query string (a plain link: no CSRF token needed)."""

    class Meta:
        csrf = False


class PeopleSearchForm(_SearchForm):
    q = StringField(_l("Name or email"), validators=[Optional(), Length(max=254)],
                    description=_l("Part of the display name, or the start of the email address."))


class MemberSearchForm(_SearchForm):
    q = StringField(_l("Display name"), validators=[Optional(), Length(max=60)],
                    description=_l("Part of a member's display name."))
