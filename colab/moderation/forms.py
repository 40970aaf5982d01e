"""Forms for reporting posts and for moderators' acts."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from .models import ReportReason


def report_reason_choices():
    labels = {ReportReason.DISRESPECTFUL: _l("Disrespectful"), ReportReason.OFF_TOPIC: _l("Off-topic"),
              ReportReason.SPAM: _l("Spam"), ReportReason.HARASSMENT: _l("Harassment"), ReportReason.OTHER: _l("Other")}
    return [(reason.value, labels[reason]) for reason in ReportReason]


class ReportPostForm(FlaskForm):
    reason = SelectField(_l("Reason"), choices=report_reason_choices)
    note = TextAreaField(_l("Anything the facilitators should know (optional)"),
                         validators=[Optional(), Length(max=2000)])


# The acts on a post share one reason box (moderation/_acts.html): both forms give it the same label.
class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason (the author will see it)"), validators=[
        DataRequired(_l("Say why: the author and the audit log will see it.")), Length(max=1000)])


class OptionalReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason (the author will see it)"), validators=[Optional(), Length(max=1000)])


class SlowModeForm(FlaskForm):
    minutes = IntegerField(_l("Minutes between posts per member (0 turns slow mode off)"),
                           validators=[InputRequired(_l("Enter a number of minutes.")),
                                       NumberRange(0, 1440, _l("Enter a number of minutes from 0 to 1440."))])


class PremoderationForm(FlaskForm):
    posts = IntegerField(_l("Hold each new member's first posts for approval (0 turns it off)"),
                         validators=[InputRequired(_l("Enter a number of posts.")),
                                     NumberRange(0, 20, _l("Enter a number of posts from 0 to 20."))])


class MuteForm(FlaskForm):
    hours = IntegerField(_l("Mute for how many hours"), validators=[InputRequired(_l("Enter a number of hours.")),
                                                                    NumberRange(1, 24 * 90)])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(_l("Say why: the member will see it.")),
                                                     Length(max=1000)])
