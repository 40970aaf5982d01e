"""The notifications page."""
from flask import Blueprint, current_app, render_template
from flask_login import current_user, login_required

from ..extensions import db
from ..urls import page_arg
from . import service

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.get("/")
@login_required
def index():
    page = service.page_for(current_user, page_arg(), current_app.config["PER_PAGE"])
    unread_ids = {n.id for n in page.items if n.read_at is None}
    service.mark_all_read(current_user)
    db.session.commit()
    return render_template("notifications/index.html", page=page, unread_ids=unread_ids,
                           describe=service.describe)
