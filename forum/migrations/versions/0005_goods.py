"""goods: brands, products, post images and products, clicks, views per day, topic pins

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_goods", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("image_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("view_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.create_index(
            "ix_posts_goods_new", ["is_goods", "created_at", "id"], unique=False
        )
    # The defaults above only fill the existing rows; the app always writes them.
    with op.batch_alter_table("posts", schema=None) as batch_op:
        for column in ("is_goods", "image_count", "view_count"):
            batch_op.alter_column(column, server_default=None)

    op.create_table(
        "brands",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=30), nullable=False),
        sa.Column("logo_path", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_brands"),
        sa.UniqueConstraint("name", name="uq_brands_name"),
    )

    op.create_table(
        "brand_accounts",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("brand_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_brand_accounts_user_id_users"),
        sa.ForeignKeyConstraint(
            ["brand_id"], ["brands.id"], name="fk_brand_accounts_brand_id_brands"
        ),
        sa.PrimaryKeyConstraint("user_id", name="pk_brand_accounts"),
    )
    with op.batch_alter_table("brand_accounts", schema=None) as batch_op:
        batch_op.create_index("ix_brand_accounts_brand_id", ["brand_id"], unique=False)

    op.create_table(
        "products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("brand_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("price_fen", sa.Integer(), nullable=False),
        sa.Column("image_path", sa.String(length=200), nullable=True),
        sa.Column("web_url", sa.String(length=500), nullable=True),
        sa.Column("mp_appid", sa.String(length=18), nullable=True),
        sa.Column("mp_path", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["brand_id"], ["brands.id"], name="fk_products_brand_id_brands"),
        sa.PrimaryKeyConstraint("id", name="pk_products"),
    )
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.create_index("ix_products_brand", ["brand_id", "removed_at", "id"], unique=False)

    op.create_table(
        "post_products",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name="fk_post_products_post_id_posts"),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name="fk_post_products_product_id_products"
        ),
        sa.PrimaryKeyConstraint("post_id", "product_id", name="pk_post_products"),
    )
    with op.batch_alter_table("post_products", schema=None) as batch_op:
        batch_op.create_index("ix_post_products_product_id", ["product_id"], unique=False)

    op.create_table(
        "post_images",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=200), nullable=False),
        sa.Column("thumb_path", sa.String(length=200), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name="fk_post_images_post_id_posts"),
        sa.PrimaryKeyConstraint("id", name="pk_post_images"),
        sa.UniqueConstraint("post_id", "position", name="uq_post_images_position"),
    )

    op.create_table(
        "product_clicks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("reader_key", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name="fk_product_clicks_product_id_products"
        ),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name="fk_product_clicks_post_id_posts"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_product_clicks_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_product_clicks"),
    )
    with op.batch_alter_table("product_clicks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_product_clicks_reader", ["product_id", "reader_key", "created_at"], unique=False
        )
        batch_op.create_index("ix_product_clicks_created", ["created_at"], unique=False)
        batch_op.create_index("ix_product_clicks_post_id", ["post_id"], unique=False)

    op.create_table(
        "post_view_days",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("views", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name="fk_post_view_days_post_id_posts"),
        sa.PrimaryKeyConstraint("post_id", "day", name="pk_post_view_days"),
    )
    with op.batch_alter_table("post_view_days", schema=None) as batch_op:
        batch_op.create_index("ix_post_view_days_day", ["day"], unique=False)

    op.create_table(
        "topic_pins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("brand_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=8), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("removed_by_id", sa.Integer(), nullable=True),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["topic_id"], ["topics.id"], name="fk_topic_pins_topic_id_topics"),
        sa.ForeignKeyConstraint(["brand_id"], ["brands.id"], name="fk_topic_pins_brand_id_brands"),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name="fk_topic_pins_created_by_id_users"
        ),
        sa.ForeignKeyConstraint(
            ["removed_by_id"], ["users.id"], name="fk_topic_pins_removed_by_id_users"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_topic_pins"),
    )
    with op.batch_alter_table("topic_pins", schema=None) as batch_op:
        batch_op.create_index("ix_topic_pins_window", ["ends_at", "starts_at"], unique=False)
        batch_op.create_index("ix_topic_pins_topic_id", ["topic_id"], unique=False)
        batch_op.create_index("ix_topic_pins_brand_id", ["brand_id"], unique=False)


def downgrade():
    with op.batch_alter_table("topic_pins", schema=None) as batch_op:
        batch_op.drop_index("ix_topic_pins_brand_id")
        batch_op.drop_index("ix_topic_pins_topic_id")
        batch_op.drop_index("ix_topic_pins_window")
    op.drop_table("topic_pins")

    with op.batch_alter_table("post_view_days", schema=None) as batch_op:
        batch_op.drop_index("ix_post_view_days_day")
    op.drop_table("post_view_days")

    with op.batch_alter_table("product_clicks", schema=None) as batch_op:
        batch_op.drop_index("ix_product_clicks_post_id")
        batch_op.drop_index("ix_product_clicks_created")
        batch_op.drop_index("ix_product_clicks_reader")
    op.drop_table("product_clicks")

    op.drop_table("post_images")

    with op.batch_alter_table("post_products", schema=None) as batch_op:
        batch_op.drop_index("ix_post_products_product_id")
    op.drop_table("post_products")

    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_index("ix_products_brand")
    op.drop_table("products")

    with op.batch_alter_table("brand_accounts", schema=None) as batch_op:
        batch_op.drop_index("ix_brand_accounts_brand_id")
    op.drop_table("brand_accounts")

    op.drop_table("brands")

    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_index("ix_posts_goods_new")
        batch_op.drop_column("view_count")
        batch_op.drop_column("image_count")
        batch_op.drop_column("is_goods")
