"""A learner of a scheduled cohort: modules open on dates, in the cohort's time zone, shown in the reader's."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import factories
import pytest
from babel.dates import format_date
from conftest import SAMPLE_CONTENT

from colab.accounts.models import User
from colab.cohorts import service as cohorts
from colab.cohorts.models import ModuleRelease
from colab.communities.models import Cohort, Pacing
from colab.courses.models import Enrolment, LessonProgress, Module
from colab.courses.sync import sync_content
from colab.extensions import db

COURSE = "/courses/listening-basics/"
LOCKED = COURSE + "listening-in-groups/"
LOCKED_BODY = "In a group, notice who has not spoken yet."


def text(response):
    return response.get_data(as_text=True)


def local_today(tz):
    return datetime.now(ZoneInfo(tz)).date()


@pytest.fixture
def cohort_of(app, content, community_kit):
    """cohort_of(pacing, tz, starts_on): a cohort of the sample course; returns its id."""
    slug = community_kit.community("circle", region="africa")

    def factory(pacing=Pacing.SCHEDULED, tz="UTC", starts_on=None, ends_on=None, name="Spring circle"):
        with app.app_context():
            starts_on = starts_on or local_today(tz)
            cohort = factories.cohort(slug, name, starts_on=starts_on,
                                      ends_on=ends_on or starts_on + timedelta(days=60), timezone=tz, pacing=pacing,
                                      languages=["en", "es"])
            db.session.commit()
            return cohort.id
    return factory


@pytest.fixture
def join(app):
    def joiner(user_id, cohort_id):
        with app.app_context():
            cohorts.join_cohort(db.session.get(User, user_id), db.session.get(Cohort, cohort_id))
            db.session.commit()
    return joiner


def set_cohort(app, cohort_id, **fields):
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        for name, value in fields.items():
            setattr(cohort, name, value)
        db.session.commit()


def release(app, cohort_id, day):
    """Give the cohort its own date for the second module."""
    with app.app_context():
        module = db.session.scalar(db.select(Module).filter_by(slug="going-deeper"))
        row = db.session.scalar(db.select(ModuleRelease).filter_by(cohort_id=cohort_id, module_id=module.id))
        if row is None:
            db.session.add(ModuleRelease(cohort_id=cohort_id, module_id=module.id, opens_on=day))
        else:
            row.opens_on = day
        db.session.commit()


def test_a_locked_module_is_listed_with_its_date_and_not_linked(client, auth, cohort_of, join):
    cohort_id = cohort_of()
    user_id, _ = auth.as_new_user()
    join(user_id, cohort_id)
    opens = format_date(local_today("UTC") + timedelta(days=7), "long", locale="en")
    page = text(client.get(COURSE))
    assert f"opens on {opens}" in page
    assert f'href="{LOCKED}"' not in page
    assert f'href="{COURSE}why-listen/"' in page  # the first module is open


def test_the_date_is_in_the_readers_language(client, auth, cohort_of, join):
    cohort_id = cohort_of()
    user_id, _ = auth.as_new_user(locale="es")
    join(user_id, cohort_id)
    opens = format_date(local_today("UTC") + timedelta(days=7), "long", locale="es")
    assert " de " in opens
    assert opens in text(client.get(COURSE))
    assert opens in text(client.get(COURSE + "listening-to-disagree/"))  # the pager names the next lesson's date


def test_a_locked_lesson_says_when_it_opens_and_cannot_be_done(client, auth, app, cohort_of, join):
    cohort_id = cohort_of()
    user_id, _ = auth.as_new_user()
    join(user_id, cohort_id)
    opens = format_date(local_today("UTC") + timedelta(days=7), "long", locale="en")
    response = client.get(LOCKED)
    page = text(response)
    assert response.status_code == 403
    assert "Listening in groups" in page and f"This lesson opens on {opens}." in page
    assert f'href="{COURSE}"' in page and LOCKED_BODY not in page
    assert client.post(LOCKED + "complete").status_code == 403
    assert client.post(LOCKED + "activities/anything", data={"a-anything-text": "Hi"}).status_code == 403
    with app.app_context():
        assert db.session.scalar(db.select(LessonProgress).filter_by(user_id=user_id)) is None
        enrolment = db.session.scalar(db.select(Enrolment).filter_by(user_id=user_id))
        assert enrolment.last_lesson_id is None and enrolment.completed_at is None


def test_continue_and_next_never_lead_into_a_locked_lesson(client, auth, app, cohort_of, join):
    user_id, _ = auth.as_new_user()
    client.get(LOCKED)  # read on their own first: the bookmark sits in module 2
    join(user_id, cohort_of())
    overview = text(client.get(COURSE))
    assert "Continue: Why listen?" in overview and "Continue: Listening in groups" not in overview
    home = text(client.get("/"))
    assert "Continue: Why listen?" in home and "Continue: Listening in groups" not in home
    page = text(client.get(COURSE + "listening-to-disagree/"))
    assert 'rel="next"' not in page and "Listening in groups · opens on" in page
    assert client.post(COURSE + "why-listen/complete").location.endswith(COURSE + "listening-to-disagree/")
    response = client.post(COURSE + "listening-to-disagree/complete")
    assert response.location.endswith(COURSE)
    overview = text(client.get(COURSE))
    assert "You have done every lesson open so far. The next ones open on" in overview
    assert "Continue:" not in overview and "Course completed" not in overview


def test_a_module_opens_at_midnight_in_the_cohorts_time_zone(client, auth, app, cohort_of, join):
    cohort_id = cohort_of(tz="America/Bogota")
    user_id, _ = auth.as_new_user(timezone="Asia/Tokyo")
    join(user_id, cohort_id)
    bogota_today = local_today("America/Bogota")
    # Bogota's midnight is 05:00 UTC, 14:00 in Tokyo: the Tokyo reader sees the date and the time.
    release(app, cohort_id, bogota_today + timedelta(days=1))
    tomorrow = datetime.combine(bogota_today + timedelta(days=1), datetime.min.time(), ZoneInfo("America/Bogota"))
    in_tokyo = tomorrow.astimezone(ZoneInfo("Asia/Tokyo"))
    assert in_tokyo.hour == 14
    page = text(client.get(COURSE))
    assert f"opens on {format_date(in_tokyo.date(), 'long', locale='en')} at 2:00" in page
    assert client.get(LOCKED).status_code == 403
    # Today in Bogota: its midnight has passed, so the module is open (wherever the reader is).
    release(app, cohort_id, bogota_today)
    assert client.get(LOCKED).status_code == 200
    # Moving the start date moves the default plan (module 2 opens 7 days after the start).
    with app.app_context():
        db.session.execute(db.delete(ModuleRelease))
        db.session.commit()
    set_cohort(app, cohort_id, starts_on=bogota_today - timedelta(days=6))
    assert client.get(LOCKED).status_code == 403
    set_cohort(app, cohort_id, starts_on=bogota_today - timedelta(days=7))
    page = text(client.get(LOCKED))
    assert LOCKED_BODY in page


def test_a_utc_reader_sees_the_time_a_bogota_module_opens(client, auth, app, cohort_of, join):
    cohort_id = cohort_of(tz="America/Bogota")
    user_id, _ = auth.as_new_user()
    join(user_id, cohort_id)
    day = local_today("America/Bogota") + timedelta(days=3)
    release(app, cohort_id, day)
    assert f"opens on {format_date(day, 'long', locale='en')} at 5:00" in text(client.get(COURSE))


def test_a_self_paced_cohort_locks_nothing(client, auth, cohort_of, join):
    user_id, _ = auth.as_new_user()
    join(user_id, cohort_of(pacing=Pacing.SELF_PACED))
    page = text(client.get(COURSE))
    assert "opens on" not in page and f'href="{LOCKED}"' in page
    assert client.get(LOCKED).status_code == 200


def test_everything_stays_open_after_the_cohort_ends(client, auth, cohort_of, join):
    starts_on = local_today("UTC") - timedelta(days=90)
    user_id, _ = auth.as_new_user()
    join(user_id, cohort_of(starts_on=starts_on, ends_on=starts_on + timedelta(days=30)))
    assert "opens on" not in text(client.get(COURSE))
    assert client.get(LOCKED).status_code == 200
    assert client.post(LOCKED + "complete").status_code == 302


def test_a_module_dated_after_the_end_opens_when_the_cohort_ends(client, auth, app, cohort_of, join):
    starts_on = local_today("UTC") - timedelta(days=40)
    user_id, _ = auth.as_new_user()
    cohort_id = cohort_of(starts_on=starts_on, ends_on=starts_on + timedelta(days=30))
    join(user_id, cohort_id)
    release(app, cohort_id, local_today("UTC") + timedelta(days=30))  # a date past the cohort's end
    assert client.get(LOCKED).status_code == 200


def test_people_outside_the_cohort_see_no_locks(client, auth, cohort_of, join, make_user):
    cohort_id = cohort_of()
    learner_id, _ = make_user()
    join(learner_id, cohort_id)
    auth.as_new_user()
    assert "opens on" not in text(client.get(COURSE))
    assert client.get(LOCKED).status_code == 200


def test_content_resync_keeps_the_plan(client, auth, app, cohort_of, join):
    """Re-running the content sync keeps module offsets, so the learner's dates stay as they were."""
    user_id, _ = auth.as_new_user()
    join(user_id, cohort_of())
    with app.app_context():
        sync_content(SAMPLE_CONTENT)
        db.session.commit()
    assert client.get(LOCKED).status_code == 403


def test_the_lock_holds_until_the_moment_it_opens(app, cohort_of, join, make_user):
    """The service agrees with the pages: the module is locked until local midnight of its date, then open."""
    from colab.cohorts import pacing
    cohort_id = cohort_of(tz="America/Bogota")
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        opening = next(o for o in pacing.plan(cohort) if o.module.slug == "going-deeper")
        expected = datetime.combine(cohort.starts_on + timedelta(days=7), datetime.min.time(),
                                    ZoneInfo("America/Bogota")).astimezone(timezone.utc)
        assert opening.opens_at == expected
