"""Forms for threads, posts, reports, moderation, cohorts and harassment reports."""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from .moderation_models import HARASSMENT_PLACES, HARASSMENT_STATUSES, REPORT_REASONS

MAX_POST = 20000


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


def report_reason_choices():
    labels = {"disrespectful": _l("Disrespectful"), "off-topic": _l("Off-topic"), "spam": _l("Spam"),
              "harassment": _l("Harassment"), "other": _l("Other")}
    return [(reason, labels[reason]) for reason in REPORT_REASONS]


class ReportPostForm(FlaskForm):
    reason = SelectField(_l("Reason"), choices=report_reason_choices)
    note = TextAreaField(_l("Anything the facilitators should know (optional)"),
                         validators=[Optional(), Length(max=2000)])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(_l("Say why: the author and the audit log will see it.")),
                                                     Length(max=1000)])


class OptionalReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason (optional)"), validators=[Optional(), Length(max=1000)])


class SlowModeForm(FlaskForm):
    minutes = IntegerField(_l("Minutes between posts per member (0 turns slow mode off)"),
                           validators=[InputRequired(_l("Enter a number of minutes.")), NumberRange(0, 1440)])


class PremoderationForm(FlaskForm):
    posts = IntegerField(_l("Hold each new member's first posts for approval (0 turns it off)"),
                         validators=[InputRequired(_l("Enter a number of posts.")), NumberRange(0, 20)])


class MuteForm(FlaskForm):
    hours = IntegerField(_l("Mute for how many hours"), validators=[InputRequired(_l("Enter a number of hours.")),
                                                                    NumberRange(1, 24 * 90)])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(_l("Say why: the member will see it.")),
                                                     Length(max=1000)])


class CohortForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the cohort a name.")), Length(3, 120)])
    course = SelectField(_l("Course"), coerce=int)
    starts_on = DateField(_l("Starts on"), validators=[InputRequired(_l("Enter a valid date."))])
    ends_on = DateField(_l("Ends on"), validators=[InputRequired(_l("Enter a valid date."))])

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date must be on or after the start date."))


def place_choices():
    labels = {"post": _l("A post or thread on Co-Lab"), "profile": _l("A person's conduct on Co-Lab"),
              "event": _l("At an event or meeting"), "message": _l("In a private message, call or email"),
              "other": _l("Somewhere else")}
    return [(place, labels[place]) for place in HARASSMENT_PLACES]


class HarassmentForm(FlaskForm):
    region = SelectField(_l("Region"), coerce=int,
                         description=_l("The report goes to this region's focal points and to the global secretariat."))
    place = SelectField(_l("Where did it happen?"), choices=place_choices)
    person = StringField(_l("Who is it about? (optional)"), validators=[Optional(), Length(max=60)],
                         description=_l("Their display name on Co-Lab, if they have one. They will not be told who reported."))
    description = TextAreaField(_l("What happened"), validators=[DataRequired(_l("Describe what happened.")),
                                                                 Length(max=MAX_POST)],
                                description=_l("Only you, the focal points handling it and the secretariat can read this."))


class AddInformationForm(FlaskForm):
    body = TextAreaField(_l("Add information"), validators=[DataRequired(_l("Write something before sending.")),
                                                            Length(max=MAX_POST)])


def status_choices():
    labels = {"received": _l("Received"), "under-review": _l("Under review"), "closed": _l("Closed")}
    return [(status, labels[status]) for status in HARASSMENT_STATUSES]


class HandleReportForm(FlaskForm):
    status = SelectField(_l("Status"), choices=status_choices)
    outcome = TextAreaField(_l("Outcome the reporter can read"), validators=[Optional(), Length(max=MAX_POST)])


class NoteForm(FlaskForm):
    body = TextAreaField(_l("Private note for the people handling this report"),
                         validators=[DataRequired(_l("Write something before saving.")), Length(max=MAX_POST)])


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
