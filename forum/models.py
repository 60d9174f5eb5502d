"""The database tables of the community, as SQLAlchemy 2 models.

Times are stored as naive UTC.  Content is never removed by a member: deleting
is a soft delete (``deleted_at``) so moderators can audit and restore it.
Counters (members, posts, comments, likes) are denormalised onto their owners
and changed with atomic ``UPDATE … SET n = n ± 1`` in the same transaction as
the row they count.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db

ROLES = ("user", "moderator", "admin", "brand")
FIRST_MEMBER_NO = 10001


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("wechat_openid", name="uq_users_wechat_openid"),
        UniqueConstraint("wechat_unionid", name="uq_users_wechat_unionid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_no: Mapped[int] = mapped_column(Integer, unique=True)
    username: Mapped[str | None] = mapped_column(String(32), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    nickname: Mapped[str] = mapped_column(String(32))
    avatar_url: Mapped[str | None] = mapped_column(String(500))
    bio: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16), default="user")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The member's WeChat identity (mini-program OpenID; UnionID when the
    # mini-program is bound to an Open Platform account).
    wechat_openid: Mapped[str | None] = mapped_column(String(64))
    wechat_unionid: Mapped[str | None] = mapped_column(String(64))
    # Where the member first came from (a `from` tag, a mini-program scene),
    # written once; "" means they came directly.
    first_source: Mapped[str | None] = mapped_column(String(64))
    first_scene: Mapped[int | None] = mapped_column(Integer)
    # Sanctions (see forum.services.sanctions): a ban keeps the member out, a
    # silence keeps them from posting and commenting; None means none.
    banned_until: Mapped[datetime | None] = mapped_column(DateTime)
    ban_reason: Mapped[str] = mapped_column(String(200), default="")
    silenced_until: Mapped[datetime | None] = mapped_column(DateTime)
    silence_reason: Mapped[str] = mapped_column(String(200), default="")

    @property
    def is_staff(self) -> bool:
        return self.role in ("moderator", "admin")

    @property
    def is_banned(self) -> bool:
        return self.banned_until is not None and self.banned_until > utcnow()

    @property
    def is_silenced(self) -> bool:
        return self.silenced_until is not None and self.silenced_until > utcnow()

    @property
    def is_active(self) -> bool:
        # Flask-Login refuses to log in an inactive account: a banned one.
        return not self.is_banned

    @property
    def avatar_letter(self) -> str:
        return (self.nickname or "?")[:1]

    @property
    def avatar_hue(self) -> int:
        return (self.member_no * 47) % 360


class Circle(db.Model):
    __tablename__ = "circles"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(30), unique=True)
    description: Mapped[str] = mapped_column(String(500), default="")
    announcement: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    member_count: Mapped[int] = mapped_column(Integer, default=0)
    post_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    delete_reason: Mapped[str] = mapped_column(String(200), default="")

    owner: Mapped[User] = relationship(foreign_keys=[owner_id], lazy="raise")


class Membership(db.Model):
    __tablename__ = "memberships"

    circle_id: Mapped[int] = mapped_column(ForeignKey("circles.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Post(db.Model):
    __tablename__ = "posts"
    __table_args__ = (
        Index("ix_posts_new", "created_at", "id"),
        Index("ix_posts_hot", "hot_score", "id"),
        Index("ix_posts_circle_new", "circle_id", "created_at", "id"),
        Index("ix_posts_circle_hot", "circle_id", "hot_score", "id"),
        Index("ix_posts_author_new", "author_id", "created_at", "id"),
        Index("ix_posts_goods_new", "is_goods", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circles.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(60), default="")
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # published | pending | rejected
    status: Mapped[str] = mapped_column(String(16), default="published")
    like_count: Mapped[int] = mapped_column(Integer, default=0)
    comment_count: Mapped[int] = mapped_column(Integer, default=0)
    hot_score: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    delete_reason: Mapped[str] = mapped_column(String(200), default="")
    # Why a moderator rejected it: shown to its author.
    moderation_note: Mapped[str] = mapped_column(String(200), default="")
    # 好物分享: the post shares products (PostProduct rows); images are PostImage
    # rows.  Both flags let a feed page skip the look-ups when nothing is there.
    is_goods: Mapped[bool] = mapped_column(Boolean, default=False)
    image_count: Mapped[int] = mapped_column(Integer, default=0)
    # Added in batches by forum.services.view_counts, never on the request path.
    view_count: Mapped[int] = mapped_column(Integer, default=0)

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="raise")
    circle: Mapped[Circle] = relationship(lazy="raise")

    @property
    def is_visible(self) -> bool:
        return self.status == "published" and self.deleted_at is None


class Comment(db.Model):
    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_post", "post_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # One level of replies: a reply always points at a top-level comment.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"))
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="published")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    delete_reason: Mapped[str] = mapped_column(String(200), default="")
    moderation_note: Mapped[str] = mapped_column(String(200), default="")

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="raise")
    reply_to: Mapped[User | None] = relationship(foreign_keys=[reply_to_id], lazy="raise")


class Like(db.Model):
    __tablename__ = "likes"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Topic(db.Model):
    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)
    description: Mapped[str] = mapped_column(String(500), default="")
    post_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_post_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PostTopic(db.Model):
    __tablename__ = "post_topics"
    __table_args__ = (UniqueConstraint("post_id", "topic_id"),)

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"), primary_key=True, index=True)


class LoginTicket(db.Model):
    """A one-time ticket from the mini-program login: the web-view trades it for
    a session within a minute, once.  Only a hash of the ticket is stored."""

    __tablename__ = "login_tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    scene: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)


# -- moderation ------------------------------------------------------------------


class WordEntry(db.Model):
    """One word of the live word list; ``allow`` entries are allow phrases."""

    __tablename__ = "word_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(String(64), unique=True)
    # block | review | mask | allow
    action: Mapped[str] = mapped_column(String(8), default="review")
    category: Mapped[str] = mapped_column(String(8), default="其他")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Every change moves it: the screen reloads its word list when it does.
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class QueueItem(db.Model):
    """Something a moderator must decide on: a pending post, comment or member."""

    __tablename__ = "queue_items"
    __table_args__ = (
        Index("ix_queue_items_state_severity", "state", "severity", "created_at"),
        Index("ix_queue_items_target", "target_kind", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # post | comment | member
    target_kind: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # open | approved | rejected
    state: Mapped[str] = mapped_column(String(16), default="open")
    severity: Mapped[int] = mapped_column(Integer, default=0)
    # [{"kind", "category", "action", "message", "term"?}, ...]
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    # The text as it was flagged, per field, and the matched spans per field.
    snapshot: Mapped[dict] = mapped_column(JSON, default=dict)
    spans: Mapped[dict] = mapped_column(JSON, default=dict)
    # screen | report | wechat
    source: Mapped[str] = mapped_column(String(16), default="screen")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    # Optimistic lock: a decision names the version it saw.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_reason: Mapped[str] = mapped_column(String(200), default="")

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="raise")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id], lazy="raise")


class Report(db.Model):
    """A member's report (举报) of a post: one per member per post."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("post_id", "reporter_id", name="uq_reports_post_reporter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    reporter: Mapped[User] = relationship(lazy="raise")


