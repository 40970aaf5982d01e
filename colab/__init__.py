"""Co-Lab: the learning platform of the MenEngage Learning Collaborative."""
import os
from pathlib import Path

from flask import Flask, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine

from . import config, jobs, low_data, policy
from .compact_templates import CompactLoader
from .config import CONTENT_SECURITY_POLICY
from .dates import date_filter, datetime_filter
from .extensions import babel, compress, csrf, db, limiter, login_manager, migrate
from .i18n import LANGUAGES, select_locale, select_timezone
from .static_files import SessionInterface, icon_data_uri, serve_static, static_url
from .urls import BoundedIntConverter


def create_app(overrides=None, instance_path=None):
    """Build the application: settings, extensions, blueprints, template helpers, commands. The instance folder
    (SQLite database, outbox, uploads) is instance/ beside the code unless COLAB_INSTANCE_PATH names another."""
    instance_path = instance_path or os.environ.get("COLAB_INSTANCE_PATH") or None
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    app.url_map.converters["int"] = BoundedIntConverter  # before any route is added
    config.load(app, overrides)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _init_extensions(app)
    _register_blueprints(app)
    app.view_functions["static"] = serve_static  # precompressed, from memory, with a static file's own headers
    app.session_interface = SessionInterface()
    _register_template_helpers(app)
    _register_commands(app)
    return app


def _init_extensions(app):
    db.init_app(app)
    app.teardown_request(jobs.run_at_teardown)  # with no broker, a request's jobs run once it is done
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    csrf.init_app(app)
    compress.init_app(app)
    app.after_request(_close_streamed_body)  # registered after Compress, so it runs before Compress's hook
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message_category = "info"
    login_manager.login_message = _l("Please sign in to open that page.")

    from flask_login import current_user

    from .accounts import service as accounts

    @login_manager.user_loader
    def load_user(token):
        """The person whose session token the cookies carry (one query); ended sessions load no one."""
        row = accounts.session_for_token(token)
        if row is None or row.user.suspended:  # suspending ends every session; this refuses any that survives
            return None
        if accounts.touch_session(row):  # at most every few minutes, and before any view has written
            db.session.commit()
        return row.user

    @app.before_request
    def load_person_first():
        """Load the signed-in person before the view runs, so the loader's commit holds only its own write."""
        if request.endpoint != "static":
            current_user._get_current_object()


