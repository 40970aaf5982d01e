"""Outgoing mail: SMTP when MAIL_SERVER is set, else a file per message in instance/outbox/."""
import secrets
import smtplib
from email.message import EmailMessage
from pathlib import Path

from flask import current_app

from .models_base import utcnow


def send(to, subject, body, html=None, headers=None):
    """Send a message to one address: plain text, with an HTML alternative when html is given."""
    config = current_app.config
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = config["MAIL_SENDER"], to, subject
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    if config["MAIL_SERVER"]:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
        return
    outbox = Path(current_app.instance_path) / "outbox"
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    (outbox / f"{stamp}-{secrets.token_hex(4)}.eml").write_bytes(bytes(message))  # never overwrite another
    current_app.logger.info("Mail to %s written to %s", to, outbox)
