"""Background work, one row per piece of it.

`enqueue()` adds a Job to the caller's transaction, so work is never published for a change that was rolled
back. After the commit, a job that is due now is published to Celery when COLAB_BROKER_URL names a broker
(RabbitMQ in production), or run in this process at the end of the request when none does (so `make run`
needs nothing). Work due later waits in its row; `tick()` (Celery beat every minute, or `flask jobs tick`
from cron) claims due rows safely while several workers run: `FOR UPDATE SKIP LOCKED` on PostgreSQL, and
everywhere a conditional UPDATE that only one claimer can win. A claimed job holds a lease: if its worker
dies, the job is due again when the lease runs out. Tasks must be idempotent; a job a worker finished is not
run again, and a payload is emptied once its work is done (a reset link in it must not outlive the mail).
"""
import enum
from datetime import timedelta

from flask import current_app, g, has_request_context
from sqlalchemy import JSON, Integer, String, Text, and_, event, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from .extensions import db
from .models_base import UTCDateTime, choice_type, utcnow

LEASE = timedelta(minutes=10)  # a running job whose worker vanished is due again after this
MAX_ATTEMPTS = 5
TASKS = {}  # name -> function(**payload)


class JobStatus(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"  # gave up after MAX_ATTEMPTS; the error is kept for the operator


class Job(db.Model):
    """A piece of background work: a task name and its plain JSON arguments, due at a time."""

    id: Mapped[int] = mapped_column(primary_key=True)
    task: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    key: Mapped[str | None] = mapped_column(String(160), unique=True)  # the same key is enqueued once only
    status: Mapped[JobStatus] = mapped_column(choice_type(JobStatus, "job_status"), default=JobStatus.PENDING)
    due_at = mapped_column(UTCDateTime, default=utcnow, nullable=False, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until = mapped_column(UTCDateTime)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    finished_at = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")


def task(name):
    """Register function as the task called name."""
    def register(function):
        TASKS[name] = function
        return function
    return register


def enqueue(task_name, payload=None, *, due_at=None, key=None):
    """Add a job to the current transaction; it runs after the commit, or at due_at. With a key already used,
    nothing is added and None is returned."""
    if task_name not in TASKS:
        raise KeyError(f"no task called {task_name!r}")
    job = Job(task=task_name, payload=payload or {}, key=key, due_at=due_at or utcnow())
    if key is None:
        db.session.add(job)
        return job
    try:
        with db.session.begin_nested():
            db.session.add(job)
    except IntegrityError:
        return None
    return job


# --- after the commit: publish or run -------------------------------------------------------------------

@event.listens_for(Session, "after_flush")
def _note_new_jobs(session, flush_context):
    now = utcnow()
    due = [job for job in session.new if isinstance(job, Job) and job.due_at <= now]
    if due:
        session.info.setdefault("colab_due_jobs", []).extend(due)


@event.listens_for(Session, "after_soft_rollback")
def _forget_jobs(session, previous_transaction):
    if not session.in_transaction():
        session.info.pop("colab_due_jobs", None)


@event.listens_for(Session, "after_commit")
def _dispatch(session):
    if session.in_nested_transaction():
        return  # a savepoint was released (enqueue with a key): wait for the real commit
    jobs = session.info.pop("colab_due_jobs", None)
    if not jobs:
        return
    ids = [job.id for job in jobs if job.id is not None]
    if current_app.config.get("BROKER_URL"):
        for job_id in ids:
            _publish(job_id)
    elif has_request_context():
        g.setdefault("colab_jobs", []).extend(ids)


def _publish(job_id, claimed=False):
    """Hand the job to Celery; if the broker cannot be reached, the row stays due (or its lease runs out) and a
    later tick runs it."""
    try:
        from .worker import publish
        publish(current_app._get_current_object(), job_id, claimed)
    except Exception:  # noqa: BLE001 - any broker failure: the job is safe in its row
        current_app.logger.exception("Job %s could not be published; the next tick will run it", job_id)


def run_at_teardown(error=None):
    """teardown_request hook: with no broker, run the jobs this request committed, once it is done with them
    (the embedded default: a mail is written to the outbox before the reader's page is sent; a deployment with
    SMTP sets a broker, so no reader waits for a mail server)."""
    ids = g.pop("colab_jobs", None)
    for job_id in ids or ():
        try:
            run(job_id)
        except Exception:  # noqa: BLE001 - the job stays due; the next tick runs it
            db.session.rollback()
            current_app.logger.exception("Job %s could not run after the request", job_id)


# --- claiming and running -------------------------------------------------------------------------------

def _claimable(now):
    return or_(and_(Job.status == JobStatus.PENDING, Job.due_at <= now),
               and_(Job.status == JobStatus.RUNNING, Job.locked_until < now))


def _claim(job_id, now):
    """Take one job for this worker: only one claimer's conditional UPDATE matches."""
    claimed = db.session.execute(
        update(Job).where(Job.id == job_id, _claimable(now))
        .values(status=JobStatus.RUNNING, locked_until=now + LEASE, attempts=Job.attempts + 1)
        .execution_options(synchronize_session=False))
    return claimed.rowcount == 1


def run(job_id):
    """Claim the job if it is still due and run it (a job published after its commit). Returns whether it ran."""
    if not _claim(job_id, utcnow()):
        db.session.rollback()
        return False
    db.session.commit()
    return execute(job_id)


def execute(job_id):
    """Run the task of a job this worker has claimed, and record how it went. Returns whether it succeeded."""
    job = db.session.get(Job, job_id, populate_existing=True)  # as the claim left it, not as this session saw it
    if job is None or job.status != JobStatus.RUNNING:
        return False
    try:
        _call(job)
    except Exception as error:  # noqa: BLE001 - a task's failure is recorded, never lost
        db.session.rollback()
        _failed(db.session.get(Job, job_id, populate_existing=True), error)
        return False
    job.status, job.finished_at, job.payload, job.locked_until = JobStatus.DONE, utcnow(), {}, None
    db.session.commit()
    return True


def _call(job):
    """Run the task inside a request for PUBLIC_URL when there is none (a worker, a tick), so the links it
    writes into mails are absolute and right."""
    if has_request_context():
        TASKS[job.task](**job.payload)
        return
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        TASKS[job.task](**job.payload)


def _failed(job, error):
    current_app.logger.exception("Job %s (%s) failed", job.id, job.task)
    job.last_error = f"{type(error).__name__}: {error}"[:2000]
    job.locked_until = None
    if job.attempts >= MAX_ATTEMPTS:
        job.status = JobStatus.FAILED
    else:
        job.status, job.due_at = JobStatus.PENDING, utcnow() + timedelta(minutes=2 ** job.attempts)
    db.session.commit()


def claim_due(limit=100):
    """Claim up to limit due jobs for this worker and commit; other tickers skip the rows locked meanwhile
    (PostgreSQL), and the conditional UPDATE keeps any job from being claimed twice (everywhere)."""
    now = utcnow()
    ids = list(db.session.scalars(db.select(Job.id).where(_claimable(now)).order_by(Job.due_at).limit(limit)
                                  .with_for_update(skip_locked=True)))
    claimed = [job_id for job_id in ids if _claim(job_id, now)]
    db.session.commit()
    return claimed


TICK_STEPS = []  # functions run at each tick before due jobs: they turn what is due (digests…) into jobs


def tick(limit=100):
    """Turn due schedules into jobs, then claim the due jobs and run them here, or hand them to Celery workers
    when a broker is configured. Returns how many were claimed."""
    for step in TICK_STEPS:
        step()
        db.session.commit()
    ids = claim_due(limit)
    for job_id in ids:
        if current_app.config.get("BROKER_URL"):
            _publish(job_id, claimed=True)
        else:
            execute(job_id)
    return len(ids)
