"""Certificates: issue on first opening after completion, name and visibility, verification, revocation.
No requests here; functions flush and the view commits."""
import secrets
from math import ceil

from sqlalchemy.exc import IntegrityError

from .. import policy
from ..cohorts import service as cohorts
from ..communities.models import Cohort
from ..courses import service as courses
from ..courses.models import Course, Enrolment
from ..extensions import db
from ..models_base import utcnow
from .models import Certificate

CODE_BYTES = 8  # secrets.token_urlsafe(8): 11 characters, 64 random bits


def find_course(slug):
    """The course by slug, archived or not: a certificate earned stays with the learner."""
    return db.session.scalar(db.select(Course).filter_by(slug=slug))


def enrolment(user, course):
    return courses.enrolment_for(user, course)


def find_by_code(code):
    return db.session.scalar(db.select(Certificate).filter_by(code=code)) if len(code) <= 32 else None


def find_by_id(certificate_id):
    return db.session.get(Certificate, certificate_id)


def issue(user, course):
    """The user's certificate for a course they completed, made on first asking (private, their display name)."""
    policy.ensure("certificate.view", enrolment(user, course), user)
    existing = db.session.scalar(db.select(Certificate).filter_by(user_id=user.id, course_id=course.id))
    if existing is not None:
        return existing
    for _attempt in range(5):
        certificate = Certificate(user_id=user.id, course_id=course.id, code=secrets.token_urlsafe(CODE_BYTES),
                                  printed_name=user.display_name, public=False, issued_at=utcnow())
        try:
            with db.session.begin_nested():  # a second tab may issue it at the same moment
                db.session.add(certificate)
                db.session.flush()
            return certificate
        except IntegrityError:
            existing = db.session.scalar(db.select(Certificate).filter_by(user_id=user.id, course_id=course.id))
            if existing is not None:
                return existing
    raise RuntimeError("could not draw a unique certificate code")


def rename(user, certificate, printed_name):
    """Set the name printed on the certificate (the form checks its length)."""
    policy.ensure("certificate.edit", certificate, user)
    certificate.printed_name = printed_name.strip()
    db.session.flush()
    return certificate


def set_public(user, certificate, public):
    """Let anyone with the code confirm the certificate, or stop it."""
    policy.ensure("certificate.edit", certificate, user)
    certificate.public = bool(public)
    db.session.flush()
    return certificate


def verified(code, user):
    """The certificate a code confirms, or None: unknown, private, revoked and undone look the same."""
    certificate = find_by_code(code)
    return certificate if policy.can("certificate.verify", certificate, user=user) else None


def revoke(admin, certificate, reason):
    """An admin withdraws a certificate: it no longer verifies and its learner's page says so."""
    policy.ensure("certificate.revoke", certificate, admin)
    certificate.revoked_at, certificate.revoke_reason, certificate.revoked_by_id = utcnow(), reason.strip(), admin.id
    db.session.flush()
    return certificate


def estimated_half_hours(course, locale):
    """The course's lesson minutes in the reader's language (the lesson's fallback where missing), in half hours
    rounded up."""
    minutes = sum(lesson.text_in(locale).minutes for lesson in courses.outline(course).lessons)
    return ceil(minutes / 30)


def completed_at(certificate):
    return db.session.scalar(db.select(Enrolment.completed_at).filter_by(user_id=certificate.user_id,
                                                                         course_id=certificate.course_id))


def cohort_of(user, course):
    """The cohort the learner took the course in and its facilitators, or (None, []) for one on their own."""
    cohort_id = policy.learner_cohorts(user).get(course.id)
    if cohort_id is None:
        return None, []
    cohort = db.session.get(Cohort, cohort_id)
    return cohort, cohorts.facilitators(cohort)
