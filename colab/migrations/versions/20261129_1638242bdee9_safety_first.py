"""Safety first

Revocable sessions, confirmed sign-ups, unique display names, discreet mode, statuses with CHECK
constraints, notifications by ids, held threads, and who a harassment report is about.

Revision ID: 1638242bdee9
Revises: 6f7e526b5c0b
Create Date: 2026-11-29 17:09:08.470879
"""
import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "1638242bdee9"
down_revision = "6f7e526b5c0b"
branch_labels = None
depends_on = None

# Frozen here: a migration must not change when the models do.
CHOICES = {
    ("community", "kind", "community_kind"): ("regional", "cross-regional", "thematic"),
    ("membership", "role", "membership_role"): ("member", "facilitator"),
    ("post", "status", "post_status"): ("visible", "held", "hidden", "deleted"),
    ("harassment_report", "reported_kind", "harassment_reported_kind"): ("member", "outside", "unknown"),
    ("harassment_report", "place", "harassment_place"): ("post", "profile", "event", "message", "other"),
    ("harassment_report", "status", "harassment_status"): ("received", "under-review", "closed"),
    ("moderation_action", "action", "moderation_act"): (
        "hide", "restore", "dismiss", "warn", "approve", "lock", "unlock", "pin", "unpin", "slow_mode",
        "premoderation", "mute", "unmute", "approve_member", "decline_member", "role_facilitator", "role_member"),
    ("post_report", "reason", "report_reason"): ("disrespectful", "off-topic", "spam", "harassment", "other"),
    ("post_report", "outcome", "report_outcome"): ("hidden", "dismissed", "warned"),
}


