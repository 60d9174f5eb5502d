"""Posts: writing, reading, editing and deleting them; topics and the feeds they appear in."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from helpers import post_ids
from sqlalchemy import select, update

from forum.models import Circle, Post, PostTopic, Topic

pytestmark = pytest.mark.usefixtures("fast_hashing")


def login_next(response) -> str:
    assert response.status_code in (302, 303), response.status_code
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    return parse_qs(location.query)["next"][0]


def topic_count(rows, name: str) -> int | None:
    return rows.scalar(select(Topic.post_count).where(Topic.name == name))


def circle_post_count(rows, slug: str = "travel") -> int:
    return rows.scalar(select(Circle.post_count).where(Circle.slug == slug))


@pytest.fixture
def travel(make):
    """xiaomei's circle 旅行, with ajie as a member, and one post by xiaomei."""
    owner = make.member("xiaomei", nickname="小美")
    circle = make.circle(owner, slug="travel", name="旅行")
    other = make.member("ajie", nickname="阿杰")
    make.join(other, circle)
    post = make.post(owner, circle, body="大理三日游，洱海骑行 #周末去哪儿#", title="大理攻略")
    return circle, owner, other, post


def test_member_posts_and_it_is_counted_and_topic_linked(client, make, auth, rows):
    owner = make.member("xiaomei", nickname="小美")
    make.circle(owner, slug="travel", name="旅行")
    auth.login("xiaomei")

    response = client.post(
        "/c/travel/posts", data={"title": "第一帖", "body": "你好，旅行圈！\n#周末去哪儿# 求推荐"}
    )

    post = rows.one(select(Post))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/p/{post.id}"
    assert (post.title, post.author_id, post.status) == ("第一帖", owner.id, "published")
    assert circle_post_count(rows) == 1
    assert topic_count(rows, "周末去哪儿") == 1
    page = client.get(f"/p/{post.id}")
    assert page.status_code == 200
    assert '<h1 class="post-title">第一帖</h1>' in page.text
    assert "你好，旅行圈！<br>" in page.text
    assert f'href="/t/{quote("周末去哪儿")}"' in page.text


@pytest.mark.parametrize(
    ("title", "body", "message"),
    [
        ("有标题", "   ", "内容不能为空"),
        ("长" * 61, "正文", "标题最多 60 个字"),
        ("", "字" * 5001, "内容最多 5000 个字"),
    ],
)
def test_post_validation_keeps_the_input(client, travel, auth, rows, title, body, message):
    auth.login("ajie")

    response = client.post("/c/travel/posts", data={"title": title, "body": body})

    assert response.status_code == 422
    assert message in response.text
    assert f'value="{title}"' in response.text
    assert f">{body}</textarea>" in response.text
    assert len(rows.all(select(Post))) == 1  # only the fixture's post


def test_anyone_reads_a_published_post(client, travel):
    _, _, _, post = travel

    response = client.get(f"/p/{post.id}")

    assert response.status_code == 200
    assert "大理三日游，洱海骑行" in response.text
    assert "小美" in response.text
    assert "编辑" not in response.text and "登录</a>后参与评论" in response.text


def test_unknown_post_is_404(client):
    assert client.get("/p/424242").status_code == 404


def test_anonymous_cannot_edit_or_delete(client, travel, rows):
    _, _, _, post = travel

    assert login_next(client.get(f"/p/{post.id}/edit")) == f"/p/{post.id}/edit"
    login_next(client.post(f"/p/{post.id}/edit", data={"title": "", "body": "改掉"}))
    login_next(client.post(f"/p/{post.id}/delete"))
    stored = rows.get(Post, post.id)
    assert stored.body.startswith("大理三日游") and stored.deleted_at is None


def test_other_member_cannot_edit_or_delete(travel, login_client, rows):
    _, _, other, post = travel
    client = login_client(other)

    assert "编辑" not in client.get(f"/p/{post.id}").text
    form = client.get(f"/p/{post.id}/edit")
    edit = client.post(f"/p/{post.id}/edit", data={"title": "", "body": "被人改了"})
    delete = client.post(f"/p/{post.id}/delete")

    assert form.status_code == edit.status_code == delete.status_code == 403
    assert "只能编辑自己的帖子" in edit.text
    assert "只能删除自己的帖子" in delete.text
    stored = rows.get(Post, post.id)
    assert stored.body.startswith("大理三日游") and stored.deleted_at is None


def test_author_edits_and_topics_follow_the_text(travel, login_client, rows):
    _, owner, _, post = travel
    client = login_client(owner)
    form = client.get(f"/p/{post.id}/edit")
    assert form.status_code == 200
    assert "大理三日游，洱海骑行 #周末去哪儿#</textarea>" in form.text

    response = client.post(
        f"/p/{post.id}/edit", data={"title": "大理攻略（更新）", "body": "改去丽江 #古城#"}
    )

    assert response.status_code == 303
    assert response.headers["Location"] == f"/p/{post.id}"
    page = client.get(f"/p/{post.id}").text
    assert "改去丽江" in page and "已编辑" in page and "大理攻略（更新）" in page
    assert topic_count(rows, "周末去哪儿") == 0
    assert topic_count(rows, "古城") == 1
    assert client.get("/t/古城").status_code == 200
    assert post_ids(client.get("/t/周末去哪儿").text) == []


