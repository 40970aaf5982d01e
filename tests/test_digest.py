"""Notifications by email: a digest at about 8:00 in the person's time zone, daily or weekly, only when they have
not been on Co-Lab since the last one, in their language, never with the same notification twice; alerts at
once; and a link that stops the digests without signing in."""
import re
from datetime import datetime, timedelta, timezone
from email import message_from_bytes
from email.policy import default as mail_policy
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from colab import jobs
from colab.accounts.models import Digest, User, UserSession
from colab.extensions import db
from colab.models_base import utcnow
from colab.notifications import email as digests
from colab.notifications.models import Notification
from colab.notifications.service import notify

UTC = timezone.utc
UPDATE = "There is an update in one of your communities."  # join_approved, worded without its community


def mails(app):
    return [message_from_bytes(path.read_bytes(), policy=mail_policy)
            for path in sorted((Path(app.instance_path) / "outbox").glob("*.eml"))]


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message):
    return message.get_body(preferencelist=("html",)).get_content()


def test_a_digest_is_due_at_eight_in_the_persons_time_zone_daily_or_on_monday_weekly():
    after = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday, 15:00 in Nairobi
    daily = digests.next_due(Digest.DAILY, "Africa/Nairobi", after)
    nairobi = ZoneInfo("Africa/Nairobi")
    assert daily.astimezone(nairobi) == datetime(2026, 11, 26, 8, 0, tzinfo=nairobi)
    weekly = digests.next_due(Digest.WEEKLY, "America/Bogota", after)
    local = weekly.astimezone(ZoneInfo("America/Bogota"))
    assert (local.weekday(), local.hour, local.minute, local.date().isoformat()) == (0, 8, 0, "2026-11-30")
    assert digests.next_due(Digest.OFF, "UTC", after) is None
    # Summer time begins in Amsterdam on 29 March 2026: still 8:00 on the clock, one hour less in UTC.
    before, during = (digests.next_due(Digest.DAILY, "Europe/Amsterdam", datetime(2026, 3, day, 12, tzinfo=UTC))
                      for day in (27, 29))
    assert (before.hour, during.hour) == (7, 6)
    assert digests.next_due(Digest.DAILY, "Not/AZone", after).hour == 8  # an unknown zone reads as UTC


@pytest.fixture
def person(app, make_user):
    """An English learner who signed in once, three weeks ago, and has two unread notifications."""
    user_id, email = make_user(email="reader@example.org", timezone="Africa/Nairobi")
    with app.app_context():
        db.session.add(UserSession(user_id=user_id, token_hash="s" * 64, last_seen_at=utcnow() - timedelta(days=21)))
        for _ in range(2):
            db.session.add(Notification(user_id=user_id, kind="join_approved", params={}))
        db.session.commit()
    return user_id, email


def make_due(app, user_id, when=None):
    with app.app_context():
        db.session.get(User, user_id).digest_due_at = when or utcnow() - timedelta(minutes=1)
        db.session.commit()


def test_a_person_away_gets_one_digest_a_period_and_never_the_same_notification_twice(app, person):
    user_id, address = person
    with app.app_context():
        jobs.tick()  # the first tick gives them a due time: next Monday, 8:00 in Nairobi
        due = db.session.get(User, user_id).digest_due_at
        assert due > utcnow() and due.astimezone(ZoneInfo("Africa/Nairobi")).hour == 8
    assert mails(app) == []
    make_due(app, user_id)
    with app.app_context():
        jobs.tick()
        jobs.tick()  # a second tick in the same period adds nothing
        assert db.session.get(User, user_id).digest_due_at > utcnow()
    [digest] = mails(app)
    assert digest["To"] == address and digest["Subject"] == "Your Co-Lab summary"
    body = text_of(digest)
    assert body.count(UPDATE) == 2 and "/email/stop/" in body
    assert UPDATE in html_of(digest)
    assert str(digest["List-Unsubscribe"]).strip().startswith("<http")
    make_due(app, user_id)  # the next period: nothing new, so no mail
    with app.app_context():
        jobs.tick()
        db.session.add(Notification(user_id=user_id, kind="join_approved", params={}))  # one new notification
        db.session.commit()
    make_due(app, user_id)
    with app.app_context():
        jobs.tick()
    assert len(mails(app)) == 2
    assert text_of(mails(app)[-1]).count(UPDATE) == 1  # only the new one


def test_nobody_who_was_on_co_lab_during_the_period_gets_a_digest(app, person):
    user_id, _address = person
    with app.app_context():
        db.session.scalar(db.select(UserSession).filter_by(user_id=user_id)).last_seen_at = utcnow()
        db.session.commit()
    make_due(app, user_id)
    with app.app_context():
        jobs.tick()
    assert mails(app) == []


