"""Acceptance: a member's core flow on a 375 px phone inside the WeChat mini-program,
and the same key steps with JavaScript off (progressive enhancement)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from forum.extensions import db
from forum.models import Comment, Post, User

pytestmark = pytest.mark.browser

PAGE_SIZE = 20
SEEDED = 45
TOPIC = "周末骑行"
TAP = 44


def no_horizontal_overflow(page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 375, f"{page.url} is {width}px wide at 375px"


def tall_enough(locator, what: str) -> None:
    box = locator.bounding_box()
    assert box is not None, f"{what} is not rendered"
    assert box["height"] >= TAP, f"{what} is {box['height']}px high, under {TAP}px"


def mark_page(page) -> None:
    """Set a marker that only survives if the page is not reloaded or left."""
    page.evaluate("window.__marker = 'still here'")


def same_page(page) -> bool:
    return page.evaluate("window.__marker") == "still here"


def seed_feed(make) -> None:
    """Another member's circle with enough posts for three pages of the home feed."""
    author = make.member("laoli", nickname="老李")
    circle = make.circle(author, slug="daily", name="每日打卡")
    for n in range(1, SEEDED + 1):
        make.post(author, circle, body=f"打卡第 {n} 天，今天也很充实。")


def test_core_flow_in_the_mini_program(phone, live_server, make, shots, offsite_requests):
    seed_feed(make)
    page = phone

    # Register. Inside the mini-program web-view the site's top bar gives way to
    # WeChat's own, and webview.js talks to the (stubbed) bridge instead of
    # fetching the JSSDK from the internet.
    page.goto("/register")
    expect(page.locator("html")).to_contain_class("in-miniprogram")
    expect(page.locator(".topbar")).to_be_hidden()
    page.wait_for_function("window.__wxCalls.some(c => c.api === 'postMessage')")
    share = page.evaluate("window.__wxCalls.find(c => c.api === 'postMessage').message.data")
    assert share == {"type": "share", "title": "注册", "path": "/register", "imageUrl": ""}
    expect(page.locator("script[src*='jweixin']")).to_have_count(0)
    page.fill("#username", "xiaomei")
    page.fill("#nickname", "小美")
    page.fill("#password", "password123")
    no_horizontal_overflow(page)
    page.screenshot(path=shots / "core-01-register.png")
    page.click("button:has-text('注册')")
    page.wait_for_url(live_server.url + "/")
    for tab in page.locator(".tabbar a").all():
        tall_enough(tab, f"tab bar link {tab.inner_text()!r}")
    with live_server.app.app_context():
        me = db.session.scalar(db.select(User).where(User.username == "xiaomei"))
        assert me.nickname == "小美"
    expect(page.locator(".tabbar a").last).to_have_attribute("href", f"/u/{me.member_no}")

    # Create a circle; its owner lands on it, already a member, with the composer.
    page.goto("/circles/new")
    page.fill("#name", "城市骑行")
    page.fill("#slug", "city-cycling")
    page.fill("#description", "周末一起骑车，交流路线和装备。")
    page.click("button:has-text('创建')")
    page.wait_for_url("**/c/city-cycling")
    expect(page.locator(".circle-head h1")).to_have_text("城市骑行")
    expect(page.locator(".tabbar")).to_be_visible()
    composer = page.locator("#composer")
    expect(composer).to_be_visible()
    no_horizontal_overflow(page)
    page.screenshot(path=shots / "core-02-circle.png")

    # Post with a topic from the inline composer: the card lands on top of the
    # feed, the form comes back empty, and the page never reloads.
    mark_page(page)
    composer.locator("[name=title]").fill("西湖环湖路线")
    composer.locator("[name=body]").fill(f"周六早上七点断桥集合，骑一圈西湖 #{TOPIC}# 欢迎新手！")
    composer.locator("button:has-text('发布')").click()
    first_card = page.locator("#feed .post-card").first
    expect(first_card).to_contain_text("西湖环湖路线")
    expect(first_card.locator(f"a.topic:has-text('{TOPIC}')")).to_be_visible()
    expect(page.locator("#composer [name=body]")).to_have_value("")
    expect(page.locator("#composer [name=title]")).to_have_value("")
    expect(page.locator("#feed .empty")).to_be_hidden()  # no "圈子里还没有帖子" under it
    assert same_page(page), "posting from the composer reloaded the page"
    assert page.url == live_server.url + "/c/city-cycling"
    with live_server.app.app_context():
        post = db.session.scalar(db.select(Post).where(Post.title == "西湖环湖路线"))
        post_id = post.id
    no_horizontal_overflow(page)
    page.screenshot(path=shots / "core-03-composed.png")

    # Open the post and like it in place: 0 → 1 with no navigation.
    first_card.locator(".post-title a").click()
    page.wait_for_url(f"**/p/{post_id}")
    like = page.locator(f"#post-{post_id} .like-btn")
    expect(like.locator(".like-count")).to_have_text("0")
    tall_enough(like, "like button")
    tall_enough(page.locator(f"#post-{post_id} a.action[href='#comments']"), "comment button")
    mark_page(page)
    like.click()
    expect(like.locator(".like-count")).to_have_text("1")
    expect(like).to_have_attribute("aria-pressed", "true")
    assert same_page(page), "liking reloaded the page"
    with live_server.app.app_context():
        assert db.session.get(Post, post_id).like_count == 1
    no_horizontal_overflow(page)
    page.screenshot(path=shots / "core-04-post-liked.png")
    page.reload()
    expect(page.locator(f"#post-{post_id} .like-count")).to_have_text("1")

    # Comment, then reply to the comment: the reply sits indented under it.
    comments = page.locator("#comments")
    comments.locator("textarea[name=body]").fill("路线很棒，我也去！")
    comments.locator("button:has-text('发表评论')").click()
    comment = page.locator("#comments .thread .comment").first
    expect(comment).to_contain_text("路线很棒，我也去！")
    expect(page.locator("#comments textarea[name=body]").first).to_have_value("")
    comment.locator(".comment-actions a:has-text('回复')").click()
    reply_form = page.locator("#comments form:has(input[name=parent_id])")
    expect(reply_form.locator("textarea")).to_have_attribute("placeholder", "回复 @小美")
    reply_form.locator("textarea").fill("需要带头盔吗？")
    reply_form.locator("button:has-text('回复')").click()
    reply = page.locator("#comments .thread .replies .comment")
    expect(reply).to_have_count(1)
    expect(reply).to_contain_text("需要带头盔吗？")
    parent_box = page.locator("#comments .thread > .comment").first.bounding_box()
    reply_box = reply.bounding_box()
    assert reply_box["x"] >= parent_box["x"] + 24, "the reply is not indented"
    assert reply_box["y"] > parent_box["y"], "the reply is not under its comment"
    with live_server.app.app_context():
        rows = db.session.scalars(db.select(Comment).where(Comment.post_id == post_id)).all()
        assert sorted((c.body, c.parent_id is None) for c in rows) == [
            ("路线很棒，我也去！", True),
            ("需要带头盔吗？", False),
        ]
    no_horizontal_overflow(page)
    reply.scroll_into_view_if_needed()
    page.screenshot(path=shots / "core-05-comments-reply.png")

    # The topic page lists the post.
    page.goto(f"/t/{quote(TOPIC)}")
    expect(page.locator(".topic-head h1")).to_have_text(f"#{TOPIC}#")
    expect(page.locator(f"#post-{post_id}")).to_be_visible()
    no_horizontal_overflow(page)
    page.screenshot(path=shots / "core-06-topic.png")

    # The home feed: scrolling to the bottom loads every page, each post once.
    page.goto("/")
    cards = page.locator("#feed .post-card")
    expect(cards).to_have_count(PAGE_SIZE)
    tall_enough(cards.first.locator(".like-btn"), "like button in the feed")
    counts = [PAGE_SIZE]
    while not page.locator(".feed-end").is_visible():
        page.evaluate("window.scrollTo(0, document.scrollingElement.scrollHeight)")
        page.wait_for_function(
            "n => document.querySelectorAll('#feed .post-card').length > n"
            " || document.querySelector('.feed-end')",
            arg=counts[-1],
        )
        counts.append(cards.count())
        assert len(counts) < 10, f"the feed never ended: {counts}"
    total = SEEDED + 1
    assert counts == [PAGE_SIZE, 2 * PAGE_SIZE, total]
    ids = cards.evaluate_all("cards => cards.map(card => card.id)")
    assert len(ids) == len(set(ids)) == total
    assert ids[0] == f"post-{post_id}"
    expect(page.locator(".load-more")).to_have_count(0)
    # At the very bottom the floating 发帖 button covers nothing of the feed.
    page.evaluate("window.scrollTo(0, document.scrollingElement.scrollHeight)")
    end, fab = page.locator(".feed-end").bounding_box(), page.locator(".fab").bounding_box()
    assert end["y"] + end["height"] <= fab["y"], "the 发帖 button covers the end of the feed"
    no_horizontal_overflow(page)
    page.screenshot(path=shots / "core-07-feed-scrolled.png")

    assert offsite_requests == [], "the page reached beyond the test server"


