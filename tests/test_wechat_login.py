"""Mini-program login against the fake WeChat server on loopback: code → ticket →
session, its errors, the ticket's one-time life, binding WeChat to a password
account, where members come from, and what the web-view pages carry."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from fake_wechat import FakeWeChat
from sqlalchemy import event, func, select, update

from forum import create_app
from forum.extensions import db as _db
from forum.models import LoginTicket, User, utcnow

MINI_PROGRAM_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Mobile Safari/537.36 MicroMessenger/8.0.50 miniProgram/wx0000000000000000"
)


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
        "WECHAT_TIMEOUT": 0.5,
    }


def session_for(client, code: str, **extra):
    return client.post("/api/wechat/session", json={"code": code, **extra})


def new_ticket(client, wechat, openid: str, unionid: str | None = None, **extra) -> str:
    code = f"code-{openid}-{time.monotonic_ns()}"
    wechat.add_code(code, openid=openid, unionid=unionid)
    response = session_for(client, code, **extra)
    assert response.status_code == 200, response.json
    return response.json["ticket"]


def member_by_openid(rows, openid: str) -> User | None:
    return rows.scalar(select(User).where(User.wechat_openid == openid))


def logged_in_member_no(client) -> int | None:
    """The member number in the tab bar's 我的 link, or None for a visitor."""
    html = client.get("/topics").text
    match = re.search(r'href="/u/(\d+)" class="[^"]*"><span class="ico">☺', html)
    return int(match.group(1)) if match else None


# -- code → ticket -------------------------------------------------------------------


def test_first_login_makes_a_member_with_the_next_number(client, wechat, make, rows, caplog):
    make.member("laoli")  # 学号 10001
    wechat.add_code("code-1", openid="o-xiaomei", session_key="SECRET-SESSION-KEY==")
    caplog.set_level(logging.DEBUG)

    response = session_for(client, "code-1")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert set(response.json) == {"ticket", "expires_in"}
    assert response.json["expires_in"] == 60
    member = member_by_openid(rows, "o-xiaomei")
    assert member.member_no == 10002
    assert member.nickname == "微信用户10002"
    assert member.wechat_unionid is None
    assert member.username is None and member.password_hash is None
    # Stored hashed, for one minute.
    ticket = response.json["ticket"]
    stored = rows.one(select(LoginTicket))
    assert stored.token_hash == hashlib.sha256(ticket.encode()).hexdigest()
    assert stored.user_id == member.id and stored.used_at is None
    assert stored.expires_at - stored.created_at == timedelta(seconds=60)
    # The session_key and the app secret stay with the server, and out of the logs.
    assert "SECRET-SESSION-KEY" not in response.text
    assert "SECRET-SESSION-KEY" not in caplog.text
    assert wechat.secret not in caplog.text


def test_the_same_openid_finds_the_same_member(client, wechat, rows):
    wechat.add_code("code-1", openid="o-xiaomei")
    wechat.add_code("code-2", openid="o-xiaomei")

    first = session_for(client, "code-1")
    second = session_for(client, "code-2")

    assert first.status_code == second.status_code == 200
    assert first.json["ticket"] != second.json["ticket"]
    assert rows.scalar(select(func.count(User.id))) == 1
    tickets = rows.all(select(LoginTicket))
    assert len({t.user_id for t in tickets}) == 1


def test_unionid_is_preferred_over_openid(client, wechat, rows):
    wechat.add_code("code-1", openid="o-1", unionid="u-xiaomei")
    # The same person, seen with another OpenID (e.g. a second mini-program).
    wechat.add_code("code-2", openid="o-2", unionid="u-xiaomei")

    session_for(client, "code-1")
    session_for(client, "code-2")

    [member] = rows.all(select(User))
    assert member.wechat_unionid == "u-xiaomei"
    assert member.wechat_openid == "o-1"
    assert len(rows.all(select(LoginTicket).where(LoginTicket.user_id == member.id))) == 2


def test_a_unionid_seen_later_is_added_to_the_member(client, wechat, rows):
    wechat.add_code("code-1", openid="o-1")
    wechat.add_code("code-2", openid="o-1", unionid="u-1")

    session_for(client, "code-1")
    session_for(client, "code-2")

    [member] = rows.all(select(User))
    assert (member.wechat_openid, member.wechat_unionid) == ("o-1", "u-1")


