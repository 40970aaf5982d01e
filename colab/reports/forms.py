"""The report's filters, read from the query string (a GET form and plain links: no CSRF token needed)."""
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError

FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)  # the days a period may start and end on


def _plausible(form, field):
    if field.data and not FIRST_DAY <= field.data <= LAST_DAY:
        raise ValidationError(_l("Choose a day between %(first)s and %(last)s.", first=FIRST_DAY.isoformat(),
                                 last=LAST_DAY.isoformat()))


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    cohort = SelectField(_l("Cohort"), validators=[Optional()])
    region = SelectField(_l("Learners' region"), validators=[Optional()])
    lang = SelectField(_l("Language"), validators=[Optional()],
                       description=_l("The language the lesson was read in, or the answer given in."))
    start = DateField(_l("From"), validators=[Optional(), _plausible])
    end = DateField(_l("To"), validators=[Optional(), _plausible], description=_l("Both days included."))

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The last day comes before the first."))
