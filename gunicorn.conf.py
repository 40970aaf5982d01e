"""gunicorn settings for Co-Lab: `gunicorn -c gunicorn.conf.py wsgi:app` (what `make run` does).

One process with threads by default, so the embedded SQLite database and the in-memory rate-limit
counters are shared by every request. Several processes or hosts need shared counters: set
COLAB_RATELIMIT_STORAGE_URI (e.g. redis://127.0.0.1:6379/0) before raising WEB_CONCURRENCY.
"""
import os

bind = os.environ.get("COLAB_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
threads = int(os.environ.get("COLAB_THREADS", "4"))
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn 27's control socket defaults to ~/.gunicorn/gunicorn.ctl, shared by every server the same user
# runs (two app servers, the benchmark's "hello"): each would take the others' socket. Co-Lab does not use it.
control_socket_disable = True


def on_starting(server):
    """Refuse to run several processes that would each keep their own rate-limit counters."""
    storage = os.environ.get("COLAB_RATELIMIT_STORAGE_URI", "memory://")
    if server.cfg.workers > 1 and storage.startswith("memory://"):
        raise SystemExit(
            "Co-Lab: WEB_CONCURRENCY > 1 needs shared rate-limit counters. Set COLAB_RATELIMIT_STORAGE_URI "
            "to a Redis URL (e.g. redis://127.0.0.1:6379/0), or run one process.")
