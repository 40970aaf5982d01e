"""Settings: these defaults, then instance/config.py, then COLAB_* environment variables."""
import os
import secrets
from pathlib import Path

# Every page's policy (static files need none): our own scripts, styles, images and forms only, never framed.
CONTENT_SECURITY_POLICY = "default-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

DEFAULTS = {
    # Development and tests set DEVELOPMENT or TESTING; anything else is production.
    "DEVELOPMENT": False,
    "SQLALCHEMY_DATABASE_URI": None,  # None: SQLite in the instance folder
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SECURE_COOKIES": None,  # None: secure (HTTPS-only) cookies in production, plain in development and tests
    "PROXY_COUNT": 0,  # reverse proxies in front of the app, so rate limits see the learner's address
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "BABEL_DEFAULT_LOCALE": "en",
    "BABEL_DEFAULT_TIMEZONE": "UTC",
    "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).resolve().parent.parent / "translations"),
    "CONTENT_DIR": str(Path(__file__).resolve().parent.parent / "content"),
    "PASSWORD_HASH_METHOD": "scrypt",  # werkzeug's strong default; tests use a cheap one
    "PASSWORD_RESET_MAX_AGE": 3600,  # seconds a reset link stays valid
    "SIGN_UP_CONFIRM_MAX_AGE": 48 * 3600,  # seconds a sign-up confirmation link stays valid
    "EMAIL_CHANGE_MAX_AGE": 24 * 3600,  # seconds an email-change link stays valid
    # Rate limits. Signed-in people are counted per account, others per network address. Counters live in
    # memory:// per process: right for one process (make run); several processes or hosts share Redis.
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    "WRITE_RATE_LIMIT": "20 per minute;300 per hour",  # every write without a limit of its own, per route
    "SIGN_IN_RATE_LIMIT": "10 per minute;50 per hour",
    "SIGN_UP_RATE_LIMIT": "20 per hour",  # per address: a workshop may share one
    "SIGN_UP_EMAIL_RATE_LIMIT": "3 per hour;10 per day",  # mails to one address, whoever asks
    "EMAIL_CHANGE_RATE_LIMIT": "5 per hour",
    "PASSWORD_CHECK_RATE_LIMIT": "10 per hour",  # all forms that ask the current password together
    "ACCOUNT_RATE_LIMIT": "60 per hour",  # profile saves, signing devices out
    "THREAD_RATE_LIMIT": "10 per hour;2 per minute",
    "POST_RATE_LIMIT": "30 per hour;5 per minute",
    "POST_EDIT_RATE_LIMIT": "30 per hour;5 per minute",
    "REPORT_RATE_LIMIT": "10 per hour",  # reports of posts
    "HARASSMENT_RATE_LIMIT": "10 per hour",  # harassment reports filed, and information added
    "INVITATION_SEND_RATE_LIMIT": "30 per hour;200 per day",  # per account: invite, send a list, resend
    "INVITATION_ACCEPT_RATE_LIMIT": "10 per minute;50 per hour",  # accepting an invitation, per account or address
    "MAX_CONTENT_LENGTH": 512 * 1024,  # the largest request: a form, or a CSV list of 2,000 invitations
    "MAX_FORM_MEMORY_SIZE": 512 * 1024,
    # Publishing content (the course team): only the upload route accepts a larger request, up to the upload's
    # limit; MAX_CONTENT_LENGTH above stays the limit of every other form.
    "PUBLISH_MAX_UPLOAD_BYTES": 20 * 1024 * 1024,  # a zip of a course folder, or one lesson file
    "PUBLISH_MAX_FILES": 1000,  # entries in a zip
    "PUBLISH_MAX_UNPACKED_BYTES": 50 * 1024 * 1024,  # all of a zip's files, unpacked
    "PUBLISH_MAX_RATIO": 100,  # unpacked / packed size of one file above 64 KB: Markdown packs about 3 to 1
    "PUBLISH_STAGED_MAX_AGE": 6 * 3600,  # seconds a checked upload waits to be published
    "PUBLISH_RATE_LIMIT": "30 per hour;5 per minute",  # uploads, publications, restorations, per route and person
    # The commons (calendar, library, directory, search)
    "RESOURCE_MAX_UPLOAD_BYTES": 10 * 1024 * 1024,  # one uploaded library file (PDF, office document, image)
    "RESOURCE_LOW_DATA_BYTES": 500 * 1024,  # files this small carry the "low data" mark
    "RESOURCE_RATE_LIMIT": "10 per hour;30 per day",  # suggestions and uploads, per person
    "EVENT_RATE_LIMIT": "30 per hour",  # events created or changed, per person
    "DIRECTORY_MESSAGE_RATE_LIMIT": "5 per hour;20 per day",  # messages sent through the directory, per person
    "FEED_RATE_LIMIT": "60 per hour",  # fetches of one iCal feed URL (calendar apps poll every few hours)
    "SEARCH_RATE_LIMIT": "60 per minute;600 per hour",  # searches, per person
    "HSTS_SECONDS": 365 * 24 * 3600,  # sent with HTTPS-only cookies; 0 turns it off
    "QUICK_EXIT_URL": "https://www.wikipedia.org/",  # where "Leave quickly" goes: a neutral site
    "MAIL_SERVER": None,  # None: mail is written to instance/outbox/
    "MAIL_PORT": 587,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_USE_TLS": True,
    "MAIL_SENDER": "Co-Lab <no-reply@colab.invalid>",
    "PUBLIC_URL": "http://127.0.0.1:5000",  # where people reach Co-Lab: links in mails sent by background jobs
    # Background jobs: None runs them in this process at the end of the request (and at `flask jobs tick`);
    # a broker URL (amqp://guest:guest@127.0.0.1:5672//) hands them to Celery workers.
    "BROKER_URL": None,
    "BROKER_QUEUE": "colab",  # the queue web processes publish to and workers consume (one per deployment)
    "JOBS_TICK_SECONDS": 60,  # how often Celery beat ticks (cron runs `flask jobs tick` at its own pace)
    "PER_PAGE": 50,
    "POSTS_PER_PAGE": 30,
    "LOW_DATA_POSTS_PER_PAGE": 10,  # a thread's page in low-data mode
    "POST_EDIT_MINUTES": 30,  # authors may edit a post this long after writing it
    "INVITATION_DAYS": 14,  # an invitation link works this many days after it is sent
    "INVITATION_MAX_ROWS": 2000,  # the most rows a CSV list of invitations may have
    "REPORT_MIN_GROUP": 5,  # the course team's report shows no figure computed from fewer people than this
    "COMPRESS_ALGORITHM": ["br", "gzip"],  # pages; gzip for older phones (static files come precompressed)
    "COMPRESS_ALGORITHM_STREAMING": ["br", "gzip"],  # downloads sent as streams
    # brotli 6: 6.5 % smaller pages than the default 4 for about half a millisecond; 7 and up are no smaller and take
    # twice the time, 10 is 10 % smaller and takes fifteen times. Text mode: pages are text.
    "COMPRESS_BR_LEVEL": 6,
    "COMPRESS_BR_MODE": 1,
    "COMPRESS_MIN_SIZE": 500,
    "SEND_FILE_MAX_AGE_DEFAULT": 365 * 24 * 3600,  # static URLs carry a content hash
}

# Environment names that are not simply "COLAB_" + the setting's name.
ENV_ALIASES = {"DATABASE_URL": "SQLALCHEMY_DATABASE_URI"}


def load(app, overrides=None):
    """Fill app.config in order: defaults, instance/config.py, environment, overrides."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("COLAB")
    for alias, name in ENV_ALIASES.items():
        if alias in app.config:
            app.config[name] = app.config.pop(alias)
    if overrides:
        app.config.update(overrides)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "colab.sqlite")
    _ensure_secret_key(app)
    secure = app.config["SECURE_COOKIES"]
    if secure is None:
        secure = not (app.config["DEVELOPMENT"] or app.config.get("TESTING"))
    app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = bool(secure)


def _ensure_secret_key(app):
    """Refuse to run in production without COLAB_SECRET_KEY; in development keep one in instance/."""
    if app.config.get("SECRET_KEY"):
        return
    if not (app.config["DEVELOPMENT"] or app.config.get("TESTING")):
        raise RuntimeError(
            "COLAB_SECRET_KEY is not set. Set it to a long random value "
            "(python -c 'import secrets; print(secrets.token_hex(32))') before starting Co-Lab "
            "in production, or set COLAB_DEVELOPMENT=1 on a development machine."
        )
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()
