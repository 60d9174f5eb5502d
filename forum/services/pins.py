"""Brand pins: a brand puts one of its topics at the top of the home page for a
time window, labelled 品牌 or 推广 so readers know it is paid for.

A pin is active while ``starts_at <= now < ends_at`` and nobody removed it, so
expired pins drop out by the query alone (no scheduled job).  A brand has at
most ``BRAND_PIN_QUOTA`` pins whose windows overlap (default 1: one at a time,
scheduled ones included).  Brand accounts pin and unpin their own topics;
moderators and admins unpin any and see the whole history.  Every pin and
unpin is in the audit log.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import aliased, contains_eager

from .. import text
from ..cache import cached, forget
from ..extensions import db
from ..models import Brand, Topic, TopicPin, User, utcnow
from . import Forbidden, Invalid, audit
from . import topics as topic_service
from .brands import brand_of

LABELS = ("品牌", "推广")
MAX_WINDOW = timedelta(days=30)
CHINA = timedelta(hours=8)
CACHE_KEY = "topic_pins"
CACHE_TTL = 60
HISTORY_LIMIT = 200


def quota() -> int:
    return int(current_app.config.get("BRAND_PIN_QUOTA", 1))


def parse_local(value: str | None) -> datetime | None:
    """A ``datetime-local`` form value in China time → naive UTC, or None."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(tzinfo=None) - CHINA


def local_input(moment: datetime | None) -> str:
    """Naive UTC → the value of a ``datetime-local`` input in China time."""
    return (moment + CHINA).strftime("%Y-%m-%dT%H:%M") if moment else ""


def create(
    user: User,
    topic_name: str,
    label: str,
    starts_at: datetime | None,
    ends_at: datetime | None,
    now: datetime | None = None,
) -> TopicPin:
    """Pin ``topic_name`` for the user's brand from ``starts_at`` (None: now) to
    ``ends_at``; the topic is made if it does not exist yet (a campaign's first
    day).  Raises :class:`Forbidden` for anyone but a brand account."""
    brand = brand_of(user)
    if brand is None:
        raise Forbidden("只有品牌账号可以置顶话题")
    now = now or utcnow()
    errors: dict[str, str] = {}
    name = text.topic_name((topic_name or "").strip().strip("#＃"))
    if name is None:
        errors["topic"] = "话题名称为 1 到 20 个字（中文、字母、数字），不带 #"
    if label not in LABELS:
        errors["label"] = "请选择标签：品牌 或 推广"
    starts_at = max(starts_at or now, now)
    if ends_at is None:
        errors["ends_at"] = "请填写结束时间"
    elif ends_at <= starts_at:
        errors["ends_at"] = "结束时间要晚于开始时间和现在"
    elif ends_at - starts_at > MAX_WINDOW:
        errors["ends_at"] = f"一次最多置顶 {MAX_WINDOW.days} 天"
    if errors:
        raise Invalid(errors)
    # Concurrent pins of one brand take turns: this write locks the brand's row
    # (PostgreSQL) or the database (SQLite) before the quota is counted.
    db.session.execute(update(Brand).where(Brand.id == brand.id).values(updated_at=now))
    overlapping = db.session.scalar(
        select(db.func.count(TopicPin.id)).where(
            TopicPin.brand_id == brand.id,
            TopicPin.removed_at.is_(None),
            TopicPin.starts_at < ends_at,
            TopicPin.ends_at > starts_at,
        )
    )
    if overlapping >= quota():
        db.session.rollback()
        raise Invalid({"ends_at": f"同一时间最多置顶 {quota()} 个话题，请等当前置顶结束或先取消它"})
    topic = topic_service.get_or_create(name)
    pin = TopicPin(
        topic_id=topic.id,
        brand_id=brand.id,
        label=label,
        starts_at=starts_at,
        ends_at=ends_at,
        created_by_id=user.id,
        created_at=now,
    )
    db.session.add(pin)
    db.session.flush()
    audit.log(
        user,
        "pin.add",
        "topic",
        topic.id,
        "",
        pin=pin.id,
        brand=brand.name,
        label=label,
        starts_at=starts_at.isoformat(),
        ends_at=ends_at.isoformat(),
    )
    db.session.commit()
    forget(CACHE_KEY)
    return pin


