"""The feedback block at the end of a lesson page (registered with courses.service.LESSON_PANEL_PROVIDERS)."""
from ..courses.service import LessonPanel
from . import service
from .forms import feedback_form


def lesson_panels(page):
    """After the activities: the learner's own feedback form, filled with what they told us before."""
    if not page.user.is_authenticated:
        return []
    feedback = service.feedback_for(page.user, page.lesson)
    return [LessonPanel("feedback/_panel.html", {"feedback": feedback, "form": feedback_form(feedback)})]
