"""The feedback form at the end of a lesson: every question optional, but not all left empty."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

BETTER_MAX, UNSAFE_MAX = 1000, 2000
TOO_LONG = _l("Please write at most %(max)d characters (this has %(length)d).")
PREFIX = "feedback"  # keeps the fields' ids apart from the lesson's activity forms on the same page


def usefulness_choices():
    """The five points of the scale, with words at both ends."""
    return [SelectChoice(1, _l("1 (not useful)")), *(SelectChoice(n, str(n)) for n in (2, 3, 4)),
            SelectChoice(5, _l("5 (very useful)"))]


class FeedbackForm(FlaskForm):
    usefulness = RadioField(_l("Was this lesson useful?"), choices=usefulness_choices(), coerce=int,
                            validators=[Optional()])
    better = TextAreaField(_l("What would make it better?"),
                           validators=[Optional(), Length(max=BETTER_MAX, message=TOO_LONG)],
                           description=_l("The course team reads this in its report, without your name."))
    unsafe = TextAreaField(
        _l("Did anything in this lesson feel unsafe or hurtful?"),
        validators=[Optional(), Length(max=UNSAFE_MAX, message=TOO_LONG)],
        description=_l("The course team reads this, at once. Your name is not shown to them in the report."))

    def validate(self, extra_validators=None):
        """The fields' own checks, then: at least one answer (an empty form saves nothing)."""
        if not super().validate(extra_validators):
            return False
        if self.usefulness.data is None and not (self.better.data or "").strip() \
                and not (self.unsafe.data or "").strip():
            self.form_errors.append(_l("Your feedback is empty: choose how useful the lesson was, or write an "
                                       "answer, before sending it."))
            return False
        return True


def feedback_form(feedback=None):
    """The form as a lesson page shows it: blank, or filled with the learner's earlier answers."""
    return FeedbackForm(prefix=PREFIX, formdata=None, usefulness=feedback.usefulness if feedback else None,
                        better=feedback.better if feedback else "", unsafe=feedback.unsafe if feedback else "")


def submitted_form():
    return FeedbackForm(prefix=PREFIX)
