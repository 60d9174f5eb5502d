"""Circles: the list, creating one, the circle page, joining, leaving, the announcement."""

from __future__ import annotations

import threading
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from forum.models import Circle, Membership, Post

pytestmark = pytest.mark.usefixtures("fast_hashing")


def login_next(response) -> str:
    """The ``next`` of a redirect to the login page (fails if it is not one)."""
    assert response.status_code in (302, 303), response.status_code
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    return parse_qs(location.query)["next"][0]


@pytest.fixture
def travel(make):
    """A circle 旅行 owned by xiaomei, with ajie as a member and laowang outside it."""
    owner = make.member("xiaomei", nickname="小美")
    circle = make.circle(owner, slug="travel", name="旅行")
    member = make.member("ajie", nickname="阿杰")
    make.join(member, circle)
    outsider = make.member("laowang", nickname="老王")
    return circle, owner, member, outsider


def member_count(rows, slug: str) -> int:
    return rows.scalar(select(Circle.member_count).where(Circle.slug == slug))


def test_circle_list_shows_circles_and_which_you_joined(client, travel, make, auth):
    circle, owner, member, _ = travel
    make.circle(owner, slug="food", name="美食")

    anonymous = client.get("/circles")
    assert anonymous.status_code == 200
    assert "旅行" in anonymous.text and "美食" in anonymous.text
    assert "2 成员" in anonymous.text
    assert "已加入" not in anonymous.text and "创建圈子" not in anonymous.text

    auth.login("ajie")
    page = client.get("/circles").text
    assert page.count('<span class="badge">已加入</span>') == 1
    assert "创建圈子" in page


def test_new_circle_form_needs_login(client, make, auth):
    assert login_next(client.get("/circles/new")) == "/circles/new"
    make.member("xiaomei")
    auth.login("xiaomei")

    response = client.get("/circles/new")

    assert response.status_code == 200
    assert 'name="slug"' in response.text


def test_anonymous_cannot_create_a_circle(client, rows):
    response = client.post("/circles", data={"name": "旅行", "slug": "travel"})

    login_next(response)
    assert rows.all(select(Circle)) == []


def test_member_creates_a_circle_and_becomes_its_first_member(client, make, auth, rows):
    owner = make.member("xiaomei")
    auth.login("xiaomei")

    response = client.post(
        "/circles", data={"name": "城市骑行", "slug": "city-cycling", "description": "周末一起骑"}
    )

    assert response.status_code == 303
    assert response.headers["Location"] == "/c/city-cycling"
    circle = rows.one(select(Circle))
    assert (circle.name, circle.owner_id, circle.member_count) == ("城市骑行", owner.id, 1)
    assert rows.scalar(select(Membership.user_id).where(Membership.circle_id == circle.id))
    page = client.get("/c/city-cycling").text
    assert "周末一起骑" in page and '<span class="badge">圈主</span>' in page


@pytest.mark.parametrize(
    ("name", "slug", "message"),
    [
        ("旅行", "Travel Club", "网址名为 3–40 位小写字母、数字或连字符"),
        ("旅行", "ab", "网址名为 3–40 位小写字母、数字或连字符"),
        ("旅行", "new", "这个网址名是保留的"),
        ("旅行", "admin", "这个网址名是保留的"),
        ("", "hiking", "请填写圈子名称"),
        ("徒步旅行", "travel", "这个网址名已被使用"),
        ("旅行", "travel-2", "已经有同名的圈子了"),
    ],
)
def test_circle_validation_keeps_the_input(client, travel, auth, rows, name, slug, message):
    auth.login("ajie")

    response = client.post("/circles", data={"name": name, "slug": slug, "description": "简介"})

    assert response.status_code == 422
    assert message in response.text
    assert f'value="{name}"' in response.text and "简介</textarea>" in response.text
    assert len(rows.all(select(Circle))) == 1


def test_circle_page_for_anonymous_member_outsider_and_owner(app, client, travel, login_client):
    circle, owner, member, outsider = travel

    anonymous = client.get("/c/travel")
    assert anonymous.status_code == 200
    assert "<h1>旅行</h1>" in anonymous.text
    assert "登录后加入" in anonymous.text
    assert 'id="composer"' not in anonymous.text

    outside = login_client(outsider).get("/c/travel").text
    assert 'action="/c/travel/join"' in outside
    assert 'id="composer"' not in outside

    inside = login_client(member).get("/c/travel").text
    assert 'action="/c/travel/leave"' in inside
    assert 'id="composer"' in inside
    assert "编辑公告" not in inside

    own = login_client(owner).get("/c/travel").text
    assert '<span class="badge">圈主</span>' in own
    assert 'action="/c/travel/leave"' not in own
    assert "编辑公告" in own


def test_unknown_circle_is_404(client):
    assert client.get("/c/no-such-circle").status_code == 404


def test_anonymous_join_and_leave_go_to_login(client, travel, rows):
    assert login_next(client.post("/c/travel/join")) == "/"
    login_next(client.post("/c/travel/leave"))
    assert member_count(rows, "travel") == 2


def test_anonymous_join_comes_back_to_the_page_it_was_on(client, travel):
    response = client.post("/c/travel/join", headers={"Referer": "http://localhost/c/travel"})

    assert login_next(response) == "/c/travel"