def test_old_tickets_are_dropped_on_the_next_login(client, wechat, rows):
    new_ticket(client, wechat, "o-1")
    new_ticket(client, wechat, "o-1")
    [old, recent] = [t.id for t in rows.all(select(LoginTicket).order_by(LoginTicket.id))]
    rows.execute(
        update(LoginTicket)
        .where(LoginTicket.id == old)
        .values(expires_at=utcnow() - timedelta(days=8))
    )
    rows.execute(
        update(LoginTicket)
        .where(LoginTicket.id == recent)
        .values(expires_at=utcnow() - timedelta(days=6))
    )

    new_ticket(client, wechat, "o-1")

    kept = [t.id for t in rows.all(select(LoginTicket).order_by(LoginTicket.id))]
    assert kept[0] == recent and old not in kept and len(kept) == 2


@pytest.mark.parametrize(
    ("errcode", "status", "error", "words"),
    [
        (40029, 400, "invalid_code", "登录凭证无效"),
        (40163, 400, "code_used", "登录凭证已被使用"),
        (45011, 429, "rate_limited", "请求太频繁"),
        (40226, 403, "risky_account", "存在风险"),
        (-1, 503, "wechat_busy", "微信系统繁忙"),
        (40013, 502, "wechat_error", "小程序配置有误"),
    ],
)
def test_wechat_errors_are_answered_in_json(
    client, wechat, rows, caplog, errcode, status, error, words
):
    wechat.add_code_error("bad-code", errcode)

    response = session_for(client, "bad-code")

    assert response.status_code == status
    assert response.json["error"] == error
    assert words in response.json["message"]
    assert rows.scalar(select(func.count(User.id))) == 0
    assert rows.scalar(select(func.count(LoginTicket.id))) == 0
    assert f"errcode {errcode}" in caplog.text
    assert wechat.secret not in caplog.text


def test_a_login_code_works_once(client, wechat):
    wechat.add_code("code-1", openid="o-1")

    assert session_for(client, "code-1").status_code == 200
    again = session_for(client, "code-1")

    assert again.status_code == 400
    assert again.json["error"] == "code_used"


def test_wechat_too_slow_is_503(client, wechat, rows):
    wechat.add_code("code-1", openid="o-1")
    wechat.delay = 3.0

    started = time.monotonic()
    response = session_for(client, "code-1")

    assert time.monotonic() - started < 2.5  # WECHAT_TIMEOUT is 0.5 s
    assert response.status_code == 503
    assert response.json == {
        "error": "wechat_unavailable",
        "message": "微信服务暂时不可用，请稍后再试",
    }
    assert rows.scalar(select(func.count(User.id))) == 0


def test_wechat_unreachable_is_503(app_config):
    with FakeWeChat() as gone:
        base = gone.base_url  # a port nobody listens on once it is closed
    app = create_app({**app_config, "WECHAT_API_BASE": base})
    with app.app_context():
        _db.create_all()

    response = session_for(app.test_client(), "code-1")

    assert response.status_code == 503
    assert response.json["error"] == "wechat_unavailable"
    with app.app_context():
        _db.engine.dispose()


@pytest.mark.parametrize(
    ("kwargs", "status", "error"),
    [
        ({"data": {"code": "c"}}, 415, "unsupported_media_type"),
        ({"data": '{"code": "c"}', "content_type": "text/plain"}, 415, "unsupported_media_type"),
        ({"data": "{not json", "content_type": "application/json"}, 400, "invalid_json"),
        ({"json": ["c"]}, 400, "invalid_json"),
        ({"json": {}}, 400, "invalid_code"),
        ({"json": {"code": ""}}, 400, "invalid_code"),
        ({"json": {"code": 12345}}, 400, "invalid_code"),
        ({"json": {"code": "x" * 129}}, 400, "invalid_code"),
    ],
)
def test_bad_requests_are_refused_before_asking_wechat(client, wechat, kwargs, status, error):
    response = client.post("/api/wechat/session", **kwargs)

    assert response.status_code == status
    assert response.json["error"] == error
    assert response.json["message"]
    assert wechat.requests == []


