"""The notifications page, and the neutral link each notification opens through."""
from flask import Blueprint, abort, current_app, redirect, render_template, url_for
from flask_login import current_user, login_required

from .. import policy
from ..extensions import db
from ..urls import or_404, page_arg, safe_next
from . import service

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.before_request
@login_required
def signed_in_only():
    policy.require("notification.list")


@bp.get("/")
def index():
    page = service.page_for(current_user, page_arg(), current_app.config["PER_PAGE"])
    unread_ids = {n.id for n in page.items if n.read_at is None}
    shown = service.describe(page.items, current_user)
    service.mark_all_read(current_user)
    db.session.commit()
    return render_template("notifications/index.html", page=page, shown=shown, unread_ids=unread_ids)


@bp.get("/<int:notification_id>")
def follow(notification_id):
    """Go to what the notification is about, if the reader may still see it (the link names nothing itself)."""
    notification = or_404(service.find(current_user, notification_id))
    target = service.destination(notification, current_user)
    service.mark_read(notification)
    db.session.commit()
    if isinstance(target, tuple):
        endpoint, values = target
        return redirect(url_for(endpoint, **values))
    if safe_next(target) is None:
        abort(404)
    return redirect(target)
