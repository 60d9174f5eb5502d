"""Topics (话题): the ``#话题#`` marks in posts, linked to the posts that use them."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from .. import text
from ..extensions import db
from ..models import Post, PostTopic, Topic
from . import NotFound


def get(name: str) -> Topic:
    topic = db.session.scalar(select(Topic).where(Topic.name == name))
    if topic is None:
        raise NotFound(name)
    return topic


def _get_or_create(name: str) -> Topic:
    topic = db.session.scalar(select(Topic).where(Topic.name == name))
    if topic is not None:
        return topic
    try:
        with db.session.begin_nested():
            topic = Topic(name=name)
            db.session.add(topic)
        return topic
    except IntegrityError:
        # Another request created it between our look-up and insert.
        return db.session.scalars(select(Topic).where(Topic.name == name)).one()


def link(post: Post, counted: bool) -> None:
    """Link ``post`` to the topics its text names.  ``counted`` says whether the
    post is publicly visible, so topic post counts include it."""
    names = text.topic_names(f"{post.title}\n{post.body}")
    for name in names:
        topic = _get_or_create(name)
        db.session.add(PostTopic(post_id=post.id, topic_id=topic.id))
        if counted:
            db.session.execute(
                update(Topic)
                .where(Topic.id == topic.id)
                .values(post_count=Topic.post_count + 1, last_post_at=post.created_at)
            )
    db.session.flush()


def unlink(post: Post, counted: bool) -> None:
    topic_ids = list(
        db.session.scalars(select(PostTopic.topic_id).where(PostTopic.post_id == post.id))
    )
    if not topic_ids:
        return
    if counted:
        adjust_counts(topic_ids, -1)
    db.session.execute(delete(PostTopic).where(PostTopic.post_id == post.id))


def adjust_counts(topic_ids: list[int], delta: int) -> None:
    if topic_ids:
        db.session.execute(
            update(Topic).where(Topic.id.in_(topic_ids)).values(post_count=Topic.post_count + delta)
        )


def ids_for_post(post_id: int) -> list[int]:
    return list(db.session.scalars(select(PostTopic.topic_id).where(PostTopic.post_id == post_id)))


def popular(limit: int = 20) -> list[Topic]:
    return list(
        db.session.scalars(
            select(Topic)
            .where(Topic.post_count > 0)
            .order_by(Topic.post_count.desc(), Topic.last_post_at.desc())
            .limit(limit)
        )
    )


def hot_topics(limit: int = 3) -> list[dict]:
    """The topics to show on the home page, from a short cache (plain values)."""
    from ..cache import cached

    def compute() -> list[dict]:
        return [
            {"name": t.name, "post_count": t.post_count, "description": t.description}
            for t in popular(limit)
        ]

    return cached(f"hot_topics:{limit}", 60, compute)