def test_edit_validation_keeps_the_input(travel, login_client, rows):
    _, owner, _, post = travel

    response = login_client(owner).post(f"/p/{post.id}/edit", data={"title": "新标题", "body": ""})

    assert response.status_code == 422
    assert "内容不能为空" in response.text and 'value="新标题"' in response.text
    assert rows.get(Post, post.id).title == "大理攻略"


def test_deleted_post_is_gone_everywhere_and_uncounted(client, travel, login_client, rows):
    circle, owner, _, post = travel
    feeds = ["/", "/c/travel", "/t/周末去哪儿", f"/u/{owner.member_no}"]
    for url in feeds:
        assert post_ids(client.get(url).text) == [post.id], url
    assert (circle_post_count(rows), topic_count(rows, "周末去哪儿")) == (1, 1)

    response = login_client(owner).post(f"/p/{post.id}/delete")

    assert response.status_code == 303
    assert response.headers["Location"] == "/c/travel"
    assert client.get(f"/p/{post.id}").status_code == 404
    for url in feeds:
        assert post_ids(client.get(url).text) == [], url
    assert (circle_post_count(rows), topic_count(rows, "周末去哪儿")) == (0, 0)
    assert "0 帖子" in re.sub(r"<[^>]+>", "", client.get("/c/travel").text)
    stored = rows.get(Post, post.id)
    assert stored.deleted_at is not None
    assert (stored.deleted_by_id, stored.delete_reason) == (owner.id, "作者删除")


def test_deleted_post_cannot_be_deleted_edited_liked_or_commented(travel, login_client, rows):
    _, owner, _, post = travel
    client = login_client(owner)
    client.post(f"/p/{post.id}/delete")

    assert client.post(f"/p/{post.id}/delete").status_code == 404
    assert client.get(f"/p/{post.id}/edit").status_code == 404
    assert client.post(f"/p/{post.id}/like").status_code == 404
    assert client.post(f"/p/{post.id}/comments", data={"body": "还在吗"}).status_code == 404
    assert circle_post_count(rows) == 0  # counted down once only


def test_topic_page_lists_its_posts_and_unknown_topic_is_404(client, travel, make):
    circle, owner, _, post = travel
    other = make.post(owner, circle, body="今天吃什么 #美食#")

    page = client.get("/t/周末去哪儿")

    assert page.status_code == 200
    assert "<h1>#周末去哪儿#</h1>" in page.text and "1 篇帖子" in page.text
    assert post_ids(page.text) == [post.id]
    assert post_ids(client.get(f"/t/{quote('美食')}").text) == [other.id]
    assert client.get("/t/没有这个话题").status_code == 404


def test_topics_page_ranks_topics_by_post_count(client, travel, make):
    circle, owner, _, _ = travel
    make.post(owner, circle, body="第二篇 #周末去哪儿#")
    make.post(owner, circle, body="一篇 #美食#")

    page = client.get("/topics").text

    assert page.index("#周末去哪儿#") < page.index("#美食#")
    assert "2 帖" in page and "1 帖" in page


def test_pending_post_is_visible_to_its_author_only(client, travel, login_client, rows):
    _, owner, other, post = travel
    rows.execute(update(Post).where(Post.id == post.id).values(status="pending"))

    assert client.get(f"/p/{post.id}").status_code == 404
    assert login_client(other).get(f"/p/{post.id}").status_code == 404
    assert post_ids(client.get(f"/u/{owner.member_no}").text) == []
    assert post_ids(client.get("/").text) == []

    own = login_client(owner)
    assert "待审核" in own.get(f"/p/{post.id}").text
    profile = own.get(f"/u/{owner.member_no}").text
    assert post_ids(profile) == [post.id] and "待审核" in profile


def test_post_in_a_deleted_circle_is_404(client, travel, rows):
    _, _, _, post = travel
    rows.execute(update(Circle).values(deleted_at=Circle.created_at))

    assert client.get(f"/p/{post.id}").status_code == 404
    assert client.get("/c/travel").status_code == 404
    assert post_ids(client.get("/").text) == []


def test_post_topic_rows_follow_edits(travel, login_client, rows):
    _, owner, _, post = travel

    login_client(owner).post(f"/p/{post.id}/edit", data={"title": "", "body": "#甲# 和 #乙#"})

    names = rows.all(
        select(Topic.name).join(PostTopic).where(PostTopic.post_id == post.id).order_by(Topic.name)
    )
    assert sorted(names) == sorted(["甲", "乙"])
