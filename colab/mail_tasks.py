"""Mail people wait for, sent by the job engine (colab.jobs): invitations to a cohort, account mail (sign-up,
password reset, email changes) and messages through the directory.

A view queues the mail in the transaction that stores what it is about: no mail for a change that was rolled
back, none lost to a crash between the commit and the mail server, and a mail server that is slow or down
slows or breaks no request (the job is tried again later). A mail is written as it leaves, in the recipient's
language of that moment, from the rows its job names: a payload holds ids (and an address the rows no longer
hold), never the words of a message or a link. A link that lets someone in is made at that moment too
(invitations, sign-up) or derived from the account (password reset, email change), so none waits in a queue.

A mail goes out once: its job is marked done, and committed, before the mail leaves; if the mail server refuses
it, the mark is undone and the job is tried again. A worker that dies just after sending does not send it
again (that crash loses a mail rather than sending it twice, as digests do). These tasks run only as jobs:
called directly, they find no running job to mark and send nothing.
"""
import secrets

from flask import current_app, render_template, url_for
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import update

from . import jobs, mail
from .accounts import service as accounts
from .accounts.models import PendingSignUp, User
from .cohorts import invitations
from .cohorts.models import Invitation
from .directory import messages
from .extensions import db
from .jobs import Job, JobStatus
from .models_base import utcnow

INVITATION, ACCOUNT, DIRECTORY_MESSAGE = "mail.invitation", "mail.account", "mail.directory_message"
ACCOUNT_MAILS = ("sign_up_existing", "sign_up_confirm", "reset", "email_taken", "email_confirm", "email_changed")


def _key(task, part):
    """The job key of one mail: it names the job, so the task can mark it sent (and a mail is queued once)."""
    return f"{task}:{part}"


def _set_status(key, before, after):
    """Move the job of key from one status to another if it is in the first; return whether it was."""
    finished_at = utcnow() if after == JobStatus.DONE else None
    return db.session.execute(update(Job).where(Job.key == key, Job.status == before)
                              .values(status=after, finished_at=finished_at)
                              .execution_options(synchronize_session=False)).rowcount == 1


def _send_once(key, to, subject, body, undo=None):
    """Mark the mail's job done and commit, with what the task changed for this mail (a link), then send. If
    another run of the job marked it first, change nothing and return False. If the mail cannot be sent, undo
    the mark (and the task's changes, with undo) and raise: the job is tried again."""
    if not _set_status(key, JobStatus.RUNNING, JobStatus.DONE):
        db.session.rollback()
        return False
    db.session.commit()
    try:
        mail.send(to, subject, body)
    except Exception:
        db.session.rollback()
        _set_status(key, JobStatus.DONE, JobStatus.RUNNING)
        if undo is not None:
            undo()
        db.session.commit()
        raise
    return True


# --- invitations to a cohort ------------------------------------------------------------------------------

def queue_invitation(invitation):
    """Queue the mail of an invitation just made, renewed or resent (flushed, with the link it has now)."""
    link_hash = invitation.token_hash
    jobs.enqueue(INVITATION, {"invitation_id": invitation.id, "link_hash": link_hash},
                 key=_key(INVITATION, link_hash))


@jobs.task(INVITATION)
def send_invitation(invitation_id, link_hash):
    """Mail the invitation with a link made now, in the invitee's language, under a subject and body that name
    Co-Lab and nothing else: no course, no community (a shared inbox must not out anyone). Nothing when it was
    revoked, accepted, resent or renewed since (another mail carries its link) or its community is archived."""
    invitation = db.session.get(Invitation, invitation_id)
    token = invitations.issue_link(invitation, link_hash) if invitation is not None else None
    if token is None:
        return
    link = url_for("invitations.accept", token=token, _external=True)
    with force_locale(invitation.locale):
        subject = _("An invitation to Co-Lab")
        body = render_template("invitations/mail/invitation.txt", link=link,
                               expires_on=format_date(invitations.expiry_date(invitation), "long"))
    _send_once(_key(INVITATION, link_hash), invitation.email, subject, body,
               undo=lambda: invitations.withdraw_link(invitation, token, link_hash))


# --- account mail -------------------------------------------------------------------------------------------

