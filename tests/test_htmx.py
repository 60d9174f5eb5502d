"""One URL, two representations: HTMX gets a fragment (or a header to follow), a
plain request the full page or a 303; every response says it varies on HX-Request."""

from __future__ import annotations

import pytest
from helpers import load_more_url, post_ids
from sqlalchemy import select

from forum.models import Circle, Comment, Like, Membership, Post

pytestmark = pytest.mark.usefixtures("fast_hashing")

HX = {"HX-Request": "true"}


@pytest.fixture
def app_config(app_config):
    return {**app_config, "FEED_PAGE_SIZE": 3}


@pytest.fixture
def site(make):
    """xiaomei's circle 旅行 with five posts; ajie is a member, laowang is not."""
    owner = make.member("xiaomei", nickname="小美")
    circle = make.circle(owner, slug="travel", name="旅行")
    member = make.member("ajie", nickname="阿杰")
    make.join(member, circle)
    outsider = make.member("laowang", nickname="老王")
    posts = [make.post(owner, circle, body=f"旅行日记第{i}天 #旅行#") for i in range(5)]
    return circle, owner, member, outsider, posts


def is_fragment(response) -> bool:
    return "<html" not in response.text and "<head>" not in response.text


def assert_varies(response) -> None:
    assert "HX-Request" in response.headers.get("Vary", ""), response.headers


# -- Vary ---------------------------------------------------------------------------


REQUESTS = [
    ("GET", "/"),
    ("GET", "/circles"),
    ("GET", "/c/travel"),
    ("GET", "/topics"),
    ("GET", "/t/旅行"),
    ("GET", "/login"),
    ("GET", "/register"),
    ("GET", "/healthz"),
    ("GET", "/compose"),  # redirect to login
    ("GET", "/p/999"),  # 404
    ("POST", "/c/travel/join"),  # redirect to login
    ("POST", "/login"),  # 422
    ("GET", "/logout"),  # 405
]


@pytest.mark.parametrize("htmx", [False, True])
def test_every_response_varies_on_hx_request(client, site, htmx):
    for method, url in REQUESTS:
        response = client.open(url, method=method, headers=HX if htmx else {})
        assert "HX-Request" in response.headers.get("Vary", ""), (method, url)


def test_post_page_and_user_pages_vary_too(client, site, login_client):
    _, owner, member, _, posts = site
    ajie = login_client(member)

    for response in (
        client.get(f"/p/{posts[0].id}"),
        client.get(f"/u/{owner.member_no}"),
        ajie.post(f"/p/{posts[0].id}/like", data={"liked": "1"}),
        ajie.post(f"/p/{posts[0].id}/like", headers=HX, data={"liked": "0"}),
        ajie.post("/c/travel/leave", headers=HX),
    ):
        assert_varies(response)


# -- like ---------------------------------------------------------------------------


def test_like_answers_htmx_with_the_button_only(site, login_client, rows):
    _, _, member, _, posts = site
    post = posts[0]
    ajie = login_client(member)

    liked = ajie.post(f"/p/{post.id}/like", headers=HX, data={"liked": "1", "next": "/"})

    assert liked.status_code == 200
    assert is_fragment(liked)
    assert liked.text.lstrip().startswith('<form class="like"')
    assert f'hx-post="/p/{post.id}/like"' in liked.text
    assert '<span class="like-count">1</span>' in liked.text
    assert 'aria-pressed="true"' in liked.text
    assert '<input type="hidden" name="liked" value="0">' in liked.text  # next click unlikes
    assert '<input type="hidden" name="next" value="/">' in liked.text

    unliked = ajie.post(f"/p/{post.id}/like", headers=HX, data={"liked": "0", "next": "/"})
    assert '<span class="like-count">0</span>' in unliked.text
    assert 'aria-pressed="false"' in unliked.text
    assert rows.all(select(Like)) == []


def test_like_without_htmx_redirects(site, login_client):
    _, _, member, _, posts = site

    response = login_client(member).post(f"/p/{posts[0].id}/like", data={"next": "/c/travel"})

    assert response.status_code == 303
    assert response.headers["Location"] == "/c/travel"


# -- comments -----------------------------------------------------------------------


def test_comment_answers_htmx_with_the_comments_section(site, login_client, rows):
    _, _, member, _, posts = site
    post = posts[0]

    response = login_client(member).post(
        f"/p/{post.id}/comments", headers=HX, data={"body": "真羡慕！"}
    )

    assert response.status_code == 200
    assert is_fragment(response)
    assert response.text.lstrip().startswith('<section id="comments"')
    assert "真羡慕！" in response.text and "评论 1</h2>" in response.text
    assert (
        'placeholder="写下你的评论…" aria-label="评论内容"></textarea>' in response.text
    )  # emptied
    assert rows.one(select(Comment)).body == "真羡慕！"


