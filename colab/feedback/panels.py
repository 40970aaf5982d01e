"""The feedback block at the end of a lesson page (registered with courses.service.LESSON_PANEL_PROVIDERS)."""
from ..courses.service import LessonPanel
from . import service


def lesson_panels(page):
    """After the activities: what the learner told us about the lesson, and the way to the form."""
    if not page.user.is_authenticated:
        return []
    feedback = service.feedback_for(page.user, page.lesson)
    return [LessonPanel("feedback/_panel.html", {"feedback": feedback})]