def _close_streamed_body(response):
    """Flask-Compress swaps a streamed body (a static file) for a generator and never closes the file."""
    if response.is_streamed and hasattr(response.response, "close"):
        response.call_on_close(response.response.close)
    return response


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, connection_record):
    """SQLite enforces foreign keys (and so ON DELETE CASCADE) only when asked; WAL and a busy timeout let the
    embedded default take many readers and one writer at a time without "database is locked". With
    synchronous=NORMAL a commit survives a crash of the server process (the kill test proves it); only a power
    cut may lose the last commits, never corrupt the file."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer, nor the writer for them
        cursor.execute("PRAGMA busy_timeout=15000")  # a writer waits its turn instead of "database is locked"
        cursor.execute("PRAGMA synchronous=NORMAL")  # in WAL mode: durable at checkpoints, no fsync per commit
        cursor.close()


def _register_blueprints(app):
    from . import site
    from .accounts.views import bp as accounts_bp
    from .admin.views import bp as admin_bp
    from .certificates.views import bp as certificates_bp
    from .cohorts import invitation_views, pacing, reflection_views, reflections
    from .cohorts import service as cohort_service
    from .cohorts import views as cohort_views
    from .communities import manage_views
    from .communities import service as communities
    from .communities import views as community_views
    from .courses import service as courses
    from .courses.views import bp as courses_bp
    from .dashboards import views as dashboard_views
    from .directory import views as directory_views
    from .events import views as event_views
    from .feedback import panels as feedback_panels
    from .feedback import views as feedback_views
    from .focus_groups import views as focus_group_views
    from .harassment import views as harassment_views
    from .moderation import views as moderation_views
    from .notifications import email as notification_email
    from .notifications import email_views
    from .notifications.views import bp as notifications_bp
    from .offline import service as offline_service
    from .offline import views as offline_views
    from .publishing import views as publishing_views
    from .reports import views as report_views
    from .resources import panels as resource_panels
    from .resources import views as resource_views
    from .search import views as search_views
    from .surveys import service as survey_service
    from .surveys import views as survey_views

    for blueprint in (site.bp, accounts_bp, courses_bp, admin_bp, community_views.bp, moderation_views.bp,
                      harassment_views.bp, notifications_bp, certificates_bp, cohort_views.bp, invitation_views.bp,
                      reflection_views.bp, dashboard_views.bp, manage_views.bp, feedback_views.bp, survey_views.bp,
                      focus_group_views.bp, report_views.bp, publishing_views.bp, event_views.bp, resource_views.bp,
                      directory_views.bp, search_views.bp, email_views.bp, offline_views.bp):
        app.register_blueprint(blueprint)
    if communities.discussion_links not in courses.LESSON_LINK_PROVIDERS:
        courses.LESSON_LINK_PROVIDERS.append(communities.discussion_links)
    if pacing.locked_modules not in courses.MODULE_LOCK_PROVIDERS:
        courses.MODULE_LOCK_PROVIDERS.append(pacing.locked_modules)
    if cohort_service.reading_pair not in courses.READING_PAIR_PROVIDERS:
        courses.READING_PAIR_PROVIDERS.append(cohort_service.reading_pair)
    if reflections.lesson_panels not in courses.LESSON_PANEL_PROVIDERS:
        courses.LESSON_PANEL_PROVIDERS.append(reflections.lesson_panels)
    survey_service.register()  # the surveys' content sync step and their cards on lesson and course pages
    if notification_email.schedule_due_digests not in jobs.TICK_STEPS:
        jobs.TICK_STEPS.append(notification_email.schedule_due_digests)
    if offline_service.forget_old_changes not in jobs.TICK_STEPS:
        jobs.TICK_STEPS.append(offline_service.forget_old_changes)
    resource_panels.register()  # "From the library" under a lesson, and the suggesters' notifications
    if feedback_panels.lesson_panels not in courses.LESSON_PANEL_PROVIDERS:
        courses.LESSON_PANEL_PROVIDERS.append(feedback_panels.lesson_panels)
    site.register_error_pages(app)
    app.register_error_handler(401, lambda error: login_manager.unauthorized())


def _register_template_helpers(app):
    app.jinja_env.globals.update(can=policy.can, LANGUAGES=LANGUAGES, static_url=static_url,
                                icon_data_uri=icon_data_uri)
    app.jinja_env.filters.update(datetime=datetime_filter, date=date_filter)
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.loader = CompactLoader(app)

    @app.context_processor
    def page_context():
        locale = str(get_locale())
        return {"locale": locale, "text_direction": LANGUAGES.get(locale, {}).get("dir", "ltr"),
                "current_path": request.full_path.rstrip("?"), "unread_count": _unread_count,
                "discreet": current_user.is_authenticated and current_user.discreet, "low_data": low_data.is_on(),
                "quick_exit_url": app.config["QUICK_EXIT_URL"]}

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if request.endpoint != "static":  # a stylesheet or a script is not framed, nor links anywhere
            response.headers.setdefault("Referrer-Policy", "same-origin")
            # No X-Frame-Options: frame-ancestors 'none' forbids framing in every browser that runs Co-Lab, and
            # each header is paid for on every page by a learner on a costly connection.
            response.headers.setdefault(  # scripts, styles and the rest fall back to default-src: only our own
                "Content-Security-Policy",
                CONTENT_SECURITY_POLICY)
        if app.config["SESSION_COOKIE_SECURE"] and app.config["HSTS_SECONDS"]:
            response.headers.setdefault("Strict-Transport-Security",
                                        f"max-age={app.config['HSTS_SECONDS']}; includeSubDomains")
        if request.endpoint != "static":  # pages depend on who reads them; static files do not
            response.vary.add("Cookie")
            if current_user.is_authenticated:  # a shared device keeps no copy of a person's pages
                response.headers.setdefault("Cache-Control",
                                            "no-store" if current_user.discreet else "private, no-cache")
            else:  # a signed-in person's language is their account's, not the browser's
                response.vary.add("Accept-Language")
        return response


def _unread_count():
    from .notifications.service import unread_count
    return unread_count(current_user) if current_user.is_authenticated else 0


def _register_commands(app):
    from .cli import register

    register(app)
