"""Topics (话题): the ``#话题#`` marks in posts, linked to the posts that use them."""

from __future__ import annotations

from sqlalchemy import delete, distinct, func, select, update
from sqlalchemy.exc import IntegrityError

from .. import text
from ..extensions import db
from ..models import Circle, Post, PostTopic, Topic, User
from . import Forbidden, Invalid, NotFound, audit, indexing

DESCRIPTION_MAX = 500


def get(name: str) -> Topic:
    """The topic called ``name`` (as typed in a link: full-width folded, marks trimmed)."""
    name = text.topic_name(name.strip("#＃")) or name
    topic = db.session.scalar(select(Topic).where(Topic.name == name))
    if topic is None:
        raise NotFound(name)
    return topic


def with_participants(name: str) -> tuple[Topic, int]:
    """The topic ``name`` and how many members wrote its visible posts (one query)."""
    name = text.topic_name(name.strip("#＃")) or name
    authors = (
        select(func.count(distinct(Post.author_id)))
        .join(PostTopic, PostTopic.post_id == Post.id)
        .join(Circle, Circle.id == Post.circle_id)
        .where(
            PostTopic.topic_id == Topic.id,
            Post.status == "published",
            Post.deleted_at.is_(None),
            Circle.deleted_at.is_(None),
        )
        .correlate(Topic)
        .scalar_subquery()
    )
    row = db.session.execute(select(Topic, authors).where(Topic.name == name)).first()
    if row is None:
        raise NotFound(name)
    return row[0], row[1] or 0


def can_describe(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_staff


def describe(user: User, topic: Topic, description: str) -> Topic:
    """Moderators write a topic's description (shown at the top of its page)."""
    if not can_describe(user):
        raise Forbidden("只有版主和管理员可以编辑话题简介")
    description = description.strip()
    if len(description) > DESCRIPTION_MAX:
        raise Invalid({"description": f"话题简介最多 {DESCRIPTION_MAX} 个字"})
    topic.description = description
    audit.log(user, "topic.describe", "topic", topic.id, "", description=description)
    indexing.topic_saved(topic)
    db.session.commit()
    return topic


def get_or_create(name: str) -> Topic:
    """The topic ``name`` (already a valid topic name), made if it is new (no commit)."""
    return _get_or_create(name)


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
