"""The audit log: every moderator action, appended in the transaction that does it.

Rows are never changed or removed.  The console browses them newest first with
keyset pagination (``before`` = the id of the last row shown), filtered by
actor, action and a date range (China time, as moderators read dates).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager

from ..extensions import db
from ..models import AuditLog, User

CHINA = timedelta(hours=8)
PAGE_SIZE = 50

# What each action is called in the console.
ACTIONS = {
    "queue.approve": "通过",
    "queue.reject": "驳回",
    "queue.edit_approve": "修改后通过",
    "post.delete": "删除帖子",
    "post.restore": "恢复帖子",
    "comment.delete": "删除评论",
    "comment.restore": "恢复评论",
    "circle.delete": "删除圈子",
    "circle.restore": "恢复圈子",
    "member.ban": "封禁",
    "member.unban": "解除封禁",
    "member.silence": "禁言",
    "member.unsilence": "解除禁言",
    "member.purge": "清除全部内容",
    "word.add": "添加词语",
    "word.update": "修改词语",
    "word.delete": "删除词语",
    "word.import": "导入词库",
    # Brands (forum.services.brands, products, pins).
    "brand.create": "创建品牌",
    "brand.account": "绑定品牌账号",
    "product.add": "上架商品",
    "product.edit": "修改商品",
    "product.remove": "下架商品",
    "pin.add": "置顶话题",
    "pin.remove": "取消置顶",
    "topic.describe": "编辑话题简介",
}


def log(
    actor: User | None,
    action: str,
    target_kind: str = "",
    target_id: int | None = None,
    reason: str = "",
    /,
    **detail,
) -> AuditLog:
    """Append one row (no commit: it belongs to the caller's transaction); the
    keyword arguments are the row's ``detail``."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AuditLog(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_kind=target_kind,
        target_id=target_id,
        reason=(reason or "")[:200],
        detail=detail,
    )
    db.session.add(entry)
    return entry


@dataclass
class Filters:
    actor: str = ""  # a username, nickname or member number
    action: str = ""
    since: date | None = None
    until: date | None = None


@dataclass
class Page:
    rows: list[AuditLog]
    next_before: int | None


def parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _utc_start(day: date) -> datetime:
    return datetime.combine(day, time.min) - CHINA


def browse(filters: Filters, before: int | None = None, limit: int = PAGE_SIZE) -> Page:
    """A page of the log, newest first, with the actors loaded in the same query."""
    query = (
        select(AuditLog)
        .outerjoin(AuditLog.actor)
        .options(contains_eager(AuditLog.actor))
        .order_by(AuditLog.id.desc())
    )
    who = filters.actor.strip()
    if who:
        match = or_(User.username == who, User.nickname == who)
        if who.isdigit():
            match = or_(match, User.member_no == int(who))
        query = query.where(match)
    if filters.action in ACTIONS:
        query = query.where(AuditLog.action == filters.action)
    if filters.since:
        query = query.where(AuditLog.created_at >= _utc_start(filters.since))
    if filters.until:
        query = query.where(AuditLog.created_at < _utc_start(filters.until + timedelta(days=1)))
    if before:
        query = query.where(AuditLog.id < before)
    rows = list(db.session.scalars(query.limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, rows[-1].id if more else None)
