"""Forms a learner fills in inside a lesson."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from ..i18n import LANGUAGES, ONE_LANGUAGE


class ReflectionForm(FlaskForm):
    text = TextAreaField(_l("Your reflection"),
                         validators=[DataRequired(_l("Write something before saving.")), Length(max=20000)],
                         description=_l("Private: only you can see it. You can edit it later."))


class SelfCheckForm(FlaskForm):
    choice = RadioField(_l("Your answer"), coerce=int, validators=[InputRequired(_l("Choose an answer."))],
                        validate_choice=True)

    def __init__(self, count, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.choice.choices = [(index, str(index)) for index in range(count)]


class SecondLanguageForm(FlaskForm):
    """The language a lesson is shown beside, from those the lesson exists in (each named in itself)."""

    second_language = SelectField(_l("Show beside it"), validators=[InputRequired(_l("Choose a language."))])

    def __init__(self, languages, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.second_language.choices = [(ONE_LANGUAGE, _l("Nothing: one language only")),
                                        *[(code, LANGUAGES[code]["name"]) for code in languages]]
