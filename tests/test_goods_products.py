"""Brands and their product catalogues: the admin page and command, validation in
Chinese with the input kept, role boundaries, soft removal and the typeahead."""

from __future__ import annotations

import pytest
from goods_helpers import image_bytes, make_brand, make_product, share, upload
from sqlalchemy import select

from forum.models import AuditLog, Brand, BrandAccount, Product, User
from forum.services import products

pytestmark = pytest.mark.usefixtures("fast_hashing")

HX = {"HX-Request": "true"}
GOOD = {
    "name": "白桃气泡水",
    "price": "5.5",
    "web_url": "https://shop.example.com/item/1",
    "mp_appid": "",
    "mp_path": "",
}


@pytest.fixture
def brand_a(app, make):
    return make_brand(app, make, "元气森林", "yuanqi")


@pytest.fixture
def brand_b(app, make):
    return make_brand(app, make, "农夫山泉", "nongfu")


@pytest.mark.parametrize(
    ("typed", "fen"),
    [("59", 5900), ("59.9", 5990), ("59.90", 5990), ("¥0.01", 1), ("1,299.00", 129900)],
)
def test_prices_are_typed_in_yuan_and_stored_in_fen(typed, fen):
    assert products.parse_price(typed) == fen


@pytest.mark.parametrize("typed", ["", "abc", "5.999", "-1", "1e3", "5."])
def test_what_is_not_a_price(typed):
    assert products.parse_price(typed) is None


def test_a_brand_adds_a_product(brand_a, login_client, rows):
    brand = login_client(brand_a.account)

    response = brand.post(
        "/brand/products",
        data={
            **GOOD,
            "mp_appid": "WX1234567890ABCDEF",
            "mp_path": "/pages/item/item?id=1",
            "image": upload(image_bytes((900, 900)), "bottle.png"),
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 303
    product = rows.one(select(Product))
    assert (product.name, product.price_fen, product.brand_id) == ("白桃气泡水", 550, brand_a.id)
    assert (product.mp_appid, product.mp_path) == ("wx1234567890abcdef", "pages/item/item?id=1")
    assert product.image_path.endswith(".jpg")
    assert "白桃气泡水" in brand.get("/brand/products").text
    [entry] = rows.all(select(AuditLog).where(AuditLog.action == "product.add"))
    assert entry.actor_id == brand_a.account.id


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "请填写商品名称"),
        ({"price": "5.999"}, "最多两位小数"),
        ({"price": "0"}, "价格要大于 0"),
        ({"web_url": "javascript:alert(1)"}, "链接只能是 http:// 或 https:// 开头的网址"),
        ({"web_url": "ftp://shop.example.com/x"}, "链接只能是 http:// 或 https:// 开头的网址"),
        ({"web_url": "https://shop.example.com@evil.example/"}, "不能带用户名或密码"),
        ({"web_url": "https://shop.example.com/a b"}, "链接里不能有空格"),
        ({"web_url": ""}, "请填写商品链接或小程序页面"),
        ({"mp_appid": "wx123", "mp_path": "pages/a/a"}, "wx 加 16 位十六进制字符"),
        ({"mp_appid": "wx1234567890abcdef", "mp_path": "pages/a b"}, "pages/item/item?id=1"),
        ({"mp_appid": "wx1234567890abcdef"}, "也请填写页面路径"),
        ({"mp_path": "pages/item/item"}, "也请填写小程序 AppID"),
    ],
)
def test_product_fields_are_checked_in_place(brand_a, login_client, rows, fields, message):
    brand = login_client(brand_a.account)

    response = brand.post("/brand/products", data={**GOOD, **fields}, headers=HX)

    assert response.status_code == 422
    assert message in response.text
    assert "<html" not in response.text  # the form block, swapped in place
    kept = {**GOOD, **fields}
    if kept["name"]:
        assert f'value="{kept["name"]}"' in response.text
    assert rows.all(select(Product)) == []


