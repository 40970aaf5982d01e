"""Exactly once for what a device sends from its offline queue (colab/static/colab.js replays it with the header
X-Colab-Change: <id>)."""
import re
from datetime import timedelta

from flask import abort, request
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models_base import utcnow
from .models import OfflineChange

CHANGE_HEADER = "X-Colab-Change"
CHANGE_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")
# A device resends a change within minutes (a retry, a second tab); its id is kept this long, then forgotten, so that
# Co-Lab does not keep a trace of when each person studied offline.
KEEP_CHANGE_IDS = timedelta(days=30)


def forget_old_changes():
    """Drop the ids of changes received more than KEEP_CHANGE_IDS ago (a step of every jobs tick)."""
    db.session.execute(db.delete(OfflineChange).where(OfflineChange.received_at < utcnow() - KEEP_CHANGE_IDS))


def first_time(user):
    """Whether this request's change has not been applied yet. Its id is recorded in the request's transaction, so it
    commits with the change itself or not at all. A request without the header (an ordinary form) is always first."""
    change_id = request.headers.get(CHANGE_HEADER)
    if change_id is None:
        return True
    if not CHANGE_ID.match(change_id):
        abort(400)
    if db.session.scalar(db.select(OfflineChange.id).filter_by(user_id=user.id, change_id=change_id)) is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(OfflineChange(user_id=user.id, change_id=change_id))
    except IntegrityError:  # the same change, sent at the same moment from another tab
        return False
    return True
