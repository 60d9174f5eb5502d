"""A brand's figures over a date range: the posts that share its products, their
views, the clicks on its product cards and the click-through rate (CTR), per
product, per post and per member (the brand's KOCs), and the same as CSV.

Dates are China dates, both ends included.  A post's views in the range come
from the per-day view table (:mod:`forum.services.view_counts`); a product's
views are the views of the visible posts that share it, and its clicks every
counted click on its card (from a post or not).  CTR = clicks ÷ views, shown as
a percentage with two decimals (half up); with no views it is "—".
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from ..extensions import db
from ..models import (
    Brand,
    Circle,
    Post,
    PostProduct,
    PostViewDay,
    Product,
    ProductClick,
    User,
    utcnow,
)

CHINA = timedelta(hours=8)
DEFAULT_DAYS = 30
MAX_DAYS = 366


def ctr(clicks: int, views: int) -> str:
    if views <= 0:
        return "—"
    rate = (Decimal(clicks) * 100 / Decimal(views)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"{rate}%"


@dataclass
class Figures:
    posts: int = 0
    views: int = 0
    clicks: int = 0

    @property
    def ctr(self) -> str:
        return ctr(self.clicks, self.views)


@dataclass
class ProductRow(Figures):
    product: Product | None = None


@dataclass
class PostRow(Figures):
    post: Post | None = None
    product_ids: set[int] = field(default_factory=set)


@dataclass
class MemberRow(Figures):
    member: User | None = None


@dataclass
class Report:
    brand: Brand
    since: date
    until: date
    total: Figures
    products: list[ProductRow]
    posts: list[PostRow]
    members: list[MemberRow]


def today() -> date:
    return (utcnow() + CHINA).date()


def parse_range(since: str | None, until: str | None) -> tuple[date, date]:
    """``?from=2026-11-01&to=2026-11-30`` → dates; defaults to the last 30 days."""

    def parse(value: str | None) -> date | None:
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            return None

    end = parse(until) or today()
    start = parse(since) or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        start, end = end, start
    start = max(start, end - timedelta(days=MAX_DAYS - 1))
    return start, end


def _utc(day: date) -> datetime:
    return datetime.combine(day, time.min) - CHINA


def report(brand: Brand, since: date, until: date) -> Report:
    """The brand's figures from ``since`` to ``until`` (China dates, inclusive)."""
    start, end = _utc(since), _utc(until + timedelta(days=1))
    brand_products = select(Product.id).where(Product.brand_id == brand.id)
    products = list(
        db.session.scalars(select(Product).where(Product.brand_id == brand.id).order_by(Product.id))
    )
    shared = db.session.execute(
        select(Post, PostProduct.product_id)
        .join(PostProduct, PostProduct.post_id == Post.id)
        .join(Post.author)
        .join(Circle, Circle.id == Post.circle_id)
        .options(contains_eager(Post.author))
        .where(
            PostProduct.product_id.in_(brand_products),
            Post.status == "published",
            Post.deleted_at.is_(None),
            Circle.deleted_at.is_(None),
            Post.created_at < end,
        )
    )
    rows: dict[int, PostRow] = {}
    for post, product_id in shared:
        rows.setdefault(post.id, PostRow(posts=1, post=post)).product_ids.add(product_id)
    views = dict(
        db.session.execute(
            select(PostViewDay.post_id, func.sum(PostViewDay.views))
            .where(
                PostViewDay.post_id.in_(
                    select(PostProduct.post_id).where(PostProduct.product_id.in_(brand_products))
                ),
                PostViewDay.day >= since,
                PostViewDay.day <= until,
            )
            .group_by(PostViewDay.post_id)
        ).all()
    )
    clicks: Counter[tuple[int, int | None]] = Counter()
    for product_id, post_id, n in db.session.execute(
        select(ProductClick.product_id, ProductClick.post_id, func.count(ProductClick.id))
        .where(
            ProductClick.product_id.in_(brand_products),
            ProductClick.created_at >= start,
            ProductClick.created_at < end,
        )
        .group_by(ProductClick.product_id, ProductClick.post_id)
    ):
        clicks[(product_id, post_id)] += n
    for post_id, row in rows.items():
        row.views = int(views.get(post_id) or 0)
        row.clicks = sum(n for (_, clicked), n in clicks.items() if clicked == post_id)
    # A post from before the range with nothing in it is not part of this report.
    post_rows = [r for r in rows.values() if r.views or r.clicks or r.post.created_at >= start]
    post_rows.sort(key=lambda r: (-r.clicks, -r.views, -r.post.id))
    product_rows = []
    for product in products:
        sharing = [r for r in post_rows if product.id in r.product_ids]
        product_rows.append(
            ProductRow(
                posts=len(sharing),
                views=sum(r.views for r in sharing),
                clicks=sum(n for (pid, _), n in clicks.items() if pid == product.id),
                product=product,
            )
        )
    product_rows.sort(key=lambda r: (-r.clicks, -r.views, r.product.id))
    members: dict[int, MemberRow] = {}
    for r in post_rows:
        member = members.setdefault(r.post.author_id, MemberRow(member=r.post.author))
        member.posts += 1
        member.views += r.views
        member.clicks += r.clicks
    member_rows = sorted(members.values(), key=lambda m: (-m.clicks, -m.views, m.member.id))
    total = Figures(
        posts=len(post_rows),
        views=sum(r.views for r in post_rows),
        clicks=sum(clicks.values()),
    )
    return Report(brand, since, until, total, product_rows, post_rows, member_rows)


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    value = str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def post_name(post: Post) -> str:
    if post.title:
        return post.title
    body = post.body.replace("\n", " ")
    return body[:30] + ("…" if len(body) > 30 else "")


def to_csv(report: Report) -> str:
    """The report as CSV (with a BOM, so spreadsheet programs read the Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["类型", "编号", "名称", "帖子数", "浏览", "点击", "点击率"])
    t = report.total
    writer.writerow(["合计", "", _cell(report.brand.name), t.posts, t.views, t.clicks, t.ctr])
    for r in report.products:
        name = r.product.name + ("（已下架）" if r.product.is_removed else "")
        writer.writerow(["商品", r.product.id, _cell(name), r.posts, r.views, r.clicks, r.ctr])
    for r in report.posts:
        row = ["帖子", r.post.id, _cell(post_name(r.post)), 1, r.views, r.clicks, r.ctr]
        writer.writerow(row)
    for r in report.members:
        m = r.member
        writer.writerow(["成员", m.member_no, _cell(m.nickname), r.posts, r.views, r.clicks, r.ctr])
    return "\ufeff" + out.getvalue()
