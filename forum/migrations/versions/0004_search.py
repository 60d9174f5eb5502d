"""search: the index outbox, the anonymised search log, the index's sync state

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("doc_kind", sa.String(length=16), nullable=False),
        sa.Column("doc_id", sa.Integer(), nullable=False),
        sa.Column("op", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_search_outbox"),
    )

    op.create_table(
        "search_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("query", sa.String(length=100), nullable=False),
        sa.Column("result_count", sa.Integer(), nullable=False),
        sa.Column("circle_slug", sa.String(length=40), nullable=False),
        sa.Column("visitor_hash", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_search_log"),
    )
    with op.batch_alter_table("search_log", schema=None) as batch_op:
        batch_op.create_index("ix_search_log_query", ["query", "created_at"], unique=False)
        batch_op.create_index("ix_search_log_created_at", ["created_at"], unique=False)

    op.create_table(
        "search_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_sync_at", sa.DateTime(), nullable=True),
        sa.Column("last_rebuild_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.Column("last_error_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_search_state"),
    )


def downgrade():
    op.drop_table("search_state")
    with op.batch_alter_table("search_log", schema=None) as batch_op:
        batch_op.drop_index("ix_search_log_created_at")
        batch_op.drop_index("ix_search_log_query")
    op.drop_table("search_log")
    op.drop_table("search_outbox")
