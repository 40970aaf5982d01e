"""Messages through Co-Lab (neither address is shown; the recipient is mailed in their language) and blocks. On
the directory blueprint of views.py."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import mail_tasks, policy
from ..extensions import db, limiter
from ..urls import or_404, page_arg
from . import messages
from .checks import InvalidEntry
from .forms import ConfirmForm, MessageForm
from .views import bp, profile_or_404, show_refusal


def _sent(response):
    """Only a message that was kept and queued counts towards DIRECTORY_MESSAGE_RATE_LIMIT (not a form with an
    error)."""
    return response.status_code == 302


# Messages and replies share one budget per person; every POST also counts towards WRITE_RATE_LIMIT.
message_limit = limiter.shared_limit(lambda: current_app.config["DIRECTORY_MESSAGE_RATE_LIMIT"],
                                     scope="directory-message", methods=["POST"], deduct_when=_sent,
                                     override_defaults=False)


# --- messages through Co-Lab -------------------------------------------------------------------------------

def _deliver(message, status_message):
    """Keep the message and queue its mail in one transaction, then say it is sent: the mail leaves once that
    commits (written in the recipient's language by colab.mail_tasks), and is tried again while the mail server
    fails, so the sender need not write it twice."""
    mail_tasks.queue_directory_message(message)
    db.session.commit()
    flash(status_message, "success")


@bp.route("/people/<int:profile_id>/message", methods=["GET", "POST"])
@message_limit
def message(profile_id):
    """Write to a member; a closed profile and a block both answer "not taking messages"."""
    found = profile_or_404(profile_id)
    refused = policy.refusal("directory.message", found)
    if refused is not None and refused.reason != "unavailable":
        abort(403)
    form = MessageForm()
    if refused is not None:
        return render_template("directory/message.html", profile=found, form=None), \
            403 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            sent = messages.send_message(current_user, found, form.body.data)
        except InvalidEntry as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            _deliver(sent, _("Your message is sent. Your email address was not shown."))
            return redirect(url_for(".profile", profile_id=found.id))
    return render_template("directory/message.html", profile=found, form=form,
                           sender_name=messages.public_name(current_user)), 400 if form.is_submitted() else 200


def _received_or_404(message_id):
    return or_404(messages.received_message(current_user, message_id))


@bp.route("/messages/<int:message_id>/reply", methods=["GET", "POST"])
@message_limit
def reply(message_id):
    """A message one received, and the answer, sent back through Co-Lab."""
    received = _received_or_404(message_id)
    refused = policy.refusal("directory.reply", received)
    if refused is not None and refused.reason != "unavailable":
        abort(403)
    form = MessageForm() if refused is None else None
    status = 200
    if refused is not None and request.method == "POST":
        status = 403
    elif form is not None and form.validate_on_submit():
        try:
            answer = messages.reply(current_user, received, form.body.data)
        except InvalidEntry as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            _deliver(answer, _("Your answer is sent. Your email address was not shown."))
            return redirect(url_for(".reply", message_id=received.id))
    if form is not None and form.errors:
        status = 400
    names = messages.public_names([received.sender_id, current_user.id])
    return render_template("directory/reply.html", received=received, form=form,
                           sender_name=names.get(received.sender_id), my_name=names.get(current_user.id),
                           blocked=messages.is_blocked(current_user, received.sender)), status


# --- blocks ------------------------------------------------------------------------------------------------

def _block_page(person, name, back):
    """Ask first (a link in an email must not block by itself being opened); the POST blocks."""
    policy.require("directory.block", person)
    form = ConfirmForm()
    if form.validate_on_submit():
        messages.block(current_user, person)
        db.session.commit()
        flash(_("%(name)s is blocked: they cannot write to you through Co-Lab, and they are not told.", name=name),
              "success")
        return redirect(url_for(".blocks"))
    return render_template("directory/block.html", name=name, form=form, back=back,
                           already=messages.is_blocked(current_user, person))


@bp.route("/people/<int:profile_id>/block", methods=["GET", "POST"])
def block_profile(profile_id):
    found = profile_or_404(profile_id)
    return _block_page(found.user, found.display_name, url_for(".profile", profile_id=found.id))


@bp.route("/messages/<int:message_id>/block", methods=["GET", "POST"])
def block_sender(message_id):
    received = _received_or_404(message_id)
    sender = or_404(received.sender)  # a former member writes to nobody
    return _block_page(sender, messages.public_name(sender), url_for(".reply", message_id=received.id))


@bp.get("/blocks")
def blocks():
    """The people one has blocked, to unblock them."""
    policy.require("directory.edit_own")
    page, names = messages.blocks_page(current_user, page_arg(), current_app.config["PER_PAGE"])
    return render_template("directory/blocks.html", page=page, names=names, form=ConfirmForm())


@bp.post("/blocks/<int:block_id>/delete")
def unblock(block_id):
    policy.require("directory.edit_own")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not messages.unblock(current_user, block_id):
        abort(404)
    db.session.commit()
    flash(_("Unblocked: they can write to you again through Co-Lab."), "success")
    return redirect(url_for(".blocks"))
