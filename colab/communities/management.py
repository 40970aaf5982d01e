"""Creating, editing and archiving communities, and a region's people, communities and cohorts, for admins and
focal points. No requests here: functions take and return models and flush; the view commits. Every change
writes one row of the secretariat's audit log."""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from .. import policy
from ..accounts.models import Region, User, name_key
from ..admin import service as admin
from ..admin.models import AdminAct
from ..extensions import db
from ..i18n import LANGUAGES
from ..markup import render
from ..models_base import utcnow
from ..moderation import service as moderation
from . import service as communities
from .agreements import DEFAULT_AGREEMENTS
from .models import Cohort, Community, CommunityKind, FocalPoint, Membership, Role


@dataclass
class CommunityDraft:
    """What a community should be, as a form says it. Texts are {locale: text} with blank languages left out
    (they show another language's). agreements is {locale: Markdown} for the languages to set, "" to remove
    one; a language absent from it keeps what it has."""

    kind: CommunityKind
    region: Region | None
    members_only: bool = False
    premoderate_posts: int = 0
    names: dict = field(default_factory=dict)
    descriptions: dict = field(default_factory=dict)
    agreements: dict = field(default_factory=dict)


class Invalid(Exception):
    """A draft that cannot be saved: .field names the form field, .message says why (translated)."""

    def __init__(self, field_name, message):
        super().__init__(message)
        self.field, self.message = field_name, message


# --- where a community may be placed --------------------------------------------------------------------

def placeable_regions(actor):
    """The regions actor may place a community in: every region for admins, their own for focal points."""
    return [region for region in admin.regions() if policy.can("community.create", region, user=actor)]


def may_place_without_region(actor):
    """A community with no region (cross-regional or thematic) is the secretariat's: admins only. (Policy's
    community.create reads a None target as "somewhere", for the blank form, so it cannot say this.)"""
    return actor.is_authenticated and actor.is_admin


def _check(actor, draft):
    """Raise Invalid or policy.Refused unless actor may give a community this kind and region."""
    if draft.region is None:
        if not may_place_without_region(actor):
            raise Invalid("region", _("Choose one of your regions."))
        if draft.kind == CommunityKind.REGIONAL:
            raise Invalid("region", _("A regional community needs a region."))
        return
    refused = policy.refusal("community.create", draft.region, actor)
    if refused is not None:
        raise Invalid("region", _("You can only place a community in a region you are a focal point for."))


def slug_taken(slug):
    return db.session.scalar(db.select(Community.id).filter_by(slug=slug)) is not None


# --- create, edit, archive, reopen ----------------------------------------------------------------------

def _agreements(community, changes):
    """({locale: Markdown}, {locale: HTML}) after applying {locale: Markdown or ""}; none left in any language:
    the alliance's."""
    source, html = dict(community.agreements_source or {}), dict(community.agreements_html or {})
    for code, text in changes.items():
        if text.strip():
            source[code], html[code] = text, render(text)
        else:
            source.pop(code, None)
            html.pop(code, None)
    if not html:
        source = dict(DEFAULT_AGREEMENTS)
        html = {code: render(text) for code, text in source.items()}
    return source, html


def create(actor, slug, draft):
    """A new community; raises Invalid (slug taken, region) or policy.Refused."""
    _check(actor, draft)
    if slug_taken(slug):
        raise Invalid("slug", _("Another community already has this address. Choose another one."))
    community = communities.create_community(
        slug, draft.kind, dict(draft.names), dict(draft.descriptions),
        region_id=draft.region.id if draft.region else None, members_only=draft.members_only,
        agreements={code: text for code, text in draft.agreements.items() if text.strip()} or None)
    community.premoderate_posts = draft.premoderate_posts
    admin.log(actor, AdminAct.CREATE_COMMUNITY, community=community)
    return community