def test_a_digest_is_written_in_the_persons_language_and_discreet_mode_names_nothing(app, make_user, community_kit):
    user_id, _ = make_user(email="lector@example.org", locale="es")
    other_id, _ = make_user(email="other@example.org")
    community_kit.community("circle")
    community_kit.member(user_id, "circle")
    community_kit.member(other_id, "circle")
    thread_id = community_kit.thread(other_id, "circle", title="Masculinities and care")
    with app.app_context():
        from colab.communities.models import Thread
        person = db.session.get(User, user_id)
        person.discreet = True
        notify(user_id, "reply", thread=db.session.get(Thread, thread_id), actor=db.session.get(User, other_id))
        db.session.commit()
    make_due(app, user_id)
    with app.app_context():
        jobs.tick()
    [digest] = mails(app)
    assert digest["Subject"] == "Tu resumen de Co-Lab"
    assert "Masculinities and care" not in digest.as_string() and "Tienes una nueva respuesta." in text_of(digest)


def test_a_mail_that_fails_is_tried_again_with_the_same_notifications(app, person, monkeypatch):
    user_id, _ = person
    make_due(app, user_id)

    def broken(*args, **kwargs):
        raise OSError("the mail server is down")
    monkeypatch.setattr(digests.mail, "send", broken)
    with app.app_context():
        jobs.tick()
        assert db.session.scalar(db.select(db.func.count()).select_from(Notification)
                                 .where(Notification.emailed_at.is_not(None))) == 0
        job = db.session.scalar(db.select(jobs.Job).filter_by(task="notifications.digest"))
        assert job.status == jobs.JobStatus.PENDING and "mail server is down" in job.last_error
    monkeypatch.undo()
    with app.app_context():
        job = db.session.scalar(db.select(jobs.Job).filter_by(task="notifications.digest"))
        job.due_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        jobs.tick()
    [digest] = mails(app)
    assert text_of(digest).count(UPDATE) == 2


def test_the_link_in_a_digest_stops_digests_without_signing_in(app, client, person):
    user_id, _ = person
    make_due(app, user_id)
    with app.app_context():
        jobs.tick()
    link = re.search(r"https?://[^/\s]+(/email/stop/\S+)", text_of(mails(app)[0])).group(1)
    page = client.get(link)
    assert page.status_code == 200 and "Stop summary emails" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user_id).digest == Digest.WEEKLY  # opening the link changes nothing
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    done = client.post(link, data={"csrf_token": token}, csrf=False)
    assert done.status_code == 200 and "no more summary emails" in done.get_data(as_text=True)
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user.digest == Digest.OFF and user.digest_due_at is None
    assert client.get("/email/stop/not-a-real-token").status_code == 404
    assert client.post(link, data={}, csrf=False).status_code == 400  # no CSRF token, no change


def test_the_account_page_sets_the_rhythm_and_a_new_rhythm_is_scheduled_afresh(app, client, auth, person):
    user_id, address = person
    make_due(app, user_id, utcnow() + timedelta(days=3))
    auth.sign_in(address)
    page = client.get("/account").get_data(as_text=True)
    assert re.search(r'<option selected value="weekly">', page)
    form = {"display_name": "Tester", "locale": "en", "timezone": "Africa/Nairobi", "region": "", "digest": "daily"}
    assert client.post("/account", data=form).status_code == 302
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user.digest == Digest.DAILY and user.digest_due_at is None
        jobs.tick()
        assert db.session.get(User, user_id).digest_due_at <= utcnow() + timedelta(days=1)


def test_an_alert_is_mailed_at_once_and_left_out_of_the_next_digest(app, client, auth, make_user, community_kit):
    moderator_id, moderator = make_user(email="moderator@example.org")
    reporter_id, reporter = make_user(email="reporter@example.org")
    author_id, _ = make_user(email="author@example.org")
    community_kit.community("circle")
    community_kit.member(moderator_id, "circle", role="facilitator")
    community_kit.member(reporter_id, "circle")
    community_kit.member(author_id, "circle")
    thread_id = community_kit.thread(author_id, "circle", title="On care", body="Something hurtful")
    with app.app_context():
        from colab.communities.models import Post
        post_id = db.session.scalar(db.select(Post.id).filter_by(thread_id=thread_id))
    auth.sign_in(reporter)
    response = client.post(f"/communities/circle/threads/{thread_id}/posts/{post_id}/report",
                           data={"reason": "harassment", "note": ""})
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
    [alert] = [message for message in mails(app) if message["To"] == moderator]
    assert alert["Subject"] == "Something is waiting for you on Co-Lab"
    assert "reporter@example.org" not in alert.as_string()
    make_due(app, moderator_id)
    with app.app_context():
        db.session.add(UserSession(user_id=moderator_id, token_hash="m" * 64,
                                   last_seen_at=utcnow() - timedelta(days=30)))
        db.session.commit()
        jobs.tick()
    assert len([message for message in mails(app) if message["To"] == moderator]) == 1  # not mailed again
