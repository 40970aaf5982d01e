"""Forms of the secretariat's console: the people filter (GET) and the actions on a person (POST)."""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

REASON_LENGTH = 1000


class PeopleFilterForm(FlaskForm):
    """The filters of the people list, read from the query string (plain links, no CSRF token needed)."""

    class Meta:
        csrf = False

    q = StringField(_l("Name or email"), validators=[Optional(), Length(max=254)],
                    description=_l("Part of the display name, or the start of the email address."))
    region = SelectField(_l("Region"), validators=[Optional()])
    role = SelectField(_l("Role"), validators=[Optional()], choices=[
        SelectChoice("", _l("Any role")), SelectChoice("learner", _l("Learner")),
        SelectChoice("facilitator", _l("Facilitator")),
        SelectChoice("focal_point", _l("Focal point")), SelectChoice("course_team", _l("Course team")),
        SelectChoice("admin", lazy_pgettext("role", "Admin"))])
    status = SelectField(_l("Status"), validators=[Optional()], choices=[
        SelectChoice("", _l("Any status")), SelectChoice("active", _l("Active")),
        SelectChoice("suspended", _l("Suspended"))])


class ConfirmForm(FlaskForm):
    """A button that only needs its CSRF token (reactivate, make or remove admin, remove a role)."""


def _reason(label, description):
    return TextAreaField(label, validators=[DataRequired(_l("Give the reason.")), Length(max=REASON_LENGTH)],
                         description=description)


class SuspendForm(FlaskForm):
    reason = _reason(_l("Reason for suspending"),
                     _l("The person reads this reason when they try to sign in. It is kept in the audit log."))


class DeleteForm(FlaskForm):
    reason = _reason(_l("Reason for deleting"), _l("Kept in the audit log."))


class RegionForm(FlaskForm):
    region = SelectField(_l("Region"), validators=[DataRequired(_l("Choose a region."))])


class CommunityForm(FlaskForm):
    community = SelectField(_l("Community"), validators=[DataRequired(_l("Choose a community."))])


class CohortForm(FlaskForm):
    cohort = SelectField(_l("Cohort"), validators=[DataRequired(_l("Choose a cohort."))])