def test_login_needs_the_app_credentials(app_config, wechat):
    app = create_app({**app_config, "WECHAT_SECRET": ""})

    response = session_for(app.test_client(), "code-1")

    assert response.status_code == 503
    assert response.json["error"] == "wechat_not_configured"
    assert wechat.requests == []


def test_the_api_needs_no_csrf_token_but_forms_still_do(app_config, wechat):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    with app.app_context():
        _db.create_all()
    client = app.test_client()
    wechat.add_code("code-1", openid="o-1")

    assert session_for(client, "code-1").status_code == 200
    assert client.post("/login", data={"username": "x", "password": "y"}).status_code == 400
    with app.app_context():
        _db.engine.dispose()


def test_login_is_rate_limited_per_address(app_config, wechat):
    app = create_app({**app_config, "RATELIMIT_ENABLED": True})

    client = app.test_client()
    answers = [client.post("/api/wechat/session", json={}).status_code for _ in range(20)]

    assert answers[:20] == [400] * 20
    limited = client.post("/api/wechat/session", json={})
    assert limited.status_code == 429
    assert limited.json == {"error": "rate_limited", "message": "请求太频繁，请稍后再试"}
    # Another address is not affected.
    other = client.post("/api/wechat/session", json={}, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 400


# -- ticket → session ----------------------------------------------------------------


def test_a_ticket_logs_the_member_in_and_goes_to_next(app, client, wechat, rows):
    ticket = new_ticket(client, wechat, "o-xiaomei")
    member = member_by_openid(rows, "o-xiaomei")

    response = client.get("/auth/ticket", query_string={"t": ticket, "next": "/topics?sort=hot"})

    assert response.status_code == 303
    assert response.headers["Location"] == "/topics?sort=hot"
    assert response.headers["Cache-Control"] == "no-store"
    assert logged_in_member_no(client) == member.member_no
    # A remembered login: the web-view keeps the member across restarts.
    assert client.get_cookie("remember_token") is not None
    assert rows.one(select(LoginTicket)).used_at is not None


def test_a_ticket_works_once(client, wechat):
    ticket = new_ticket(client, wechat, "o-1")
    assert client.get(f"/auth/ticket?t={ticket}").status_code == 303
    other = client.application.test_client()

    again = other.get(f"/auth/ticket?t={ticket}&next=/topics")

    assert again.status_code == 410
    assert "登录链接已用过" in again.text
    assert "重新打开「微社群」小程序" in again.text
    assert 'href="/"' in again.text
    assert logged_in_member_no(other) is None


def test_an_expired_ticket_is_refused(client, wechat, rows):
    ticket = new_ticket(client, wechat, "o-1")
    rows.execute(update(LoginTicket).values(expires_at=utcnow() - timedelta(seconds=1)))

    response = client.get(f"/auth/ticket?t={ticket}")

    assert response.status_code == 410
    assert "登录链接已过期" in response.text
    assert logged_in_member_no(client) is None


@pytest.mark.parametrize("tamper", ["flip", "drop", "empty", "missing", "long"])
def test_a_tampered_ticket_is_refused(client, wechat, tamper):
    ticket = new_ticket(client, wechat, "o-1")
    url = {
        "flip": f"/auth/ticket?t={ticket[:-1]}{'A' if ticket[-1] != 'A' else 'B'}",
        "drop": f"/auth/ticket?t={ticket[:-1]}",
        "empty": "/auth/ticket?t=",
        "missing": "/auth/ticket",
        "long": f"/auth/ticket?t={ticket * 5}",
    }[tamper]

    response = client.get(url)

    assert response.status_code == 400
    assert "登录链接无效" in response.text
    assert 'href="/"' in response.text
    assert logged_in_member_no(client) is None
    # The real ticket is still good.
    assert client.get(f"/auth/ticket?t={ticket}").status_code == 303


def test_two_concurrent_uses_of_a_ticket_only_one_wins(app, client, wechat):
    ticket = new_ticket(client, wechat, "o-1")
    start = threading.Barrier(2)
    statuses: list[int] = []

    def use() -> None:
        other = app.test_client()
        start.wait()
        statuses.append(other.get(f"/auth/ticket?t={ticket}").status_code)

    threads = [threading.Thread(target=use) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [303, 410]


@pytest.mark.parametrize(
    "target",
    [
        "//evil.com",
        "https://evil.com",
        "/\\evil.com",
        "http:/evil.com",
        "javascript:alert(1)",
        "/\t/evil.com",
    ],
)
def test_next_never_leaves_the_site(client, wechat, target):
    ticket = new_ticket(client, wechat, "o-1")

    response = client.get("/auth/ticket", query_string={"t": ticket, "next": target})

    assert response.status_code == 303
    assert response.headers["Location"] == "/"


# -- where members come from ---------------------------------------------------------


class Writes:
    """The UPDATE/INSERT statements the app sends while the block runs."""

    def __init__(self, app):
        self.app = app
        self.statements: list[str] = []

    def _seen(self, _conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE")):
            self.statements.append(statement)

    def __enter__(self):
        with self.app.app_context():
            self.engine = _db.engine
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)


def test_a_visitor_source_lives_in_the_session_only(app, client):
    with Writes(app) as writes:
        client.get("/?from=poster")
        client.get("/circles?from=qrcode")

    with client.session_transaction() as session:
        assert session["first_source"] == "poster"  # the first one wins
    assert writes.statements == []


def test_a_junk_source_is_ignored(client):
    client.get("/", query_string={"from": "<script>alert(1)</script>"})

    with client.session_transaction() as session:
        assert "first_source" not in session


def test_a_wechat_member_gets_the_tickets_source_and_scene(client, wechat, rows):
    ticket = new_ticket(client, wechat, "o-1", scene=1047, **{"from": "poster"})

    client.get(f"/auth/ticket?t={ticket}")

    member = member_by_openid(rows, "o-1")
    assert (member.first_source, member.first_scene) == ("poster", 1047)
    with client.session_transaction() as session:
        assert (session["first_source"], session["first_scene"]) == ("poster", 1047)


def test_the_hosts_query_carries_scene_and_from_too(client, wechat, rows):
    # The host mini-program passes them on the web-view URL, not in the JSON.
    ticket = new_ticket(client, wechat, "o-1")

    client.get(f"/auth/ticket?t={ticket}&next=%2F&scene=1011&from=spring")

    member = member_by_openid(rows, "o-1")
    assert (member.first_source, member.first_scene) == ("spring", 1011)


def test_the_first_source_is_written_once(app, client, wechat, rows):
    first = new_ticket(client, wechat, "o-1", scene=1047, **{"from": "poster"})
    client.get(f"/auth/ticket?t={first}")
    client.post("/logout")
    second = new_ticket(app.test_client(), wechat, "o-1", scene=1011, **{"from": "moments"})

    app.test_client().get(f"/auth/ticket?t={second}")

    member = member_by_openid(rows, "o-1")
    assert (member.first_source, member.first_scene) == ("poster", 1047)


def test_a_direct_member_is_marked_direct(client, wechat, rows):
    ticket = new_ticket(client, wechat, "o-1")

    client.get(f"/auth/ticket?t={ticket}")

    member = member_by_openid(rows, "o-1")
    assert (member.first_source, member.first_scene) == ("", None)


def test_a_registered_member_keeps_the_visit_source_and_reading_writes_nothing(app, client, rows):
    client.get("/circles?from=poster")
    client.post("/register", data={"username": "xiaomei", "password": "password123"})
    member = rows.one(select(User).where(User.username == "xiaomei"))
    assert (member.first_source, member.first_scene) == ("poster", None)

    with Writes(app) as writes:
        for path in ("/", "/circles", "/topics?from=later", f"/u/{member.member_no}"):
            assert client.get(path).status_code == 200

    assert writes.statements == []


# -- binding WeChat to a password account --------------------------------------------


@pytest.fixture
def xiaomei(make):
    return make.member("xiaomei", nickname="小美")


def ask_to_bind(client) -> None:
    response = client.post("/settings/wechat/bind")
    assert response.status_code == 303
    assert response.headers["Location"] == "/settings/wechat/bind"


def test_a_password_member_binds_their_wechat(app, login_client, xiaomei, wechat, rows):
    client = login_client(xiaomei)
    page = client.get("/settings/profile", headers={"User-Agent": MINI_PROGRAM_UA})
    assert "绑定微信" in page.text
    assert 'data-wechat-bind="/pages/index/index?bind=1&amp;next=%2Fsettings%2Fprofile"' in (
        page.text
    )
    ask_to_bind(client)
    # Opening the mini-program made an (empty) member for this WeChat first.
    ticket = new_ticket(app.test_client(), wechat, "o-xiaomei", unionid="u-xiaomei")
    shell = member_by_openid(rows, "o-xiaomei")

    response = client.get(f"/auth/ticket?t={ticket}&bind=1&next=%2Fsettings%2Fprofile")

    assert response.status_code == 303
    assert response.headers["Location"] == "/settings/profile"
    me = rows.get(User, xiaomei.id)
    assert (me.wechat_openid, me.wechat_unionid) == ("o-xiaomei", "u-xiaomei")
    assert rows.get(User, shell.id).wechat_openid is None
    assert logged_in_member_no(client) == xiaomei.member_no  # still herself
    assert "已绑定微信" in client.get("/settings/profile").text
    # From now on the mini-program logs her into her own account.
    again = new_ticket(app.test_client(), wechat, "o-xiaomei", unionid="u-xiaomei")
    phone = app.test_client()
    phone.get(f"/auth/ticket?t={again}")
    assert logged_in_member_no(phone) == xiaomei.member_no


def test_binding_never_merges_with_a_member_who_wrote(
    app, login_client, xiaomei, make, wechat, rows
):
    ticket = new_ticket(app.test_client(), wechat, "o-laowang")
    laowang = member_by_openid(rows, "o-laowang")
    make.post(laowang, make.circle(laowang), body="我用微信发的帖子")
    client = login_client(xiaomei)
    ask_to_bind(client)

    response = client.get(f"/auth/ticket?t={ticket}&bind=1&next=%2Fsettings%2Fprofile")

    assert response.status_code == 409
    assert "无法绑定微信" in response.text
    assert f"学号 {laowang.member_no}" in response.text
    assert "没有任何改动" in response.text
    assert rows.get(User, xiaomei.id).wechat_openid is None
    assert rows.get(User, laowang.id).wechat_openid == "o-laowang"
    assert logged_in_member_no(client) == xiaomei.member_no


def test_a_member_already_bound_cannot_take_a_second_wechat(
    app, login_client, xiaomei, wechat, rows
):
    rows.execute(update(User).where(User.id == xiaomei.id).values(wechat_openid="o-old"))
    client = login_client(xiaomei)
    ask_to_bind(client)
    ticket = new_ticket(app.test_client(), wechat, "o-new")

    response = client.get(f"/auth/ticket?t={ticket}&bind=1")

    assert response.status_code == 409
    assert "已经绑定了另一个微信" in response.text
    assert rows.get(User, xiaomei.id).wechat_openid == "o-old"


def test_bind_needs_the_members_own_request(app, login_client, xiaomei, wechat, rows):
    # A ticket link with bind=1 sent by someone else must not bind their WeChat.
    client = login_client(xiaomei)
    ticket = new_ticket(app.test_client(), wechat, "o-stranger")

    response = client.get(f"/auth/ticket?t={ticket}&bind=1")

    assert response.status_code == 400
    assert "绑定请求已失效" in response.text
    assert rows.get(User, xiaomei.id).wechat_openid is None
    assert logged_in_member_no(client) == xiaomei.member_no


def test_the_bind_page_hands_over_to_the_mini_program(login_client, xiaomei):
    client = login_client(xiaomei)
    ask_to_bind(client)

    inside = client.get("/settings/wechat/bind", headers={"User-Agent": MINI_PROGRAM_UA})
    outside = client.get("/settings/wechat/bind")

    assert "<title>绑定微信</title>" in inside.text
    assert 'data-miniprogram-navigate="/pages/index/index?bind=1' in inside.text
    assert "wechat_bind.js" in inside.text
    assert "data-miniprogram-navigate" not in outside.text
    assert "请在微信里打开「微社群」小程序" in outside.text


# -- pages in the web-view -----------------------------------------------------------


def test_the_mini_program_class_is_set_on_the_server(client):
    inside = client.get("/circles", headers={"User-Agent": MINI_PROGRAM_UA})
    outside = client.get("/circles")

    assert '<html lang="zh-CN" class="in-miniprogram">' in inside.text
    assert '<html lang="zh-CN">' in outside.text
    assert "User-Agent" in inside.headers["Vary"]


def share_path(html: str) -> str:
    return re.search(r'<meta name="share:path" content="([^"]*)"', html).group(1)


def test_the_share_path_leaves_out_tickets_and_tags(client, wechat):
    assert share_path(client.get("/circles?from=poster&t=abc").text) == "/circles"
    assert share_path(client.get("/?sort=hot&cursor=xyz&bind=1").text) == "/?sort=hot"
    # A refused ticket's page shares where it leads, never the ticket.
    assert share_path(client.get("/auth/ticket?t=secret&next=/circles").text) == "/circles"
    assert share_path(client.get("/auth/ticket?t=secret&next=//evil.com").text) == "/"


def title(html: str) -> str:
    return re.search(r"<title>([^<]*)</title>", html).group(1)


def test_every_page_has_its_own_chinese_title(make, login_client):
    laoli = make.member("laoli", nickname="老李")
    circle = make.circle(laoli, slug="coffee", name="咖啡")
    post = make.post(laoli, circle, title="新开的咖啡店", body="拿铁很好喝 #探店#")
    client = login_client(laoli)
    expected = {
        "/": "微社群 · 首页",
        "/circles": "圈子",
        "/circles/new": "创建圈子",
        "/c/coffee": "咖啡 · 圈子",
        "/c/coffee/compose": "发帖 · 咖啡",
        "/c/coffee/announcement": "编辑公告 · 咖啡",
        "/compose": "发帖 · 选择圈子",
        f"/p/{post.id}": "新开的咖啡店 · 咖啡",
        f"/p/{post.id}/edit": "编辑帖子",
        "/topics": "话题",
        "/t/探店": "#探店# · 话题",
        f"/u/{laoli.member_no}": "老李的主页",
        "/settings/profile": "编辑资料",
        "/settings/wechat/bind": "绑定微信",
        "/nowhere": "找不到了",
    }
    for path, wanted in expected.items():
        assert title(client.get(path).text) == wanted, path
    untitled = make.post(laoli, circle, body="第一行\n第二行，这是一篇没有标题的帖子，正文比较长")
    assert (
        title(client.get(f"/p/{untitled.id}").text)
        == "第一行 第二行，这是一篇没有标题的帖子，… · 咖啡"
    )
    visitor = client.application.test_client()
    assert title(visitor.get("/login").text) == "登录"
    assert title(visitor.get("/register").text) == "注册"


# -- the migration -------------------------------------------------------------------


def test_migration_0002_adds_and_removes_the_wechat_schema(tmp_path):
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "FORUM_INSTANCE_PATH": str(tmp_path / "m"), "FORUM_SECRET_KEY": "x"}

    def flask(*args: str) -> None:
        command = [sys.executable, "-m", "flask", "--app", "wsgi", "db", *args]
        subprocess.run(command, cwd=root, env=env, check=True, capture_output=True)

    def schema() -> tuple[set[str], set[str]]:
        with sqlite3.connect(tmp_path / "m" / "forum.db") as conn:
            columns = {row[1] for row in conn.execute("PRAGMA table_info(users)")}
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        return columns, tables

    flask("upgrade", "0002")
    columns, tables = schema()
    assert {"wechat_openid", "wechat_unionid", "first_source", "first_scene"} <= columns
    assert "login_tickets" in tables
    with sqlite3.connect(tmp_path / "m" / "forum.db") as conn:
        users_sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'users'").fetchone()
    assert "CONSTRAINT uq_users_wechat_openid UNIQUE (wechat_openid)" in users_sql[0]

    flask("downgrade", "0001")
    columns, tables = schema()
    assert "wechat_openid" not in columns and "login_tickets" not in tables
