"""Feeds: pages of visible posts, newest or hottest first, with keyset cursors.

A page is one query (posts with their authors and circles joined) plus one for
the viewer's likes, whatever the page size.  Cursors hold the sort key and id
of the last post shown, so pages never skip or repeat a post, ties included,
and deep pages cost the same as the first.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, func, select, true, tuple_
from sqlalchemy.orm import contains_eager

from ..extensions import db
from ..models import Circle, Post, PostImage, PostProduct, PostTopic, Product, User
from . import attachments
from . import likes as like_service

# ``goods``: the 好物 tab, posts that share products, newest first.
SORTS = ("new", "hot", "goods")


@dataclass
class Page:
    posts: list[Post]
    next_cursor: str | None
    liked: set[int] = field(default_factory=set)
    sort: str = "new"
    # The page's shared products and images by post id (one query each).
    products: dict[int, list[Product]] = field(default_factory=dict)
    images: dict[int, list[PostImage]] = field(default_factory=dict)


def encode_cursor(post: Post, sort: str) -> str:
    key = post.hot_score if sort == "hot" else post.created_at.isoformat()
    raw = json.dumps([key, post.id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, sort: str) -> tuple[object, int] | None:
    """The (key, id) in ``cursor``, or None for the first page or a mangled cursor."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key, post_id = json.loads(raw)
        post_id = int(post_id)
        # Ids beyond 64 bits cannot be bound as SQL integers (SQLite raises).
        if not 0 <= post_id < 2**63:
            return None
        if sort == "hot":
            return float(key), post_id
        return datetime.fromisoformat(key), post_id
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError):
        return None


def visible_posts() -> Select:
    return (
        select(Post)
        .join(Post.author)
        .join(Post.circle)
        .options(contains_eager(Post.author), contains_eager(Post.circle))
        .where(
            Post.status == "published",
            Post.deleted_at.is_(None),
            Circle.deleted_at.is_(None),
        )
    )


def page(
    query: Select,
    sort: str,
    cursor: str | None,
    limit: int,
    viewer: User | None,
) -> Page:
    sort = sort if sort in SORTS else "new"
    key = Post.hot_score if sort == "hot" else Post.created_at
    if sort == "goods":
        query = query.where(Post.is_goods == true())
    after = decode_cursor(cursor, sort)
    if after is not None:
        query = query.where(tuple_(key, Post.id) < tuple_(*after))
    rows = list(db.session.scalars(query.order_by(key.desc(), Post.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1], sort) if more else None
    liked = like_service.liked_ids(viewer, [p.id for p in rows])
    products, images = attachments.for_posts(rows)
    return Page(rows, next_cursor, liked, sort, products, images)


def home(sort: str, cursor: str | None, limit: int, viewer: User | None) -> Page:
    return page(visible_posts(), sort, cursor, limit, viewer)


def circle(circle_id: int, sort, cursor, limit, viewer) -> Page:
    return page(visible_posts().where(Post.circle_id == circle_id), sort, cursor, limit, viewer)


def topic(topic_id: int, sort, cursor, limit, viewer) -> Page:
    query = visible_posts().join(PostTopic, PostTopic.post_id == Post.id)
    return page(query.where(PostTopic.topic_id == topic_id), sort, cursor, limit, viewer)


def product(product_id: int, cursor, limit, viewer) -> Page:
    """The posts that share a product (买家秀), newest first."""
    query = visible_posts().join(PostProduct, PostProduct.post_id == Post.id)
    return page(query.where(PostProduct.product_id == product_id), "new", cursor, limit, viewer)


def profile(author: User, sort, cursor, limit, viewer) -> Page:
    """A member's posts; the member also sees their own posts awaiting review
    and the ones a moderator rejected (with the reason)."""
    query = (
        select(Post)
        .join(Post.author)
        .join(Post.circle)
        .options(contains_eager(Post.author), contains_eager(Post.circle))
        .where(Post.author_id == author.id, Post.deleted_at.is_(None), Circle.deleted_at.is_(None))
    )
    own = viewer is not None and viewer.is_authenticated and viewer.id == author.id
    query = (
        query.where(Post.status.in_(("published", "pending", "rejected")))
        if own
        else query.where(Post.status == "published")
    )
    return page(query, sort, cursor, limit, viewer)


def home_version() -> tuple:
    """Changes whenever a post appears or disappears anywhere (page cache key)."""
    return tuple(
        db.session.execute(
            select(func.max(Circle.last_activity_at), func.sum(Circle.post_count), func.count())
            .select_from(Circle)
            .where(Circle.deleted_at.is_(None))
        ).one()
    )