def _name_key(name):
    """As colab.accounts.models.name_key on the day of this migration."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c) and unicodedata.category(c) not in ("Cf", "Cc"))
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).strip()[:255]


def _add_checks(table):
    with op.batch_alter_table(table) as batch_op:
        for (owner, column, name), values in CHOICES.items():
            if owner == table:
                quoted = ", ".join(f"'{value}'" for value in values)
                batch_op.create_check_constraint(op.f(f"ck_{table}_{name}"), f"{column} IN ({quoted})")


def _unique_name_keys(connection):
    """Fill user.name_key; a later account whose name collides gets a number added to its display name."""
    users = sa.table("user", sa.column("id", sa.Integer), sa.column("display_name", sa.String),
                     sa.column("name_key", sa.String))
    taken = set()
    for user_id, name in connection.execute(sa.select(users.c.id, users.c.display_name).order_by(users.c.id)):
        candidate, n = name, 1
        while _name_key(candidate) in taken:
            n += 1
            candidate = f"{name[:55]} {n}"
        taken.add(_name_key(candidate))
        connection.execute(users.update().where(users.c.id == user_id)
                           .values(display_name=candidate, name_key=_name_key(candidate)))


def upgrade():
    op.create_table(
        "pending_sign_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("display_name", sa.String(length=60), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"], name=op.f("fk_pending_sign_up_region_id_region"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_sign_up")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_pending_sign_up_token_hash")),
    )
    op.create_index(op.f("ix_pending_sign_up_email"), "pending_sign_up", ["email"], unique=False)
    op.create_table(
        "user_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("browser", sa.String(length=40), nullable=False),
        sa.Column("platform", sa.String(length=40), nullable=False),
        sa.Column("remember", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_user_session_user_id_user"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_session_token_hash")),
    )
    op.create_index(op.f("ix_user_session_user_id"), "user_session", ["user_id"], unique=False)

    # People: never-reused ids on SQLite, unique display names, discreet mode.
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("discreet", sa.Boolean(), server_default=sa.false(), nullable=False))
    _unique_name_keys(op.get_bind())
    # Rebuilt once, with AUTOINCREMENT on SQLite: a later batch on "user" must pass the same table_kwargs.
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("user", recreate="always" if sqlite else "auto",
                              table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.alter_column("name_key", existing_type=sa.String(length=255), nullable=False)
        batch_op.create_unique_constraint(op.f("uq_user_name_key"), ["name_key"])

    # Harassment reports: who they are about, as a kind (a member by id, someone outside, unknown).
    with op.batch_alter_table("harassment_report") as batch_op:
        batch_op.add_column(sa.Column("reported_kind", sa.String(length=20), server_default="unknown",
                                      nullable=False))
        batch_op.add_column(sa.Column("reported_description", sa.Text(), server_default="", nullable=False))
    op.execute("UPDATE harassment_report SET reported_kind = 'member' WHERE reported_user_id IS NOT NULL")
    with op.batch_alter_table("harassment_report") as batch_op:
        batch_op.alter_column("reported_kind", existing_type=sa.String(length=20), server_default=None)
        batch_op.alter_column("reported_description", existing_type=sa.Text(), server_default=None)
    _add_checks("harassment_report")

    # Pre-moderation counts visible posts now; a thread waiting for its first post's approval is marked.
    with op.batch_alter_table("membership") as batch_op:
        batch_op.drop_column("approved_posts")
    _add_checks("membership")
    _add_checks("community")
    with op.batch_alter_table("thread") as batch_op:
        batch_op.add_column(sa.Column("held", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute("UPDATE thread SET held = true WHERE post_count = 0 AND EXISTS "
               "(SELECT 1 FROM post WHERE post.thread_id = thread.id AND post.status = 'held')")
    with op.batch_alter_table("thread") as batch_op:
        batch_op.alter_column("held", existing_type=sa.Boolean(), server_default=None)
    _add_checks("post")

    op.execute("UPDATE post_report SET outcome = NULL WHERE outcome = ''")
    with op.batch_alter_table("post_report") as batch_op:
        batch_op.alter_column("outcome", existing_type=sa.String(length=20), nullable=True)
    _add_checks("post_report")
    with op.batch_alter_table("moderation_action") as batch_op:
        batch_op.alter_column("action", existing_type=sa.String(length=30), type_=sa.String(length=20),
                              existing_nullable=False)
    _add_checks("moderation_action")

    # Notifications are worded when read from ids; old rows carry text written in someone else's language.
    op.execute("DELETE FROM notification")
    with op.batch_alter_table("notification") as batch_op:
        for column in ("community_id", "thread_id", "post_id", "actor_id", "action_id"):
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
        for column in ("community_id", "post_id", "thread_id"):
            batch_op.create_index(op.f(f"ix_notification_{column}"), [column], unique=False)
        batch_op.create_foreign_key(op.f("fk_notification_actor_id_user"), "user", ["actor_id"], ["id"],
                                    ondelete="SET NULL")
        batch_op.create_foreign_key(op.f("fk_notification_community_id_community"), "community", ["community_id"],
                                    ["id"], ondelete="CASCADE")
        batch_op.create_foreign_key(op.f("fk_notification_thread_id_thread"), "thread", ["thread_id"], ["id"],
                                    ondelete="CASCADE")
        batch_op.create_foreign_key(op.f("fk_notification_post_id_post"), "post", ["post_id"], ["id"],
                                    ondelete="CASCADE")
        batch_op.create_foreign_key(op.f("fk_notification_action_id_moderation_action"), "moderation_action",
                                    ["action_id"], ["id"], ondelete="SET NULL")


def _drop_checks(table):
    with op.batch_alter_table(table) as batch_op:
        for (owner, _column, name) in CHOICES:
            if owner == table:
                batch_op.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")


def downgrade():
    with op.batch_alter_table("notification") as batch_op:
        for name in ("action_id_moderation_action", "post_id_post", "thread_id_thread", "community_id_community",
                     "actor_id_user"):
            batch_op.drop_constraint(op.f(f"fk_notification_{name}"), type_="foreignkey")
        for column in ("thread_id", "post_id", "community_id"):
            batch_op.drop_index(op.f(f"ix_notification_{column}"))
        for column in ("action_id", "actor_id", "post_id", "thread_id", "community_id"):
            batch_op.drop_column(column)
    _drop_checks("moderation_action")
    with op.batch_alter_table("moderation_action") as batch_op:
        batch_op.alter_column("action", existing_type=sa.String(length=20), type_=sa.String(length=30),
                              existing_nullable=False)
    _drop_checks("post_report")
    op.execute("UPDATE post_report SET outcome = '' WHERE outcome IS NULL")
    with op.batch_alter_table("post_report") as batch_op:
        batch_op.alter_column("outcome", existing_type=sa.String(length=20), nullable=False)
    _drop_checks("post")
    with op.batch_alter_table("thread") as batch_op:
        batch_op.drop_column("held")
    _drop_checks("community")
    _drop_checks("membership")
    with op.batch_alter_table("membership") as batch_op:
        batch_op.add_column(sa.Column("approved_posts", sa.Integer(), server_default="0", nullable=False))
    _drop_checks("harassment_report")
    with op.batch_alter_table("harassment_report") as batch_op:
        batch_op.drop_column("reported_description")
        batch_op.drop_column("reported_kind")
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_constraint(op.f("uq_user_name_key"), type_="unique")
        batch_op.drop_column("discreet")
        batch_op.drop_column("name_key")
    op.drop_index(op.f("ix_user_session_user_id"), table_name="user_session")
    op.drop_table("user_session")
    op.drop_index(op.f("ix_pending_sign_up_email"), table_name="pending_sign_up")
    op.drop_table("pending_sign_up")
