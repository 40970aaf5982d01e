"""Factories for tests: people, communities, memberships and cohorts, written straight into the database.

Call them inside an app context. Each adds what it makes to the session, flushes and returns it; the caller commits
(the make_user and community_kit fixtures in conftest.py do both for a test). People and communities may be given
as objects, ids or slugs, whichever the test has at hand. Cohorts are rows as the form would leave them, made without
the policy check and the audit entry of colab.cohorts.service.create_cohort: a test of creating a cohort calls
the service or the form."""
import uuid
from datetime import date, timedelta

from colab.accounts import service as accounts
from colab.accounts.models import Region, User
from colab.cohorts import service as cohorts
from colab.communities import service as communities
from colab.communities.models import Cohort, Community, Membership
from colab.courses.models import Course
from colab.extensions import db
from colab.models_base import utcnow

PASSWORD = "a long test passphrase"
SAMPLE_COURSE = "listening-basics"  # the course under tests/fixtures/content (the `content` fixture loads it)


def region_id(slug):
    """The id of the region called slug ("africa", "europe", ...); None for None."""
    return db.session.scalar(db.select(Region.id).filter_by(slug=slug)) if slug else None


def course(slug=SAMPLE_COURSE):
    """A course already loaded from content, by slug (the sample course by default)."""
    return db.session.scalar(db.select(Course).filter_by(slug=slug))


def free_display_name(base="Tester"):
    """base, or "base 2", "base 3", ...: the first that no account has (display names are unique)."""
    name, number = base, 1
    while accounts.find_by_name_key(name):
        number += 1
        name = f"{base} {number}"
    return name


def user(email=None, display_name=None, password=PASSWORD, locale="en", timezone="UTC", region=None,
         is_admin=False):
    """An account: a random address and the first free "Tester" name unless given; region is a region slug."""
    return accounts.create_user(email or f"user-{uuid.uuid4().hex[:8]}@example.org",
                                display_name or free_display_name(), password, locale, timezone,
                                region_id(region), is_admin)


def _user(person):
    return person if isinstance(person, User) else db.session.get(User, person)


def _community(place):
    if isinstance(place, Community):
        return place
    return communities.find_community(place) if isinstance(place, str) else db.session.get(Community, place)


def community(slug="circle", kind="thematic", name=None, description=None, region=None, members_only=False,
              premoderate=0, agreements=None):
    """A community; name and description are {locale: text} (by default "<slug> community" and "About <slug>" in
    English and Spanish); region is a region slug; premoderate holds that many first posts of a member."""
    made = communities.create_community(
        slug, kind, name or {"en": f"{slug} community", "es": f"comunidad {slug}"},
        description or {"en": f"About {slug}", "es": f"Sobre {slug}"}, region_id=region_id(region),
        members_only=members_only, agreements=agreements)
    made.premoderate_posts = premoderate
    return made


def member(person, place, role="member", accepted=True, pending=False):
    """Put a person in a community with a role; accepted: its agreements are already accepted."""
    membership = Membership(user_id=_user(person).id, community=_community(place), role=role, pending=pending,
                            agreements_accepted_at=utcnow() if accepted else None)
    db.session.add(membership)
    db.session.flush()
    return membership


def focal_point(person, region):
    """Make a person a focal point of a region (a region slug)."""
    communities.make_focal_point(_user(person), region_id(region))


def cohort(place, name="Spring circle", of=SAMPLE_COURSE, starts_on=date(2030, 1, 1), ends_on=None,
           learners=(), facilitators=(), **fields):
    """A cohort of a course (a slug or a Course) in a community, ending 90 days after it starts unless ends_on is
    given; fields sets any other column (languages, timezone, pacing, created_by_id). Learners join it and
    facilitators are appointed through colab.cohorts.service, which makes them members of the community."""
    made = Cohort(community=_community(place), course=course(of) if isinstance(of, str) else of, name=name,
                  starts_on=starts_on, ends_on=ends_on or starts_on + timedelta(days=90), **fields)
    db.session.add(made)
    db.session.flush()
    for person in learners:
        cohorts.join_cohort(_user(person), made)
    for person in facilitators:
        cohorts.add_facilitator(_user(person), made)
    return made
