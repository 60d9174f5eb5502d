"""A brand's figures: views, clicks and click-through rates per product, post and
member over a date range, on /brand and in the CSV; the 好物 feed and product
pages; query counts that do not grow with the page."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta

import pytest
from goods_helpers import image_bytes, make_brand, make_product, share
from helpers import counting, load_more_url, post_ids
from sqlalchemy import insert, update

from forum.extensions import db as _db
from forum.models import Post, PostViewDay, ProductClick
from forum.services import brand_stats

pytestmark = pytest.mark.usefixtures("fast_hashing")

CHINA = timedelta(hours=8)
DAY = date(2026, 11, 10)
NOON = datetime(2026, 11, 10, 4, 0)  # noon in China, in UTC


@pytest.fixture
def figures(app, make, rows):
    """2 products, 3 posts by 2 members: P1 shares A, P2 shares A and B, P3 shares B.
    Views in November: P1 100, P2 50, P3 200.  Clicks: A from P1 ×3, A from P2 ×1,
    B from P2 ×2, B from P3 ×4, and one on B outside the range (and one view)."""
    xiaomei = make.member("xiaomei", nickname="小美")
    laoli = make.member("laoli", nickname="老李")
    circle = make.circle(xiaomei, slug="drinks", name="饮料")
    make.join(laoli, circle)
    brand = make_brand(app, make, "元气森林", "yuanqi")
    a = make_product(app, brand.account, name="白桃气泡水")
    b = make_product(app, brand.account, name="乌龙茶")
    other = make_brand(app, make, "农夫山泉", "nongfu")
    foreign = make_product(app, other.account, name="矿泉水")
    p1 = share(app, xiaomei, circle, "白桃真好喝", [a]).id
    p2 = share(app, laoli, circle, "两款都不错", [a, b]).id
    p3 = share(app, xiaomei, circle, "乌龙茶解腻", [b, foreign]).id
    rows.execute(update(Post).values(created_at=datetime(2026, 11, 1, 2, 0)))
    views = [(p1, DAY, 60), (p1, DAY + timedelta(days=5), 40), (p2, DAY, 50), (p3, DAY, 200)]
    views.append((p3, date(2026, 12, 1), 999))  # outside the range
    with app.app_context():
        _db.session.execute(
            insert(PostViewDay), [{"post_id": p, "day": d, "views": n} for p, d, n in views]
        )
        clicks = [(a, p1, 3), (a, p2, 1), (b, p2, 2), (b, p3, 4), (foreign, p3, 7)]
        n = 0
        for product, post, count in clicks:
            for _ in range(count):
                n += 1
                _db.session.execute(
                    insert(ProductClick).values(
                        product_id=product,
                        post_id=post,
                        reader_key=f"a:{n}",
                        source="web",
                        created_at=NOON + timedelta(minutes=n),
                    )
                )
        _db.session.execute(
            insert(ProductClick).values(
                product_id=b,
                post_id=p3,
                reader_key="a:late",
                source="web",
                created_at=datetime(2026, 12, 1, 4, 0),
            )
        )
        _db.session.commit()
    return {"brand": brand, "a": a, "b": b, "posts": (p1, p2, p3), "members": (xiaomei, laoli)}


RANGE = "from=2026-11-01&to=2026-11-30"


def test_the_figures_per_product_post_and_member(app, figures):
    with app.app_context():
        from forum.models import Brand

        brand = _db.session.get(Brand, figures["brand"].id)
        report = brand_stats.report(brand, date(2026, 11, 1), date(2026, 11, 30))

    p1, p2, p3 = figures["posts"]
    assert (report.total.posts, report.total.views, report.total.clicks) == (3, 350, 10)
    assert report.total.ctr == "2.86%"
    assert [(r.product.name, r.posts, r.views, r.clicks, r.ctr) for r in report.products] == [
        ("乌龙茶", 2, 250, 6, "2.40%"),
        ("白桃气泡水", 2, 150, 4, "2.67%"),
    ]
    assert [(r.post.id, r.views, r.clicks, r.ctr) for r in report.posts] == [
        (p3, 200, 4, "2.00%"),
        (p1, 100, 3, "3.00%"),
        (p2, 50, 3, "6.00%"),
    ]
    assert [(r.member.nickname, r.posts, r.views, r.clicks, r.ctr) for r in report.members] == [
        ("小美", 2, 300, 7, "2.33%"),
        ("老李", 1, 50, 3, "6.00%"),
    ]


def test_the_brand_page_shows_the_figures(figures, login_client):
    brand = login_client(figures["brand"].account)

    page = brand.get(f"/brand?{RANGE}").text

    assert re.search(r'id="total-views">350<', page)
    assert re.search(r'id="total-clicks">10<', page)
    assert re.search(r'id="total-ctr">2.86%<', page)
    row = page.split(f'id="product-row-{figures["a"]}"')[1].split("</tr>")[0]
    assert re.findall(r"<td>([^<]*)</td>", row) == ["2", "150", "4", "2.67%"]
    p2 = figures["posts"][1]
    row = page.split(f'id="post-row-{p2}"')[1].split("</tr>")[0]
    assert re.findall(r"<td>([^<]*)</td>", row) == ["50", "3", "6.00%"]
    assert "带货达人" in page and "小美" in page


def test_the_csv_has_the_same_figures(figures, login_client):
    brand = login_client(figures["brand"].account)

    response = brand.get(f"/brand/report.csv?{RANGE}")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "brand-" in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    p1, p2, p3 = figures["posts"]
    assert lines[0] == ["类型", "编号", "名称", "帖子数", "浏览", "点击", "点击率"]
    assert lines[1] == ["合计", "", "元气森林", "3", "350", "10", "2.86%"]
    assert lines[2] == ["商品", str(figures["b"]), "乌龙茶", "2", "250", "6", "2.40%"]
    assert lines[3] == ["商品", str(figures["a"]), "白桃气泡水", "2", "150", "4", "2.67%"]
    assert lines[4] == ["帖子", str(p3), "乌龙茶解腻", "1", "200", "4", "2.00%"]
    assert lines[5] == ["帖子", str(p1), "白桃真好喝", "1", "100", "3", "3.00%"]
    assert lines[6] == ["帖子", str(p2), "两款都不错", "1", "50", "3", "6.00%"]
    xiaomei = figures["members"][0]
    assert lines[7] == ["成员", str(xiaomei.member_no), "小美", "2", "300", "7", "2.33%"]
    assert len(lines) == 9


def test_a_narrower_range_narrows_the_figures(figures, login_client):
    brand = login_client(figures["brand"].account)

    lines = brand.get("/brand/report.csv?from=2026-11-15&to=2026-11-15").data.decode()

    assert "合计,,元气森林,1,40,0,0.00%" in lines  # only P1's 40 views that day


def test_csv_cells_never_start_a_formula():
    assert brand_stats._cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert brand_stats._cell("白桃") == "白桃"
    assert brand_stats.ctr(1, 0) == "—"
    assert brand_stats.ctr(1, 3) == "33.33%" and brand_stats.ctr(2, 3) == "66.67%"


def test_other_brands_and_members_see_nothing(figures, make, login_client):
    member = login_client(make.member("fan"))

    assert member.get(f"/brand?{RANGE}").status_code == 403
    assert member.get(f"/brand/report.csv?{RANGE}").status_code == 403


# -- the 好物 feed and product pages ----------------------------------------------------


@pytest.fixture
def goods_feed(app, make):
    author = make.member("xiaomei", nickname="小美")
    circle = make.circle(author, slug="drinks", name="饮料")
    brand = make_brand(app, make, "元气森林", "yuanqi")
    product = make_product(app, brand.account, name="白桃气泡水")
    shared = [share(app, author, circle, f"第{i}次分享", [product]).id for i in range(5)]
    plain = [make.post(author, circle, body=f"普通帖{i}").id for i in range(3)]
    return {"product": product, "shared": shared, "plain": plain}


def test_the_goods_tab_pages_through_goods_posts_only(app, goods_feed, client):
    app.config["FEED_PAGE_SIZE"] = 2
    seen, url = [], "/?sort=goods"
    while url:
        page = client.get(url, headers={"HX-Request": "true"} if seen else {}).text
        seen += post_ids(page)
        url = load_more_url(page)

    assert seen == sorted(goods_feed["shared"], reverse=True)
    home = client.get("/").text
    assert 'href="/?sort=goods"' in home and "好物" in home


def test_a_product_page_lists_every_post_that_shares_it(goods_feed, client):
    page = client.get(f"/product/{goods_feed['product']}").text

    assert "买家秀" in page and "白桃气泡水" in page and "¥5.50" in page
    assert sorted(post_ids(page)) == sorted(goods_feed["shared"])
    assert client.get("/product/424242").status_code == 404


def count_queries(app, client, url: str) -> tuple[int, str]:
    with counting(app) as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements), response.text


@pytest.mark.parametrize("url", ["/", "/?sort=goods", "/product/{product}", "/t/好物", "/p/{post}"])
def test_goods_pages_cost_the_same_whatever_their_size(app, make, login_client, url):
    """Products and images of a whole page come in one query each."""
    author = make.member("xiaomei", nickname="小美")
    circle = make.circle(author, slug="drinks", name="饮料")
    brand = make_brand(app, make, "元气森林", "yuanqi")
    products = [make_product(app, brand.account, name=f"好物{i}") for i in range(3)]
    picture = image_bytes((700, 500))
    made = []
    counts = {}
    member = login_client(author)
    for size in (2, 8):
        while len(made) < size:
            made.append(share(app, author, circle, "分享 #好物#", products, [picture, picture]))
        app.config["FEED_PAGE_SIZE"] = size
        target = url.format(product=products[0], post=made[-1].id)
        counts[size], html = count_queries(app, member, target)
        if not target.startswith("/p/"):
            assert len(post_ids(html)) == size
        cards = 3 * (1 if target.startswith("/p/") else size)
        cards += 1 if target.startswith("/product/") else 0  # the product's own card on top
        assert html.count('class="product-card"') == cards

    assert counts[2] == counts[8] <= 7, counts
