"""Confidential harassment reports: to the region's focal points and admins only."""
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..extensions import db
from ..models_base import utcnow
from ..notifications.service import notify
from ..communities.models import FocalPoint
from .models import HarassmentEntry, HarassmentReport


def handler_ids(report):
    """Who receives the report: admins and the region's focal points, never the person reported."""
    ids = set(db.session.scalars(db.select(User.id).filter_by(is_admin=True)))
    if report.region_id:
        ids |= set(db.session.scalars(db.select(FocalPoint.user_id).filter_by(region_id=report.region_id)))
    ids.discard(report.reported_user_id)
    ids.discard(report.reporter_id)
    return ids


def _link(report):
    return f"/reports/{report.id}"


def create(reporter, region_id, place, description, reported_user_id=None, post=None):
    """File a report and alert its handlers (the alert says nothing about who or what)."""
    report = HarassmentReport(reporter_id=reporter.id, region_id=region_id, place=place,
                              description=description.strip(), reported_user_id=reported_user_id,
                              post_id=post.id if post else None)
    db.session.add(report)
    db.session.flush()
    for user_id in handler_ids(report):
        notify(user_id, "harassment_new", link=_link(report))
    return report


def add_information(reporter, report, body):
    """The reporter adds to their report; handlers are told."""
    db.session.add(HarassmentEntry(report_id=report.id, author_id=reporter.id, body=body.strip()))
    report.updated_at = utcnow()
    for user_id in handler_ids(report):
        notify(user_id, "harassment_info", link=_link(report))
    db.session.flush()


def add_note(handler, report, body):
    """A private note among the people handling the report."""
    db.session.add(HarassmentEntry(report_id=report.id, author_id=handler.id, body=body.strip(),
                                   is_handler_note=True))
    report.updated_at = utcnow()
    db.session.flush()


def update_status(report, status, outcome):
    """Move the report along; the reporter is told and can read the outcome."""
    changed = status != report.status or outcome.strip() != report.outcome
    report.status, report.outcome, report.updated_at = status, outcome.strip(), utcnow()
    if changed and report.reporter_id:
        notify(report.reporter_id, "harassment_update", link=_link(report), status=status)
    db.session.flush()


def entries(report, include_notes):
    query = (db.select(HarassmentEntry).filter_by(report_id=report.id)
             .options(joinedload(HarassmentEntry.author)).order_by(HarassmentEntry.created_at))
    if not include_notes:
        query = query.filter_by(is_handler_note=False)
    return db.session.scalars(query).all()


def reports_for_reporter(user):
    return db.session.scalars(db.select(HarassmentReport).filter_by(reporter_id=user.id)
                              .order_by(HarassmentReport.created_at.desc())).all()


def inbox(user, regions, page, per_page):
    """Reports the user handles: all for admins, their regions' for focal points; never about themselves."""
    query = db.select(HarassmentReport).options(joinedload(HarassmentReport.region))
    if not user.is_admin:
        query = query.where(HarassmentReport.region_id.in_(regions or [-1]))
    query = query.where((HarassmentReport.reported_user_id.is_(None)) | (HarassmentReport.reported_user_id != user.id))
    query = query.order_by(HarassmentReport.status == "closed", HarassmentReport.created_at.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
