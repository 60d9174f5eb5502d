"""CSRF: every write needs the page's token, as a form field or HTMX's X-CSRFToken header."""

from __future__ import annotations

import re

import pytest
from helpers import csrf_from
from sqlalchemy import select

from forum.models import Like, User

pytestmark = pytest.mark.usefixtures("fast_hashing")

EXPIRED = "页面已过期或来源不明，请刷新页面后重试。"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def token(client, url: str = "/") -> str:
    return csrf_from(client.get(url).text)


def login(client, username: str) -> None:
    data = {"username": username, "password": "password123", "csrf_token": token(client, "/login")}
    assert client.post("/login", data=data).status_code == 303


@pytest.fixture
def post(make):
    owner = make.member("xiaomei", nickname="小美")
    circle = make.circle(owner, slug="travel", name="旅行")
    make.member("ajie", nickname="阿杰")
    return make.post(owner, circle, body="洱海的日落")


def test_page_carries_the_token_in_meta_body_and_every_form(client, post):
    login(client, "xiaomei")

    page = client.get(f"/p/{post.id}").text

    value = csrf_from(page)
    assert f'<body hx-headers=\'{{"X-CSRFToken": "{value}"}}\'>' in page
    forms = re.findall(r'<form[^>]*method="post".*?</form>', page, re.S)
    assert len(forms) >= 3  # like, delete, comment
    for form in forms:
        assert f'<input type="hidden" name="csrf_token" value="{value}">' in form, form


def test_post_without_token_is_refused_with_a_chinese_message(client, rows):
    client.get("/register")

    response = client.post("/register", data={"username": "xiaomei", "password": "password123"})

    assert response.status_code == 400
    assert EXPIRED in response.text
    assert '<section class="card error-page">' in response.text
    assert rows.all(select(User)) == []


def test_post_with_the_form_token_works(client, rows):
    data = {"username": "xiaomei", "password": "password123", "csrf_token": token(client)}

    response = client.post("/register", data=data)

    assert response.status_code == 303
    assert rows.one(select(User)).username == "xiaomei"


def test_post_with_a_wrong_or_foreign_token_is_refused(app, client, rows):
    foreign = token(app.test_client())
    token(client)

    for bad in ("not-a-token", foreign):
        data = {"username": "xiaomei", "password": "password123", "csrf_token": bad}
        response = client.post("/register", data=data)
        assert response.status_code == 400
        assert EXPIRED in response.text
    assert rows.all(select(User)) == []


def test_htmx_request_with_the_header_token_works(client, post, rows):
    login(client, "ajie")
    headers = {"HX-Request": "true", "X-CSRFToken": token(client, f"/p/{post.id}")}

    response = client.post(f"/p/{post.id}/like", headers=headers, data={"liked": "1"})

    assert response.status_code == 200
    assert '<span class="like-count">1</span>' in response.text
    assert len(rows.all(select(Like))) == 1


def test_htmx_request_without_token_gets_a_toast(client, post, rows):
    login(client, "ajie")

    response = client.post(
        f"/p/{post.id}/like", headers={"HX-Request": "true"}, data={"liked": "1"}
    )

    assert response.status_code == 400
    assert response.headers["HX-Retarget"] == "#toast"
    assert EXPIRED in response.text and "<html" not in response.text
    assert rows.all(select(Like)) == []


def test_logout_needs_the_token_too(client, post):
    login(client, "ajie")

    assert client.post("/logout").status_code == 400
    assert client.get("/settings/profile").status_code == 200
    assert client.post("/logout", data={"csrf_token": token(client)}).status_code == 303
    assert client.get("/settings/profile").status_code == 302