def test_a_non_image_product_picture_is_refused(brand_a, login_client, rows):
    brand = login_client(brand_a.account)

    response = brand.post(
        "/brand/products",
        data={**GOOD, "image": upload(b"not a picture at all", "fake.jpg")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 422
    assert "「fake.jpg」不是有效的图片" in response.text
    assert 'value="白桃气泡水"' in response.text


def test_a_brand_edits_only_its_own_products(app, brand_a, brand_b, login_client, rows, make):
    theirs = make_product(app, brand_a.account)
    other = login_client(brand_b.account)
    member = login_client(make.member("fan"))

    assert other.get(f"/brand/products/{theirs}/edit").status_code == 403
    assert other.post(f"/brand/products/{theirs}/edit", data=GOOD).status_code == 403
    assert other.post(f"/brand/products/{theirs}/remove").status_code == 403
    assert member.get("/brand/products").status_code == 403
    assert member.get("/brand").status_code == 403
    assert member.post("/brand/products", data=GOOD).status_code == 403
    assert rows.get(Product, theirs).removed_at is None

    own = login_client(brand_a.account)
    edited = own.post(f"/brand/products/{theirs}/edit", data={**GOOD, "price": "6.80"})
    assert edited.status_code == 303
    assert rows.get(Product, theirs).price_fen == 680


def test_a_brand_account_without_a_brand_is_told_so(make, login_client):
    loose = login_client(make.member("loose", role="brand"))

    response = loose.get("/brand/products")

    assert response.status_code == 403
    assert "还没有绑定品牌" in response.text


def test_a_removed_product_stays_on_old_posts_as_sold_out(app, make, brand_a, login_client, client):
    product_id = make_product(app, brand_a.account, name="限定款")
    author = make.member("fan", nickname="粉丝")
    circle = make.circle(author, slug="drinks", name="饮料")
    post = share(app, author, circle, "好喝！", [product_id])

    before = client.get(f"/p/{post.id}").text
    login_client(brand_a.account).post(f"/brand/products/{product_id}/remove")
    after = client.get(f"/p/{post.id}").text

    assert f'href="/go/product/{product_id}?post={post.id}"' in before
    assert "已下架" in after and "限定款" in after
    assert f"/go/product/{product_id}?" not in after
    assert client.get(f"/products/search?q={'限定'}").text.count("限定款") == 0


def test_the_typeahead_is_a_page_and_a_fragment(app, brand_a, client):
    make_product(app, brand_a.account, name="白桃气泡水")
    make_product(app, brand_a.account, name="乌龙茶")
    chosen = make_product(app, brand_a.account, name="白桃乌龙")

    page = client.get("/products/search?q=白桃")
    results = client.get("/products/search?q=白桃", headers=HX)
    picker = client.get(
        f"/products/search?q=白桃&product={chosen}",
        headers={**HX, "HX-Target": "product-results"},
    )
    by_brand = client.get("/products/search?q=元气", headers=HX)

    assert "<html" in page.text and "白桃气泡水" in page.text and "乌龙茶" not in page.text
    assert "<html" not in results.text and 'class="card search-hit"' in results.text
    assert "<html" not in picker.text
    assert f'name="product" value="{chosen}" checked' in picker.text  # kept, listed once
    assert picker.text.count(f'value="{chosen}"') == 1
    assert by_brand.text.count('class="card search-hit"') == 3
    assert "Vary" in page.headers and "HX-Request" in page.headers["Vary"]


def test_like_wildcards_in_a_search_are_plain_text(app, brand_a, client):
    make_product(app, brand_a.account, name="百分百果汁")

    assert "百分百果汁" not in client.get("/products/search?q=%25", headers=HX).text


def test_admins_create_brands_and_attach_accounts(make, login_client, rows):
    admin = login_client(make.member("boss", role="admin"))
    future = make.member("yuanqi", nickname="元气")
    member = login_client(make.member("fan"))

    created = admin.post(
        "/brand/admin",
        data={"name": "元气森林", "logo": upload(image_bytes((300, 300)), "logo.png")},
        content_type="multipart/form-data",
    )
    brand = rows.one(select(Brand))
    duplicate = admin.post("/brand/admin", data={"name": "元气森林"})
    attached = admin.post(f"/brand/admin/{brand.id}/accounts", data={"username": "yuanqi"})
    unknown = admin.post(f"/brand/admin/{brand.id}/accounts", data={"username": "nobody"})

    assert created.status_code == 303 and brand.logo_path
    assert duplicate.status_code == 422 and "这个品牌已经存在" in duplicate.text
    assert attached.status_code == 303
    assert rows.get(User, future.id).role == "brand"
    assert rows.get(BrandAccount, future.id).brand_id == brand.id
    assert unknown.status_code == 422 and "找不到这个用户名" in unknown.text
    assert member.get("/brand/admin").status_code == 403
    assert member.post("/brand/admin", data={"name": "山寨"}).status_code == 403


def test_create_brand_command(runner, make, rows, tmp_path):
    make.member("nongfu")
    logo = tmp_path / "logo.png"
    logo.write_bytes(image_bytes((128, 128)))

    result = runner.invoke(
        args=["forum", "create-brand", "农夫山泉", "--logo", str(logo), "--account", "nongfu"]
    )
    again = runner.invoke(args=["forum", "create-brand", "农夫山泉"])

    assert result.exit_code == 0, result.output
    assert "created brand 农夫山泉" in result.output
    brand = rows.one(select(Brand))
    assert brand.logo_path and rows.one(select(BrandAccount)).brand_id == brand.id
    assert again.exit_code != 0 and "这个品牌已经存在" in again.output
