"""Reports (举报): members flag a post; enough distinct reporters hide it for review.

One report per member per post (a unique key; a second click changes
nothing).  When ``REPORT_HIDE_THRESHOLD`` (3) distinct members have reported a
published post since a moderator last approved it, the post goes to pending
(out of every feed and count) and a queue item opens with the reports as its
reasons.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from ..extensions import db
from ..models import Post, QueueItem, Report, User
from . import Forbidden, Invalid, queue_items, standing, visibility
from .sql import insert_ignore

REASONS = ("广告", "色情低俗", "辱骂攻击", "违法违规", "其他")
# The report reasons as the screen's categories (for severity and the console).
CATEGORY = dict(zip(REASONS, ("广告", "色情", "辱骂", "违法", "其他"), strict=True))


@dataclass
class Outcome:
    created: bool  # False: this member had reported the post already
    hidden: bool  # this report took the post out of public view


def threshold() -> int:
    return int(current_app.config.get("REPORT_HIDE_THRESHOLD", 3))


def has_reported(user: User | None, post_id: int) -> bool:
    if user is None or not user.is_authenticated:
        return False
    found = db.session.scalar(
        select(Report.id).where(Report.post_id == post_id, Report.reporter_id == user.id)
    )
    return found is not None


def report(reporter: User, post: Post, reason: str) -> Outcome:
    standing.ensure_can_write(reporter)
    if reason not in REASONS:
        raise Invalid({"reason": "请选择举报理由"})
    if post.author_id == reporter.id:
        raise Forbidden("不能举报自己的帖子")
    created = (
        db.session.execute(
            insert_ignore(Report).values(post_id=post.id, reporter_id=reporter.id, reason=reason)
        ).rowcount
        == 1
    )
    hidden = False
    if created and post.status == "published":
        reports = _since_last_approval(post.id)
        if len(reports) >= threshold():
            hidden = _hide(post, reports)
    db.session.commit()
    return Outcome(created, hidden)


def _since_last_approval(post_id: int) -> list[Report]:
    """The post's reports a moderator has not yet answered by approving the post."""
    approved: datetime | None = db.session.scalar(
        select(func.max(QueueItem.decided_at)).where(
            QueueItem.target_kind == "post",
            QueueItem.target_id == post_id,
            QueueItem.state == "approved",
        )
    )
    query = (
        select(Report)
        .join(Report.reporter)
        .options(contains_eager(Report.reporter))
        .where(Report.post_id == post_id)
        .order_by(Report.created_at, Report.id)
    )
    if approved is not None:
        query = query.where(Report.created_at > approved)
    return list(db.session.scalars(query))


def _hide(post: Post, reports: list[Report]) -> bool:
    if not visibility.withdraw_post(post, "pending"):
        return False  # another request hid it first
    reasons = [
        {
            "kind": "report",
            "category": CATEGORY[r.reason],
            "action": "review",
            "message": f"{r.reporter.nickname} 举报：{r.reason}",
            "reporter_id": r.reporter_id,
        }
        for r in reports
    ]
    queue_items.open_item(
        "post",
        post.id,
        post.author_id,
        reasons=reasons,
        snapshot={"title": post.title, "body": post.body},
        spans={},
        source="report",
        detail={"reports": len(reports)},
    )
    return True


@dataclass
class Reported:
    post: Post
    count: int
    reasons: dict[str, int]
    last_at: datetime


def recent(limit: int = 50) -> list[Reported]:
    """The most recently reported posts with their report counts (three queries)."""
    grouped = db.session.execute(
        select(Report.post_id, func.count(), func.max(Report.created_at))
        .group_by(Report.post_id)
        .order_by(func.max(Report.created_at).desc())
        .limit(limit)
    ).all()
    ids = [row[0] for row in grouped]
    if not ids:
        return []
    posts = {
        p.id: p
        for p in db.session.scalars(
            select(Post)
            .join(Post.author)
            .join(Post.circle)
            .options(contains_eager(Post.author), contains_eager(Post.circle))
            .where(Post.id.in_(ids))
        )
    }
    reasons: dict[int, dict[str, int]] = {}
    for post_id, reason, n in db.session.execute(
        select(Report.post_id, Report.reason, func.count())
        .where(Report.post_id.in_(ids))
        .group_by(Report.post_id, Report.reason)
    ):
        reasons.setdefault(post_id, {})[reason] = n
    return [
        Reported(posts[post_id], n, reasons.get(post_id, {}), last)
        for post_id, n, last in grouped
        if post_id in posts
    ]
