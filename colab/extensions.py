"""The extension objects, created unbound; create_app binds them."""
import time
from math import ceil

from flask import abort, current_app, request
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from flask_wtf.form import _Auto as _READ_THE_REQUEST  # FlaskForm's default formdata: "read it from the request"
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms.fields import FileField, MultipleFileField

# Named constraints make migrations portable between SQLite (batch mode) and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _render_type(type_, obj, autogen_context):
    """Write app-specific column types into migrations as plain SQLAlchemy types."""
    from .markup import HTMLInJSON, HTMLText
    from .models_base import UTCDateTime
    plain = {UTCDateTime: "sa.DateTime(timezone=True)", HTMLText: "sa.Text()", HTMLInJSON: "sa.JSON()"}
    return plain.get(type(obj), False) if type_ == "type" else False


def _include_name(name, type_, parent_names):
    """What Alembic compares: everything but the full-text index objects no model describes (colab.search)."""
    from .search.models import include_name
    return include_name(name, type_, parent_names)


# Objects stay loaded after the request commits, so a page rendered after a commit does not reload them.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate(render_as_batch=True, compare_type=True, render_item=_render_type, include_name=_include_name)
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()
compress = Compress()


def _browser_formdata(meta, form, formdata):
    """What a form's fields read from a request: its form fields, and uploaded files for file fields only.
    Flask-WTF also hands files to text fields and reads JSON bodies, so a crafted request (a file sent under a
    text field's name, a JSON list) crashed the view with a 500; a JSON body now counts as an empty form. No one
    types a NUL character and PostgreSQL can neither store nor compare text holding one: a 400, not a 500."""
    if formdata is not _READ_THE_REQUEST:  # the view passed its own (formdata=None: show the saved values)
        return formdata
    if not form.is_submitted():
        return None
    if any("\x00" in key + value for key, value in request.form.items(multi=True)):
        abort(400)
    names = {field.name for field in form if isinstance(field, FileField | MultipleFileField)}
    files = MultiDict([(name, file) for name, file in request.files.items(multi=True) if name in names])
    return CombinedMultiDict((files, request.form)) if files else (request.form or None)


FlaskForm.Meta.wrap_formdata = _browser_formdata


def rate_limit_key():
    """Signed-in people are counted by account (wherever they connect from), others by address."""
    if current_user and current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"ip:{get_remote_address()}"


def _reads_only():
    return request.method in ("GET", "HEAD", "OPTIONS")


# Every write a person can repeat has a limit: WRITE_RATE_LIMIT per route unless the route sets its own.
limiter = Limiter(key_func=rate_limit_key, default_limits=[lambda: current_app.config["WRITE_RATE_LIMIT"]],
                  default_limits_per_method=True, default_limits_exempt_when=_reads_only)


def minutes_until_reset():
    """For a 429 page: whole minutes until the limit just hit lets the person through again (at least 1)."""
    limit = limiter.current_limit
    return max(1, ceil((limit.window.reset_time - time.time()) / 60)) if limit is not None else 1