def test_outsider_joins_once(travel, login_client, rows):
    circle, _, _, outsider = travel
    client = login_client(outsider)

    first = client.post("/c/travel/join")
    again = client.post("/c/travel/join")

    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == "/c/travel"
    assert member_count(rows, "travel") == 3
    joined = rows.all(select(Membership.user_id).where(Membership.circle_id == circle.id))
    assert outsider.id in joined and len(joined) == 3
    assert 'id="composer"' in client.get("/c/travel").text


def test_join_follows_next_back_to_the_compose_page(travel, login_client):
    _, _, _, outsider = travel

    response = login_client(outsider).post("/c/travel/join", data={"next": "/c/travel/compose"})

    assert response.headers["Location"] == "/c/travel/compose"


def test_member_leaves_and_the_count_drops(travel, login_client, rows):
    _, _, member, outsider = travel
    client = login_client(member)

    response = client.post("/c/travel/leave")

    assert response.status_code == 303
    assert member_count(rows, "travel") == 1
    assert 'id="composer"' not in client.get("/c/travel").text
    # Leaving a circle you are not in changes nothing.
    assert login_client(outsider).post("/c/travel/leave").status_code == 303
    assert member_count(rows, "travel") == 1


def test_owner_cannot_leave_their_circle(travel, login_client, rows):
    _, owner, _, _ = travel

    response = login_client(owner).post("/c/travel/leave")

    assert response.status_code == 403
    assert "圈主不能退出自己的圈子" in response.text
    assert member_count(rows, "travel") == 2


def test_announcement_needs_login(client, travel):
    assert login_next(client.get("/c/travel/announcement")) == "/c/travel/announcement"
    login_next(client.post("/c/travel/announcement", data={"announcement": "新规"}))


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_only_the_owner_edits_the_announcement(travel, login_client, rows, who):
    _, _, member, outsider = travel
    client = login_client(member if who == "member" else outsider)

    page = client.get("/c/travel/announcement")
    write = client.post("/c/travel/announcement", data={"announcement": "我说了算"})

    assert page.status_code == write.status_code == 403
    assert "只有圈主可以编辑公告" in write.text
    assert rows.scalar(select(Circle.announcement).where(Circle.slug == "travel")) == ""


def test_owner_edits_the_announcement(client, travel, login_client, rows):
    _, owner, _, _ = travel
    owner_client = login_client(owner)
    assert owner_client.get("/c/travel/announcement").status_code == 200

    response = owner_client.post(
        "/c/travel/announcement", data={"announcement": "文明发言，友善交流"}
    )

    assert response.status_code == 303
    assert response.headers["Location"] == "/c/travel"
    assert "文明发言，友善交流" in client.get("/c/travel").text
    assert rows.scalar(select(Circle.announcement)) == "文明发言，友善交流"


def test_too_long_announcement_comes_back_with_the_text(travel, login_client, rows):
    _, owner, _, _ = travel

    response = login_client(owner).post(
        "/c/travel/announcement", data={"announcement": "长" * 1001}
    )

    assert response.status_code == 422
    assert "公告最多 1000 个字" in response.text and "长" * 1001 in response.text
    assert rows.scalar(select(Circle.announcement)) == ""


def test_compose_page_in_a_circle(client, travel, login_client):
    _, _, member, outsider = travel
    assert login_next(client.get("/c/travel/compose")) == "/c/travel/compose"

    outside = login_client(outsider).get("/c/travel/compose")
    assert outside.status_code == 200
    assert "加入圈子后才能发帖" in outside.text
    assert 'value="/c/travel/compose"' in outside.text  # join, then come back here
    assert 'id="compose-form"' not in outside.text

    inside = login_client(member).get("/c/travel/compose")
    assert 'id="compose-form"' in inside.text


def test_compose_picker_lists_your_circles(client, travel, make, login_client):
    circle, owner, member, outsider = travel
    make.circle(owner, slug="food", name="美食")
    assert login_next(client.get("/compose")) == "/compose"

    mine = login_client(member).get("/compose").text
    assert 'href="/c/travel/compose"' in mine and 'href="/c/food/compose"' not in mine

    none = login_client(outsider).get("/compose").text
    assert "你还没有加入圈子" in none


def test_outsider_cannot_post_but_can_join_and_then_post(travel, login_client, rows):
    _, _, _, outsider = travel
    client = login_client(outsider)

    refused = client.post("/c/travel/posts", data={"title": "", "body": "大家好，我是新来的"})
    assert refused.status_code == 403
    assert "加入圈子后才能发帖" in refused.text
    assert rows.all(select(Post)) == []

    client.post("/c/travel/join")
    accepted = client.post("/c/travel/posts", data={"title": "", "body": "大家好，我是新来的"})
    assert accepted.status_code == 303
    post = rows.one(select(Post))
    assert accepted.headers["Location"] == f"/p/{post.id}"


def test_anonymous_cannot_post(client, travel, rows):
    response = client.post("/c/travel/posts", data={"body": "匿名发帖"})

    login_next(response)
    assert rows.all(select(Post)) == []


def test_concurrent_double_joins_count_each_member_once(travel, make, login_client, rows):
    fans = [login_client(make.member(f"fan{i:02d}")) for i in range(8)]
    clicks = [c for c in fans for _ in range(2)]
    barrier = threading.Barrier(len(clicks))
    statuses, errors = [], []

    def join(client):
        try:
            barrier.wait(timeout=10)
            statuses.append(client.post("/c/travel/join").status_code)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=join, args=(c,)) for c in clicks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert statuses == [303] * 16
    assert member_count(rows, "travel") == 10
    assert len(rows.all(select(Membership))) == 10
