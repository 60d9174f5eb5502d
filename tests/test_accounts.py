"""Accounts: registering, logging in and out, remember-me, member numbers, profiles."""

from __future__ import annotations

import threading
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from forum.models import User

pytestmark = pytest.mark.usefixtures("fast_hashing")


def register(client, username="xiaomei", password="password123", nickname="小美", **extra):
    data = {"username": username, "password": password, "nickname": nickname, **extra}
    return client.post("/register", data=data)


def login_redirect_next(response) -> str:
    """The ``next`` of a redirect to the login page (fails if it is not one)."""
    assert response.status_code in (302, 303)
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    return parse_qs(location.query)["next"][0]


def test_register_page_is_a_form(client):
    response = client.get("/register")

    assert response.status_code == 200
    assert "加入微社群" in response.text
    assert 'name="username"' in response.text and 'name="password"' in response.text


def test_register_creates_member_logs_in_and_redirects_home(client, rows):
    response = register(client)

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    user = rows.one(select(User))
    assert (user.username, user.nickname, user.role) == ("xiaomei", "小美", "user")
    assert user.password_hash and "password123" not in user.password_hash
    home = client.get("/")
    assert 'class="me">小美</a>' in home.text


def test_register_follows_a_same_site_next_only(client):
    assert register(client, next="/circles").headers["Location"] == "/circles"
    client.post("/logout")

    response = register(client, username="ajie", next="https://evil.example/")

    assert response.headers["Location"] == "/"


def test_member_numbers_start_at_10001_and_are_sequential(app, rows):
    for name in ("xiaomei", "ajie", "laowang"):
        assert register(app.test_client(), username=name, nickname=name).status_code == 303

    numbers = rows.all(select(User.member_no).order_by(User.id))
    assert numbers == [10001, 10002, 10003]
    page = app.test_client().get("/u/10002")
    assert page.status_code == 200
    assert '学号 <span class="member-no">10002</span>' in page.text
    assert "<h1>ajie</h1>" in page.text


def test_register_rejects_taken_username_whatever_its_case(client, make, rows):
    make.member("xiaomei")

    response = register(client, username="XiaoMei", nickname="另一个小美")

    assert response.status_code == 422
    assert "这个用户名已被占用" in response.text
    assert 'value="XiaoMei"' in response.text
    assert 'value="另一个小美"' in response.text
    assert len(rows.all(select(User))) == 1


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("xm", "password123", "用户名为 3–20 位字母、数字或下划线"),
        ("xiao mei", "password123", "用户名为 3–20 位字母、数字或下划线"),
        ("小美", "password123", "用户名为 3–20 位字母、数字或下划线"),
        ("xiaomei", "short", "密码至少 8 位"),
    ],
)
def test_register_validation_keeps_the_input(client, rows, username, password, message):
    response = register(client, username=username, password=password)

    assert response.status_code == 422
    assert message in response.text
    assert f'value="{username}"' in response.text
    assert password not in response.text  # a password is never echoed back
    assert rows.all(select(User)) == []
    assert client.get("/settings/profile").status_code == 302  # not logged in


def test_login_with_right_password_follows_next(client, make):
    make.member("xiaomei")

    response = client.post(
        "/login", data={"username": "XIAOMEI", "password": "password123", "next": "/circles"}
    )

    assert response.status_code == 303
    assert response.headers["Location"] == "/circles"
    assert client.get("/settings/profile").status_code == 200


@pytest.mark.parametrize(("username", "password"), [("xiaomei", "wrong-pass"), ("nobody", "x")])
def test_login_failure_is_422_with_a_chinese_message(client, make, username, password):
    make.member("xiaomei")

    response = client.post("/login", data={"username": username, "password": password})

    assert response.status_code == 422
    assert "用户名或密码不对" in response.text
    assert f'value="{username}"' in response.text
    assert client.get("/settings/profile").status_code == 302


def test_login_page_for_a_logged_in_member_redirects(client, make, auth):
    make.member("xiaomei")
    auth.login("xiaomei")

    response = client.get("/login?next=/circles")

    assert response.status_code == 303
    assert response.headers["Location"] == "/circles"


def test_remember_me_keeps_the_member_logged_in_after_the_session_ends(client, make):
    make.member("xiaomei")

    client.post("/login", data={"username": "xiaomei", "password": "password123", "remember": "1"})

    assert client.get_cookie("remember_token") is not None
    client.delete_cookie("session")
    page = client.get("/settings/profile")
    assert page.status_code == 200
    assert 'value="xiaomei"' in page.text


def test_without_remember_me_the_login_ends_with_the_session(client, make):
    make.member("xiaomei")

    client.post("/login", data={"username": "xiaomei", "password": "password123"})

    assert client.get_cookie("remember_token") is None
    assert client.get("/settings/profile").status_code == 200
    client.delete_cookie("session")
    assert login_redirect_next(client.get("/settings/profile")) == "/settings/profile"


def test_logout_ends_the_session_and_only_takes_post(client, make, auth):
    make.member("xiaomei")
    auth.login("xiaomei")

    assert client.get("/logout").status_code == 405
    response = client.post("/logout")

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert client.get("/settings/profile").status_code == 302