def create_from_form(user: User, form: dict[str, str], now: datetime | None = None) -> TopicPin:
    """:func:`create` from the pin form as typed (times in China time, ``2026-12-01T10:00``)."""
    times: dict[str, datetime | None] = {}
    errors: dict[str, str] = {}
    for key in ("starts_at", "ends_at"):
        raw = (form.get(key) or "").strip()
        times[key] = parse_local(raw)
        if raw and times[key] is None:
            errors[key] = "时间格式不对，请重新选择"
    if errors:
        raise Invalid(errors)
    return create(
        user,
        form.get("topic", ""),
        form.get("label", ""),
        times["starts_at"],
        times["ends_at"],
        now,
    )


def can_remove(user: User | None, pin: TopicPin) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    brand = brand_of(user)
    return brand is not None and brand.id == pin.brand_id


def remove(user: User, pin: TopicPin, reason: str = "", now: datetime | None = None) -> None:
    """Unpin: the brand's own accounts, or a moderator (with an optional reason)."""
    if not can_remove(user, pin):
        raise Forbidden("只能取消自己品牌的置顶")
    if pin.removed_at is not None:
        return
    pin.removed_at, pin.removed_by_id = now or utcnow(), user.id
    audit.log(user, "pin.remove", "topic", pin.topic_id, reason, pin=pin.id, brand_id=pin.brand_id)
    db.session.commit()
    forget(CACHE_KEY)


def get(pin_id: int) -> TopicPin | None:
    return db.session.get(TopicPin, pin_id)


def active(now: datetime | None = None) -> list[dict]:
    """The pins showing now, oldest first, as plain dicts shaped like heat's topics."""
    now = now or utcnow()
    rows = db.session.execute(
        select(TopicPin, Topic, Brand)
        .join(Topic, Topic.id == TopicPin.topic_id)
        .join(Brand, Brand.id == TopicPin.brand_id)
        .where(TopicPin.removed_at.is_(None), TopicPin.starts_at <= now, TopicPin.ends_at > now)
        .order_by(TopicPin.starts_at, TopicPin.id)
    )
    return [
        {
            "id": topic.id,
            "name": topic.name,
            "description": topic.description,
            "post_count": topic.post_count,
            "heat": None,
            "participants": None,
            "label": pin.label,
            "brand": brand.name,
            "pin_id": pin.id,
        }
        for pin, topic, brand in rows
    ]


def cached_active() -> list[dict]:
    return cached(CACHE_KEY, CACHE_TTL, active)


def history(brand: Brand | None = None, limit: int = HISTORY_LIMIT) -> list[TopicPin]:
    """Pins newest first, with topic, brand and who pinned/unpinned them (one query)."""
    creator, remover = aliased(User), aliased(User)
    query = (
        select(TopicPin)
        .join(TopicPin.topic)
        .join(TopicPin.brand)
        .outerjoin(creator, TopicPin.created_by)
        .outerjoin(remover, TopicPin.removed_by)
        .options(
            contains_eager(TopicPin.topic),
            contains_eager(TopicPin.brand),
            contains_eager(TopicPin.created_by.of_type(creator)),
            contains_eager(TopicPin.removed_by.of_type(remover)),
        )
        .order_by(TopicPin.id.desc())
        .limit(limit)
    )
    if brand is not None:
        query = query.where(TopicPin.brand_id == brand.id)
    return list(db.session.scalars(query))


def state(pin: TopicPin, now: datetime | None = None) -> str:
    """What a pin is doing: 置顶中, 未开始, 已结束 or 已取消."""
    now = now or utcnow()
    if pin.removed_at is not None:
        return "已取消"
    if pin.starts_at > now:
        return "未开始"
    return "置顶中" if pin.ends_at > now else "已结束"


def brand_for_topic(topic_id: int, now: datetime | None = None) -> Brand | None:
    """The brand whose topic this is: the one with its latest pin that started
    (and was not taken down by a moderator)."""
    now = now or utcnow()
    return db.session.scalar(
        select(Brand)
        .join(TopicPin, TopicPin.brand_id == Brand.id)
        .where(
            TopicPin.topic_id == topic_id,
            TopicPin.removed_at.is_(None),
            TopicPin.starts_at <= now,
        )
        .order_by(TopicPin.starts_at.desc(), TopicPin.id.desc())
        .limit(1)
    )
