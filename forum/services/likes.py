"""Likes: one row per (member, post) and an atomic counter, in one transaction."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from ..extensions import db
from ..models import Like, Post, User
from . import posts as post_service
from . import standing
from .sql import insert_ignore


def set_like(user: User, post: Post, liked: bool) -> tuple[bool, int]:
    """Make the member's like on ``post`` be ``liked``; returns (liked, like_count).

    Idempotent: a double click sending "like" twice changes the count once, and
    concurrent requests never miscount, because only the request whose insert
    or delete touched a row moves the counter.
    """
    standing.ensure_can_write(user)
    if liked:
        changed = (
            db.session.execute(
                insert_ignore(Like).values(user_id=user.id, post_id=post.id)
            ).rowcount
            == 1
        )
        delta = 1
    else:
        changed = (
            db.session.execute(
                delete(Like).where(Like.user_id == user.id, Like.post_id == post.id)
            ).rowcount
            == 1
        )
        delta = -1
    if changed:
        likes, comments, created = db.session.execute(
            update(Post)
            .where(Post.id == post.id)
            .values(like_count=Post.like_count + delta)
            .returning(Post.like_count, Post.comment_count, Post.created_at)
        ).one()
        db.session.execute(
            update(Post)
            .where(Post.id == post.id)
            .values(hot_score=post_service.hot_score(likes, comments, created))
        )
    db.session.commit()
    count = db.session.scalar(select(Post.like_count).where(Post.id == post.id))
    return liked, count or 0


def toggle(user: User, post: Post) -> tuple[bool, int]:
    return set_like(user, post, not has_liked(user, post.id))


def has_liked(user: User | None, post_id: int) -> bool:
    return bool(user and user.is_authenticated and liked_ids(user, [post_id]))


def liked_ids(user: User | None, post_ids: list[int]) -> set[int]:
    """Which of ``post_ids`` the member has liked, in one query."""
    if user is None or not user.is_authenticated or not post_ids:
        return set()
    return set(
        db.session.scalars(
            select(Like.post_id).where(Like.user_id == user.id, Like.post_id.in_(post_ids))
        )
    )
