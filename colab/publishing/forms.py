"""Forms for uploading a course or a lesson file, and for publishing a checked upload."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..accounts.forms import language_choices


class UploadForm(FlaskForm):
    course = SelectField(_l("Course"), validators=[DataRequired(_l("Choose a course."))])
    file = FileField(_l("File"),
                     validators=[FileRequired(_l("Choose a zip of the course folder or a lesson file (.md)."))])
    language = SelectField(_l("Language of a lesson file"), validators=[Optional()],
                           description=_l("Only for a single lesson file: which language's version it is."))

    def __init__(self, course_choices, max_mb, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.course.choices = course_choices
        self.file.description = _l(
            "A zip of the whole course folder (its top folder named like the course) replaces the course's files: "
            "lessons it leaves out of course.yml are archived. A single lesson file (.md) replaces or adds that "
            "lesson in one language: it is named by the slug in its front matter (else its file name) and goes in "
            "the module course.yml lists it under. At most %(max)s MB. You will see what would change before "
            "anything does.", max=max_mb)
        self.language.choices = [("", _l("Not a lesson file (a zip)")), *language_choices()]


class PublishForm(FlaskForm):
    note = TextAreaField(_l("Note for the history (optional)"), validators=[Optional(), Length(max=500)],
                         description=_l("What you changed and why, for the course team and the audit log."))