class AuditLog(db.Model):
    """An append-only record of every moderator action: who, what, when, why, on what."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_actor", "actor_id", "id"),
        Index("ix_audit_log_action", "action", "id"),
        Index("ix_audit_log_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None: the system or a command-line operator.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(32))
    target_kind: Mapped[str] = mapped_column(String(16), default="")
    target_id: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    actor: Mapped[User | None] = relationship(lazy="raise")


# -- brands and good-stuff sharing (好物分享) ----------------------------------------


class Brand(db.Model):
    """A brand: its accounts manage products and pin topics to the home page."""

    __tablename__ = "brands"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30), unique=True)
    # A name in forum.services.storage (content-hashed); None: no logo.
    logo_path: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Moved by every pin: concurrent pins of one brand take turns on this row.
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class BrandAccount(db.Model):
    """A member account (role ``brand``) acting for a brand; one brand per account."""

    __tablename__ = "brand_accounts"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship(lazy="raise")


class Product(db.Model):
    """An item of a brand's catalogue.  Removal is soft: posts keep a 已下架 card."""

    __tablename__ = "products"
    __table_args__ = (Index("ix_products_brand", "brand_id", "removed_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"))
    name: Mapped[str] = mapped_column(String(60))
    # Yuan × 100: money is never a float.
    price_fen: Mapped[int] = mapped_column(Integer)
    image_path: Mapped[str | None] = mapped_column(String(200))
    # Where 去看看 leads: a web page (http/https) and/or a page of the shop's
    # mini-program (app id + page path), opened from the host's jump page.
    web_url: Mapped[str | None] = mapped_column(String(500))
    mp_appid: Mapped[str | None] = mapped_column(String(18))
    mp_path: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(DateTime)

    brand: Mapped[Brand] = relationship(lazy="raise")

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def price_text(self) -> str:
        return f"{self.price_fen // 100}.{self.price_fen % 100:02d}"


