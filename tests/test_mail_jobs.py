"""Mail people wait for (an invitation, account mail, a message through the directory) goes through the job
engine: queued in the transaction of the request that stores what it is about, sent once after the commit in
the recipient's language of that moment, tried again while the mail server fails without failing the request,
and never kept in a job as a link or a message's words."""
import email
import email.policy
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import PASSWORD

from colab import jobs, mail
from colab.accounts.models import User
from colab.cohorts.models import Invitation
from colab.communities.models import Cohort, Community
from colab.courses.models import Course
from colab.directory import messages
from colab.directory import service as directory
from colab.directory.models import DirectoryMessage
from colab.extensions import db
from colab.models_base import utcnow

INVITEE, NEWCOMER = "ana@example.org", "newcomer@example.org"
WORDS = "Would you share the notes from the Nairobi meeting?"


# --- helpers -------------------------------------------------------------------------------------------------

def outbox(app):
    return [email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            for path in sorted((Path(app.instance_path) / "outbox").glob("*.eml"))]


def mails_to(app, address):
    return [message for message in outbox(app) if message["To"] == address]


def link_in(message, prefix):
    """The path of the first link in a mail that starts with prefix, or None."""
    found = re.search(rf"https?://[^/\s]+({re.escape(prefix)}\S*)", message.get_content())
    return found.group(1) if found else None


def mail_jobs(app):
    with app.app_context():
        return db.session.scalars(db.select(jobs.Job).where(jobs.Job.task.like("mail.%")).order_by(jobs.Job.id)).all()


