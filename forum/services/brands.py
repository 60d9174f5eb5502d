"""Brands and their accounts: an admin creates a brand and attaches member
accounts to it (they get the role ``brand``); those accounts then manage the
brand's products and topic pins."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from ..extensions import db
from ..models import Brand, BrandAccount, User, utcnow
from . import Forbidden, Invalid, audit, images

NAME_MAX = 30
LOGO_SIDE = 256


def brand_of(user: User | None) -> Brand | None:
    """The brand ``user`` acts for, if they are a brand account."""
    if user is None or not user.is_authenticated or user.role != "brand":
        return None
    return db.session.scalar(
        select(Brand)
        .join(BrandAccount, BrandAccount.brand_id == Brand.id)
        .where(BrandAccount.user_id == user.id)
    )


def require_brand(user: User | None) -> Brand:
    brand = brand_of(user)
    if brand is None:
        if user is not None and user.is_authenticated and user.role == "brand":
            raise Forbidden("这个品牌账号还没有绑定品牌，请联系管理员")
        raise Forbidden("只有品牌账号可以进入品牌后台")
    return brand


def _require_admin(user: User | None) -> None:
    if user is not None and (not user.is_authenticated or user.role != "admin"):
        raise Forbidden("只有管理员可以管理品牌")


def get(brand_id: int) -> Brand | None:
    return db.session.get(Brand, brand_id)


def all_with_accounts() -> list[tuple[Brand, list[User]]]:
    """Every brand with its accounts (two queries, whatever the number of brands)."""
    brands = list(db.session.scalars(select(Brand).order_by(Brand.id)))
    accounts = db.session.scalars(
        select(BrandAccount)
        .join(BrandAccount.user)
        .options(contains_eager(BrandAccount.user))
        .order_by(User.member_no)
    )
    by_brand: dict[int, list[User]] = {}
    for account in accounts:
        by_brand.setdefault(account.brand_id, []).append(account.user)
    return [(brand, by_brand.get(brand.id, [])) for brand in brands]


def create(actor: User | None, name: str, logo=None) -> Brand:
    """A new brand (``actor`` None: an operator on the command line); ``logo`` is
    an uploaded file or None."""
    _require_admin(actor)
    name = (name or "").strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "请填写品牌名称"
    elif len(name) > NAME_MAX:
        errors["name"] = f"品牌名称最多 {NAME_MAX} 个字"
    elif db.session.scalar(select(Brand.id).where(func.lower(Brand.name) == name.lower())):
        errors["name"] = "这个品牌已经存在"
    processed = None
    if logo is not None and logo.filename:
        try:
            processed = images.process(logo, max_side=LOGO_SIDE, thumb_side=None)
        except images.ImageRejected as exc:
            errors["logo"] = exc.message
    if errors:
        raise Invalid(errors)
    brand = Brand(name=name, logo_path=images.save(processed)[0] if processed else None)
    db.session.add(brand)
    db.session.flush()
    audit.log(actor, "brand.create", "brand", brand.id, "", name=name)
    db.session.commit()
    return brand


def attach_account(actor: User | None, brand: Brand, username: str) -> User:
    """Make the member ``username`` an account of ``brand`` (role ``brand``)."""
    _require_admin(actor)
    username = (username or "").strip()
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    if user is None:
        raise Invalid({"username": "找不到这个用户名"})
    if user.role in ("moderator", "admin"):
        raise Invalid({"username": "版主和管理员不能作为品牌账号"})
    account = db.session.get(BrandAccount, user.id)
    if account is None:
        db.session.add(BrandAccount(user_id=user.id, brand_id=brand.id, created_at=utcnow()))
    else:
        account.brand_id = brand.id
    user.role = "brand"
    audit.log(actor, "brand.account", "brand", brand.id, "", member_no=user.member_no)
    db.session.commit()
    return user
