"""moderation: word list, queue, reports, audit log; sanctions and soft-delete reasons

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("banned_until", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("ban_reason", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("silenced_until", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("silence_reason", sa.String(length=200), nullable=False, server_default="")
        )

    with op.batch_alter_table("circles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deleted_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("delete_reason", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.create_foreign_key(
            "fk_circles_deleted_by_id_users", "users", ["deleted_by_id"], ["id"]
        )

    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("moderation_note", sa.String(length=200), nullable=False, server_default="")
        )

    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("delete_reason", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("moderation_note", sa.String(length=200), nullable=False, server_default="")
        )

    # The defaults above only fill the existing rows; the app always writes them.
    for table, columns in (
        ("users", ("ban_reason", "silence_reason")),
        ("circles", ("delete_reason",)),
        ("posts", ("moderation_note",)),
        ("comments", ("delete_reason", "moderation_note")),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.alter_column(column, server_default=None)

    op.create_table(
        "word_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("word", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("category", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name="fk_word_entries_created_by_id_users"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_word_entries"),
        sa.UniqueConstraint("word", name="uq_word_entries_word"),
    )
    with op.batch_alter_table("word_entries", schema=None) as batch_op:
        batch_op.create_index("ix_word_entries_updated_at", ["updated_at"], unique=False)

    op.create_table(
        "queue_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_kind", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("spans", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_reason", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name="fk_queue_items_author_id_users"),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name="fk_queue_items_decided_by_id_users"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_queue_items"),
    )
    with op.batch_alter_table("queue_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_queue_items_state_severity", ["state", "severity", "created_at"], unique=False
        )
        batch_op.create_index("ix_queue_items_target", ["target_kind", "target_id"], unique=False)
        batch_op.create_index("ix_queue_items_author_id", ["author_id"], unique=False)

    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name="fk_reports_post_id_posts"),
        sa.ForeignKeyConstraint(["reporter_id"], ["users.id"], name="fk_reports_reporter_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_reports"),
        sa.UniqueConstraint("post_id", "reporter_id", name="uq_reports_post_reporter"),
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index("ix_reports_reporter_id", ["reporter_id"], unique=False)
        batch_op.create_index("ix_reports_created_at", ["created_at"], unique=False)

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("target_kind", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name="fk_audit_log_actor_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_actor", ["actor_id", "id"], unique=False)
        batch_op.create_index("ix_audit_log_action", ["action", "id"], unique=False)
        batch_op.create_index("ix_audit_log_created", ["created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_created")
        batch_op.drop_index("ix_audit_log_action")
        batch_op.drop_index("ix_audit_log_actor")
    op.drop_table("audit_log")

    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index("ix_reports_created_at")
        batch_op.drop_index("ix_reports_reporter_id")
    op.drop_table("reports")

    with op.batch_alter_table("queue_items", schema=None) as batch_op:
        batch_op.drop_index("ix_queue_items_author_id")
        batch_op.drop_index("ix_queue_items_target")
        batch_op.drop_index("ix_queue_items_state_severity")
    op.drop_table("queue_items")

    with op.batch_alter_table("word_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_word_entries_updated_at")
    op.drop_table("word_entries")

    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_column("moderation_note")
        batch_op.drop_column("delete_reason")

    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_column("moderation_note")

    with op.batch_alter_table("circles", schema=None) as batch_op:
        batch_op.drop_constraint("fk_circles_deleted_by_id_users", type_="foreignkey")
        batch_op.drop_column("delete_reason")
        batch_op.drop_column("deleted_by_id")

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("silence_reason")
        batch_op.drop_column("silenced_until")
        batch_op.drop_column("ban_reason")
        batch_op.drop_column("banned_until")
