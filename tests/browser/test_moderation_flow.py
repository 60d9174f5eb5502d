"""Acceptance: an advert with a phone number split by spaces goes to review; a
moderator sees it highlighted, rejects it and bans its author, who cannot log in again."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from forum.extensions import db
from forum.models import AuditLog, Circle, Post, QueueItem, User

pytestmark = pytest.mark.browser

ADVERT = "加我 138 1234 5678 优惠多多"


def no_horizontal_overflow(page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 375, f"{page.url} is {width}px wide at 375px"


def log_in(page, username: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", "password123")
    page.click("button:has-text('登录')")
    page.wait_for_url("**/")


def test_an_advert_is_held_rejected_and_its_author_banned(
    phone, new_context, live_server, make, shots, offsite_requests
):
    owner = make.member("laoli", nickname="老李")
    circle = make.circle(owner, slug="city-cycling", name="城市骑行")
    member = make.member("xiaomei", nickname="小美")
    make.join(member, circle)
    make.member("banzhu", nickname="版主", role="moderator")

    # The member posts the advert from the circle's composer: it lands in her
    # feed marked 待审核, and on its page she is told it is being reviewed.
    page = phone
    log_in(page, "xiaomei")
    page.goto("/c/city-cycling")
    page.locator("#composer [name=body]").fill(ADVERT)
    page.locator("#composer button:has-text('发布')").click()
    card = page.locator("#feed .post-card").first
    expect(card).to_contain_text("优惠多多")
    expect(card.locator(".badge-warn")).to_have_text("待审核")
    with live_server.app.app_context():
        post = db.session.scalar(db.select(Post))
        assert post.status == "pending"
        assert db.session.scalar(db.select(Circle.post_count)) == 0
    no_horizontal_overflow(page)
    page.screenshot(path=shots / "mod-01-pending-in-feed.png")
    page.goto(f"/p/{post.id}")
    expect(page.locator(".notice-bar")).to_contain_text("正在审核")
    page.screenshot(path=shots / "mod-02-pending-post.png")

    # Nobody else sees it.
    visitor = new_context().new_page()
    assert visitor.goto(f"/p/{post.id}").status == 404

    # The moderator finds it in the queue with the phone number highlighted.
    console = new_context(mini_program=False).new_page()
    log_in(console, "banzhu")
    console.goto("/mod")
    item = console.locator(".queue-item").first
    expect(item.locator("mark")).to_have_text("138 1234 5678")
    expect(item.locator(".reasons")).to_contain_text("含有手机号码")
    no_horizontal_overflow(console)
    console.screenshot(path=shots / "mod-03-queue-highlighted.png", full_page=True)

    # Reject with a reason (in place), then ban the author for good.
    item.locator("input[name=reason]").first.fill("站内禁止留联系方式打广告")
    item.locator("button:has-text('驳回')").click()
    item = console.locator(".queue-item").first
    expect(item.locator(".decided")).to_contain_text("已驳回：站内禁止留联系方式打广告")
    item.locator("summary:has-text('封禁作者')").click()
    item.locator("select[name=period]").select_option("forever")
    item.locator(".ban-box input[name=reason]").fill("发布广告")
    item.locator("button:has-text('确认封禁')").click()
    expect(console.locator(".queue-item").first).to_contain_text("作者已封禁（永久）")
    assert console.url.endswith("/mod"), "the decisions reloaded the console"
    console.screenshot(path=shots / "mod-04-rejected-and-banned.png", full_page=True)
    with live_server.app.app_context():
        assert db.session.get(Post, post.id).status == "rejected"
        assert db.session.scalar(db.select(QueueItem.state)) == "rejected"
        banned = db.session.scalar(db.select(User).where(User.username == "xiaomei"))
        assert banned.is_banned and banned.ban_reason == "发布广告"
        actions = db.session.scalars(db.select(AuditLog.action).order_by(AuditLog.id)).all()
        assert actions == ["queue.reject", "member.ban"]

    # The member's next page finds her logged out, and she cannot log in again.
    page.goto("/")
    expect(page.locator(".tabbar a").last).to_have_attribute("href", "/login")
    page.goto("/login")
    page.fill("#username", "xiaomei")
    page.fill("#password", "password123")
    page.click("button:has-text('登录')")
    expect(page.locator(".field-error")).to_contain_text("你的账号已被封禁（永久），理由：发布广告")
    assert "/login" in page.url
    no_horizontal_overflow(page)
    page.screenshot(path=shots / "mod-05-login-refused.png")

    assert offsite_requests == [], "the pages reached beyond the test server"