def queue_account_mail(kind, user=None, pending=None, address=None, next_path=None):
    """Queue one of ACCOUNT_MAILS: about user (or a pending sign-up), to address when it is not the account's
    own (a new address to confirm, the old one told of a change); next_path: where a sign-up link leads."""
    if kind not in ACCOUNT_MAILS:
        raise ValueError(f"no account mail called {kind!r}")
    nonce = secrets.token_hex(8)
    payload = {"kind": kind, "nonce": nonce, "user_id": user.id if user else None,
               "pending_id": pending.id if pending else None, "address": address, "next_path": next_path}
    jobs.enqueue(ACCOUNT, {name: value for name, value in payload.items() if value is not None},
                 key=_key(ACCOUNT, nonce))


def _account_mail(kind, user_id, pending_id, address, next_path):
    """(to, locale, template context) of an account mail, its link made now; None when nobody is left to tell."""
    if kind == "sign_up_confirm":
        pending = db.session.get(PendingSignUp, pending_id)
        if pending is None:  # confirmed already, or cleared once expired
            return None
        link = url_for("accounts.confirm_sign_up", token=accounts.issue_sign_up_link(pending), next=next_path,
                       _external=True)
        return pending.email, pending.locale, {"name": pending.display_name, "link": link,
                                               "hours": accounts.link_hours("SIGN_UP_CONFIRM_MAX_AGE")}
    user = db.session.get(User, user_id)
    if user is None:
        return None
    reset = url_for("accounts.forgot_password", _external=True)
    if kind == "sign_up_existing":
        return user.email, user.locale, {"user": user, "reset": reset,
                                         "sign_in": url_for("accounts.sign_in", _external=True)}
    if kind == "reset":
        link = url_for("accounts.reset_password", token=accounts.reset_token(user), _external=True)
        return user.email, user.locale, {"user": user, "link": link,
                                         "minutes": current_app.config["PASSWORD_RESET_MAX_AGE"] // 60}
    if kind == "email_taken":
        return user.email, user.locale, {"user": user, "reset": reset}
    if kind == "email_confirm":
        if user.email == address:  # moved there already, by an earlier link
            return None
        link = url_for("accounts.confirm_email", token=accounts.email_change_token(user, address), _external=True)
        return address, user.locale, {"user": user, "link": link,
                                      "hours": accounts.link_hours("EMAIL_CHANGE_MAX_AGE")}
    if kind == "email_changed":  # to the address it had
        return address, user.locale, {"user": user}
    raise ValueError(f"no account mail called {kind!r}")


@jobs.task(ACCOUNT)
def send_account_mail(kind, nonce, user_id=None, pending_id=None, address=None, next_path=None):
    """Mail an account message in the recipient's language, under a subject that names no topic."""
    composed = _account_mail(kind, user_id, pending_id, address, next_path)
    if composed is None:
        return
    to, locale, context = composed
    with force_locale(locale or "en"):
        subject = _("Your Co-Lab account")
        body = render_template(f"accounts/mail/{kind}.txt", **context)
    _send_once(_key(ACCOUNT, nonce), to, subject, body)


# --- messages through the directory -------------------------------------------------------------------------

def queue_directory_message(message):
    """Queue the mail of a message (or an answer) just kept."""
    jobs.enqueue(DIRECTORY_MESSAGE, {"message_id": message.id}, key=_key(DIRECTORY_MESSAGE, message.id))


@jobs.task(DIRECTORY_MESSAGE)
def send_directory_message(message_id):
    """Mail a message to its recipient in their language, under a subject that names nothing but Co-Lab, without
    either address; in discreet mode without the sender's name or words either (they read them on Co-Lab). The
    words are read from the message's row now, never kept in the job."""
    message = messages.find_message(message_id)
    if message is None or not messages.mail_wanted(message):
        return
    recipient = message.recipient
    links = {"reply_url": url_for("directory.reply", message_id=message.id, _external=True),
             "block_url": url_for("directory.block_sender", message_id=message.id, _external=True),
             "report_url": url_for("harassment.new", message=message.id, _external=True),
             "settings_url": url_for("directory.me", _external=True)}
    with force_locale(recipient.locale or "en"):
        subject = _("You have a message on Co-Lab")
        body = render_template("directory/mail/message.txt", message=message, discreet=recipient.discreet,
                               sender_name=messages.public_name(message.sender), **links)
    _send_once(_key(DIRECTORY_MESSAGE, message.id), recipient.email, subject, body)
