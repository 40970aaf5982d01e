"""The Celery side of colab.jobs, used only when COLAB_BROKER_URL names a broker (RabbitMQ in production).

    celery -A colab.worker worker     runs published jobs
    celery -A colab.worker beat       calls jobs.tick() every JOBS_TICK_SECONDS

The web processes only publish a job's id (never its payload, which stays in the database row); the worker
claims the row before running it, so a message delivered twice runs the work once.
"""
from functools import cache

from celery import Celery

from . import jobs


def celery_for(app):
    """The Celery application bound to this Flask app's broker (made once per app)."""
    celery = app.extensions.get("colab_celery")
    if celery is None:
        celery = Celery("colab", broker=app.config["BROKER_URL"], set_as_current=False)
        celery.conf.update(
            task_serializer="json", accept_content=["json"], task_ignore_result=True,
            task_default_queue=app.config["BROKER_QUEUE"],
            task_acks_late=True, worker_prefetch_multiplier=1,  # a job a dead worker held is delivered again
            broker_connection_retry_on_startup=True, broker_connection_timeout=3,
            beat_schedule={"colab-tick": {"task": "colab.tick", "schedule": float(app.config["JOBS_TICK_SECONDS"])}},
        )
        _define_tasks(celery, app)
        app.extensions["colab_celery"] = celery
    return celery


def _define_tasks(celery, app):
    @celery.task(name="colab.run")
    def run(job_id):
        """A job published after the commit that created it: claim it, then run it."""
        with app.app_context():
            jobs.run(job_id)

    @celery.task(name="colab.execute")
    def execute(job_id):
        """A job the tick already claimed."""
        with app.app_context():
            jobs.execute(job_id)

    @celery.task(name="colab.tick")
    def tick():
        with app.app_context():
            jobs.tick()


def publish(app, job_id, claimed=False):
    """Send one job's id to the workers, without retrying: a job that is not published stays due in its row."""
    celery_for(app).send_task("colab.execute" if claimed else "colab.run", args=[job_id], retry=False)


def __getattr__(name):
    """`celery -A colab.worker` asks this module for `celery`: build the Flask app and its Celery app then."""
    if name == "celery":
        return _worker_celery()
    raise AttributeError(name)


@cache
def _worker_celery():
    from . import create_app
    return celery_for(create_app())
