"""With COLAB_BROKER_URL set, jobs go through RabbitMQ to a real Celery worker process: a job published after its
commit runs there once, and a tick hands due jobs to it. Skipped without RabbitMQ, required under CI."""
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import make_test_app, skip_or_fail

from colab import jobs
from colab.accounts import service as accounts
from colab.accounts.models import User, UserSession
from colab.extensions import db
from colab.models_base import utcnow
from colab.notifications.models import Notification

BROKER = os.environ.get("COLAB_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
ROOT = Path(__file__).resolve().parent.parent


def broker_reachable():
    try:
        with socket.create_connection(("127.0.0.1", 5672), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def worker_app(tmp_path_factory):
    """An app on a SQLite file with a broker and a queue of its own, and a Celery worker serving that queue (one
    for the module: a worker takes seconds to start)."""
    tmp_path = tmp_path_factory.mktemp("celery")
    if not broker_reachable():
        skip_or_fail("Celery tests skipped: no RabbitMQ on 127.0.0.1:5672")
    queue = f"colab-test-{uuid.uuid4().hex[:8]}"
    database = "sqlite:///" + str(tmp_path / "colab.sqlite")
    instance = tmp_path / "instance"
    app = make_test_app(database, instance, BROKER_URL=BROKER, BROKER_QUEUE=queue)
    with app.app_context():
        db.create_all()
        accounts.ensure_regions()
        db.session.commit()
    env = {**os.environ, "COLAB_DATABASE_URL": database, "COLAB_BROKER_URL": BROKER, "COLAB_BROKER_QUEUE": queue,
           "COLAB_SECRET_KEY": "test secret key", "COLAB_INSTANCE_PATH": str(instance),
           "COLAB_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed below
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "colab.worker", "worker", "--pool=solo",
                               "--without-heartbeat", "--without-gossip", "--without-mingle", "-Q", queue,
                               "--loglevel=INFO"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    yield app
    worker.send_signal(signal.SIGQUIT)  # the checks are done: a cold shutdown, not a warm one waiting on the broker
    worker.wait(timeout=20)
    log.close()
    with app.app_context():
        from colab.worker import celery_for
        with celery_for(app).connection_for_write() as connection:
            connection.default_channel.queue_delete(queue)
        db.engine.dispose()


def wait_for(check, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def job_status(app, job_id):
    with app.app_context():
        return db.session.scalar(db.select(jobs.Job.status).filter_by(id=job_id))


def outbox(app):
    return list((Path(app.instance_path) / "outbox").glob("*.eml"))


def away_with_news(app, due=True):
    """A person away for weeks with an unread notification (and a digest due now); returns their id."""
    with app.app_context():
        tag = uuid.uuid4().hex[:6]
        user = accounts.create_user(f"away-{tag}@example.org", f"Away {tag}", "a long passphrase here")
        db.session.flush()
        db.session.add(UserSession(user_id=user.id, token_hash=uuid.uuid4().hex * 2,
                                   last_seen_at=utcnow() - timedelta(days=30)))
        db.session.add(Notification(user_id=user.id, kind="join_approved", params={}))
        user.digest_due_at = utcnow() + timedelta(minutes=-1 if due else 60)
        db.session.commit()
        return user.id


def test_a_job_published_after_its_commit_runs_once_in_the_worker(worker_app):
    user_id = away_with_news(worker_app, due=False)
    with worker_app.test_request_context("/"):
        job = jobs.enqueue("notifications.digest", {"user_id": user_id,
                                                    "since": (utcnow() - timedelta(days=7)).isoformat()})
        db.session.commit()
        job_id = job.id
    assert wait_for(lambda: job_status(worker_app, job_id) == jobs.JobStatus.DONE), \
        (Path(worker_app.instance_path).parent / "worker.log").read_text()[-3000:]
    assert len(outbox(worker_app)) == 1
    with worker_app.app_context():
        from colab.worker import publish
        publish(worker_app, job_id)  # the same message delivered again: the row says it is done
    time.sleep(1.5)
    assert len(outbox(worker_app)) == 1
    for path in outbox(worker_app):
        path.unlink()


def test_the_tick_hands_due_digests_to_the_worker(worker_app):
    user_id = away_with_news(worker_app)
    with worker_app.app_context():
        jobs.tick()  # the digest becomes a job, published as it commits (or claimed and handed over by the tick)
        assert db.session.get(User, user_id).digest_due_at > utcnow()
    assert wait_for(lambda: len(outbox(worker_app)) == 1)
