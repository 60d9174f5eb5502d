"""Acceptance: the site inside the mini-program's web-view (a WeChat user agent and a
stubbed ``wx.miniProgram``), entered through a one-time ticket from the fake WeChat;
binding WeChat to a password account; and the same pages in a plain phone browser."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fake_wechat import FakeWeChat
from playwright.sync_api import expect

from forum.extensions import db
from forum.models import User

pytestmark = pytest.mark.browser


@pytest.fixture
def wechat():
    with FakeWeChat() as fake:
        yield fake


@pytest.fixture
def app_config(app_config, wechat) -> dict:
    return {
        **app_config,
        "WECHAT_API_BASE": wechat.base_url,
        "WECHAT_APPID": wechat.appid,
        "WECHAT_SECRET": wechat.secret,
    }


def host_ticket(live_server, wechat, openid: str) -> str:
    """What the host mini-program does: wx.login, then POST the code for a ticket."""
    code = f"code-{openid}-{len(wechat.requests)}"
    wechat.add_code(code, openid=openid)
    response = live_server.app.test_client().post("/api/wechat/session", json={"code": code})
    assert response.status_code == 200, response.json
    return response.json["ticket"]


def share_messages(page) -> list[dict]:
    return page.evaluate(
        "window.__wxCalls.filter(c => c.api === 'postMessage').map(c => c.message.data)"
    )


def seed_post(make):
    laoli = make.member("laoli", nickname="老李")
    circle = make.circle(laoli, slug="coffee", name="咖啡")
    return make.post(laoli, circle, title="新开的咖啡店", body="拿铁很好喝 #探店#")


def test_a_post_in_the_mini_program(phone, live_server, wechat, make, shots, offsite_requests):
    post = seed_post(make)
    ticket = host_ticket(live_server, wechat, "o-xiaomei")
    page = phone

    # The host opens the web-view at the ticket URL; the site logs in and redirects.
    page.goto(f"/auth/ticket?t={ticket}&next={quote(f'/p/{post.id}', safe='')}&scene=1047")
    page.wait_for_url(f"{live_server.url}/p/{post.id}")

    expect(page.locator("html")).to_have_class("in-miniprogram")
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page).to_have_title("新开的咖啡店 · 咖啡")
    page.wait_for_function("window.__wxCalls.some(c => c.api === 'postMessage')")
    [share] = share_messages(page)
    assert share == {
        "type": "share",
        "title": "新开的咖啡店 · 咖啡",
        "path": f"/p/{post.id}",
        "imageUrl": "",
    }
    # Logged in as the new WeChat member: 我的 leads to their page.
    with live_server.app.app_context():
        me = db.session.scalar(db.select(User).where(User.wechat_openid == "o-xiaomei"))
    expect(page.locator(".tabbar a").last).to_have_attribute("href", f"/u/{me.member_no}")
    page.screenshot(path=shots / "webview-01-post-in-mini-program.png")

    # Product cards and the jump page: tests/browser/test_goods_flow.py.

    # The ticket is spent: opening the same URL again explains what to do.
    page.goto(f"/auth/ticket?t={ticket}")
    expect(page.locator("h1")).to_have_text("登录链接已用过")
    expect(page.get_by_text("重新打开「微社群」小程序")).to_be_visible()
    [share] = share_messages(page)
    assert ticket not in share["path"]
    page.screenshot(path=shots / "webview-02-ticket-used.png")
    assert offsite_requests == []


def test_the_top_bar_is_hidden_before_any_script(new_context, live_server, make):
    post = seed_post(make)
    page = new_context(mini_program=True, java_script_enabled=False).new_page()

    page.goto(f"/p/{post.id}")

    expect(page.locator("html")).to_have_class("in-miniprogram")
    expect(page.locator(".topbar")).to_be_hidden()


def test_the_same_page_in_a_plain_browser(new_context, live_server, make, shots, offsite_requests):
    post = seed_post(make)
    page = new_context(mini_program=False).new_page()

    page.goto(f"/p/{post.id}")

    expect(page.locator(".topbar")).to_be_visible()
    assert page.evaluate("document.documentElement.classList.contains('in-miniprogram')") is False
    assert page.evaluate("typeof window.__wxCalls") == "undefined"
    page.screenshot(path=shots / "webview-03-post-in-browser.png")
    # Links are ordinary links.
    page.locator(".post-card, main").get_by_role("link", name="咖啡").first.click()
    page.wait_for_url(f"{live_server.url}/c/coffee")
    expect(page).to_have_title("咖啡 · 圈子")
    assert offsite_requests == []


def test_a_password_member_binds_wechat_in_the_mini_program(
    phone, live_server, wechat, make, shots
):
    make.member("xiaomei", nickname="小美")
    page = phone
    page.goto("/login?next=/settings/profile")
    page.fill("#username", "xiaomei")
    page.fill("#password", "password123")
    page.click("button:has-text('登录')")
    page.wait_for_url(f"{live_server.url}/settings/profile")

    # 绑定微信 records the wish on the server, then asks the host to log in again.
    page.click("button:has-text('绑定微信')")
    page.wait_for_function("window.__wxCalls.some(c => c.api === 'navigateTo')")
    [navigate] = page.evaluate("window.__wxCalls.filter(c => c.api === 'navigateTo')")
    host_page = "/pages/index/index?bind=1&next=%2Fsettings%2Fprofile"
    assert navigate["options"]["url"] == host_page
    page.screenshot(path=shots / "webview-04-bind-asked.png")

    # The host logs in and opens the web-view with bind=1: same session, now bound.
    ticket = host_ticket(live_server, wechat, "o-xiaomei")
    page.goto(f"/auth/ticket?t={ticket}&next=%2Fsettings%2Fprofile&bind=1")
    page.wait_for_url(f"{live_server.url}/settings/profile")
    expect(page.locator("#wechat-bind")).to_contain_text("已绑定微信")
    page.screenshot(path=shots / "webview-05-bound.png")
    with live_server.app.app_context():
        me = db.session.scalar(db.select(User).where(User.username == "xiaomei"))
        assert me.wechat_openid == "o-xiaomei"
