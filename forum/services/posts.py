"""Posts: writing, editing and deleting them, and reading one with its comments."""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import contains_eager

from .. import text
from ..extensions import db
from ..models import Circle, Post, User, utcnow
from . import Forbidden, Invalid, NotFound, indexing, screening, standing
from . import circles as circle_service
from . import topics as topic_service

TITLE_MAX = 60
BODY_MAX = 5000
# The hot score moves up one step for every tenfold more engagement, and a
# post needs that tenfold to keep its place against one 12.5 hours younger.
HOT_EPOCH = datetime(2024, 1, 1)
HOT_HALF_LIFE_SECONDS = 45000


def hot_score(likes: int, comments: int, created_at: datetime) -> float:
    engagement = math.log10(1 + max(likes, 0) + 2 * max(comments, 0))
    return round(engagement + (created_at - HOT_EPOCH).total_seconds() / HOT_HALF_LIFE_SECONDS, 6)


def validate(title: str, body: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if len(title) > TITLE_MAX:
        errors["title"] = f"标题最多 {TITLE_MAX} 个字"
    if not body:
        errors["body"] = "内容不能为空"
    elif len(body) > BODY_MAX:
        errors["body"] = f"内容最多 {BODY_MAX} 个字（现在 {len(body)} 个）"
    return errors


def create(author: User, circle: Circle, title: str, body: str, attachments=None) -> Post:
    """Publish a post in ``circle``; only its members may post there.
    ``attachments`` (forum.services.attachments) are its products and images:
    checked with the text, linked in the same transaction."""
    title, body = title.strip(), text.normalize_newlines(body)
    standing.ensure_can_speak(author)
    if not circle_service.is_member(author, circle):
        raise Forbidden("加入圈子后才能发帖")
    errors = validate(title, body)
    if attachments is not None:
        errors = {**errors, **attachments.errors}
    if errors:
        raise Invalid(errors)
    decision = screening.screen(author, "post", {"title": title, "body": body}, circle_id=circle.id)
    title, body = decision.fields["title"], decision.fields["body"]
    now = utcnow()
    post = Post(
        circle_id=circle.id,
        author_id=author.id,
        title=title,
        body=body,
        body_html=text.render(body),
        created_at=now,
        hot_score=hot_score(0, 0, now),
        status="pending" if decision.pending else "published",
    )
    db.session.add(post)
    db.session.flush()
    if attachments is not None:
        attachments.attach(post)
    visible = post.is_visible
    topic_service.link(post, counted=visible)
    values = {"last_activity_at": now}
    if visible:
        values["post_count"] = Circle.post_count + 1
        indexing.post_saved(post)
    db.session.execute(update(Circle).where(Circle.id == circle.id).values(**values))
    screening.record(decision, author, "post", post.id)
    db.session.commit()
    db.session.refresh(circle)  # its counters moved in SQL
    return post


def get_for_viewer(post_id: int, viewer: User | None) -> Post:
    """The post with its author and circle, if ``viewer`` may see it."""
    post = db.session.scalar(
        select(Post)
        .join(Post.author)
        .join(Post.circle)
        .options(contains_eager(Post.author), contains_eager(Post.circle))
        .where(Post.id == post_id)
    )
    if post is None or not can_view(post, viewer):
        raise NotFound(post_id)
    return post


def can_view(post: Post, viewer: User | None) -> bool:
    if post.deleted_at is not None or post.circle.deleted_at is not None:
        return False
    if post.status == "published":
        return True
    if viewer is not None and viewer.is_authenticated and viewer.is_staff:
        return True  # moderators see what they are deciding on
    return viewer is not None and viewer.is_authenticated and viewer.id == post.author_id


def can_edit(post: Post, user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.id == post.author_id


def edit(user: User, post: Post, title: str, body: str) -> Post:
    if not can_edit(post, user):
        raise Forbidden("只能编辑自己的帖子")
    standing.ensure_can_speak(user)
    title, body = title.strip(), text.normalize_newlines(body)
    errors = validate(title, body)
    if errors:
        raise Invalid(errors)
    decision = screening.screen(
        user, "post", {"title": title, "body": body}, circle_id=post.circle_id, target_id=post.id
    )
    title, body = decision.fields["title"], decision.fields["body"]
    was_visible = post.is_visible
    topic_service.unlink(post, was_visible)
    post.title, post.body, post.body_html = title, body, text.render(body)
    post.edited_at = utcnow()
    if decision.pending and post.status == "published":
        # An edit that needs review takes the post out of public view until approved.
        post.status = "pending"
        db.session.execute(
            update(Circle)
            .where(Circle.id == post.circle_id)
            .values(post_count=Circle.post_count - 1)
        )
    db.session.flush()
    topic_service.link(post, post.is_visible)
    if post.is_visible:
        indexing.post_saved(post)
    elif was_visible:
        indexing.post_removed(post)
    screening.record(decision, user, "post", post.id)
    db.session.commit()
    return post


def delete(user: User, post: Post, reason: str = "") -> None:
    """Soft-delete ``post`` (by its author here; moderators have their own path)."""
    if not can_edit(post, user):
        raise Forbidden("只能删除自己的帖子")
    soft_delete(post, by=user, reason=reason or "作者删除")
    db.session.commit()


def soft_delete(post: Post, by: User, reason: str) -> None:
    """Hide ``post`` everywhere and take it out of every count (no commit)."""
    if post.deleted_at is not None:
        return
    # A post in a deleted circle already left every count with its circle.
    circle_deleted = db.session.scalar(select(Circle.deleted_at).where(Circle.id == post.circle_id))
    was_visible = post.is_visible and circle_deleted is None
    post.deleted_at, post.deleted_by_id, post.delete_reason = utcnow(), by.id, reason
    if was_visible:
        db.session.execute(
            update(Circle)
            .where(Circle.id == post.circle_id)
            .values(post_count=Circle.post_count - 1)
        )
        topic_service.adjust_counts(topic_service.ids_for_post(post.id), -1)
        indexing.post_removed(post)
