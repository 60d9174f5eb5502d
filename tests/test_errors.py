"""Error pages in the site's own style, in Chinese; HTMX gets a toast instead."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum import create_app
from forum.extensions import db as _db
from forum.models import Post
from forum.services import feeds

pytestmark = pytest.mark.usefixtures("fast_hashing")

HX = {"HX-Request": "true"}


@pytest.fixture
def app_config(app_config):
    # Rate limits on, and server errors answered by the error page, not re-raised.
    return {
        **app_config,
        "RATELIMIT_ENABLED": True,
        "PROPAGATE_EXCEPTIONS": False,
        "RATE_LIMIT_POST": "2 per minute",
    }


def assert_site_page(response, status: int, title: str, message: str) -> None:
    """A full page of the site (its layout, stylesheet and navigation) about the error."""
    html = response.text
    assert response.status_code == status
    assert html.startswith("<!doctype html>") and '<html lang="zh-CN"' in html
    assert "/static/app.css" in html and '<a class="brand" href="/">微社群</a>' in html
    assert '<nav class="tabbar"' in html
    assert f'<p class="error-code">{status}</p>' in html
    assert f"<h1>{title}</h1>" in html and message in html
    assert f"<title>{title}</title>" in html
    assert '<a class="btn" href="/">回到首页</a>' in html


def assert_toast(response, status: int, title: str, message: str) -> None:
    assert response.status_code == status
    assert response.headers["HX-Retarget"] == "#toast"
    assert response.headers["HX-Reswap"] == "innerHTML"
    assert "<html" not in response.text
    assert f'<div class="toast-msg" role="alert"><strong>{title}</strong> ' in response.text
    assert message in response.text


@pytest.mark.parametrize("url", ["/p/424242", "/c/no-such", "/t/没有这个话题", "/u/99999", "/nope"])
def test_not_found_page(client, url):
    response = client.get(url)

    assert_site_page(response, 404, "找不到了", "这个页面不存在，或者内容已经被删除。")


def test_not_found_for_htmx_is_a_toast(client):
    response = client.get("/p/424242", headers=HX)

    assert_toast(response, 404, "找不到了", "这个页面不存在，或者内容已经被删除。")


def test_forbidden_page_names_the_reason(client, make, login_client):
    owner = make.member("xiaomei")
    post = make.post(owner, make.circle(owner, slug="travel", name="旅行"), body="我的帖子")
    other = login_client(make.member("ajie"))

    response = other.get(f"/p/{post.id}/edit")

    assert_site_page(response, 403, "没有权限", "只能编辑自己的帖子")
    assert_toast(
        other.post(f"/p/{post.id}/delete", headers=HX), 403, "没有权限", "只能删除自己的帖子"
    )


def test_method_not_allowed_page(client):
    response = client.get("/logout")

    assert_site_page(response, 405, "请求有误", "这个操作不支持这样访问。")


def test_server_error_page(client, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("数据库走丢了")

    monkeypatch.setattr(feeds, "home", broken)

    response = client.get("/")

    assert_site_page(response, 500, "出错了", "服务器开小差了，我们会尽快修好，请稍后再试。")
    assert "数据库走丢了" not in response.text  # no internals shown to members
    assert_toast(client.get("/", headers=HX), 500, "出错了", "服务器开小差了")


def test_bad_request_page_for_a_missing_csrf_token(app_config):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    with app.app_context():
        _db.create_all()
    try:
        client = app.test_client()
        response = client.post("/login", data={"username": "xiaomei", "password": "password123"})
        htmx = client.post("/login", headers=HX, data={"username": "xiaomei"})
    finally:
        with app.app_context():
            _db.engine.dispose()

    assert_site_page(response, 400, "请求有误", "页面已过期或来源不明，请刷新页面后重试。")
    assert_toast(htmx, 400, "请求有误", "页面已过期或来源不明，请刷新页面后重试。")


def test_eleventh_failed_login_in_a_minute_is_refused(client, make):
    make.member("xiaomei")
    wrong = {"username": "xiaomei", "password": "wrong-password"}

    statuses = [client.post("/login", data=wrong).status_code for _ in range(10)]
    response = client.post("/login", data=wrong)

    assert statuses == [422] * 10
    assert_site_page(response, 429, "操作太频繁", "你的操作太快了，请稍后再试。")
    assert int(response.headers["Retry-After"]) > 0
    # Even the right password waits: the limit is on attempts, not on failures.
    right = {"username": "xiaomei", "password": "password123"}
    assert client.post("/login", data=right).status_code == 429
    assert_toast(client.post("/login", headers=HX, data=wrong), 429, "操作太频繁", "你的操作太快了")
    # Someone at another address is not held back.
    other = client.post("/login", data=right, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 303


def test_posting_too_fast_is_refused_per_member(make, login_client, rows):
    owner = make.member("xiaomei")
    make.circle(owner, slug="travel", name="旅行")
    author = login_client(owner)

    statuses = [
        author.post("/c/travel/posts", data={"title": "", "body": f"刷屏第{i}条"}).status_code
        for i in range(3)
    ]

    assert statuses == [303, 303, 429]
    assert len(rows.all(select(Post))) == 2
    assert "你的操作太快了" in author.post("/c/travel/posts", data={"body": "再来"}).text


def test_reading_pages_is_not_rate_limited(client):
    assert {client.get("/").status_code for _ in range(30)} == {200}
