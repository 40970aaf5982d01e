"""Confidential harassment reports: routed by policy.harassment_routing, never to the person reported."""
from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from .. import policy
from ..accounts.models import User
from ..communities.models import Community, FocalPoint, Membership
from ..extensions import db
from ..models_base import utcnow
from ..notifications.service import notify
from .models import HarassmentEntry, HarassmentReport, ReportedPerson, ReportStatus

SEARCH_MIN_LENGTH = 2  # letters of a display name before the search answers
SEARCH_LIMIT = 20  # people listed at most; more letters narrow the list


def routing(reporter_id, region_id, reported_user_id):
    """Who would handle a report with these facts: the policy's routing, which create() follows too."""
    return policy.harassment_routing(reporter_id, region_id, reported_user_id)


def handler_ids(report):
    """Who is told about the report: its handlers, never the person reported, never the reporter."""
    found = routing(report.reporter_id, report.region_id, report.reported_user_id).handler_ids
    return set(found) - {report.reporter_id, report.reported_user_id}


def readers_key(reporter, region, reported):
    """Who would read the report, as a short key the form carries: the region and which groups leave someone out.
    Choosing an ordinary member changes nothing; choosing a focal point or an admin, or another region, does."""
    route = routing(reporter.id, region.id if region else None, reported.id if reported else None)
    flags = "".join(flag for flag, on in (("a", route.admins_left_out), ("f", route.focal_points_left_out),
                                          ("x", route.fallback)) if on)
    return f"{region.id if region else ''}:{flags}"


def readers_sentence(reporter, region, reported):
    """Tell the reporter, before they send, who will read the report: groups, never names, from the routing
    that create() will follow."""
    route = routing(reporter.id, region.id if region else None, reported.id if reported else None)
    if route.fallback:
        if route.handler_ids:
            return _("No other admin or focal point can receive this report, so only you will be able to "
                     "handle it.")
        return _("No admin or focal point other than the person you name can receive this report. "
                 "Write to the secretariat outside Co-Lab instead.")
    readers = []
    if route.admins:
        readers.append(_("the secretariat's other admins") if route.admins_left_out else _("the secretariat's admins"))
    if route.focal_points:
        readers.append(_("the other focal points of %(region)s", region=region.name) if route.focal_points_left_out
                       else _("the focal points of %(region)s", region=region.name))
    readers = format_list(readers, locale=get_locale())
    if reported is not None:
        return _("This report will be read by %(readers)s; never by the person you name.", readers=readers)
    return _("This report will be read by %(readers)s.", readers=readers)


def _link(report):
    return f"/reports/{report.id}"


def create(reporter, region_id, place, description, reported_user_id=None, post=None, reported_kind=None,
           reported_description=""):
    """File a report and alert its handlers; the alert holds the report's id only, nothing about who or what."""
    if reported_kind is None:
        reported_kind = ReportedPerson.MEMBER if reported_user_id else ReportedPerson.UNKNOWN
    report = HarassmentReport(
        reporter_id=reporter.id, region_id=region_id, place=place, description=description.strip(),
        reported_user_id=reported_user_id if reported_kind == ReportedPerson.MEMBER else None,
        reported_kind=reported_kind, reported_description=(reported_description or "").strip(),
        post_id=post.id if post else None)
    db.session.add(report)
    db.session.flush()
    for user_id in handler_ids(report):
        notify(user_id, "harassment_new", link=_link(report), report=report.id)
    return report


def add_information(reporter, report, body):
    """The reporter adds to their report; handlers are told (by the report's id only)."""
    db.session.add(HarassmentEntry(report_id=report.id, author_id=reporter.id, body=body.strip()))
    report.updated_at = utcnow()
    for user_id in handler_ids(report):
        notify(user_id, "harassment_info", link=_link(report), report=report.id)
    db.session.flush()


def add_note(handler, report, body):
    """A private note among the people handling the report."""
    db.session.add(HarassmentEntry(report_id=report.id, author_id=handler.id, body=body.strip(),
                                   is_handler_note=True))
    report.updated_at = utcnow()
    db.session.flush()


def update_status(report, status, outcome):
    """Move the report along; the reporter is told (the report's id and its new status) and reads the outcome."""
    status = ReportStatus(status)
    changed = status != report.status or outcome.strip() != report.outcome
    report.status, report.outcome, report.updated_at = status, outcome.strip(), utcnow()
    if changed and report.reporter_id:
        notify(report.reporter_id, "harassment_update", link=_link(report), report=report.id, status=status.value)
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


def inbox(user, page, per_page):
    """One page of the reports the user handles (policy.harassment_inbox_filter), open ones first."""
    query = (db.select(HarassmentReport).options(joinedload(HarassmentReport.region))
             .where(policy.harassment_inbox_filter(user))
             .order_by(HarassmentReport.status == ReportStatus.CLOSED, HarassmentReport.created_at.desc(),
                       HarassmentReport.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


# --- whom a report can name -------------------------------------------------------------------------

def _people_sharing_a_community(reporter):
    """SQL: ids of the people who share a community with the reporter (both members, not waiting to join), and
    the focal points of those communities' regions; never the reporter."""
    mine = db.select(Membership.community_id).where(Membership.user_id == reporter.id, Membership.pending.is_(False))
    members = db.select(Membership.user_id).where(Membership.community_id.in_(mine), Membership.pending.is_(False))
    regions = db.select(Community.region_id).where(Community.id.in_(mine), Community.region_id.is_not(None))
    focal_points = db.select(FocalPoint.user_id).where(FocalPoint.region_id.in_(regions))
    return (User.id.in_(members) | User.id.in_(focal_points)) & (User.id != reporter.id)


def find_people(reporter, text):
    """People the reporter may name whose display name contains text (a list of Users, by name), and whether
    there were more than SEARCH_LIMIT."""
    text = (text or "").strip()
    if len(text) < SEARCH_MIN_LENGTH:
        return [], False
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    found = db.session.scalars(
        db.select(User).where(_people_sharing_a_community(reporter), User.display_name.ilike(pattern, escape="\\"))
        .order_by(db.func.lower(User.display_name), User.id).limit(SEARCH_LIMIT + 1)).all()
    return found[:SEARCH_LIMIT], len(found) > SEARCH_LIMIT


def people_offered(reporter, post, chosen, found):
    """The people the form lists, once each: the post's author, the person already chosen, those found."""
    people = [person for person in (post.author if post else None, chosen, *found)
              if person is not None and person.id != reporter.id]
    return list(dict.fromkeys(people))


def nameable_person(reporter, user_id, post=None, about=None):
    """The person with this id if the reporter may name them (they share a community, wrote the post being
    reported, or are the person a report from the directory is about: about, a directory.service.ReportSubject),
    else None. Ids sent by a browser go through here before anything else uses them."""
    if not user_id or user_id == reporter.id:
        return None
    if post is not None and post.author_id == user_id:
        return post.author
    if about is not None and about.user.id == user_id:
        return about.user
    return db.session.scalar(db.select(User).where(User.id == user_id, _people_sharing_a_community(reporter)))
