"""Lesson feedback: a learner's own answers at the end of a lesson, and the course team told at once of an unsafe
flag. No requests here: functions flush, views commit.

A feedback row is its author's alone: no page shows it to anyone else with their name. The course team reads the
answers without names in its report; the notification of an unsafe flag names the course and the lesson, never
the learner nor what they wrote."""
from sqlalchemy import or_
from sqlalchemy.orm import joinedload

from .. import policy
from ..accounts.models import User
from ..courses.models import Course, Lesson, Module
from ..courses.service import enrolment_for, lesson_opens_at
from ..extensions import db
from ..models_base import utcnow
from ..notifications.service import notify
from .models import LessonFeedback

FLAG_KIND = "lesson_unsafe"  # the notification kind (colab/notifications/service.py KINDS)


def find_lesson(lesson_id):
    """A live lesson (itself, its module and its course not archived) with its course; None otherwise."""
    return db.session.scalar(
        db.select(Lesson).join(Module, Module.id == Lesson.module_id).join(Course, Course.id == Lesson.course_id)
        .where(Lesson.id == lesson_id, Lesson.archived.is_(False), Module.archived.is_(False),
               Course.archived.is_(False))
        .options(joinedload(Lesson.course)))


def feedback_for(user, lesson):
    """The user's feedback on the lesson, or None."""
    return db.session.scalar(db.select(LessonFeedback).filter_by(user_id=user.id, lesson_id=lesson.id))


def give(user, lesson, locale, usefulness=None, better="", unsafe=""):
    """Keep (or change) the user's answers on a lesson open to them; returns (feedback, flagged), flagged when the
    unsafe answer is new or changed, in which case the course team has just been told.
    Raises policy.Refused for a lesson not open to them yet, ValueError for an entirely empty answer."""
    policy.ensure("feedback.give", lesson, user)
    if lesson_opens_at(user, lesson) is not None:
        raise policy.Refused(policy.Refusal("locked"))
    better, unsafe = (better or "").strip(), (unsafe or "").strip()
    if usefulness is None and not better and not unsafe:
        raise ValueError("empty feedback")
    if usefulness is not None and usefulness not in range(1, 6):
        raise ValueError("usefulness is 1 to 5")
    feedback = feedback_for(user, lesson)
    if feedback is None:
        feedback = LessonFeedback(user_id=user.id, lesson_id=lesson.id, unsafe="")
        db.session.add(feedback)
    enrolment = enrolment_for(user, lesson.course)
    flagged = bool(unsafe) and unsafe != (feedback.unsafe or "")
    feedback.cohort_id = enrolment.cohort_id if enrolment else None
    feedback.locale, feedback.usefulness, feedback.better, feedback.unsafe = locale, usefulness, better, unsafe
    feedback.updated_at = utcnow()
    if not unsafe:
        feedback.unsafe_at = None
    elif flagged:
        feedback.unsafe_at = feedback.updated_at
        _tell_course_team(user, lesson)
    db.session.flush()
    return feedback, flagged


def course_team_ids(but=None):
    """The ids of the people who read unsafe flags: the course team and admins, not suspended (the SQL mirrors
    the rule "course_team.report"), leaving out `but` (the learner who wrote it)."""
    query = db.select(User.id).where(or_(User.is_course_team.is_(True), User.is_admin.is_(True)),
                                     User.suspended_at.is_(None)).order_by(User.id)
    if but is not None:
        query = query.where(User.id != but.id)
    return list(db.session.scalars(query))


def report_path(lesson):
    """The course team's report page for the lesson (built by the reports blueprint)."""
    return f"/course-team/{lesson.course.slug}/lessons/{lesson.slug}"


def _tell_course_team(learner, lesson):
    """A notification naming the course and the lesson (worded when read), never the learner nor the text."""
    for user_id in course_team_ids(but=learner):
        notify(user_id, FLAG_KIND, link=report_path(lesson), lesson=lesson.id)
