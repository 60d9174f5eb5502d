"""Rate limits on posting, commenting, likes, reports and logins: 429 in Chinese."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from forum.models import Post, User, utcnow

pytestmark = pytest.mark.usefixtures("fast_hashing")


@pytest.fixture
def app_config(app_config) -> dict:
    return {
        **app_config,
        "RATELIMIT_ENABLED": True,
        "RATE_LIMIT_POST": "3 per minute",
        "RATE_LIMIT_POST_NEW_MEMBER": "1 per minute",
        "RATE_LIMIT_COMMENT": "3 per minute",
        "RATE_LIMIT_COMMENT_NEW_MEMBER": "1 per minute",
        "RATE_LIMIT_LIKE": "2 per minute",
        "RATE_LIMIT_REPORT": "1 per minute",
        "RATE_LIMIT_LOGIN": "2 per minute",
    }


@pytest.fixture
def site(make, rows):
    owner = make.member("xiaomei", nickname="小美")
    circle = make.circle(owner, slug="travel", name="旅行")
    newcomer = make.member("ajie", nickname="阿杰")
    veteran = make.member("laoli", nickname="老李")
    for member in (newcomer, veteran):
        make.join(member, circle)
    # laoli joined a month ago; ajie today.
    month_ago = utcnow() - timedelta(days=30)
    rows.execute(update(User).where(User.id == veteran.id).values(created_at=month_ago))
    posts = [make.post(owner, circle, body=f"第{i}篇") for i in range(3)]
    return newcomer, veteran, posts


def too_many(response) -> None:
    assert response.status_code == 429
    assert "操作太频繁" in response.text and "请稍后再试" in response.text


def test_posting_is_stricter_on_a_members_first_day(site, login_client, rows):
    newcomer, veteran, _ = site
    ajie, laoli = login_client(newcomer), login_client(veteran)

    assert ajie.post("/c/travel/posts", data={"body": "新人报到"}).status_code == 303
    too_many(ajie.post("/c/travel/posts", data={"body": "再发一帖"}))
    for n in range(3):
        assert laoli.post("/c/travel/posts", data={"body": f"老李的第{n}帖"}).status_code == 303
    too_many(laoli.post("/c/travel/posts", data={"body": "太多了"}))
    assert len(rows.all(select(Post).where(Post.author_id == veteran.id))) == 3


def test_commenting_is_limited_too(site, login_client):
    newcomer, _, posts = site
    ajie = login_client(newcomer)

    assert ajie.post(f"/p/{posts[0].id}/comments", data={"body": "沙发"}).status_code == 303
    response = ajie.post(
        f"/p/{posts[0].id}/comments", data={"body": "板凳"}, headers={"HX-Request": "true"}
    )
    too_many(response)
    assert response.headers["HX-Retarget"] == "#toast"


def test_likes_and_reports_are_limited(site, login_client):
    newcomer, veteran, posts = site
    laoli = login_client(veteran)

    for liked in ("1", "0"):
        assert laoli.post(f"/p/{posts[0].id}/like", data={"liked": liked}).status_code == 303
    too_many(laoli.post(f"/p/{posts[0].id}/like", data={"liked": "1"}))

    ajie = login_client(newcomer)
    assert ajie.post(f"/p/{posts[0].id}/report", data={"reason": "广告"}).status_code == 303
    too_many(ajie.post(f"/p/{posts[1].id}/report", data={"reason": "广告"}))


def test_logins_are_limited(site, client):
    for _ in range(2):
        assert client.post("/login", data={"username": "ajie", "password": "wrong"}).status_code
    too_many(client.post("/login", data={"username": "ajie", "password": "password123"}))