def make_due(app):
    """Bring the retries forward: every pending job is due now."""
    with app.app_context():
        db.session.execute(db.update(jobs.Job).where(jobs.Job.status == jobs.JobStatus.PENDING)
                           .values(due_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()


def tick(app):
    with app.app_context():
        return jobs.tick()


def shown(client, response):
    """The page a person reads after the request: the response itself, or where it redirects."""
    if response.status_code == 302:
        return client.get(response.location).get_data(as_text=True)
    return response.get_data(as_text=True)


@pytest.fixture
def mail_server_down(monkeypatch):
    """mail.send fails as an unreachable server does, until .back() is called."""
    class Switch:
        def back(self):
            monkeypatch.undo()

    def broken(*args, **kwargs):
        raise OSError("the mail server is down")
    monkeypatch.setattr(mail, "send", broken)
    return Switch()


@pytest.fixture
def world(app, content, make_user, community_kit):
    """A focal point with a cohort to invite to, Amara who writes to Bola (a published profile, English), and a
    reader who reads Spanish and forgot their password."""
    focal_id, focal = make_user(display_name="Fatou")
    community_kit.focal_point(focal_id, "africa")
    slug = community_kit.community("circle", "regional", region="africa")
    amara_id, amara = make_user(display_name="Amara")
    bola_id, bola = make_user(display_name="Bola")
    reader_id, reader = make_user(display_name="Lectora", locale="es")
    with app.app_context():
        cohort = Cohort(community=db.session.scalar(db.select(Community).filter_by(slug=slug)),
                        course=db.session.scalar(db.select(Course).filter_by(slug="listening-basics")),
                        name="Spring circle", starts_on=date(2030, 1, 6), ends_on=date(2030, 3, 1),
                        languages=["es", "en"], timezone="Africa/Nairobi")
        db.session.add(cohort)
        profile = directory.save_profile(db.session.get(User, bola_id), directory.ProfileData(
            display_name="Bola", country="KE", languages=["en"], topics=["srhr"], published=True))
        db.session.commit()
        return {"focal": focal, "cohort": cohort.id, "amara": amara, "amara_id": amara_id, "bola": bola,
                "bola_id": bola_id, "bola_profile": profile.id, "reader": reader, "reader_id": reader_id}


# --- one request per kind of mail: (recipient, response, what the person is told) -------------------------

def invite(client, auth, world):
    auth.sign_in(world["focal"])
    response = client.post(f"/cohorts/{world['cohort']}/invitations",
                           data={"email": INVITEE, "display_name": "", "language": "es"})
    return INVITEE, response, f"The invitation to {INVITEE} is sent."


def forgot_password(client, auth, world):
    response = client.post("/password/forgot", data={"email": world["reader"]})
    return world["reader"], response, "If an account uses that address, we have sent it a link"


def sign_up(client, auth, world):
    response = client.post("/sign-up", data={"email": NEWCOMER, "display_name": "New Voice", "password": PASSWORD,
                                              "locale": "es", "timezone": "UTC", "region": ""})
    return NEWCOMER, response, "Check your inbox"


def write_to_bola(client, auth, world):
    auth.sign_in(world["amara"])
    response = client.post(f"/directory/people/{world['bola_profile']}/message", data={"body": WORDS})
    return world["bola"], response, "Your message is sent. Your email address was not shown."


KINDS = {
    # request, its task, what its job may hold, the link its mail carries, the mail's subject
    "invitation": (invite, "mail.invitation", {"invitation_id", "link_hash"}, "/invitations/",
                   "Una invitación a Co-Lab"),
    "reset": (forgot_password, "mail.account", {"kind", "nonce", "user_id"}, "/password/reset/",
                       "Tu cuenta de Co-Lab"),
    "sign-up": (sign_up, "mail.account", {"kind", "nonce", "pending_id"}, "/sign-up/confirm/", "Tu cuenta de Co-Lab"),
    "message": (write_to_bola, "mail.directory_message", {"message_id"}, "/directory/messages/",
                          "You have a message on Co-Lab"),
}


@pytest.fixture(params=KINDS, ids=list(KINDS))
def kind(request):
    return KINDS[request.param]


def link_works(app, message, prefix):
    """The link in the mail opens its page for a stranger (a directory message's, for its recipient only)."""
    path = link_in(message, prefix)
    return path is not None and (prefix == "/directory/messages/" or app.test_client().get(path).status_code == 200)


# --- queued with the record, sent once -----------------------------------------------------------------------

WITH_BROKER = pytest.mark.parametrize("app_config", [{"BROKER_URL": "amqp://broker.invalid//"}], ids=["broker"])


@pytest.fixture
def broker(app, monkeypatch):
    """With a broker configured (WITH_BROKER), the ids of the jobs published after a commit are collected here
    instead of going to Celery, and the test runs them as a worker would."""
    assert app.config["BROKER_URL"]
    published = []
    monkeypatch.setattr(jobs, "_publish", lambda job_id, claimed=False: published.append(job_id))
    return published


@WITH_BROKER
def test_each_mail_is_queued_with_its_record_and_sent_once_by_the_worker(app, client, auth, world, kind, broker):
    request, task, fields, prefix, subject = kind
    address, response, told = request(client, auth, world)
    assert response.status_code in (200, 302) and told in shown(client, response)
    assert [message["To"] for message in outbox(app)] == []  # the request sent nothing itself
    [job] = mail_jobs(app)
    assert (job.task, job.status, set(job.payload)) == (task, jobs.JobStatus.PENDING, fields)
    assert broker == [job.id]  # handed to the workers, not run in the request
    assert WORDS not in str(job.payload)  # the words stay in the message's row
    with app.app_context():
        assert jobs.run(job.id) is True
        assert jobs.run(job.id) is False  # a message delivered twice by the broker
        assert jobs.tick() == 0
    [message] = mails_to(app, address)
    assert message["Subject"] == subject and len(outbox(app)) == 1
    assert link_works(app, message, prefix)
    [job] = mail_jobs(app)
    assert job.status == jobs.JobStatus.DONE and job.payload == {}
    token = link_in(message, prefix).split("?")[0].rstrip("/").split("/")[-1]
    assert token not in str([(job.key, job.payload, job.last_error) for job in mail_jobs(app)])  # nor a link


@WITH_BROKER
def test_a_mail_job_is_published_only_once_its_request_committed(app, client, auth, world, monkeypatch):
    visible = []

    def publish(job_id, claimed=False):
        with db.engine.connect() as other:  # what a worker would see
            visible.append(other.scalar(db.select(db.func.count()).select_from(jobs.Job).where(jobs.Job.id == job_id)))
    monkeypatch.setattr(jobs, "_publish", publish)
    write_to_bola(client, auth, world)
    assert visible == [1]


class WorkerDied(BaseException):
    """The worker process ends right after the mail left, before it could record that the job is done."""


@WITH_BROKER
def test_a_worker_that_dies_just_after_sending_does_not_send_again(app, client, auth, world, kind, broker,
                                                                    monkeypatch):
    request, _task, _fields, prefix, _subject = kind
    address, _response, _told = request(client, auth, world)
    [job] = mail_jobs(app)
    send = mail.send

    def send_then_die(*args, **kwargs):
        send(*args, **kwargs)
        raise WorkerDied()
    monkeypatch.setattr(mail, "send", send_then_die)
    with app.app_context(), pytest.raises(WorkerDied):
        jobs.run(job.id)
    monkeypatch.setattr(mail, "send", send)
    with app.app_context():
        db.session.rollback()
        db.session.execute(db.update(jobs.Job).values(locked_until=utcnow() - timedelta(seconds=1)))  # leases lapse
        db.session.commit()
        assert jobs.tick() == 0
    [message] = mails_to(app, address)
    assert len(outbox(app)) == 1 and link_works(app, message, prefix)


# --- a mail server that fails ------------------------------------------------------------------------------

def test_a_failing_mail_server_fails_no_request_and_the_mail_goes_once_it_is_back(app, client, auth, world, kind,
                                                                                 mail_server_down):
    request, task, _fields, prefix, subject = kind
    address, response, told = request(client, auth, world)
    assert response.status_code in (200, 302) and told in shown(client, response)
    [job] = mail_jobs(app)
    assert (job.task, job.status, job.attempts) == (task, jobs.JobStatus.PENDING, 1)
    assert "mail server is down" in job.last_error and job.due_at > utcnow()  # tried again later
    assert outbox(app) == []
    with app.app_context():  # what the mail is about was kept
        assert db.session.scalar(db.select(db.func.count()).select_from(DirectoryMessage)) == \
            (1 if task == "mail.directory_message" else 0)
    assert tick(app) == 0  # not before its time
    mail_server_down.back()
    make_due(app)
    assert tick(app) == 1
    [message] = mails_to(app, address)
    assert message["Subject"] == subject and link_works(app, message, prefix)
    make_due(app)
    assert tick(app) == 0 and len(outbox(app)) == 1
    [job] = mail_jobs(app)
    assert (job.status, job.payload) == (jobs.JobStatus.DONE, {})


def test_a_mail_the_server_never_takes_is_given_up_holding_ids_only(app, client, auth, world, mail_server_down):
    invite(client, auth, world)
    for _ in range(jobs.MAX_ATTEMPTS - 1):
        make_due(app)
        tick(app)
    [job] = mail_jobs(app)
    assert job.status == jobs.JobStatus.FAILED and job.attempts == jobs.MAX_ATTEMPTS
    assert set(job.payload) == {"invitation_id", "link_hash"}
    with app.app_context():  # the hash it was queued with: the link no one was given
        assert db.session.get(Invitation, job.payload["invitation_id"]).token_hash == job.payload["link_hash"]


# --- written when it leaves ---------------------------------------------------------------------------------

def test_the_mail_is_in_the_language_the_recipient_has_when_it_leaves(app, client, auth, world, mail_server_down):
    write_to_bola(client, auth, world)
    with app.app_context():  # Bola switches to Spanish while the mail server is down
        db.session.get(User, world["bola_id"]).locale = "es"
        db.session.commit()
    mail_server_down.back()
    make_due(app)
    tick(app)
    [message] = mails_to(app, world["bola"])
    assert message["Subject"] == "Tienes un mensaje en Co-Lab"
    assert "Amara te escribió a través de Co-Lab" in message.get_content() and WORDS in message.get_content()


def test_a_resent_invitation_is_mailed_once_with_the_newest_link(app, client, auth, world, mail_server_down):
    invite(client, auth, world)
    with app.app_context():
        invitation_id = db.session.scalar(db.select(Invitation.id).filter_by(email=INVITEE))
    assert client.post(f"/cohorts/{world['cohort']}/invitations/{invitation_id}/resend").status_code == 302
    assert len(mail_jobs(app)) == 2
    mail_server_down.back()
    make_due(app)
    assert tick(app) == 2  # the first mail's link was replaced by the resend: it sends nothing
    [message] = mails_to(app, INVITEE)
    assert link_works(app, message, "/invitations/")


def test_a_revoked_invitation_is_not_mailed(app, client, auth, world, mail_server_down):
    invite(client, auth, world)
    with app.app_context():
        invitation_id = db.session.scalar(db.select(Invitation.id).filter_by(email=INVITEE))
    assert client.post(f"/cohorts/{world['cohort']}/invitations/{invitation_id}/revoke").status_code == 302
    mail_server_down.back()
    make_due(app)
    assert tick(app) == 1
    assert outbox(app) == [] and mail_jobs(app)[0].status == jobs.JobStatus.DONE


def test_a_message_from_someone_blocked_meanwhile_is_not_mailed(app, client, auth, world, mail_server_down):
    write_to_bola(client, auth, world)
    with app.app_context():
        messages.block(db.session.get(User, world["bola_id"]), db.session.get(User, world["amara_id"]))
        db.session.commit()
    mail_server_down.back()
    make_due(app)
    assert tick(app) == 1
    assert outbox(app) == []
