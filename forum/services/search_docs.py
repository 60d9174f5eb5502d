"""Search documents built from the database, and what counts as publicly visible.

The outbox names documents; what goes into the index is read here when the
outbox is applied (or the index rebuilt), so the index gets the latest state:
a post that is no longer visible becomes a delete.  The same visibility rules
check every page of search results before it is shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from search import CircleDoc, DocRef, Document, Kind, PostDoc, TopicDoc

from ..models import Circle, Post, PostTopic, Topic, User

CHUNK = 500


def post_visible():
    """A post anyone may read: published, not deleted, in a circle not deleted
    (a purged member's posts are deleted one by one).  Needs ``Circle`` joined."""
    return (Post.status == "published") & Post.deleted_at.is_(None) & Circle.deleted_at.is_(None)


def circle_visible():
    return Circle.deleted_at.is_(None)


def topic_visible():
    # A topic with no visible post left has nothing to show.
    return Topic.post_count > 0


def _chunks(ids: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for i in range(0, len(ordered), size):
        yield ordered[i : i + size]


def _post_docs(session: Session, condition) -> list[PostDoc]:
    rows = session.execute(
        select(
            Post.id,
            Post.title,
            Post.body,
            Post.circle_id,
            Circle.name,
            Post.author_id,
            User.nickname,
            Post.created_at,
            Post.like_count,
        )
        .join(Circle, Circle.id == Post.circle_id)
        .join(User, User.id == Post.author_id)
        .where(condition, post_visible())
        .order_by(Post.id)
    ).all()
    if not rows:
        return []
    names: dict[int, list[str]] = defaultdict(list)
    for post_id, name in session.execute(
        select(PostTopic.post_id, Topic.name)
        .join(Topic, Topic.id == PostTopic.topic_id)
        .where(PostTopic.post_id.in_([r.id for r in rows]))
    ):
        names[post_id].append(name)
    return [
        PostDoc(
            id=r.id,
            title=r.title or "",
            body=r.body or "",
            circle_id=r.circle_id,
            circle_name=r.name,
            author_id=r.author_id,
            author_name=r.nickname,
            topics=tuple(sorted(names.get(r.id, ()))),
            created=r.created_at,
            like_count=r.like_count or 0,
        )
        for r in rows
    ]


def _circle_doc(circle: Circle) -> CircleDoc:
    return CircleDoc(
        id=circle.id, name=circle.name, description=circle.description, created=circle.created_at
    )


def _topic_doc(topic: Topic) -> TopicDoc:
    return TopicDoc(
        id=topic.id, name=topic.name, description=topic.description, created=topic.created_at
    )


def build(session: Session, refs: Iterable[DocRef]) -> tuple[list[Document], list[DocRef]]:
    """The current document of each of ``refs`` (``post``, ``circle``, ``topic``),
    and the refs that are no longer visible (to delete).  A post also brings its
    topics, whose counts it moves."""
    wanted: dict[Kind, set[int]] = defaultdict(set)
    for kind, ident in refs:
        wanted[Kind(kind)].add(int(ident))
    docs: list[Document] = []
    for chunk in _chunks(wanted[Kind.POST]):
        docs += _post_docs(session, Post.id.in_(chunk))
        wanted[Kind.TOPIC].update(
            session.scalars(select(PostTopic.topic_id).where(PostTopic.post_id.in_(chunk)))
        )
    for chunk in _chunks(wanted[Kind.CIRCLE]):
        docs += map(
            _circle_doc,
            session.scalars(select(Circle).where(Circle.id.in_(chunk), circle_visible())),
        )
    for chunk in _chunks(wanted[Kind.TOPIC]):
        docs += map(
            _topic_doc, session.scalars(select(Topic).where(Topic.id.in_(chunk), topic_visible()))
        )
    kept = {doc.ref for doc in docs}
    gone = [DocRef(kind, i) for kind, ids in wanted.items() for i in ids]
    return docs, [ref for ref in gone if ref not in kept]


def count_all(session: Session) -> int:
    """How many documents a rebuild will index."""
    posts = session.scalar(
        select(func.count())
        .select_from(Post)
        .join(Circle, Circle.id == Post.circle_id)
        .where(post_visible())
    )
    circles = session.scalar(select(func.count()).select_from(Circle).where(circle_visible()))
    topics = session.scalar(select(func.count()).select_from(Topic).where(topic_visible()))
    return (posts or 0) + (circles or 0) + (topics or 0)


def iter_all(session: Session, chunk: int = 1000) -> Iterator[Document]:
    """Every visible post, circle and topic, read in keyset chunks (for a rebuild)."""
    after = 0
    while True:
        docs = _post_docs_after(session, after, chunk)
        if not docs:
            break
        yield from docs
        after = docs[-1].id
    yield from map(_circle_doc, session.scalars(select(Circle).where(circle_visible())))
    yield from map(_topic_doc, session.scalars(select(Topic).where(topic_visible())))


def _post_docs_after(session: Session, after: int, limit: int) -> list[PostDoc]:
    ids = list(
        session.scalars(
            select(Post.id)
            .join(Circle, Circle.id == Post.circle_id)
            .where(Post.id > after, post_visible())
            .order_by(Post.id)
            .limit(limit)
        )
    )
    return _post_docs(session, Post.id.in_(ids)) if ids else []
