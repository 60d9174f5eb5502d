"""Moderators' deletions and admins' restores of posts, comments and whole circles.

Deleting is a soft delete with who, when and why; the content leaves every
feed, topic, profile, count and the search index in the same transaction, and
an admin can bring it back (counts and index included).  Circle owners delete
posts in their own circle; moderators and admins delete anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import contains_eager

from ..extensions import db
from ..models import Circle, Comment, Post, PostTopic, QueueItem, Topic, User, utcnow
from . import Forbidden, Invalid, audit, indexing
from . import comments as comment_service
from . import posts as post_service
from .visibility import circle_live, count_post

REASON_MAX = 200


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid({"reason": "请填写删除理由"})
    return reason[:REASON_MAX]


def _owner_id(circle_id: int) -> int | None:
    return db.session.scalar(select(Circle.owner_id).where(Circle.id == circle_id))


def can_moderate_circle(user: User | None, circle_id: int) -> bool:
    """Moderators and admins everywhere; a circle's owner in their circle."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_staff or _owner_id(circle_id) == user.id


def can_moderate_comments(user: User | None) -> bool:
    """Other members' comments are deleted by moderators and admins only."""
    return user is not None and user.is_authenticated and user.is_staff


def _require_admin(user: User) -> None:
    if user.role != "admin":
        raise Forbidden("只有管理员可以恢复已删除的内容")


def _close_items(kind: str, target_id: int, actor: User, reason: str) -> None:
    db.session.execute(
        update(QueueItem)
        .where(
            QueueItem.target_kind == kind,
            QueueItem.target_id == target_id,
            QueueItem.state == "open",
        )
        .values(
            state="rejected",
            version=QueueItem.version + 1,
            decided_by_id=actor.id,
            decided_at=utcnow(),
            decision_reason=reason,
        )
    )


def delete_post(actor: User, post: Post, reason: str) -> None:
    if not can_moderate_circle(actor, post.circle_id):
        raise Forbidden("你不能删除这篇帖子")
    reason = _reason(reason)
    post_service.soft_delete(post, by=actor, reason=reason)
    _close_items("post", post.id, actor, reason)
    audit.log(actor, "post.delete", "post", post.id, reason, circle_id=post.circle_id)
    db.session.commit()


def delete_comment(actor: User, comment: Comment, reason: str) -> Post:
    post = db.session.get(Post, comment.post_id)
    if not can_moderate_comments(actor):
        raise Forbidden("只能删除自己的评论")
    reason = _reason(reason)
    comment_service.soft_delete(comment, by=actor)
    comment.delete_reason = reason
    _close_items("comment", comment.id, actor, reason)
    audit.log(actor, "comment.delete", "comment", comment.id, reason, post_id=post.id)
    db.session.commit()
    return post


def _visible_posts(circle_id: int):
    return select(Post).where(
        Post.circle_id == circle_id, Post.status == "published", Post.deleted_at.is_(None)
    )


def _move_circle_topics(circle_id: int, sign: int) -> None:
    """Take the circle's visible posts out of (-1) or back into (+1) their topics' counts."""
    per_topic = db.session.execute(
        select(PostTopic.topic_id, func.count())
        .join(Post, Post.id == PostTopic.post_id)
        .where(Post.circle_id == circle_id, Post.status == "published", Post.deleted_at.is_(None))
        .group_by(PostTopic.topic_id)
    ).all()
    for topic_id, n in per_topic:
        db.session.execute(
            update(Topic).where(Topic.id == topic_id).values(post_count=Topic.post_count + sign * n)
        )


def delete_circle(actor: User, circle: Circle, reason: str) -> None:
    """Delete a whole circle with its posts (moderators and admins only)."""
    if not actor.is_staff:
        raise Forbidden("只有版主可以删除圈子")
    reason = _reason(reason)
    if circle.deleted_at is not None:
        return
    _move_circle_topics(circle.id, -1)
    for post in db.session.scalars(_visible_posts(circle.id)):
        indexing.post_removed(post)
    circle.deleted_at, circle.deleted_by_id, circle.delete_reason = utcnow(), actor.id, reason
    indexing.circle_removed(circle)
    audit.log(actor, "circle.delete", "circle", circle.id, reason, slug=circle.slug)
    db.session.commit()


def restore_circle(actor: User, circle: Circle, reason: str = "") -> None:
    _require_admin(actor)
    if circle.deleted_at is None:
        return
    circle.deleted_at, circle.deleted_by_id, circle.delete_reason = None, None, ""
    db.session.flush()
    _move_circle_topics(circle.id, +1)
    for post in db.session.scalars(_visible_posts(circle.id)):
        indexing.post_saved(post)
    indexing.circle_saved(circle)
    audit.log(actor, "circle.restore", "circle", circle.id, reason.strip(), slug=circle.slug)
    db.session.commit()


def restore_post(actor: User, post: Post, reason: str = "") -> None:
    _require_admin(actor)
    if post.deleted_at is None:
        return
    post.deleted_at, post.deleted_by_id, post.delete_reason = None, None, ""
    if post.status == "published" and circle_live(post.circle_id):
        count_post(post, +1)
        indexing.post_saved(post)
    audit.log(actor, "post.restore", "post", post.id, reason.strip())
    db.session.commit()


def restore_comment(actor: User, comment: Comment, reason: str = "") -> None:
    _require_admin(actor)
    if comment.deleted_at is None:
        return
    comment.deleted_at, comment.deleted_by_id, comment.delete_reason = None, None, ""
    if comment.status == "published":
        comment_service._count(db.session.get(Post, comment.post_id), +1)
    audit.log(actor, "comment.restore", "comment", comment.id, reason.strip())
    db.session.commit()


@dataclass
class Deleted:
    posts: list[Post]
    comments: list[Comment]
    circles: list[Circle]


def recently_deleted(limit: int = 30) -> Deleted:
    """What moderators and members deleted lately, newest first (for restoring)."""
    posts = db.session.scalars(
        select(Post)
        .join(Post.author)
        .join(Post.circle)
        .options(contains_eager(Post.author), contains_eager(Post.circle))
        .where(Post.deleted_at.is_not(None))
        .order_by(Post.deleted_at.desc())
        .limit(limit)
    )
    comments = db.session.scalars(
        select(Comment)
        .join(Comment.author)
        .options(contains_eager(Comment.author))
        .where(Comment.deleted_at.is_not(None))
        .order_by(Comment.deleted_at.desc())
        .limit(limit)
    )
    circles = db.session.scalars(
        select(Circle)
        .where(Circle.deleted_at.is_not(None))
        .order_by(Circle.deleted_at.desc())
        .limit(limit)
    )
    return Deleted(list(posts), list(comments), list(circles))