def kind_label(kind):
    """A kind of community in words, for the audit log."""
    return {CommunityKind.REGIONAL: _("regional"), CommunityKind.CROSS_REGIONAL: _("cross-regional"),
            CommunityKind.THEMATIC: _("working group or learning circle")}[CommunityKind(kind)]


def _languages(old, new):
    return [code for code in LANGUAGES if (old or {}).get(code) != (new or {}).get(code)]


def _region_name(region):
    return region.name if region is not None else _("no region")


def edit(actor, community, draft):
    """Change a community as the draft says; return the list of what changed (written to the audit log as the
    reason; nothing is logged when nothing changed). Raises Invalid or policy.Refused."""
    policy.ensure("community.edit", community, actor)
    if draft.region != community.region:
        _check(actor, draft)
    elif draft.kind == CommunityKind.REGIONAL and draft.region is None:
        raise Invalid("region", _("A regional community needs a region."))
    changes = []
    if draft.kind != community.kind:
        changes.append(_("kind: %(old)s → %(new)s", old=kind_label(community.kind), new=kind_label(draft.kind)))
    if draft.region != community.region:
        changes.append(_("region: %(old)s → %(new)s", old=_region_name(community.region),
                         new=_region_name(draft.region)))
    if draft.members_only != community.members_only:
        changes.append(_("members only") if draft.members_only else _("open to everyone signed in"))
    if draft.premoderate_posts != community.premoderate_posts:
        changes.append(_("posts held for review: %(old)s → %(new)s", old=community.premoderate_posts,
                         new=draft.premoderate_posts))
    sources, agreements = _agreements(community, draft.agreements)
    for label, old, new in ((_("name"), community.name, draft.names),
                            (_("description"), community.description, draft.descriptions),
                            (_("agreements"), community.agreements_html, agreements)):
        languages = _languages(old, new)
        if languages:
            changes.append(_("%(what)s (%(languages)s)", what=label, languages=", ".join(languages)))
    if not changes:
        return changes
    community.kind, community.region, community.region_id = draft.kind, draft.region, \
        draft.region.id if draft.region else None
    community.members_only, community.premoderate_posts = draft.members_only, draft.premoderate_posts
    community.name, community.description = dict(draft.names), dict(draft.descriptions)
    community.agreements_source, community.agreements_html = sources, agreements
    db.session.flush()
    admin.log(actor, AdminAct.EDIT_COMMUNITY, reason="; ".join(changes), community=community)
    return changes


def archive(actor, community, reason):
    """Archive a community: it stays readable and takes no new members or posts. False if it already was."""
    policy.ensure("community.archive", community, actor)
    if community.archived_at is not None:
        return False
    community.archived_at = utcnow()
    admin.log(actor, AdminAct.ARCHIVE_COMMUNITY, reason=reason, community=community)
    return True


def reopen(actor, community, reason):
    """Reopen an archived community. False if it was not archived."""
    policy.ensure("community.archive", community, actor)
    if community.archived_at is None:
        return False
    community.archived_at = None
    admin.log(actor, AdminAct.REOPEN_COMMUNITY, reason=reason, community=community)
    return True


def agreements_sources(community):
    """({locale: Markdown}, {locales whose Markdown is unknown}) for the edit form. The Markdown is stored beside
    the HTML; a community made before it was kept has only HTML: its text is known where it is the alliance's
    default, and elsewhere the form shows the current agreements and a blank field keeps them."""
    known, unknown = {}, set()
    stored = community.agreements_source or {}
    for code, html in (community.agreements_html or {}).items():
        default = DEFAULT_AGREEMENTS.get(code)
        if code in stored:
            known[code] = stored[code]
        elif default is not None and render(default) == html:
            known[code] = default
        else:
            unknown.add(code)
    return known, unknown


# --- a region's page ------------------------------------------------------------------------------------

def managed_regions(actor):
    """The regions whose page actor may open: every region for admins, their own for focal points."""
    return [region for region in admin.regions() if policy.can("dashboard.region", region, user=actor)]


