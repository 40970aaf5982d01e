"""Forms for signing up, signing in, passwords, the profile, email changes, the data export and deletion."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, ValidationError

from ..i18n import LANGUAGES, ONE_LANGUAGE, TIMEZONES
from .models import name_key
from .service import looks_like_staff

COMMON_PASSWORDS = {
    "password", "password1", "password123", "1234567890", "12345678910", "qwertyuiop",
    "iloveyou123", "contraseña", "contrasena", "contrasena123", "motdepasse", "letmein123",
    "administrator", "welcome123", "abcdefghij", "0123456789", "qwerty1234", "passw0rd123",
}
MIN_PASSWORD = 10


def password_problem(value, email=""):
    """Why a password is too weak (at least 10 characters, not well known, not the email), or None."""
    value, local_part = value or "", (email or "").lower().split("@")[0]
    if len(value) < MIN_PASSWORD:
        return _l("Use at least %(n)s characters.", n=MIN_PASSWORD)
    if value.lower() in COMMON_PASSWORDS or len(set(value)) < 4:
        return _l("This password is too easy to guess. Try a few unrelated words.")
    if local_part and local_part in value.lower():
        return _l("Do not use your email address in your password.")
    return None


def strong_password(form, field):
    problem = password_problem(field.data, form.email.data if hasattr(form, "email") else "")
    if problem:
        raise ValidationError(problem)


def language_choices():
    return [(code, info["name"]) for code, info in LANGUAGES.items()]


def timezone_choices():
    return [(name, name.replace("_", " ")) for name in TIMEZONES]


class RegionField(SelectField):
    """An optional choice of regional network; the empty value means none."""

    def __init__(self, label=None, **kwargs):
        super().__init__(label, coerce=lambda value: int(value) if value else None, **kwargs)


def private_email_field():
    return EmailField(
        _l("Email"),
        validators=[DataRequired(_l("Enter your email address.")), Email(_l("Enter a valid email address.")),
                    Length(max=254)],
        description=_l("Only used to sign in and to reset your password. Never shown to others."))


def acceptable_name(form, field):
    """A display name must have visible letters and must not read like a role the site gives."""
    if not name_key(field.data):
        raise ValidationError(_l("Enter a display name."))
    if looks_like_staff(field.data):
        raise ValidationError(_l("Choose a name that does not look like a role such as facilitator, focal point "
                                 "or admin. Co-Lab shows people's roles itself."))


def display_name_field():
    return StringField(
        _l("Display name"), validators=[DataRequired(_l("Enter a display name.")), Length(2, 60), acceptable_name],
        description=_l("Shown to other people. It does not have to be your real name."))


class ProfileFields(FlaskForm):
    display_name = display_name_field()
    locale = SelectField(_l("Language"), choices=language_choices)
    timezone = SelectField(_l("Time zone"), choices=timezone_choices,
                           description=_l("Dates and times are shown in this time zone."))
    region = RegionField(_l("Region (optional)"))


class SignUpForm(ProfileFields):
    email = private_email_field()
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Choose a password.")), strong_password],
                             description=_l("At least 10 characters. A few unrelated words work well."))


class ConfirmSignUpForm(FlaskForm):
    display_name = display_name_field()


def second_language_choices():
    return [SelectChoice("", _l("As my cohort suggests (otherwise one language)")),
            SelectChoice(ONE_LANGUAGE, _l("One language only")),
            *[SelectChoice(code, language["name"]) for code, language in LANGUAGES.items()]]


QUICK_EXIT = _l("“Leave quickly”, at the top of every page, opens a neutral website at once; with JavaScript on, "
               "pressing Escape twice does the same.")


class ProfileForm(ProfileFields):
    discreet = BooleanField(_l("Discreet mode: a neutral tab title and icon, neutral email subjects, and "
                               "notifications that name no topic"), description=QUICK_EXIT)
    low_data = BooleanField(_l("Low-data mode"), description=_l(
        "For a costly or slow connection: nothing is downloaded in the background (lessons are kept for reading "
        "offline only when you save them), and discussions come in shorter pages."))
    digest = SelectField(_l("Email summary of your notifications"),
                         choices=[SelectChoice("weekly", _l("Weekly (Monday morning)")),
                                  SelectChoice("daily", _l("Daily (in the morning)")),
                                  SelectChoice("off", _l("Never"))],
                         description=_l("Sent only when you have not been on Co-Lab since the last one, at about "
                                        "8:00 in your time zone. Alerts that need you soon (a post to review, a "
                                        "report's outcome) come at once."))
    second_language = SelectField(_l("Lessons side by side with a second language"), choices=second_language_choices,
                                  description=_l("Each lesson is shown in your language with this one beside it, "
                                                 "where the lesson is written in it."))


def current_password_field():
    return PasswordField(_l("Your current password"), validators=[DataRequired(_l("Enter your current password."))])


class ChangeEmailForm(FlaskForm):
    email = EmailField(
        _l("New email address"),
        validators=[DataRequired(_l("Enter your email address.")), Email(_l("Enter a valid email address.")),
                    Length(max=254)],
        description=_l("We send a link to the new address; your email changes when you open it."))
    password = current_password_field()


class SignInForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    remember = BooleanField(_l("Keep me signed in on this device"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address.")),
                                                 Email(_l("Enter a valid email address."))])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(_l("Choose a password.")), strong_password],
                             description=_l("At least 10 characters. A few unrelated words work well."))
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[EqualTo("password", _l("The two passwords do not match."))])


class ChangePasswordForm(ResetPasswordForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(_l("Enter your current password."))])


class ExportForm(FlaskForm):
    password = current_password_field()


POST_CHOICES = [
    SelectChoice("remove", _l("Remove the text of my posts")),
    SelectChoice("keep", _l("Keep my posts, signed “a former member”")),
]


class DeleteAccountForm(FlaskForm):
    posts = RadioField(_l("Your posts in community threads"), choices=POST_CHOICES,
                       validators=[InputRequired(_l("Choose what happens to your posts."))])
    keep_titles = BooleanField(_l("Keep the titles of the threads I started"))
    password = PasswordField(_l("Your password"), validators=[DataRequired(_l("Enter your password to confirm."))])
