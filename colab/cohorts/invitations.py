"""Invitations to a cohort: one address or a CSV list (checked in a dry run first), resending, revoking and
accepting. No requests here: functions flush; views commit and queue the mail (colab.mail_tasks).

A link's token is random and stored only as its SHA-256; resending replaces it, so the old link dies at once.
The link the invitee gets is made when the mail leaves (issue_link), so no live link waits in a queue.
Accepting claims the invitation with one conditional UPDATE, so a link works once even when clicked twice."""
import csv
import hashlib
import io
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import update

from .. import policy
from ..accounts import service as accounts
from ..accounts.models import User
from ..courses.models import Enrolment
from ..extensions import db
from ..i18n import DEFAULT_LOCALE, LANGUAGES
from ..models_base import utcnow
from ..spreadsheets import guard
from .models import Invitation, InvitationStatus
from .service import join_cohort

EMAIL_MAX, NAME_MAX = 254, 60
COLUMNS = ("email", "display_name", "language")
IGNORED_COLUMNS = ("status",)  # the problem rows' download has it: fixed, it can be uploaded again

# How a CSV row is classified in the dry run. Only READY rows are ever sent.
READY = "ready"
INVALID_EMAIL = "invalid_email"
DUPLICATE = "duplicate"
IN_COHORT = "in_cohort"
INVITED = "invited"
UNKNOWN_LANGUAGE = "unknown_language"
NAME_TOO_LONG = "name_too_long"
ROW_STATUSES = (READY, INVALID_EMAIL, DUPLICATE, IN_COHORT, INVITED, UNKNOWN_LANGUAGE, NAME_TOO_LONG)

# What an invitation's status reads as on the list: pending ones past their date are expired.
EXPIRED = "expired"


