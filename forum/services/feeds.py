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

from sqlalchemy import Select, select, tuple_
from sqlalchemy.orm import contains_eager

from ..extensions import db
from ..models import Circle, Post, PostTopic, User
from . import likes as like_service

SORTS = ("new", "hot")


@dataclass
class Page:
    posts: list[Post]
    next_cursor: str | None
    liked: set[int] = field(default_factory=set)
    sort: str = "new"


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
    after = decode_cursor(cursor, sort)
    if after is not None:
        query = query.where(tuple_(key, Post.id) < tuple_(*after))
    rows = list(db.session.scalars(query.order_by(key.desc(), Post.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1], sort) if more else None
    liked = like_service.liked_ids(viewer, [p.id for p in rows])
    return Page(rows, next_cursor, liked, sort)


def home(sort: str, cursor: str | None, limit: int, viewer: User | None) -> Page:
    return page(visible_posts(), sort, cursor, limit, viewer)


def circle(circle_id: int, sort, cursor, limit, viewer) -> Page:
    return page(visible_posts().where(Post.circle_id == circle_id), sort, cursor, limit, viewer)


def topic(topic_id: int, sort, cursor, limit, viewer) -> Page:
    query = visible_posts().join(PostTopic, PostTopic.post_id == Post.id)
    return page(query.where(PostTopic.topic_id == topic_id), sort, cursor, limit, viewer)


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
