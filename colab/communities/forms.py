"""Forms for threads, posts and cohorts."""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..cohorts.forms import CohortSettingsForm

MAX_POST = 20000


class AgreementsForm(FlaskForm):
    next = HiddenField()  # where to go back to once accepted (checked with safe_next)


class PostForm(FlaskForm):
    body = TextAreaField(_l("Your message"), validators=[DataRequired(_l("Write a message before posting.")),
                                                        Length(max=MAX_POST)],
                         description=_l("You can use Markdown: **bold**, *italics*, lists, > quotes. "
                                        "Mention someone with @ and their display name."))


class ThreadForm(PostForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the thread a title.")), Length(3, 200)])


class DialogueForm(ThreadForm):
    framing = TextAreaField(_l("Framing"), validators=[DataRequired(_l("Frame the dialogue for participants.")),
                                                       Length(max=MAX_POST)],
                            description=_l("Why this dialogue, what it is and is not about, and a first question."))
    content_note = StringField(_l("Content note (optional)"), validators=[Optional(), Length(max=300)],
                               description=_l("Shown before the thread, e.g. “mentions sexual violence”."))
    body = TextAreaField(_l("First message (optional)"), validators=[Optional(), Length(max=MAX_POST)])


class CohortForm(CohortSettingsForm):
    """A new cohort: its course, then the settings its leads can change later."""

    course = SelectField(_l("Course"), coerce=int)


def _wtforms_messages():
    """Never called: lists WTForms' own messages so extraction puts them in our catalogs."""
    return [
        _l("Not a valid date value."), _l("Not a valid integer value."), _l("Not a valid choice."),
        _l("Invalid Choice: could not coerce."), _l("Number must be between %(min)s and %(max)s."),
        _l("Field must be between %(min)d and %(max)d characters long."),
        lazy_ngettext("Field cannot be longer than %(max)d character.",
                      "Field cannot be longer than %(max)d characters.", 2),
        lazy_ngettext("Field must be at least %(min)d character long.",
                      "Field must be at least %(min)d characters long.", 2),
        _l("This field is required."), _l("Invalid email address."),
    ]
