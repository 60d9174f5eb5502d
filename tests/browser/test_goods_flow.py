"""Acceptance: a brand pins a topic and it leads the home page with its label; a
member writes a 好物分享 post with a product and two images; a reader taps the
product card and lands on the product; the brand sees the click on /brand.  And in
the mini-program: a card with an app id records the click, then asks the host to
open its jump page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from goods_helpers import image_bytes, make_brand, make_product, share
from playwright.sync_api import expect
from sqlalchemy import select, update

from forum.extensions import db
from forum.models import Post, PostImage, Product, ProductClick, utcnow
from forum.services import pins

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config(app_config) -> dict:
    # Every view is written at once, so the brand's figures include them.
    return {**app_config, "VIEW_FLUSH_EVERY": 1}


def no_horizontal_overflow(page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 375, f"{page.url} is {width}px wide at 375px"


def log_in(page, username: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", "password123")
    page.click("main button:has-text('登录')")
    page.wait_for_url(re.compile(r"/$"))


@pytest.fixture
def shop(live_server, make):
    """A community with topics, a brand with a product whose web link is its own page
    on the live server (the network is blocked), and a member in a circle."""
    app = live_server.app
    xiaomei = make.member("xiaomei", nickname="小美")
    circle = make.circle(xiaomei, slug="drinks", name="饮料")
    for i in range(3):
        make.post(xiaomei, circle, body=f"今天喝什么 #下午茶# {i}")
    make.post(xiaomei, circle, body="周末 #露营#")
    brand = make_brand(app, make, "元气森林", "yuanqi")
    product_id = make_product(app, brand.account, name="白桃气泡水", price="5.50")
    with app.app_context():
        db.session.execute(
            update(Product)
            .where(Product.id == product_id)
            .values(web_url=f"{live_server.url}/product/{product_id}")
        )
        db.session.commit()
    return {"app": app, "brand": brand, "product": product_id, "circle": circle, "member": xiaomei}


def test_goods_flow(new_context, live_server, shop, shots, tmp_path, offsite_requests):
    app = shop["app"]

    # 1. The brand pins a topic for three days; it leads the home page, labelled.
    brand = new_context(mini_program=False).new_page()
    log_in(brand, "yuanqi")
    brand.goto("/brand/pins")
    brand.fill("#topic", "夏日好物")
    brand.select_option("#label", "推广")
    brand.fill("#ends_at", pins.local_input(utcnow() + timedelta(days=3)))
    brand.screenshot(path=shots / "goods-01-brand-pins-a-topic.png")
    brand.click("#pin-form button[type=submit]")
    expect(brand.locator(".pin-item").first).to_contain_text("置顶中")
    brand.goto("/")
    first = brand.locator(".hot-topics li").first
    expect(first).to_contain_text("#夏日好物#")
    expect(first.locator(".pin-label")).to_have_text("推广")
    no_horizontal_overflow(brand)
    brand.screenshot(path=shots / "goods-02-pinned-topic-leads-home.png")

    # 2. A member writes a 好物分享 post: finds the product as they type, adds two images.
    pictures = []
    for i, color in enumerate([(230, 90, 80), (80, 160, 220)]):
        path = tmp_path / f"photo{i}.png"
        path.write_bytes(image_bytes((900, 700), color))
        pictures.append(str(path))
    member = new_context(mini_program=False).new_page()
    log_in(member, "xiaomei")
    member.goto("/c/drinks/compose")
    member.fill("#title", "夏天的快乐水")
    member.fill("#body", "冰镇以后超级好喝 #夏日好物#")
    member.fill("#product-q", "白桃")
    choice = member.locator(f"#product-results input[value='{shop['product']}']")
    expect(choice).to_be_visible()
    choice.check()
    member.set_input_files("#images", pictures)
    no_horizontal_overflow(member)
    member.screenshot(path=shots / "goods-03-compose-with-product.png", full_page=True)
    member.click("#compose-form button:has-text('发布')")
    member.wait_for_url(re.compile(r"/p/\d+$"))
    post_id = int(member.url.rsplit("/", 1)[1])
    expect(member.locator(".badge-goods")).to_have_text("好物分享")
    expect(member.locator(".image-grid .tile")).to_have_count(2)
    expect(member.locator("a.product-card")).to_contain_text("白桃气泡水")
    expect(member.locator("a.product-card")).to_contain_text("¥5.50")
    expect(member.locator("a.product-card")).to_contain_text("去看看")
    member.screenshot(path=shots / "goods-04-goods-post.png", full_page=True)
    # Tap to enlarge (CSS :target, no script needed); tap again to close.
    member.locator(".image-grid .tile").first.click()
    expect(member.locator(f"#img-{post_id}-1")).to_be_visible()
    member.screenshot(path=shots / "goods-05-image-enlarged.png")
    member.locator(f"#img-{post_id}-1 .lightbox-nav a:has-text('关闭')").click()
    expect(member.locator(f"#img-{post_id}-1")).to_be_hidden()
    with app.app_context():
        post = db.session.get(Post, post_id)
        assert (post.is_goods, post.image_count) == (True, 2)
        assert len(db.session.scalars(select(PostImage)).all()) == 2

    # 3. A reader taps the card and lands on the product (its web link).
    reader = new_context(mini_program=False).new_page()
    reader.goto(f"/p/{post_id}")
    reader.locator("a.product-card").click()
    reader.wait_for_url(f"{live_server.url}/product/{shop['product']}")
    expect(reader.locator("h1")).to_have_text("白桃气泡水")
    expect(reader.locator("#feed .post-card")).to_have_count(1)  # 买家秀
    reader.screenshot(path=shots / "goods-06-reader-lands-on-product.png", full_page=True)

    # 4. The brand sees one click (and the post's views) on /brand.
    today = (utcnow() + timedelta(hours=8)).date()
    brand.goto(f"/brand?from={today}&to={today}")
    expect(brand.locator("#total-clicks")).to_have_text("1")
    row = brand.locator(f"#product-row-{shop['product']}")
    expect(row).to_contain_text("白桃气泡水")
    expect(row.locator("td").nth(3)).to_have_text("1")
    views = int(brand.locator("#total-views").inner_text())
    assert views >= 2  # the member's and the reader's
    expect(brand.locator("#total-ctr")).to_have_text(f"{100 / views:.2f}%")
    no_horizontal_overflow(brand)
    brand.screenshot(path=shots / "goods-07-brand-sees-the-click.png", full_page=True)
    with app.app_context():
        [click] = db.session.scalars(select(ProductClick)).all()
        assert (click.post_id, click.user_id, click.source) == (post_id, None, "web")
    assert offsite_requests == []


def test_a_mini_program_card_opens_the_shop_through_the_jump_page(
    phone, live_server, shop, make, shots, offsite_requests
):
    app = shop["app"]
    mini = make_product(
        app,
        shop["brand"].account,
        name="乌龙茶",
        price="4.00",
        web_url="",
        mp_appid="wx1234567890abcdef",
        mp_path="pages/item/item?id=42",
    )
    post = share(app, shop["member"], shop["circle"], "解腻神器 #下午茶#", [mini])

    phone.goto(f"/p/{post.id}")
    card = phone.locator(f"a.product-card[data-product-id='{mini}']")
    expect(card).to_have_attribute("data-appid", "wx1234567890abcdef")
    phone.screenshot(path=shots / "goods-08-mini-program-card.png")
    card.click()
    phone.wait_for_function("window.__wxCalls.some(c => c.api === 'navigateTo')")

    [navigate] = phone.evaluate("window.__wxCalls.filter(c => c.api === 'navigateTo')")
    assert navigate["options"]["url"] == (
        f"/pages/jump/jump?appid=wx1234567890abcdef&path=pages%2Fitem%2Fitem%3Fid%3D42"
        f"&product={mini}&post={post.id}"
    )
    assert phone.url == f"{live_server.url}/p/{post.id}"  # the web-view stays put
    with app.app_context():
        [click] = db.session.scalars(select(ProductClick)).all()
        assert (click.product_id, click.post_id, click.source) == (mini, post.id, "miniprogram")
    assert offsite_requests == []
