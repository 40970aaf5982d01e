"""Messages sent through Co-Lab (never an address), blocks, and the name the directory shows a person by.
No requests here; services flush, views commit."""
from sqlalchemy import func

from .. import policy
from ..accounts.models import User
from ..extensions import db
from .checks import InvalidEntry
from .models import DirectoryBlock, DirectoryMessage, DirectoryProfile

MAX_MESSAGE = 2000  # characters of plain text


def public_names(user_ids):
    """{user id: the name the directory shows them by}: their profile's name if they wrote one, else their Co-Lab
    display name. A person who chose another name for the directory is never shown there by their Co-Lab one."""
    user_ids = sorted({uid for uid in user_ids if uid is not None})
    if not user_ids:
        return {}
    rows = db.session.execute(
        db.select(User.id, func.coalesce(DirectoryProfile.display_name, User.display_name))
        .outerjoin(DirectoryProfile, DirectoryProfile.user_id == User.id).where(User.id.in_(user_ids)))
    return dict(rows.all())


def public_name(user):
    return public_names([user.id]).get(user.id, user.display_name) if user is not None else None


# --- messages through Co-Lab ------------------------------------------------------------------------------

def _message_text(body):
    text = (body or "").strip()
    if not text:
        raise InvalidEntry("body", "empty")
    if len(text) > MAX_MESSAGE:
        raise InvalidEntry("body", "long")
    return text


def send_message(sender, profile, body):
    """Keep a message from sender to the profile's owner (the view queues its mail). policy "directory.message"
    refuses a closed profile and a block alike, so the sender cannot tell them apart."""
    policy.ensure("directory.message", profile, sender)
    message = DirectoryMessage(sender_id=sender.id, recipient_id=profile.user_id, body=_message_text(body))
    db.session.add(message)
    db.session.flush()
    return message


def reply(sender, message, body):
    """Answer a message one received, through Co-Lab (the view queues its mail to the first sender)."""
    policy.ensure("directory.reply", message, sender)
    answer = DirectoryMessage(sender_id=sender.id, recipient_id=message.sender_id, reply_to_id=message.id,
                              body=_message_text(body))
    db.session.add(answer)
    db.session.flush()
    return answer


def find_message(message_id):
    return db.session.get(DirectoryMessage, message_id)


def mail_wanted(message):
    """Whether a kept message is still to be mailed when its mail leaves: both people still have an account
    (a former member writes to nobody) and the recipient has not blocked the sender meanwhile."""
    return (message.sender is not None and message.recipient is not None
            and not is_blocked(message.recipient, message.sender))


def received_message(user, message_id):
    """A message the user received, or None (nobody else learns whether it exists)."""
    message = find_message(message_id)
    return message if message is not None and message.recipient_id == user.id else None


# --- blocks ------------------------------------------------------------------------------------------------

def is_blocked(blocker, person):
    return person is not None and db.session.scalar(
        db.select(DirectoryBlock.id).filter_by(blocker_id=blocker.id, blocked_id=person.id)) is not None


def block(blocker, person):
    """blocker receives no more directory messages from person, who is not told. Blocking twice changes nothing."""
    policy.ensure("directory.block", person, blocker)
    if not is_blocked(blocker, person):
        db.session.add(DirectoryBlock(blocker_id=blocker.id, blocked_id=person.id))
        db.session.flush()


def unblock(blocker, block_id):
    """Lift one of blocker's blocks; False if it is not theirs (or gone)."""
    row = db.session.get(DirectoryBlock, block_id)
    if row is None or row.blocker_id != blocker.id:
        return False
    db.session.delete(row)
    db.session.flush()
    return True


def blocks_page(blocker, page, per_page):
    """One page of blocker's blocks, newest first, with {user id: name} to show them by."""
    found = db.paginate(db.select(DirectoryBlock).filter_by(blocker_id=blocker.id)
                        .order_by(DirectoryBlock.created_at.desc(), DirectoryBlock.id.desc()),
                        page=page, per_page=per_page, error_out=False)
    return found, public_names(row.blocked_id for row in found.items)
