"""Forms of the library: suggest a resource, edit one (every platform language), decline with a note."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField, URLField
from wtforms.validators import InputRequired, Length, Optional, StopValidation

from ..accounts.forms import language_choices
from ..form_fields import CheckboxesField
from ..i18n import LANGUAGES
from ..topics import TOPIC_NAMES
from .cards import KIND_NAMES, language_label
from .files import EXTENSIONS
from .service import ITEM_LANGUAGES

TITLE_LENGTH, SUMMARY_LENGTH, NOTE_LENGTH = 200, 2000, 500
MARKDOWN_HINT = _l("A few sentences: what it is, who it is for, why it is useful. Markdown works: *italic*, "
                   "**bold**, lists.")


def _id_or_none(value):
    if value in (None, "", "None"):
        return None
    return int(value)


def at_least_one(message):
    """A group of checkboxes needs one ticked (unlike InputRequired, no `required` on every box)."""
    def check(form, field):
        if not field.data:
            raise StopValidation(message)
    return check




class _Described(FlaskForm):
    """The fields a suggestion and an edit share; fill_choices() names the choices in the reader's language."""

    url = URLField(_l("Link"), validators=[Optional(), Length(max=500)],
                   description=_l("The web address of the resource, starting with https:// or http://."))
    languages = CheckboxesField(_l("Languages of the resource itself"),
                                validators=[at_least_one(_l("Choose at least one language."))])
    topics = CheckboxesField(_l("Topics"), validators=[at_least_one(_l("Choose at least one topic."))])
    region = SelectField(_l("Region"), coerce=_id_or_none,
                         description=_l("The region it is made for or about, if it is one region's. Focal points "
                                        "of that region review it; the secretariat reviews global ones."))
    kind = SelectField(_l("Kind"))


def fill_choices(form, locale, regions):
    """The choices, named for this reader (languages by their names in the reader's language)."""
    form.languages.choices = sorted(((code, language_label(code, locale)) for code in ITEM_LANGUAGES),
                                    key=lambda choice: choice[1].casefold())
    form.topics.choices = [(topic.value, str(name)) for topic, name in TOPIC_NAMES.items()]
    form.region.choices = [(None, str(_l("Global: no single region"))),
                           *((region.id, region.name) for region in regions)]
    form.kind.choices = [(kind.value, str(name)) for kind, name in KIND_NAMES.items()]
    return form


class SuggestForm(_Described):
    """A link or a file, described in one language (and optionally a second)."""

    file = FileField(_l("Or a file"), render_kw={"accept": ",".join(f".{ext}" for ext in sorted(EXTENSIONS))})
    locale = SelectField(_l("Language of the title and summary"), choices=language_choices)
    title = StringField(_l("Title"), validators=[InputRequired(_l("Give the resource a title.")),
                                                 Length(max=TITLE_LENGTH)])
    summary = TextAreaField(_l("Summary"), description=MARKDOWN_HINT,
                            validators=[InputRequired(_l("Say in a few sentences what it is.")),
                                        Length(max=SUMMARY_LENGTH)])
    second_locale = SelectField(_l("Second language (optional)"),
                                choices=lambda: [("", str(_l("None")))] + language_choices())
    second_title = StringField(_l("Title in the second language"), validators=[Optional(), Length(max=TITLE_LENGTH)])
    second_summary = TextAreaField(_l("Summary in the second language"),
                                   validators=[Optional(), Length(max=SUMMARY_LENGTH)])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        second = self.second_locale.data
        if second and second == self.locale.data:
            self.second_locale.errors.append(_l("Choose a language other than the first."))
            valid = False
        if second and not (self.second_title.data or "").strip():
            self.second_title.errors.append(_l("Give the title in the second language too."))
            valid = False
        if not second and ((self.second_title.data or "").strip() or (self.second_summary.data or "").strip()):
            self.second_locale.errors.append(_l("Choose the second language of this title and summary."))
            valid = False
        return valid

    def texts(self):
        """({locale: title}, {locale: summary}) from both languages."""
        titles, summaries = {self.locale.data: self.title.data}, {self.locale.data: self.summary.data}
        if self.second_locale.data:
            titles[self.second_locale.data] = self.second_title.data or ""
            summaries[self.second_locale.data] = self.second_summary.data or ""
        return titles, summaries


def _edit_form_class():
    fields = {"slug": StringField(_l("Short name in addresses"), validators=[InputRequired(), Length(max=80)],
                                  description=_l("Lowercase letters, digits and hyphens. Lessons list resources by "
                                                 "this name: changing it takes the resource out of those lessons."))}
    for code, info in LANGUAGES.items():
        fields[f"title_{code}"] = StringField(_l("Title (%(language)s)", language=info["name"]),
                                              validators=[Optional(), Length(max=TITLE_LENGTH)])
        fields[f"summary_{code}"] = TextAreaField(_l("Summary (%(language)s)", language=info["name"]),
                                                  validators=[Optional(), Length(max=SUMMARY_LENGTH)],
                                                  description=MARKDOWN_HINT)
    return type("EditForm", (_Described,), fields)


EditForm = _edit_form_class()


def edit_texts(form):
    """({locale: title}, {locale: summary}) of an EditForm."""
    return ({code: form[f"title_{code}"].data or "" for code in LANGUAGES},
            {code: form[f"summary_{code}"].data or "" for code in LANGUAGES})


class DeclineForm(FlaskForm):
    note = TextAreaField(_l("Why it is declined"), validators=[InputRequired(_l("Say why, for the person who "
                                                                                 "suggested it.")),
                                                                Length(max=NOTE_LENGTH)],
                         description=_l("The person who suggested it reads this note."))
