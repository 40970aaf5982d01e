"""Background jobs: published only after the commit, run once however many claim them, retried after a
failure, picked up again when a worker dies, and emptied of their payload once done."""
from datetime import timedelta

import pytest

from colab import jobs
from colab.extensions import db
from colab.models_base import utcnow

RAN = []


@jobs.task("tests.record")
def record(word):
    RAN.append(word)


@jobs.task("tests.fail")
def fail(word):
    raise RuntimeError(f"cannot {word}")


@pytest.fixture(autouse=True)
def forget_runs():
    RAN.clear()
    yield
    RAN.clear()


def stored(app, job_id):
    with app.app_context():
        return db.session.get(jobs.Job, job_id)


def test_a_job_enqueued_in_a_request_runs_after_its_commit_and_not_before(app):
    with app.test_request_context("/"):
        job = jobs.enqueue("tests.record", {"word": "after"})
        db.session.flush()
        assert RAN == []
        db.session.commit()
        assert RAN == []  # not inside the commit: at the end of the request
        job_id = job.id
    assert RAN == ["after"]
    job = stored(app, job_id)
    assert job.status == jobs.JobStatus.DONE and job.payload == {} and job.attempts == 1


def test_a_rolled_back_transaction_runs_nothing(app):
    with app.test_request_context("/"):
        jobs.enqueue("tests.record", {"word": "never"})
        db.session.flush()
        db.session.rollback()
    assert RAN == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(jobs.Job)) == 0


def test_a_key_is_enqueued_once(app):
    with app.app_context():
        assert jobs.enqueue("tests.record", {"word": "one"}, key="once", due_at=utcnow() + timedelta(hours=1))
        assert jobs.enqueue("tests.record", {"word": "two"}, key="once") is None
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count()).select_from(jobs.Job)) == 1


def test_a_job_due_later_waits_for_the_tick_and_runs_once_however_many_ticks(app):
    with app.app_context():
        job = jobs.enqueue("tests.record", {"word": "later"}, due_at=utcnow() + timedelta(minutes=5))
        db.session.commit()
        assert jobs.tick() == 0 and RAN == []
        job.due_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        assert jobs.tick() == 1
        assert jobs.tick() == 0 and jobs.run(job.id) is False
    assert RAN == ["later"]


def test_a_failing_job_is_retried_later_then_given_up_with_its_error(app):
    with app.app_context():
        job = jobs.enqueue("tests.fail", {"word": "fly"})
        db.session.commit()
        assert jobs.run(job.id) is False
        job = db.session.get(jobs.Job, job.id)
        assert job.status == jobs.JobStatus.PENDING and job.due_at > utcnow() and "cannot fly" in job.last_error
        for _ in range(jobs.MAX_ATTEMPTS):
            job.due_at = utcnow() - timedelta(seconds=1)
            db.session.commit()
            jobs.tick()
        job = db.session.get(jobs.Job, job.id)
        assert job.status == jobs.JobStatus.FAILED and job.attempts == jobs.MAX_ATTEMPTS


def test_a_job_whose_worker_died_is_due_again_when_its_lease_runs_out(app):
    with app.app_context():
        job = jobs.enqueue("tests.record", {"word": "again"}, due_at=utcnow() - timedelta(seconds=1))
        db.session.commit()
        assert jobs.claim_due() == [job.id]  # claimed, then the worker vanished before running it
        assert jobs.claim_due() == []  # its lease holds
        job.locked_until = utcnow() - timedelta(seconds=1)
        db.session.commit()
        assert jobs.tick() == 1
    assert RAN == ["again"]


def test_the_cli_tick_runs_due_jobs(app, runner):
    with app.app_context():
        jobs.enqueue("tests.record", {"word": "cron"}, due_at=utcnow() - timedelta(seconds=1))
        db.session.commit()
    result = runner.invoke(args=["jobs", "tick"])
    assert result.exit_code == 0 and "1 job(s) due" in result.output
    assert RAN == ["cron"]
    assert "done: 1" in runner.invoke(args=["jobs", "status"]).output
