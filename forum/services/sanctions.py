"""Sanctions on members: bans, silences and removing all of a spam account's content.

Moderators sanction ordinary members; only an admin sanctions a moderator, and
nobody sanctions themselves.  Every sanction carries a reason and lands in the
audit log.  Enforcement lives in :mod:`forum.services.standing` and the request
hook in :mod:`forum.guard`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_, select, update

from ..extensions import db
from ..models import Comment, Post, QueueItem, User, utcnow
from . import Forbidden, Invalid, audit
from . import comments as comment_service
from . import posts as post_service
from .standing import FOREVER

PERIODS: dict[str, tuple[str, timedelta | None]] = {
    "1d": ("1 天", timedelta(days=1)),
    "7d": ("7 天", timedelta(days=7)),
    "30d": ("30 天", timedelta(days=30)),
    "forever": ("永久", None),
}
REASON_MAX = 200


def can_sanction(actor: User, member: User) -> bool:
    if not actor.is_staff or actor.id == member.id:
        return False
    return member.role not in ("moderator", "admin") or actor.role == "admin"


def _check(actor: User, member: User, reason: str) -> str:
    if not can_sanction(actor, member):
        raise Forbidden("你不能处罚这个账号")
    reason = reason.strip()
    if not reason:
        raise Invalid({"reason": "请填写理由，会告诉被处罚的成员"})
    return reason[:REASON_MAX]


def _until(period: str):
    if period not in PERIODS:
        raise Invalid({"period": "请选择期限"})
    length = PERIODS[period][1]
    return FOREVER if length is None else utcnow() + length


def ban(actor: User, member: User, period: str, reason: str) -> User:
    """Keep ``member`` out for ``period`` (1d, 7d, 30d, forever): no log-in, no writes."""
    reason = _check(actor, member, reason)
    member.banned_until, member.ban_reason = _until(period), reason
    audit.log(actor, "member.ban", "member", member.id, reason, period=period)
    db.session.commit()
    return member


def unban(actor: User, member: User, reason: str = "") -> User:
    if not can_sanction(actor, member):
        raise Forbidden("你不能处理这个账号")
    member.banned_until, member.ban_reason = None, ""
    audit.log(actor, "member.unban", "member", member.id, reason.strip())
    db.session.commit()
    return member


def silence(actor: User, member: User, period: str, reason: str) -> User:
    """Keep ``member`` from posting and commenting for ``period``."""
    reason = _check(actor, member, reason)
    member.silenced_until, member.silence_reason = _until(period), reason
    audit.log(actor, "member.silence", "member", member.id, reason, period=period)
    db.session.commit()
    return member


def unsilence(actor: User, member: User, reason: str = "") -> User:
    if not can_sanction(actor, member):
        raise Forbidden("你不能处理这个账号")
    member.silenced_until, member.silence_reason = None, ""
    audit.log(actor, "member.unsilence", "member", member.id, reason.strip())
    db.session.commit()
    return member


@dataclass
class Removed:
    posts: int
    comments: int


def remove_all_content(actor: User, member: User, reason: str) -> Removed:
    """Soft-delete every post and comment of ``member`` (a spam account), with
    every count fixed, and close their open queue items.  One transaction."""
    reason = _check(actor, member, reason)
    posts = list(
        db.session.scalars(
            select(Post).where(Post.author_id == member.id, Post.deleted_at.is_(None))
        )
    )
    for post in posts:
        post_service.soft_delete(post, by=actor, reason=reason)
    comments = list(
        db.session.scalars(
            select(Comment).where(Comment.author_id == member.id, Comment.deleted_at.is_(None))
        )
    )
    for comment in comments:
        comment_service.soft_delete(comment, by=actor)
        comment.delete_reason = reason
    db.session.execute(
        update(QueueItem)
        .where(QueueItem.author_id == member.id, QueueItem.state == "open")
        .values(
            state="rejected",
            version=QueueItem.version + 1,
            decided_by_id=actor.id,
            decided_at=utcnow(),
            decision_reason=reason,
        )
    )
    audit.log(
        actor, "member.purge", "member", member.id, reason, posts=len(posts), comments=len(comments)
    )
    db.session.commit()
    return Removed(len(posts), len(comments))


def find_members(q: str, limit: int = 30) -> list[User]:
    """Members by username, nickname or member number; the sanctioned ones when ``q`` is empty."""
    query = select(User).order_by(User.id.desc()).limit(limit)
    q = q.strip()
    if q:
        match = or_(User.username == q, User.nickname.contains(q, autoescape=True))
        if q.isdigit():
            match = or_(match, User.member_no == int(q))
        return list(db.session.scalars(query.where(match)))
    now = utcnow()
    return list(
        db.session.scalars(query.where(or_(User.banned_until > now, User.silenced_until > now)))
    )