def find_region(slug):
    return admin.find_region(slug)


def focal_points(region):
    """The region's focal points, by display name."""
    return db.session.scalars(db.select(User).join(FocalPoint, FocalPoint.user_id == User.id)
                              .where(FocalPoint.region_id == region.id).order_by(User.name_key)).all()


def communities_in(region):
    """The communities of a region (None: those with no region), open ones first, then archived."""
    query = db.select(Community).options(selectinload(Community.region))
    query = query.where(Community.region_id.is_(None) if region is None else Community.region_id == region.id)
    return db.session.scalars(query.order_by(Community.archived_at.is_not(None), Community.slug)).all()


def facilitators_of(community_list):
    """{community_id: [Membership of a facilitator, with its user]} in one query."""
    found = {community.id: [] for community in community_list}
    if not found:
        return found
    rows = db.session.scalars(db.select(Membership).join(User, Membership.user_id == User.id)
                              .options(contains_eager(Membership.user))
                              .where(Membership.community_id.in_(list(found)), Membership.role == Role.FACILITATOR,
                                     Membership.pending.is_(False))
                              .order_by(User.name_key))
    for member in rows:
        found[member.community_id].append(member)
    return found


def cohorts_page(region, page, per_page):
    """One page of the cohorts of the region's communities, the latest first."""
    query = (db.select(Cohort).join(Community, Cohort.community_id == Community.id)
             .where(Community.region_id == region.id)
             .options(joinedload(Cohort.course), contains_eager(Cohort.community))
             .order_by(Cohort.starts_on.desc(), Cohort.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def find_people(search, limit=10):
    """Accounts whose display name contains search or whose email starts with it (for admins only)."""
    if not (search or "").strip():
        return []
    return admin.people_page(1, limit, search=search).items


# --- a community's facilitators -------------------------------------------------------------------------

def _like(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def find_members(community, search, limit=20):
    """Members (not facilitators, not waiting to join) whose display name contains search."""
    key = name_key(search or "")
    if not key:
        return []
    return db.session.scalars(
        db.select(Membership).join(User, Membership.user_id == User.id).options(contains_eager(Membership.user))
        .where(Membership.community_id == community.id, Membership.pending.is_(False),
               Membership.role == Role.MEMBER, User.name_key.like("%" + _like(key) + "%", escape="\\"))
        .order_by(User.name_key).limit(limit)).all()


def find_member(community, user_id):
    """The person's membership of community (not one still waiting to join), or None."""
    return db.session.scalar(db.select(Membership).filter_by(community_id=community.id, user_id=user_id,
                                                             pending=False))


def may_set_role(actor, member):
    """Whether actor may make this member a facilitator or a member again: admins through the console's rules
    (admin.appoint, admin.remove_role), focal points of the region through member.set_role."""
    if actor.is_authenticated and actor.is_admin:
        rule = "admin.appoint" if member.role == Role.MEMBER else "admin.remove_role"
        return policy.can(rule, member.user, user=actor)
    return policy.can("member.set_role", member, user=actor)


def appoint_facilitator(actor, member):
    """Make a member of a community its facilitator; False if they already were. Raises policy.Refused."""
    if actor.is_admin:
        return admin.appoint_facilitator(actor, member.user, member.community)
    return _set_role(actor, member, Role.FACILITATOR)


def remove_facilitator(actor, member):
    """Make a facilitator a member again; False if they were not its facilitator. Raises policy.Refused."""
    if actor.is_admin:
        return admin.remove_facilitator(actor, member.user, member.community)
    return _set_role(actor, member, Role.MEMBER)


def _set_role(actor, member, role):
    """A focal point's appointment, through the members page's one door (both audit logs)."""
    policy.ensure("member.set_role", member, actor)
    if member.role == role:
        return False
    moderation.set_role(actor, member, role)
    policy.forget(member.user)
    return True
