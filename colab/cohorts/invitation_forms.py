"""Forms for inviting people to a cohort (one address, a CSV list) and for accepting an invitation."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from ..accounts.forms import display_name_field, language_choices, password_problem, timezone_choices


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


class InviteForm(FlaskForm):
    email = EmailField(_l("Email address"), filters=[_stripped],
                       validators=[DataRequired(_l("Enter an email address.")),
                                   Email(_l("Enter a valid email address.")), Length(max=254)])
    display_name = StringField(_l("Display name suggestion (optional)"), validators=[Optional(), Length(max=60)],
                               description=_l("Shown in the sign-up form; the person can change it."))
    language = SelectField(_l("Language of the invitation"), choices=language_choices)


class UploadForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))],
                     description=_l("The first line names the columns: email, and if you like display_name and "
                                    "language (en or es). Save it as CSV UTF-8; commas or semicolons both work. "
                                    "You will see every row checked before anything is sent."))


class ListForm(FlaskForm):
    """The checked file's text, carried by the preview page to "send" and "download the problem rows"."""

    csv_text = HiddenField(validators=[DataRequired()])


class AcceptForm(FlaskForm):
    """A new account from an invitation: the email is the invitation's, never a field of the form."""

    display_name = display_name_field()
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Choose a password."))],
                             description=_l("At least 10 characters. A few unrelated words work well."))
    locale = SelectField(_l("Language"), choices=language_choices)
    timezone = SelectField(_l("Time zone"), choices=timezone_choices,
                           description=_l("Dates and times are shown in this time zone."))

    def __init__(self, email, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed_email = email

    def validate_password(self, field):
        problem = password_problem(field.data, self.fixed_email)
        if problem:
            raise ValidationError(problem)