class InvitationError(Exception):
    """The invitation cannot be made or used; .reason says why."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class CsvProblem(Exception):
    """The file as a whole cannot be read: .reason is "empty", "encoding", "header", "unreadable" or "too_many"."""

    def __init__(self, reason, **details):
        super().__init__(reason)
        self.reason, self.details = reason, details


def hash_token(token):
    return hashlib.sha256((token or "").encode()).hexdigest()


def _link_values(token):
    """The columns a new link sets: its hash, and an expiry INVITATION_DAYS from now."""
    now = utcnow()
    return {"token_hash": hash_token(token), "sent_at": now,
            "expires_at": now + timedelta(days=current_app.config["INVITATION_DAYS"])}


def _new_token(invitation):
    """Give the invitation a new link and a new expiry; return the token (the only time it exists in clear)."""
    token = secrets.token_urlsafe(32)
    for name, value in _link_values(token).items():
        setattr(invitation, name, value)
    return token


def issue_link(invitation, queued_hash):
    """The link an invitation's mail carries, made as the mail leaves: a new token and a new expiry, if the
    invitation is still pending with the link it had when the mail was queued (queued_hash) and its community
    takes members. A resend, a renewal, a revocation or an acceptance since makes that mail stale: None.
    The earlier token (which no one was given) stops working."""
    if invitation.cohort.community.archived_at is not None:
        return None
    token = secrets.token_urlsafe(32)
    issued = db.session.execute(
        update(Invitation).where(Invitation.id == invitation.id, Invitation.token_hash == queued_hash,
                                 Invitation.status == InvitationStatus.PENDING)
        .values(**_link_values(token)).execution_options(synchronize_session=False))
    if issued.rowcount != 1:
        return None
    db.session.refresh(invitation)
    return token


def withdraw_link(invitation, token, queued_hash):
    """Undo issue_link when the mail could not be sent: the invitation has its queued link again, so the mail's
    next try can issue one (unless a resend or a revocation came meanwhile)."""
    db.session.execute(update(Invitation).where(Invitation.id == invitation.id,
                                                Invitation.token_hash == hash_token(token))
                       .values(token_hash=queued_hash).execution_options(synchronize_session=False))


def expiry_date(invitation):
    """The date the link works until, in the cohort's time zone (the mail names it)."""
    try:
        zone = ZoneInfo(invitation.cohort.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return invitation.expires_at.astimezone(zone).date()


# --- languages -----------------------------------------------------------------------------------------

def default_language(cohort):
    """The language an invitation is written in unless chosen: the cohort's first, else the platform's default."""
    return next((code for code in cohort.languages or () if code in LANGUAGES), DEFAULT_LOCALE)


_LANGUAGE_NAMES = {info["name"].casefold(): code for code, info in LANGUAGES.items()}


def parse_language(value):
    """A platform language from a CSV cell ("es", "ES", "Español"), or None when it is none of them."""
    text = (value or "").strip().casefold()
    if text in LANGUAGES:
        return text
    return _LANGUAGE_NAMES.get(text)


# --- the list ----------------------------------------------------------------------------------------

def status_of(invitation, now=None):
    """"pending", "expired", "accepted" or "revoked"."""
    if invitation.status == InvitationStatus.PENDING and invitation.expires_at <= (now or utcnow()):
        return EXPIRED
    return invitation.status.value


def invitations_page(cohort, page, per_page):
    """The cohort's invitations, newest first."""
    query = (db.select(Invitation).filter_by(cohort_id=cohort.id)
             .order_by(Invitation.created_at.desc(), Invitation.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def inviter_names(invitations):
    """{user id: display name} of the people who sent these invitations (one query)."""
    ids = {invitation.invited_by_id for invitation in invitations} - {None}
    if not ids:
        return {}
    return dict(db.session.execute(db.select(User.id, User.display_name).where(User.id.in_(sorted(ids)))).all())


def find_invitation(cohort, invitation_id):
    return db.session.scalar(db.select(Invitation).filter_by(id=invitation_id, cohort_id=cohort.id))


# --- who is already there --------------------------------------------------------------------------------

def _chunks(items, size=500):
    items = sorted(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def learner_emails(cohort, emails):
    """Those of emails whose account learns in the cohort."""
    found = set()
    for chunk in _chunks(emails):
        found.update(db.session.scalars(db.select(User.email).join(Enrolment, Enrolment.user_id == User.id)
                                        .where(Enrolment.cohort_id == cohort.id, User.email.in_(chunk))))
    return found


def invited_emails(cohort, emails):
    """Those of emails with a pending invitation to the cohort that has not expired."""
    found, now = set(), utcnow()
    for chunk in _chunks(emails):
        found.update(db.session.scalars(db.select(Invitation.email).where(
            Invitation.cohort_id == cohort.id, Invitation.status == InvitationStatus.PENDING,
            Invitation.expires_at > now, Invitation.email.in_(chunk))))
    return found


def valid_email(email):
    if not email or len(email) > EMAIL_MAX:
        return False
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


# --- one address ---------------------------------------------------------------------------------------

def invite(cohort, email, display_name, locale, invited_by):
    """Invite one address; return (invitation, token). Raise InvitationError("in_cohort") when the person already
    learns in the cohort, ("invited") when a pending invitation is still open, ("invalid_email"). A view that
    queues the mail drops the token: the mail carries a link made as it leaves (issue_link)."""
    policy.ensure("cohort.manage", cohort, invited_by)
    email = accounts.normalise_email(email)
    if not valid_email(email):
        raise InvitationError(INVALID_EMAIL)
    if learner_emails(cohort, [email]):
        raise InvitationError(IN_COHORT)
    if invited_emails(cohort, [email]):
        raise InvitationError(INVITED)
    return _create(cohort, email, display_name, locale, invited_by, _lapsed(cohort, [email]).get(email))


def _lapsed(cohort, emails):
    """{email: its expired pending invitation to the cohort}: inviting the address again renews that one, so an
    address has one row per cohort (the dashboard's funnel counts rows)."""
    found, now = {}, utcnow()
    for chunk in _chunks(emails):
        for invitation in db.session.scalars(db.select(Invitation).where(
                Invitation.cohort_id == cohort.id, Invitation.status == InvitationStatus.PENDING,
                Invitation.expires_at <= now, Invitation.email.in_(chunk)).order_by(Invitation.id)):
            found[invitation.email] = invitation
    return found


def _create(cohort, email, display_name, locale, invited_by, lapsed=None):
    """A new invitation, or the renewal of a lapsed one to the same address; return (invitation, token)."""
    invitation = lapsed or Invitation(cohort_id=cohort.id, email=email, status=InvitationStatus.PENDING,
                                      created_at=utcnow())
    invitation.display_name = (display_name or "").strip()[:NAME_MAX]
    invitation.locale = locale if locale in LANGUAGES else default_language(cohort)
    invitation.invited_by_id = invited_by.id
    invitation.cohort = cohort
    token = _new_token(invitation)
    if lapsed is None:
        db.session.add(invitation)
    db.session.flush()
    return invitation, token


def resend(invitation, by):
    """A new link and a new expiry for a pending (or expired) invitation; the old link stops working. Return the
    token. Raise InvitationError("accepted" / "revoked"), ("in_cohort") when the person joined meanwhile, or
    ("invited") when a newer invitation to the address is open."""
    policy.ensure("cohort.manage", invitation.cohort, by)
    if invitation.status != InvitationStatus.PENDING:
        raise InvitationError(invitation.status.value)
    if learner_emails(invitation.cohort, [invitation.email]):
        raise InvitationError(IN_COHORT)
    if db.session.scalar(db.select(Invitation.id).where(
            Invitation.cohort_id == invitation.cohort_id, Invitation.email == invitation.email,
            Invitation.id != invitation.id, Invitation.status == InvitationStatus.PENDING,
            Invitation.expires_at > utcnow())) is not None:
        raise InvitationError(INVITED)
    token = _new_token(invitation)
    db.session.flush()
    return token


def revoke(invitation, by):
    """Make a pending invitation's link stop working for good. Raise InvitationError("accepted" / "revoked")."""
    policy.ensure("cohort.manage", invitation.cohort, by)
    if invitation.status != InvitationStatus.PENDING:
        raise InvitationError(invitation.status.value)
    invitation.status = InvitationStatus.REVOKED
    invitation.revoked_at = utcnow()
    db.session.flush()


# --- a CSV list ----------------------------------------------------------------------------------------

@dataclass
class Row:
    """One line of the file: its number in the file, its cells as written, what they say and its status."""

    line: int
    cells: list
    email: str
    display_name: str
    language: str  # the platform language it resolves to, or the cell as written when it is unknown
    status: str = READY


@dataclass
class Preview:
    """The file's rows, each classified; nothing is stored by making one."""

    header: list
    delimiter: str
    rows: list = field(default_factory=list)

    @property
    def ready(self):
        return [row for row in self.rows if row.status == READY]

    @property
    def problems(self):
        return [row for row in self.rows if row.status != READY]


def decode(data):
    """The text of an uploaded file: UTF-8, with or without a byte-order mark. Raise CsvProblem."""
    if not data or not data.strip():
        raise CsvProblem("empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CsvProblem("encoding") from error
    if "\x00" in text:  # UTF-16 without a byte-order mark decodes, but is full of NULs
        raise CsvProblem("encoding")
    return text


def _header_key(cell):
    return re.sub(r"[\s\-]+", "_", cell.strip().casefold())


def _delimiter(text):
    """Comma, or semicolon when the first line has more of them (spreadsheets in many locales write those)."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


def parse(text, max_rows):
    """The file's header and non-blank rows as (line number, cells). Raise CsvProblem."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise CsvProblem("empty")
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        header = next(reader, [])
        keys = [_header_key(cell) for cell in header]
        if "email" not in keys or not set(keys) <= {*COLUMNS, *IGNORED_COLUMNS} or len(set(keys)) != len(keys):
            raise CsvProblem("header", found=", ".join(cell.strip() for cell in header)[:200])
        while True:
            line = reader.line_num + 1
            cells = next(reader, None)
            if cells is None:
                break
            if not any(cell.strip() for cell in cells):
                continue
            rows.append((line, cells))
            if len(rows) > max_rows:
                raise CsvProblem("too_many", max=max_rows)
    except csv.Error as error:
        raise CsvProblem("unreadable", line=reader.line_num) from error
    if not rows:
        raise CsvProblem("empty")
    return header, keys, delimiter, rows


def check(cohort, text):
    """The dry run: every row of the file classified (see ROW_STATUSES). Raise CsvProblem for the file as a whole.
    Constant in queries whatever the file's length (two, in chunks of 500 addresses)."""
    header, keys, delimiter, raw = parse(text, current_app.config["INVITATION_MAX_ROWS"])
    preview = Preview(header=header, delimiter=delimiter)
    for line, cells in raw:
        values = {key: (cells[index] if index < len(cells) else "") for index, key in enumerate(keys)}
        written = values.get("language", "").strip()
        language = (parse_language(written) or written) if written else default_language(cohort)
        preview.rows.append(Row(line, cells, accounts.normalise_email(values["email"]),
                                values.get("display_name", "").strip(), language))
    emails = {row.email for row in preview.rows if valid_email(row.email)}
    learning, invited = learner_emails(cohort, emails), invited_emails(cohort, emails)
    seen = set()
    for row in preview.rows:
        if not valid_email(row.email):
            row.status = INVALID_EMAIL
            continue
        if row.email in seen:
            row.status = DUPLICATE
        elif row.language not in LANGUAGES:
            row.status = UNKNOWN_LANGUAGE
        elif len(row.display_name) > NAME_MAX:
            row.status = NAME_TOO_LONG
        elif row.email in learning:
            row.status = IN_COHORT
        elif row.email in invited:
            row.status = INVITED
        seen.add(row.email)
    return preview


def send_list(cohort, text, invited_by):
    """Check the file again and invite its ready rows; return (preview, [(invitation, token), ...])."""
    policy.ensure("cohort.manage", cohort, invited_by)
    preview = check(cohort, text)
    lapsed = _lapsed(cohort, {row.email for row in preview.ready})
    made = [_create(cohort, row.email, row.display_name, row.language, invited_by, lapsed.get(row.email))
            for row in preview.ready]
    return preview, made


def problem_rows_csv(preview, labels):
    """The rows that were not ready, as written, plus a "status" column (labels: {status: words}); as CSV text
    with the file's own separator."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=preview.delimiter, lineterminator="\r\n")
    width = len(preview.header)
    writer.writerow([guard(cell) for cell in preview.header] + ["status"])
    for row in preview.problems:
        cells = row.cells + [""] * (width - len(row.cells))
        writer.writerow([guard(cell) for cell in cells] + [guard(str(labels[row.status]))])
    return out.getvalue()


# --- accepting ---------------------------------------------------------------------------------------------

def find_by_token(token):
    """The invitation a link's token belongs to (in any state), or None."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(db.select(Invitation).filter_by(token_hash=hash_token(token)))


def usable(invitation):
    """Whether the link can still be used (an unknown link cannot)."""
    return invitation is not None and invitation.is_open


def account_for(invitation):
    """The account that has the invitation's address, or None."""
    return accounts.find_by_email(invitation.email)


def accept(invitation, user):
    """Accept for user: claim the invitation (once, whoever clicks twice), then enrol user in the cohort and its
    community. Raise InvitationError("unusable") when it was used, revoked or expired meanwhile, ("suspended")."""
    refused = policy.refusal("invitation.accept", invitation, user)
    if refused is not None:
        raise InvitationError("suspended" if refused.reason == "suspended" else "unusable")
    now = utcnow()
    claimed = db.session.execute(
        update(Invitation).where(Invitation.id == invitation.id, Invitation.status == InvitationStatus.PENDING,
                                 Invitation.expires_at > now)
        .values(status=InvitationStatus.ACCEPTED, accepted_by_id=user.id, accepted_at=now)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise InvitationError("unusable")
    db.session.refresh(invitation)
    join_cohort(user, invitation.cohort)
    return invitation


def sign_up_and_accept(invitation, display_name, password, locale, timezone):
    """Create the account for the invitation's address (the link confirms it) and accept; return the user.
    Raise accounts.NameTaken, accounts.EmailTaken, or InvitationError as accept does."""
    if not usable(invitation):
        raise InvitationError("unusable")
    user = accounts.create_user(invitation.email, display_name, password, locale=locale, timezone=timezone)
    accept(invitation, user)
    return user
