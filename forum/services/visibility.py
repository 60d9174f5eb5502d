"""Moving a post or comment into or out of public view, with every count it is in.

A post counts (in its circle's ``post_count``, its topics' ``post_count`` and
the search index) while it is published, not deleted and in a circle that is
not deleted.  The status changes are conditional ``UPDATE``s, so two requests
hiding the same post at once move the counters once.  No commits here.
"""

from __future__ import annotations

from sqlalchemy import select, update

from ..extensions import db
from ..models import Circle, Comment, Post
from . import indexing
from . import topics as topic_service


def circle_live(circle_id: int) -> bool:
    return db.session.scalar(select(Circle.deleted_at).where(Circle.id == circle_id)) is None


def count_post(post: Post, delta: int) -> None:
    """Add ``post`` to (+1) or take it out of (-1) its circle's and topics' counts."""
    db.session.execute(
        update(Circle)
        .where(Circle.id == post.circle_id)
        .values(post_count=Circle.post_count + delta)
    )
    topic_service.adjust_counts(topic_service.ids_for_post(post.id), delta)


def publish_post(post: Post) -> bool:
    """Make a pending or rejected post public; True if it was not public before."""
    moved = db.session.execute(
        update(Post)
        .where(Post.id == post.id, Post.status != "published")
        .values(status="published", moderation_note="")
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if moved and post.deleted_at is None and circle_live(post.circle_id):
        count_post(post, +1)
        indexing.post_saved(post)
    return bool(moved)


def withdraw_post(post: Post, status: str, note: str = "") -> bool:
    """Take a post out of public view as ``status`` (pending or rejected); True if
    it was public.  A pending post being rejected just changes status."""
    moved = db.session.execute(
        update(Post)
        .where(Post.id == post.id, Post.status == "published")
        .values(status=status, moderation_note=note)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if moved and post.deleted_at is None and circle_live(post.circle_id):
        count_post(post, -1)
    if not moved:
        db.session.execute(
            update(Post)
            .where(Post.id == post.id)
            .values(status=status, moderation_note=note)
            .execution_options(synchronize_session="fetch")
        )
    indexing.post_removed(post)  # idempotent: out of the index either way
    return bool(moved)


def _count_comment(comment: Comment, delta: int) -> None:
    from . import comments as comment_service

    post = db.session.get(Post, comment.post_id)
    if post is not None:
        comment_service._count(post, delta)  # the one place comment counts move


def publish_comment(comment: Comment) -> None:
    moved = db.session.execute(
        update(Comment)
        .where(Comment.id == comment.id, Comment.status != "published")
        .values(status="published", moderation_note="")
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if moved and comment.deleted_at is None:
        _count_comment(comment, +1)


def reject_comment(comment: Comment, note: str) -> None:
    was_public = comment.status == "published" and comment.deleted_at is None
    db.session.execute(
        update(Comment)
        .where(Comment.id == comment.id)
        .values(status="rejected", moderation_note=note)
        .execution_options(synchronize_session="fetch")
    )
    if was_public:
        _count_comment(comment, -1)
