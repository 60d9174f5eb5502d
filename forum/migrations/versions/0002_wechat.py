"""wechat: members' WeChat identity and first source, one-time login tickets

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("wechat_openid", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("wechat_unionid", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("first_source", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("first_scene", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint("uq_users_wechat_openid", ["wechat_openid"])
        batch_op.create_unique_constraint("uq_users_wechat_unionid", ["wechat_unionid"])

    op.create_table(
        "login_tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("scene", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_login_tickets_user_id_users"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash", name="uq_login_tickets_token_hash"),
    )
    with op.batch_alter_table("login_tickets", schema=None) as batch_op:
        batch_op.create_index("ix_login_tickets_user_id", ["user_id"], unique=False)
        batch_op.create_index("ix_login_tickets_expires_at", ["expires_at"], unique=False)


def downgrade():
    with op.batch_alter_table("login_tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_login_tickets_expires_at")
        batch_op.drop_index("ix_login_tickets_user_id")
    op.drop_table("login_tickets")

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint("uq_users_wechat_unionid", type_="unique")
        batch_op.drop_constraint("uq_users_wechat_openid", type_="unique")
        batch_op.drop_column("first_scene")
        batch_op.drop_column("first_source")
        batch_op.drop_column("wechat_unionid")
        batch_op.drop_column("wechat_openid")
