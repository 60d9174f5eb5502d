"""How hot a topic is: recent activity, decaying with age.

A topic's heat sums what happened in its posts over the last ``WINDOW`` (7
days): each post 3, each comment 2, each like 1, weighted by age (halving
every ``HALF_LIFE`` hours, in ``BUCKET``-hour steps so the SQL stays portable),
plus 2 for every distinct member who posted or commented.  Hidden content does
not count: only published, undeleted posts in live circles, and published,
undeleted comments.  The ranking is one query, kept for a minute in the cache
(``CACHE_TTL``); topics with no recent activity follow, by post count, so a
quiet week still has topics to show.  The home page puts active brand pins
(:mod:`forum.services.pins`) first.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Float, case, distinct, func, literal, or_, select, union_all

from ..cache import cached
from ..extensions import db
from ..models import Circle, Comment, Like, Post, PostTopic, Topic, utcnow
from . import pins

WINDOW = timedelta(days=7)
HALF_LIFE = 48  # hours
BUCKET = 6  # hours
WEIGHTS = {"post": 3.0, "comment": 2.0, "like": 1.0}
PARTICIPANT = 2.0
CACHE_TTL = 60
RANKING_SIZE = 100
CACHE_KEY = "topic_heat"


def decay(hours: float) -> float:
    return 0.5 ** (hours / HALF_LIFE)


def _aged(column, now: datetime):
    """``decay`` of the age of ``column`` at ``now``, in steps of ``BUCKET`` hours."""
    steps = int(WINDOW.total_seconds() // 3600 // BUCKET)
    whens = [
        (column > now - timedelta(hours=BUCKET * (k + 1)), decay(BUCKET * (k + 0.5)))
        for k in range(steps)
    ]
    return case(*whens, else_=0.0)


def _activity(now: datetime):
    """Every counted act in the window: (topic_id, kind, at, user_id)."""
    since = now - WINDOW
    live_post = (
        Post.status == "published",
        Post.deleted_at.is_(None),
        Circle.deleted_at.is_(None),
    )

    def base(kind: str, at, user_id):
        return (
            select(
                PostTopic.topic_id.label("topic_id"),
                literal(kind).label("kind"),
                at.label("at"),
                user_id.label("user_id"),
            )
            .select_from(PostTopic)
            .join(Post, Post.id == PostTopic.post_id)
            .join(Circle, Circle.id == Post.circle_id)
            .where(*live_post, at > since, at <= now)
        )

    posts = base("post", Post.created_at, Post.author_id)
    comments = base("comment", Comment.created_at, Comment.author_id).join(
        Comment, Comment.post_id == Post.id
    )
    comments = comments.where(Comment.status == "published", Comment.deleted_at.is_(None))
    likes = base("like", Like.created_at, Like.user_id).join(Like, Like.post_id == Post.id)
    return union_all(posts, comments, likes).subquery("activity")


def ranking(now: datetime | None = None, limit: int = RANKING_SIZE) -> list[dict]:
    """Topics, hottest first (ties: more posts, then the latest post), as plain dicts."""
    now = now or utcnow()
    act = _activity(now)
    weight = case(*[(act.c.kind == kind, value) for kind, value in WEIGHTS.items()], else_=0.0)
    participants = func.count(distinct(case((act.c.kind != "like", act.c.user_id))))
    scores = (
        select(
            act.c.topic_id,
            (func.sum(weight * _aged(act.c.at, now)) + PARTICIPANT * participants).label("heat"),
            participants.label("participants"),
        )
        .group_by(act.c.topic_id)
        .subquery("scores")
    )
    heat = func.coalesce(scores.c.heat, literal(0.0, Float))
    rows = db.session.execute(
        select(
            Topic.id,
            Topic.name,
            Topic.description,
            Topic.post_count,
            heat.label("heat"),
            func.coalesce(scores.c.participants, 0).label("participants"),
        )
        .outerjoin(scores, scores.c.topic_id == Topic.id)
        .where(or_(Topic.post_count > 0, scores.c.heat.is_not(None)))
        .order_by(heat.desc(), Topic.post_count.desc(), Topic.last_post_at.desc(), Topic.id)
        .limit(limit)
    )
    return [
        {
            "id": row.id,
            "name": row.name,
            "description": row.description,
            "post_count": row.post_count,
            "heat": round(float(row.heat), 3),
            "participants": row.participants,
            "label": None,
            "brand": None,
        }
        for row in rows
    ]


def cached_ranking() -> list[dict]:
    """:func:`ranking`, recomputed at most once a minute per process."""
    return cached(CACHE_KEY, CACHE_TTL, ranking)


def home_topics(limit: int = 3, now: datetime | None = None) -> list[dict]:
    """The topics the home page shows: active brand pins first (labelled), then
    the hottest others."""
    shown: list[dict] = []
    seen: set[int] = set()
    pinned = pins.cached_active() if now is None else pins.active(now)
    ranked = cached_ranking() if now is None else ranking(now)
    for topic in [*pinned, *ranked]:
        if topic["id"] not in seen:
            seen.add(topic["id"])
            shown.append(topic)
    return shown[:limit]