class PostProduct(db.Model):
    """A product shared in a post (up to three per post, in the member's order)."""

    __tablename__ = "post_products"

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class PostImage(db.Model):
    """An image of a post (up to nine), re-encoded and stored by name."""

    __tablename__ = "post_images"
    __table_args__ = (UniqueConstraint("post_id", "position", name="uq_post_images_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    position: Mapped[int] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(String(200))
    thumb_path: Mapped[str] = mapped_column(String(200))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)


class ProductClick(db.Model):
    """A tap on a product card: who (a member, or an anonymous reader's key), from
    which post, through which source.  One reader's taps within a minute are one."""

    __tablename__ = "product_clicks"
    __table_args__ = (
        Index("ix_product_clicks_reader", "product_id", "reader_key", "created_at"),
        Index("ix_product_clicks_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # "u:<member id>" or "a:<anonymous cookie id>"
    reader_key: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(64), default="web")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PostViewDay(db.Model):
    """Views of a post per day (China time), for a brand's figures over a date range."""

    __tablename__ = "post_view_days"

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True, index=True)
    views: Mapped[int] = mapped_column(Integer, default=0)


class TopicPin(db.Model):
    """A brand's topic on the home page for a time window, labelled 品牌 or 推广.

    Active while ``starts_at <= now < ends_at`` and not removed: expired pins
    drop out by the query alone."""

    __tablename__ = "topic_pins"
    __table_args__ = (Index("ix_topic_pins_window", "ends_at", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"), index=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"), index=True)
    label: Mapped[str] = mapped_column(String(8))
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    removed_at: Mapped[datetime | None] = mapped_column(DateTime)

    topic: Mapped[Topic] = relationship(lazy="raise")
    brand: Mapped[Brand] = relationship(lazy="raise")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id], lazy="raise")
    removed_by: Mapped[User | None] = relationship(foreign_keys=[removed_by_id], lazy="raise")


# -- search ------------------------------------------------------------------------


class SearchOutbox(db.Model):
    """A change the search index has yet to receive, written in the transaction
    that made it (forum.services.indexing); applied and removed after commit,
    or by ``flask search sync`` when the index was busy or broken."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    # post | circle
    doc_kind: Mapped[str] = mapped_column(String(16))
    doc_id: Mapped[int] = mapped_column(Integer)
    # upsert | delete: a hint; the document is built from the database when applied.
    op: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")


class SearchLog(db.Model):
    """One search, anonymised: the query and how many results it had; no member,
    no address, only a salted hash of the session for distinct counts."""

    __tablename__ = "search_log"
    __table_args__ = (Index("ix_search_log_query", "query", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    query: Mapped[str] = mapped_column(String(100))
    result_count: Mapped[int] = mapped_column(Integer, default=0)
    circle_slug: Mapped[str] = mapped_column(String(40), default="")
    visitor_hash: Mapped[str] = mapped_column(String(16), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class SearchState(db.Model):
    """The index's bookkeeping, one row (id 1): when it last took outbox rows or
    was rebuilt, and the last error it met."""

    __tablename__ = "search_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_sync_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_rebuild_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    last_error_at: Mapped[datetime | None] = mapped_column(DateTime)
