"""Circles (圈子): creating them, joining and leaving, the owner's announcement."""

from __future__ import annotations

import re

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Circle, Membership, User, utcnow
from . import Forbidden, Invalid, NotFound, indexing, screening, standing
from .sql import insert_ignore

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$")
RESERVED_SLUGS = {"new", "edit", "admin", "api", "static", "mod", "brand", "ops"}


def get(slug: str) -> Circle:
    circle = db.session.scalar(
        select(Circle).where(Circle.slug == slug, Circle.deleted_at.is_(None))
    )
    if circle is None:
        raise NotFound(slug)
    return circle


def list_by_activity(limit: int = 200) -> list[Circle]:
    return list(
        db.session.scalars(
            select(Circle)
            .where(Circle.deleted_at.is_(None))
            .order_by(Circle.last_activity_at.desc(), Circle.member_count.desc(), Circle.id)
            .limit(limit)
        )
    )


def joined_ids(user: User | None) -> set[int]:
    if user is None or not user.is_authenticated:
        return set()
    return set(
        db.session.scalars(select(Membership.circle_id).where(Membership.user_id == user.id))
    )


def is_member(user: User | None, circle: Circle) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return (
        db.session.scalar(
            select(Membership.user_id).where(
                Membership.circle_id == circle.id, Membership.user_id == user.id
            )
        )
        is not None
    )


def validate(name: str, slug: str, description: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "请填写圈子名称"
    elif len(name) > 20:
        errors["name"] = "圈子名称最多 20 个字"
    if not SLUG_RE.match(slug):
        errors["slug"] = "网址名为 3–40 位小写字母、数字或连字符"
    elif slug in RESERVED_SLUGS:
        errors["slug"] = "这个网址名是保留的，换一个吧"
    if len(description) > 500:
        errors["description"] = "简介最多 500 个字"
    return errors


def create(owner: User, name: str, slug: str, description: str = "") -> Circle:
    """Create a circle; its owner becomes its first member."""
    standing.ensure_can_write(owner)
    name, slug, description = name.strip(), slug.strip().lower(), description.strip()
    errors = validate(name, slug, description)
    if not errors:
        if db.session.scalar(select(Circle.id).where(Circle.slug == slug)):
            errors["slug"] = "这个网址名已被使用"
        if db.session.scalar(select(Circle.id).where(Circle.name == name)):
            errors["name"] = "已经有同名的圈子了"
    if errors:
        raise Invalid(errors)
    # A circle's name and description are public text: a review verdict is
    # treated as a block here, since a circle cannot wait half-created.
    decision = screening.screen(owner, "circle", {"name": name, "description": description})
    name, description = decision.fields["name"], decision.fields["description"]
    circle = Circle(owner_id=owner.id, name=name, slug=slug, description=description)
    circle.member_count = 1
    db.session.add(circle)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise Invalid({"slug": "这个网址名或名称已被使用"}) from exc
    db.session.add(Membership(circle_id=circle.id, user_id=owner.id))
    indexing.circle_saved(circle)
    db.session.commit()
    return circle


def join(user: User, circle: Circle) -> bool:
    """Join ``circle``; returns False if already a member (nothing changes)."""
    standing.ensure_can_write(user)
    # ON CONFLICT, not "insert where not exists": two clicks racing on
    # PostgreSQL would both see no row and the second would fail on the key.
    result = db.session.execute(
        insert_ignore(Membership).values(circle_id=circle.id, user_id=user.id, joined_at=utcnow())
    )
    joined = result.rowcount == 1
    if joined:
        db.session.execute(
            update(Circle)
            .where(Circle.id == circle.id)
            .values(member_count=Circle.member_count + 1)
        )
    db.session.commit()
    db.session.refresh(circle)
    return joined


def leave(user: User, circle: Circle) -> bool:
    """Leave ``circle``; the owner cannot leave their own circle."""
    if circle.owner_id == user.id:
        raise Forbidden("圈主不能退出自己的圈子")
    result = db.session.execute(
        delete(Membership).where(Membership.circle_id == circle.id, Membership.user_id == user.id)
    )
    left = result.rowcount == 1
    if left:
        db.session.execute(
            update(Circle)
            .where(Circle.id == circle.id)
            .values(member_count=Circle.member_count - 1)
        )
    db.session.commit()
    db.session.refresh(circle)
    return left


def update_announcement(user: User, circle: Circle, announcement: str) -> Circle:
    if circle.owner_id != user.id and user.role != "admin":
        raise Forbidden("只有圈主可以编辑公告")
    announcement = announcement.strip()
    if len(announcement) > 1000:
        raise Invalid({"announcement": "公告最多 1000 个字"})
    standing.ensure_can_write(user)
    decision = screening.screen(user, "circle", {"announcement": announcement}, circle_id=circle.id)
    circle.announcement = decision.fields["announcement"]
    db.session.commit()
    return circle


def member_circles(user: User) -> list[Circle]:
    return list(
        db.session.scalars(
            select(Circle)
            .join(Membership, Membership.circle_id == Circle.id)
            .where(Membership.user_id == user.id, Circle.deleted_at.is_(None))
            .order_by(Circle.last_activity_at.desc())
        )
    )
