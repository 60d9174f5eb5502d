"""A brand's product catalogue: adding, editing and (softly) removing products,
and finding them (the typeahead members use to share one in a post).

Prices are typed in yuan with at most two decimals and stored as integer fen.
A product leads somewhere through 去看看: a web page (http/https only) and/or a
page of the shop's mini-program (``wx`` + 16 hex app id, a page path such as
``pages/item/item?id=1``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager

from ..extensions import db
from ..models import Brand, Product, User, utcnow
from . import Forbidden, Invalid, NotFound, audit, images
from .brands import brand_of

NAME_MAX = 60
URL_MAX = 500
PATH_MAX = 200
PRICE_MAX_FEN = 99_999_999  # ¥999,999.99
IMAGE_SIDE = 800
SEARCH_LIMIT = 10
FIELDS = ("name", "price", "web_url", "mp_appid", "mp_path")

PRICE_RE = re.compile(r"^(\d{1,6})(?:\.(\d{1,2}))?$")
APPID_RE = re.compile(r"^wx[0-9a-f]{16}$")
_SEGMENT = r"[A-Za-z0-9_\-]+"
_QUERY_PART = r"[A-Za-z0-9_\-.~%]+=[A-Za-z0-9_\-.~%]*"
MP_PATH_RE = re.compile(rf"^{_SEGMENT}(?:/{_SEGMENT})*(?:\?{_QUERY_PART}(?:&{_QUERY_PART})*)?$")


@dataclass
class ProductInput:
    name: str
    price_fen: int
    web_url: str | None
    mp_appid: str | None
    mp_path: str | None


def parse_price(value: str) -> int | None:
    """``"59.9"`` → 5990 fen; None if it is not an amount in yuan."""
    value = (value or "").strip().lstrip("¥￥").strip().replace(",", "")
    match = PRICE_RE.match(value)
    if not match:
        return None
    return int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))


def clean_web_url(value: str) -> str | None:
    """A web link to store, or raises ValueError with the reason."""
    value = (value or "").strip()
    if not value:
        return None
    if len(value) > URL_MAX:
        raise ValueError(f"链接最长 {URL_MAX} 个字符")
    if any(ch.isspace() or ord(ch) < 32 for ch in value):
        raise ValueError("链接里不能有空格")
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError("链接只能是 http:// 或 https:// 开头的网址")
    if parts.username or parts.password:
        raise ValueError("链接里不能带用户名或密码")
    return value


def validate(form: dict[str, str]) -> ProductInput:
    """The product fields from ``form``, or :class:`Invalid` with every problem."""
    errors: dict[str, str] = {}
    name = (form.get("name") or "").strip()
    if not name:
        errors["name"] = "请填写商品名称"
    elif len(name) > NAME_MAX:
        errors["name"] = f"商品名称最多 {NAME_MAX} 个字"
    price = parse_price(form.get("price", ""))
    if price is None:
        errors["price"] = "价格请填写金额，如 59 或 59.90（最多两位小数）"
    elif not 0 < price <= PRICE_MAX_FEN:
        errors["price"] = "价格要大于 0，且不超过 999999.99 元"
    web_url = None
    try:
        web_url = clean_web_url(form.get("web_url", ""))
    except ValueError as exc:
        errors["web_url"] = str(exc)
    appid = (form.get("mp_appid") or "").strip().lower() or None
    path = (form.get("mp_path") or "").strip().lstrip("/") or None
    if appid and not APPID_RE.match(appid):
        errors["mp_appid"] = "小程序 AppID 是 wx 加 16 位十六进制字符，如 wx1234567890abcdef"
    if path and (len(path) > PATH_MAX or not MP_PATH_RE.match(path)):
        errors["mp_path"] = "小程序页面路径格式如 pages/item/item?id=1"
    if appid and not path and "mp_appid" not in errors:
        errors["mp_path"] = "填写了小程序 AppID，也请填写页面路径"
    if path and not appid and "mp_path" not in errors:
        errors["mp_appid"] = "填写了页面路径，也请填写小程序 AppID"
    if not web_url and not appid and not path and "web_url" not in errors:
        errors["web_url"] = "请填写商品链接或小程序页面（至少一项）"
    if errors:
        raise Invalid(errors)
    return ProductInput(name, price, web_url, appid, path)


def _image(upload) -> images.ProcessedImage | None:
    if upload is None or not upload.filename:
        return None
    try:
        return images.process(upload, max_side=IMAGE_SIDE, thumb_side=None)
    except images.ImageRejected as exc:
        raise Invalid({"image": exc.message}) from exc


def _checked(form: dict[str, str], upload) -> tuple[ProductInput, images.ProcessedImage | None]:
    """Validate the fields and the image together, so every message shows at once."""
    errors: dict[str, str] = {}
    values = image = None
    try:
        values = validate(form)
    except Invalid as exc:
        errors.update(exc.errors)
    try:
        image = _image(upload)
    except Invalid as exc:
        errors.update(exc.errors)
    if errors:
        raise Invalid(errors)
    return values, image


def create(user: User, form: dict[str, str], upload=None) -> Product:
    brand = _own_brand(user)
    values, image = _checked(form, upload)
    now = utcnow()
    product = Product(
        brand_id=brand.id,
        name=values.name,
        price_fen=values.price_fen,
        web_url=values.web_url,
        mp_appid=values.mp_appid,
        mp_path=values.mp_path,
        image_path=images.save(image)[0] if image else None,
        created_at=now,
        updated_at=now,
    )
    db.session.add(product)
    db.session.flush()
    audit.log(user, "product.add", "product", product.id, "", name=product.name)
    db.session.commit()
    return product


def update(user: User, product: Product, form: dict[str, str], upload=None) -> Product:
    ensure_own(user, product)
    values, image = _checked(form, upload)
    product.name, product.price_fen = values.name, values.price_fen
    product.web_url, product.mp_appid, product.mp_path = (
        values.web_url,
        values.mp_appid,
        values.mp_path,
    )
    if image:
        product.image_path = images.save(image)[0]
    product.updated_at = utcnow()
    audit.log(user, "product.edit", "product", product.id, "", name=product.name)
    db.session.commit()
    return product


def remove(user: User, product: Product) -> None:
    """Take ``product`` off the catalogue; posts that share it keep a 已下架 card."""
    ensure_own(user, product)
    if product.removed_at is None:
        product.removed_at = utcnow()
        audit.log(user, "product.remove", "product", product.id, "", name=product.name)
    db.session.commit()


def _own_brand(user: User) -> Brand:
    brand = brand_of(user)
    if brand is None:
        raise Forbidden("只有品牌账号可以管理商品")
    return brand


def ensure_own(user: User, product: Product) -> None:
    brand = _own_brand(user)
    if product.brand_id != brand.id:
        raise Forbidden("只能管理自己品牌的商品")


def get(product_id: int) -> Product:
    """A product with its brand (removed ones too: their page says 已下架)."""
    product = db.session.scalar(
        select(Product)
        .join(Product.brand)
        .options(contains_eager(Product.brand))
        .where(Product.id == product_id)
    )
    if product is None:
        raise NotFound(product_id)
    return product


def catalogue(brand: Brand) -> list[Product]:
    """The brand's products, current ones first, newest first."""
    return list(
        db.session.scalars(
            select(Product)
            .join(Product.brand)
            .options(contains_eager(Product.brand))
            .where(Product.brand_id == brand.id)
            .order_by(Product.removed_at.is_not(None), Product.id.desc())
        )
    )


def _like(q: str) -> str:
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(q: str, limit: int = SEARCH_LIMIT, exclude: tuple[int, ...] = ()) -> list[Product]:
    """Products on sale whose name or brand contains ``q`` (the typeahead)."""
    q = (q or "").strip()[:NAME_MAX]
    if not q:
        return []
    query = (
        select(Product)
        .join(Product.brand)
        .options(contains_eager(Product.brand))
        .where(
            Product.removed_at.is_(None),
            or_(Product.name.ilike(_like(q), escape="\\"), Brand.name.ilike(_like(q), escape="\\")),
        )
        .order_by(Product.id.desc())
        .limit(limit)
    )
    if exclude:
        query = query.where(Product.id.not_in(exclude))
    return list(db.session.scalars(query))


def on_sale(product_ids: list[int]) -> list[Product]:
    """The products among ``product_ids`` that are on sale, in the given order."""
    if not product_ids:
        return []
    found = {
        p.id: p
        for p in db.session.scalars(
            select(Product)
            .join(Product.brand)
            .options(contains_eager(Product.brand))
            .where(Product.id.in_(product_ids), Product.removed_at.is_(None))
        )
    }
    return [found[i] for i in product_ids if i in found]