def test_core_steps_work_without_javascript(new_context, live_server, make, shots):
    author = make.member("laoli", nickname="老李")
    circle = make.circle(author, slug="city-cycling", name="城市骑行")
    post = make.post(author, circle, title="西湖环湖路线", body=f"断桥集合 #{TOPIC}#")
    make.member("xiaomei", nickname="小美")
    page = new_context(mini_program=False, java_script_enabled=False).new_page()

    page.goto(f"/login?next=/p/{post.id}")
    expect(page.locator(".topbar")).to_be_visible()
    page.fill("#username", "xiaomei")
    page.fill("#password", "password123")
    page.click("button:has-text('登录')")
    page.wait_for_url(f"**/p/{post.id}")
    expect(page.locator(".topbar .me")).to_have_text("小美")

    # The like form posts, redirects back, and the fresh page shows the count.
    page.click(f"#post-{post.id} .like-btn")
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/p/{post.id}"
    like = page.locator(f"#post-{post.id} .like-btn")
    expect(like.locator(".like-count")).to_have_text("1")
    expect(like).to_have_attribute("aria-pressed", "true")
    with live_server.app.app_context():
        assert db.session.get(Post, post.id).like_count == 1

    page.fill("#comments textarea[name=body]", "没有脚本也能评论。")
    page.click("#comments button:has-text('发表评论')")
    page.wait_for_url(f"**/p/{post.id}#comments")
    expect(page.locator("#comments .comment")).to_contain_text("没有脚本也能评论。")

    # Replying is a plain link to the page with the reply form open.
    page.click("#comments .comment-actions a:has-text('回复')")
    page.fill("#comments form:has(input[name=parent_id]) textarea", "回复也可以。")
    page.click("#comments button:has-text('回复')")
    page.wait_for_url(f"**/p/{post.id}#comments")
    expect(page.locator("#comments .replies .comment")).to_contain_text("回复也可以。")
    no_horizontal_overflow(page)
    page.screenshot(path=shots / "nojs-post-liked-commented.png", full_page=True)
