"""Forms on the certificate page and the admin's revoke form."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length


class PrintedNameForm(FlaskForm):
    printed_name = StringField(
        _l("Name printed on the certificate"),
        validators=[DataRequired(_l("Enter the name to print.")),
                    Length(min=2, max=80, message=_l("Use between 2 and 80 characters."))],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        description=_l("It need not be your real name. Only you see it, unless you make the certificate public."))


class VisibilityForm(FlaskForm):
    public = BooleanField(_l("Anyone with the verification code can confirm this certificate"))


class RevokeForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(_l("Say why the certificate is revoked.")),
                                                     Length(max=1000)],
                           description=_l("The learner sees this reason on their certificate page."))