def test_comment_error_comes_back_in_place_with_the_text(site, login_client, rows):
    _, _, member, _, posts = site

    response = login_client(member).post(
        f"/p/{posts[0].id}/comments", headers=HX, data={"body": "长" * 1001}
    )

    assert response.status_code == 422
    assert is_fragment(response)
    assert response.text.lstrip().startswith('<section id="comments"')
    assert "评论最多 1000 个字" in response.text and "长" * 1001 in response.text
    assert rows.all(select(Comment)) == []


def test_comment_without_htmx_redirects_to_the_comments(site, login_client):
    _, _, member, _, posts = site

    response = login_client(member).post(f"/p/{posts[0].id}/comments", data={"body": "好看"})

    assert response.status_code == 303
    assert response.headers["Location"] == f"/p/{posts[0].id}#comments"


def test_comment_delete_answers_htmx_with_the_comments_section(site, login_client, rows):
    _, _, member, _, posts = site
    ajie = login_client(member)
    ajie.post(f"/p/{posts[0].id}/comments", data={"body": "好看"})
    comment = rows.one(select(Comment))

    response = ajie.post(f"/comments/{comment.id}/delete", headers=HX)

    assert response.status_code == 200
    assert is_fragment(response)
    assert response.text.lstrip().startswith('<section id="comments"')
    assert "还没有评论" in response.text and "评论 0</h2>" in response.text


# -- join / leave -------------------------------------------------------------------


def test_join_and_leave_answer_htmx_with_the_join_button(site, login_client, rows):
    circle, _, _, outsider, _ = site
    laowang = login_client(outsider)

    joined = laowang.post("/c/travel/join", headers=HX)

    assert joined.status_code == 200
    assert is_fragment(joined)
    assert joined.text.lstrip().startswith(f'<div id="join-{circle.id}" class="join">')
    assert 'action="/c/travel/leave"' in joined.text and "已加入 · 退出" in joined.text
    assert rows.scalar(select(Circle.member_count)) == 3

    left = laowang.post("/c/travel/leave", headers=HX)

    assert left.status_code == 200
    assert is_fragment(left)
    assert 'action="/c/travel/join"' in left.text and ">加入</button>" in left.text
    assert rows.scalar(select(Circle.member_count)) == 2
    memberships = rows.all(select(Membership.user_id))
    assert outsider.id not in memberships


def test_join_without_htmx_redirects(site, login_client):
    _, _, _, outsider, _ = site

    response = login_client(outsider).post("/c/travel/join")

    assert response.status_code == 303
    assert response.headers["Location"] == "/c/travel"


# -- load more ----------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/c/travel", "/t/旅行", "/u/10001"])
def test_load_more_answers_htmx_with_cards_and_the_next_link(client, site, url):
    *_, posts = site
    first = client.get(url)
    more = load_more_url(first.text)
    assert post_ids(first.text) == [p.id for p in posts[::-1][:3]]

    fragment = client.get(more, headers=HX)

    assert fragment.status_code == 200
    assert is_fragment(fragment)
    assert fragment.text.lstrip().startswith('<article class="card post-card"')
    assert post_ids(fragment.text) == [p.id for p in posts[::-1][3:]]
    assert "热门话题" not in fragment.text and 'class="tabs"' not in fragment.text
    assert "没有更多了" in fragment.text and load_more_url(fragment.text) is None

    full = client.get(more)
    assert "<html" in full.text and post_ids(full.text) == post_ids(fragment.text)


def test_load_more_link_is_a_real_link_and_an_htmx_swap(client, site):
    first = client.get("/").text

    more = load_more_url(first)

    assert more.startswith("/?sort=new&cursor=")
    assert 'hx-swap="outerHTML" hx-target="this"' in first
    assert f'hx-get="{more.replace("&", "&amp;")}"' in first


# -- posting --------------------------------------------------------------------------


def composer_headers() -> dict[str, str]:
    return {**HX, "HX-Target": "composer"}


def test_inline_composer_gets_a_new_card_and_a_fresh_form(site, login_client, rows):
    _, _, member, _, _ = site

    response = login_client(member).post(
        "/c/travel/posts",
        headers=composer_headers(),
        data={"title": "", "body": "我也来打卡 #旅行#"},
    )

    post = rows.one(select(Post).where(Post.author_id == member.id))
    assert response.status_code == 200
    assert is_fragment(response)
    assert response.text.lstrip().startswith('<form id="composer"')
    assert (
        'placeholder="分享点什么吧… 用 #话题# 参与讨论" aria-label="内容"></textarea>'
        in response.text
    )
    assert '<div hx-swap-oob="afterbegin:#feed">' in response.text
    oob = response.text.split('<div hx-swap-oob="afterbegin:#feed">', 1)[1]
    assert post_ids(oob) == [post.id]
    assert "我也来打卡" in oob and "阿杰" in oob


