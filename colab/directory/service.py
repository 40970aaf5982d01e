"""The member directory's profiles: one's own (opt-in, hidden at once), the list, counts per country, and whom a
harassment report started from the directory is about. Messages and blocks are in messages.py, organisations in
organisations.py. No requests here; services flush, views commit."""
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import func

from .. import policy
from ..accounts import service as accounts
from ..accounts.models import User, name_key
from ..extensions import db
from ..markup import render
from ..models_base import utcnow
from ..topics import Topic
from .checks import InvalidEntry, valid_country, valid_topics
from .countries import LANGUAGES
from .messages import public_name, received_message
from .models import DirectoryProfile, ProfileTopic

MAX_BIO = 1000  # characters of Markdown


# --- one's own profile ------------------------------------------------------------------------------------

@dataclass
class ProfileData:
    """What a person writes about themselves; country an ISO code or "", languages ISO 639-1 codes, topics values."""

    display_name: str
    organisation: str = ""
    country: str = ""
    languages: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    bio: str = ""
    accepts_messages: bool = True
    published: bool = False


def own_profile(user):
    """The user's profile, or None until they write one."""
    return db.session.scalar(db.select(DirectoryProfile).filter_by(user_id=user.id))


def name_taken(user, display_name):
    """Whether display_name is another person's Co-Lab name or another profile's name (ignoring case), so that
    nobody appears in the directory under someone else's name."""
    owner = accounts.find_by_name_key(display_name)
    if owner is not None and owner.id != user.id:
        return True
    same = db.select(DirectoryProfile.id).where(func.lower(DirectoryProfile.display_name) == display_name.lower(),
                                                DirectoryProfile.user_id != user.id)
    return db.session.scalar(same.limit(1)) is not None


def save_profile(user, data):
    """Write (or rewrite) the user's profile; published only if they chose so. Raises InvalidEntry."""
    policy.ensure("directory.edit_own", None, user)
    display_name = " ".join((data.display_name or "").split())
    if not name_key(display_name):
        raise InvalidEntry("display_name", "empty")
    if name_taken(user, display_name):
        raise InvalidEntry("display_name", "taken")
    country = valid_country(data.country)
    languages = [code for code in LANGUAGES if code in set(data.languages or [])]
    if len(languages) != len(set(data.languages or [])):
        raise InvalidEntry("languages", "unknown")
    topics = valid_topics(data.topics)
    bio = (data.bio or "").strip()
    if len(bio) > MAX_BIO:
        raise InvalidEntry("bio", "long")
    profile = own_profile(user)
    if profile is None:
        profile = DirectoryProfile(user_id=user.id)
        db.session.add(profile)
    profile.display_name, profile.organisation = display_name, (data.organisation or "").strip()
    profile.country, profile.languages = country, languages
    profile.bio_source, profile.bio_html = bio, render(bio)
    profile.accepts_messages, profile.published = bool(data.accepts_messages), bool(data.published)
    profile.topics = [ProfileTopic(topic=Topic(value)) for value in topics]
    profile.updated_at = utcnow()
    db.session.flush()
    return profile


def hide_profile(user):
    """Take the user's profile out of the list, the map counts and search at once; it stays, for them to publish
    again. Returns the profile (None if they have none)."""
    policy.ensure("directory.edit_own", None, user)
    profile = own_profile(user)
    if profile is not None:
        profile.published, profile.updated_at = False, utcnow()
        db.session.flush()
    return profile


def delete_profile(user):
    """Remove the user's profile altogether (their messages and blocks stay theirs)."""
    policy.ensure("directory.edit_own", None, user)
    profile = own_profile(user)
    if profile is not None:
        db.session.delete(profile)
        db.session.flush()


# --- the list, a profile, counts per country -------------------------------------------------------------

def find_profile(profile_id):
    return db.session.get(DirectoryProfile, profile_id)


def profiles_page(viewer, page, per_page, country=None, topic=None):
    """One page of the profiles the viewer may list (policy.listed_profiles), by name; filtered by a country code
    and a topic value."""
    query = db.select(DirectoryProfile).where(policy.listed_profiles(viewer))
    if country:
        query = query.where(DirectoryProfile.country == country)
    if topic:
        query = query.where(DirectoryProfile.id.in_(db.select(ProfileTopic.profile_id).filter_by(topic=Topic(topic))))
    query = query.order_by(func.lower(DirectoryProfile.display_name), DirectoryProfile.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def people_by_country(viewer):
    """{country code: number of profiles the viewer may list there}, in one GROUP BY."""
    rows = db.session.execute(
        db.select(DirectoryProfile.country, func.count(DirectoryProfile.id))
        .where(policy.listed_profiles(viewer), DirectoryProfile.country != "").group_by(DirectoryProfile.country))
    return {code: count for code, count in rows}


# --- reporting a person met through the directory -----------------------------------------------------------

class ReportSubject(NamedTuple):
    """Whom a harassment report started from the directory is about, the name the reporter knows them by, and
    where it happened (a HarassmentPlace value)."""

    user: User
    name: str
    place: str


def report_subject(reporter, profile_id=None, message_id=None):
    """The person behind a profile the reporter may see, or the sender of a message they received; else None."""
    if profile_id:
        profile = find_profile(profile_id)
        if profile is not None and profile.user_id != reporter.id and policy.can("directory.profile", profile,
                                                                                 reporter):
            return ReportSubject(profile.user, profile.display_name, "profile")
    if message_id:
        message = received_message(reporter, message_id)
        if message is not None and message.sender is not None:
            return ReportSubject(message.sender, public_name(message.sender), "message")
    return None
