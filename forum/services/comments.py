"""Comments with one level of replies."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import aliased, contains_eager

from .. import text
from ..extensions import db
from ..models import Circle, Comment, Post, User, utcnow
from . import Forbidden, Invalid, NotFound, screening, standing
from . import posts as post_service

BODY_MAX = 1000


@dataclass
class Thread:
    """A top-level comment and the replies under it."""

    comment: Comment
    replies: list[Comment] = field(default_factory=list)


def create(author: User, post: Post, body: str, parent_id: int | None = None) -> Comment:
    standing.ensure_can_speak(author)
    body = text.normalize_newlines(body)
    if not post.is_visible:
        raise Forbidden("这篇帖子暂时不能评论")
    if not body:
        raise Invalid({"body": "评论不能为空"})
    if len(body) > BODY_MAX:
        raise Invalid({"body": f"评论最多 {BODY_MAX} 个字"})
    decision = screening.screen(author, "comment", {"body": body}, circle_id=post.circle_id)
    body = decision.fields["body"]
    parent, reply_to_id = None, None
    if parent_id:
        parent = db.session.get(Comment, parent_id)
        if parent is None or parent.post_id != post.id or parent.deleted_at is not None:
            raise Invalid({"body": "要回复的评论不存在或已删除"})
        reply_to_id = parent.author_id
        # Replies stay one level deep: a reply to a reply joins its thread.
        if parent.parent_id is not None:
            parent = db.session.get(Comment, parent.parent_id)
    now = utcnow()
    comment = Comment(
        post_id=post.id,
        author_id=author.id,
        parent_id=parent.id if parent else None,
        reply_to_id=reply_to_id if parent else None,
        body=body,
        body_html=text.render(body),
        created_at=now,
        status="pending" if decision.pending else "published",
    )
    db.session.add(comment)
    db.session.flush()
    if comment.status == "published":
        _count(post, +1)
    screening.record(decision, author, "comment", comment.id)
    db.session.execute(
        update(Circle).where(Circle.id == post.circle_id).values(last_activity_at=now)
    )
    db.session.commit()
    return comment


def _count(post: Post, delta: int) -> None:
    likes, comments, created = db.session.execute(
        update(Post)
        .where(Post.id == post.id)
        .values(comment_count=Post.comment_count + delta)
        .returning(Post.like_count, Post.comment_count, Post.created_at)
    ).one()
    db.session.execute(
        update(Post)
        .where(Post.id == post.id)
        .values(hot_score=post_service.hot_score(likes, comments, created))
    )


def get(comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.deleted_at is not None:
        raise NotFound(comment_id)
    return comment


def delete(user: User, comment: Comment) -> Post:
    if comment.author_id != user.id:
        raise Forbidden("只能删除自己的评论")
    post = db.session.get(Post, comment.post_id)
    soft_delete(comment, by=user)
    db.session.commit()
    return post


def soft_delete(comment: Comment, by: User) -> None:
    if comment.deleted_at is not None:
        return
    comment.deleted_at, comment.deleted_by_id = utcnow(), by.id
    if comment.status == "published":
        _count(db.session.get(Post, comment.post_id), -1)


def threads(post: Post, viewer: User | None = None) -> list[Thread]:
    """The visible comments of ``post`` as threads, authors loaded, in one query."""
    reply_to = aliased(User)
    rows = db.session.scalars(
        select(Comment)
        .join(Comment.author)
        .outerjoin(reply_to, Comment.reply_to)
        .options(contains_eager(Comment.author), contains_eager(Comment.reply_to.of_type(reply_to)))
        .where(Comment.post_id == post.id)
        .where(
            (Comment.status == "published")
            | (Comment.author_id == (viewer.id if viewer and viewer.is_authenticated else -1))
        )
        .order_by(Comment.created_at, Comment.id)
    ).all()
    by_id: dict[int, Thread] = {}
    for comment in rows:
        if comment.parent_id is None:
            by_id[comment.id] = Thread(comment)
        elif comment.parent_id in by_id and comment.deleted_at is None:
            by_id[comment.parent_id].replies.append(comment)
    # A deleted comment stays as a placeholder only while replies hang under it.
    return [t for t in by_id.values() if t.comment.deleted_at is None or t.replies]