def test_inline_composer_error_comes_back_in_place(site, login_client, rows):
    _, _, member, _, posts = site

    response = login_client(member).post(
        "/c/travel/posts", headers=composer_headers(), data={"title": "只有标题", "body": ""}
    )

    assert response.status_code == 422
    assert is_fragment(response)
    assert response.text.lstrip().startswith('<form id="composer"')
    assert "内容不能为空" in response.text and 'value="只有标题"' in response.text
    assert "hx-swap-oob" not in response.text
    assert len(rows.all(select(Post))) == len(posts)


def test_compose_page_submission_loads_the_new_post(site, login_client, rows):
    """The compose page is a page of its own: HTMX is sent on to the new post as a
    whole page (HX-Redirect; the app's redirect_to no longer uses HX-Location)."""
    _, _, member, _, _ = site
    headers = {**HX, "HX-Target": "compose-form"}

    response = login_client(member).post(
        "/c/travel/posts", headers=headers, data={"title": "长文", "body": "从大理到丽江"}
    )

    post = rows.one(select(Post).where(Post.author_id == member.id))
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == f"/p/{post.id}"
    assert response.text == ""


def test_compose_page_error_comes_back_in_place(site, login_client):
    _, _, member, _, _ = site
    headers = {**HX, "HX-Target": "compose-form"}

    response = login_client(member).post(
        "/c/travel/posts", headers=headers, data={"title": "长" * 61, "body": "正文"}
    )

    assert response.status_code == 422
    assert is_fragment(response)
    assert response.text.lstrip().startswith('<form id="compose-form"')
    assert "标题最多 60 个字" in response.text and ">正文</textarea>" in response.text


def test_post_without_htmx_redirects_and_error_is_a_full_page(site, login_client):
    _, _, member, _, _ = site
    ajie = login_client(member)

    created = ajie.post("/c/travel/posts", data={"title": "", "body": "普通表单发帖"})
    refused = ajie.post("/c/travel/posts", data={"title": "", "body": ""})

    assert created.status_code == 303 and created.headers["Location"].startswith("/p/")
    assert refused.status_code == 422
    assert "<html" in refused.text and "内容不能为空" in refused.text


# -- accounts -------------------------------------------------------------------------


def test_login_over_htmx_reloads_with_hx_redirect(client, site):
    response = client.post(
        "/login",
        headers=HX,
        data={"username": "ajie", "password": "password123", "next": "/c/travel"},
    )

    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/c/travel"
    assert "HX-Location" not in response.headers


def test_failed_login_over_htmx_is_the_form_in_place(client, site):
    response = client.post("/login", headers=HX, data={"username": "ajie", "password": "nope"})

    assert response.status_code == 422
    assert is_fragment(response)
    assert response.text.lstrip().startswith('<form class="card form"')
    assert "用户名或密码不对" in response.text and 'value="ajie"' in response.text


def test_register_error_over_htmx_is_the_form_in_place(client, site):
    response = client.post(
        "/register", headers=HX, data={"username": "AJIE", "password": "password123"}
    )

    assert response.status_code == 422
    assert is_fragment(response)
    assert "这个用户名已被占用" in response.text and 'value="AJIE"' in response.text


def test_anonymous_htmx_write_is_sent_to_the_login_page(client, site, rows):
    *_, posts = site

    response = client.post(
        f"/p/{posts[0].id}/like", headers=HX, data={"liked": "1", "next": "/c/travel"}
    )

    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/login?next=/c/travel"
    assert rows.all(select(Like)) == []


# -- errors -------------------------------------------------------------------------


def test_htmx_errors_are_retargeted_to_the_toast(site, login_client, client):
    _, owner, member, outsider, posts = site
    laowang = login_client(outsider)

    forbidden = laowang.post(
        "/c/travel/posts", headers=composer_headers(), data={"title": "", "body": "外人发帖"}
    )
    missing = laowang.post("/p/999/like", headers=HX)
    owner_leaves = login_client(owner).post("/c/travel/leave", headers=HX)

    for response, status, message in (
        (forbidden, 403, "加入圈子后才能发帖"),
        (missing, 404, "这个页面不存在"),
        (owner_leaves, 403, "圈主不能退出自己的圈子"),
    ):
        assert response.status_code == status
        assert response.headers["HX-Retarget"] == "#toast"
        assert response.headers["HX-Reswap"] == "innerHTML"
        assert is_fragment(response)
        assert '<div class="toast-msg" role="alert">' in response.text
        assert message in response.text
        assert_varies(response)


def test_the_same_errors_without_htmx_are_full_pages(site, login_client):
    _, _, _, outsider, _ = site

    response = login_client(outsider).post(
        "/c/travel/posts", data={"title": "", "body": "外人发帖"}
    )

    assert response.status_code == 403
    assert "HX-Retarget" not in response.headers
    assert "<html" in response.text and "加入圈子后才能发帖" in response.text
