"""The form of one survey, built from its questions: a scale or single choice is a set of radio buttons, a multiple
choice a set of checkboxes, a short text a text area."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

TEXT_MAX = 2000


def field_name(slug):
    """The form field of a question (slugs have hyphens, never underscores, so this is one to one)."""
    return "q_" + slug.replace("-", "_")


def _values(question):
    if question["type"] == "scale":
        return list(range(question["min"], question["max"] + 1))
    return list(range(question.get("choices") or 0))


def _field(question, text):
    kind, required = question["type"], question.get("required", False)
    if kind == "text":
        return TextAreaField(text["text"], validators=[
            InputRequired(_l("Write an answer.")) if required else Optional(),
            Length(max=TEXT_MAX, message=_l("Keep it under %(max)d characters.", max=TEXT_MAX))])
    values = _values(question)
    choices = [SelectChoice(value, str(value)) for value in values]
    if kind == "multiple":
        return SelectMultipleField(text["text"], choices=choices, coerce=int, validate_choice=True,
                                   invalid_choice_message=_l("Choose from the answers shown."),
                                   widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                   validators=[InputRequired(_l("Choose at least one answer.")) if required
                                               else Optional()])
    return RadioField(text["text"], choices=choices, coerce=int, validate_choice=False,
                      validators=[InputRequired(_l("Choose an answer.")) if required else Optional(),
                                  AnyOf(values, message=_l("Choose from the answers shown."))])


class SurveyForm(FlaskForm):
    """Fields are added per survey by survey_form()."""

    def items(self, survey, text):
        """[(question, its texts in this language, its field)] in the survey's order, for the template."""
        return [(question, text["questions"][question["slug"]], self[field_name(question["slug"])])
                for question in survey.questions]

    def answers(self, survey):
        """{question slug: number, [numbers] or text} for the questions answered."""
        found = {}
        for question in survey.questions:
            value = self[field_name(question["slug"])].data
            if isinstance(value, str):
                value = value.strip()
            if value not in (None, "", []):
                found[question["slug"]] = value
        return found


def survey_form(survey, text, **kwargs):
    """A form for survey shown in the language whose texts are text."""
    form_class = type("Survey", (SurveyForm,), {
        field_name(question["slug"]): _field(question, text["questions"][question["slug"]])
        for question in survey.questions})
    return form_class(**kwargs)
