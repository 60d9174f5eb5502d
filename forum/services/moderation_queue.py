"""The moderation queue: what waits for a moderator, and deciding on it.

Items are listed by severity, then age (oldest first).  A decision is
optimistic: it names the item's ``version`` as the moderator saw it, and the
``UPDATE … WHERE id = ? AND version = ? AND state = 'open'`` that closes the
item either wins or touches no row, in which case another moderator got there
first and nothing else changes (:class:`Conflict`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import contains_eager

from .. import text
from ..extensions import db
from ..models import Comment, Post, QueueItem, User, utcnow
from . import Forbidden, Invalid, NotFound, audit, sanctions, visibility
from . import posts as post_service
from . import topics as topic_service

PAGE_SIZE = 30
DECISIONS = ("approve", "reject", "edit")
SOURCE_NAMES = {"screen": "自动审核", "report": "举报", "wechat": "微信安全检测"}
KIND_NAMES = {"post": "帖子", "comment": "评论", "member": "成员资料"}


class Conflict(Exception):
    """Another moderator decided this item first."""

    message = "这条内容已被其他版主处理"


@dataclass
class Entry:
    """A queue item with its target (post or comment) loaded, when it still exists."""

    item: QueueItem
    post: Post | None = None
    comment: Comment | None = None

    @property
    def target_gone(self) -> bool:
        target = self.post if self.item.target_kind == "post" else self.comment
        return self.item.target_kind != "member" and (target is None or target.deleted_at)


def _items():
    return select(QueueItem).join(QueueItem.author).options(contains_eager(QueueItem.author))


def _with_targets(items: list[QueueItem]) -> list[Entry]:
    """Entries for ``items``, their posts and comments loaded in one query each."""
    post_ids = {i.target_id for i in items if i.target_kind == "post"}
    comment_ids = {i.target_id for i in items if i.target_kind == "comment"}
    posts = {
        p.id: p
        for p in db.session.scalars(
            select(Post)
            .join(Post.circle)
            .options(contains_eager(Post.circle))
            .where(Post.id.in_(post_ids))
        )
    }
    comments = {
        c.id: c for c in db.session.scalars(select(Comment).where(Comment.id.in_(comment_ids)))
    }
    return [
        Entry(
            i,
            posts.get(i.target_id) if i.target_kind == "post" else None,
            comments.get(i.target_id) if i.target_kind == "comment" else None,
        )
        for i in items
    ]


def open_items(page: int = 1) -> tuple[list[Entry], bool]:
    """One page of open items, most severe first, then oldest; and whether more follow."""
    page = max(page, 1)
    rows = list(
        db.session.scalars(
            _items()
            .where(QueueItem.state == "open")
            .order_by(QueueItem.severity.desc(), QueueItem.created_at, QueueItem.id)
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE + 1)
        )
    )
    return _with_targets(rows[:PAGE_SIZE]), len(rows) > PAGE_SIZE


def count_open() -> int:
    return db.session.scalar(select(func.count()).where(QueueItem.state == "open")) or 0


def get_entry(item_id: int) -> Entry:
    item = db.session.scalar(
        _items().where(QueueItem.id == item_id).execution_options(populate_existing=True)
    )
    if item is None:
        raise NotFound(item_id)
    return _with_targets([item])[0]


def decide(
    moderator: User,
    item_id: int,
    version: int,
    decision: str,
    reason: str = "",
    title: str | None = None,
    body: str | None = None,
) -> Entry:
    """Approve, reject (``reason`` is shown to the author) or edit-then-approve."""
    if not moderator.is_staff:
        raise Forbidden("只有版主可以处理审核队列")
    if decision not in DECISIONS:
        raise Invalid({"decision": "未知的处理方式"})
    reason = (reason or "").strip()[:200]
    if decision == "reject" and not reason:
        raise Invalid({"reason": "请填写驳回理由（作者会看到）"})
    entry = get_entry(item_id)
    if decision == "edit":
        title, body = _checked_edit(entry, title, body)
    closed = db.session.execute(
        update(QueueItem)
        .where(QueueItem.id == item_id, QueueItem.version == version, QueueItem.state == "open")
        .values(
            state="rejected" if decision == "reject" else "approved",
            version=QueueItem.version + 1,
            decided_by_id=moderator.id,
            decided_at=utcnow(),
            decision_reason=reason,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if closed != 1:
        db.session.rollback()
        raise Conflict()
    _apply(entry, decision, reason, title, body)
    action = {"approve": "queue.approve", "reject": "queue.reject", "edit": "queue.edit_approve"}
    item = entry.item
    audit.log(
        moderator,
        action[decision],
        item.target_kind,
        item.target_id,
        reason,
        item=item.id,
        source=item.source,
    )
    db.session.commit()
    return get_entry(item_id)


def _checked_edit(entry: Entry, title: str | None, body: str | None) -> tuple[str, str]:
    title, body = (title or "").strip(), text.normalize_newlines(body or "")
    if entry.item.target_kind == "post":
        errors = post_service.validate(title, body)
    else:
        errors = {} if body else {"body": "内容不能为空"}
    if errors:
        raise Invalid(errors)
    return title, body


def _apply(entry: Entry, decision: str, reason: str, title, body) -> None:
    if entry.target_gone:
        return
    if entry.post is not None:
        post = entry.post
        if decision == "reject":
            visibility.withdraw_post(post, "rejected", note=reason)
            return
        if decision == "edit":
            counted = post.status == "published"
            topic_service.unlink(post, counted)
            post.title, post.body, post.body_html = title, body, text.render(body)
            post.edited_at = utcnow()
            db.session.flush()
            topic_service.link(post, counted)
        visibility.publish_post(post)
    elif entry.comment is not None:
        comment = entry.comment
        if decision == "reject":
            visibility.reject_comment(comment, reason)
            return
        if decision == "edit":
            comment.body, comment.body_html = body, text.render(body)
        visibility.publish_comment(comment)


def ban_author(moderator: User, item_id: int, period: str, reason: str) -> Entry:
    """Ban the author of a queue item (the item itself is decided separately)."""
    entry = get_entry(item_id)
    sanctions.ban(moderator, entry.item.author, period, reason)
    return get_entry(item_id)