def test_create_user_command_makes_a_moderator(runner, rows, client):
    result = runner.invoke(
        args=["forum", "create-user", "mod1", "--password", "password123", "--role", "moderator"]
    )

    assert result.exit_code == 0, result.output
    assert "member no. 10001" in result.output
    user = rows.one(select(User).where(User.username == "mod1"))
    assert (user.role, user.member_no) == ("moderator", 10001)
    assert client.post("/login", data={"username": "mod1", "password": "password123"}).status_code
    assert "版主" in client.get("/u/10001").text


def test_create_user_command_refuses_a_taken_username(runner, make, rows):
    make.member("mod1")

    result = runner.invoke(args=["forum", "create-user", "MOD1", "--password", "password123"])

    assert result.exit_code != 0
    assert "这个用户名已被占用" in result.output
    assert len(rows.all(select(User))) == 1


def test_healthz_reports_ok_as_json(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.is_json
    assert response.json["status"] == "ok" and response.json["database"] == "ok"
    assert response.json["search"]["status"] == "ok"  # the index is reported too


def test_profile_page_shows_the_member(client, make):
    member = make.member("xiaomei", nickname="小美")

    response = client.get(f"/u/{member.member_no}")

    assert response.status_code == 200
    assert "<h1>小美</h1>" in response.text
    assert "编辑资料" not in response.text  # only the member sees their own buttons


@pytest.mark.parametrize("path", ["/u/99999", "/u/abc"])
def test_unknown_profile_is_404(client, path):
    assert client.get(path).status_code == 404


def test_settings_needs_login(client):
    assert login_redirect_next(client.get("/settings/profile")) == "/settings/profile"
    response = client.post("/settings/profile", data={"nickname": "坏人"})
    login_redirect_next(response)


def test_member_edits_their_own_profile(client, make, auth, rows):
    member = make.member("xiaomei", nickname="小美")
    auth.login("xiaomei")
    assert 'value="小美"' in client.get("/settings/profile").text

    response = client.post("/settings/profile", data={"nickname": "美美", "bio": "爱旅行"})

    assert response.status_code == 303
    assert response.headers["Location"] == f"/u/{member.member_no}"
    page = client.get(f"/u/{member.member_no}").text
    assert "<h1>美美</h1>" in page and "爱旅行" in page
    assert rows.get(User, member.id).nickname == "美美"


def test_profile_validation_keeps_the_input(client, make, auth, rows):
    member = make.member("xiaomei", nickname="小美")
    auth.login("xiaomei")

    response = client.post("/settings/profile", data={"nickname": "  ", "bio": "简介" * 101})

    assert response.status_code == 422
    assert "昵称不能为空" in response.text and "简介最多 200 个字" in response.text
    assert "简介" * 101 in response.text
    assert rows.get(User, member.id).nickname == "小美"


def test_concurrent_registrations_get_distinct_sequential_member_numbers(app, rows):
    clients = [app.test_client() for _ in range(10)]
    barrier = threading.Barrier(len(clients))
    statuses, errors = [], []

    def register_at_once(n, client):
        try:
            barrier.wait(timeout=10)
            statuses.append(
                register(client, username=f"fan{n:02d}", nickname=f"粉丝{n}").status_code
            )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=register_at_once, args=(n, c)) for n, c in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert statuses == [303] * 10
    assert rows.all(select(User.member_no).order_by(User.member_no)) == list(range(10001, 10011))


# Who may open which page: status for (anonymous, outsider, member, author/owner).
# 302 is the way to the login page, 303 a logged-in member sent on from a login form.
PAGES = [
    ("/", (200, 200, 200, 200)),
    ("/circles", (200, 200, 200, 200)),
    ("/circles/new", (302, 200, 200, 200)),
    ("/c/travel", (200, 200, 200, 200)),
    ("/c/travel/compose", (302, 200, 200, 200)),
    ("/c/travel/announcement", (302, 403, 403, 200)),
    ("/compose", (302, 200, 200, 200)),
    ("/p/{post}", (200, 200, 200, 200)),
    ("/p/{post}/edit", (302, 403, 403, 200)),
    ("/t/日常", (200, 200, 200, 200)),
    ("/topics", (200, 200, 200, 200)),
    ("/u/{author}", (200, 200, 200, 200)),
    ("/settings/profile", (302, 200, 200, 200)),
    ("/healthz", (200, 200, 200, 200)),
    ("/login", (200, 303, 303, 303)),
    ("/register", (200, 303, 303, 303)),
]
VIEWERS = ["anonymous", "outsider", "member", "author"]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_who_may_open_each_page(app, make, login_client, viewer):
    author = make.member("xiaomei", nickname="小美")
    circle = make.circle(author, slug="travel", name="旅行")
    member = make.member("ajie", nickname="阿杰")
    make.join(member, circle)
    outsider = make.member("laowang", nickname="老王")
    post = make.post(author, circle, body="今天天气不错 #日常#")
    users = {"outsider": outsider, "member": member, "author": author}
    client = login_client(users[viewer]) if viewer in users else app.test_client()

    for page, statuses in PAGES:
        url = page.format(post=post.id, author=author.member_no)
        response = client.get(url)
        expected = statuses[VIEWERS.index(viewer)]
        assert response.status_code == expected, (url, response.status_code)
        if expected == 302:
            assert response.headers["Location"].startswith("/login?next=")
