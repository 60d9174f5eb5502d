"""Comments: writing, replying (one level deep) and deleting them."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from forum.models import Comment, Post

pytestmark = pytest.mark.usefixtures("fast_hashing")


@pytest.fixture
def thread(make):
    """A post by xiaomei in her circle; ajie (a member) and laowang (not one) read it."""
    owner = make.member("xiaomei", nickname="小美")
    circle = make.circle(owner, slug="travel", name="旅行")
    member = make.member("ajie", nickname="阿杰")
    make.join(member, circle)
    outsider = make.member("laowang", nickname="老王")
    post = make.post(owner, circle, body="周末去哪儿玩？")
    return post, owner, member, outsider


def comment_count(rows, post) -> int:
    return rows.scalar(select(Post.comment_count).where(Post.id == post.id))


def comment_bodies(html: str) -> list[str]:
    return re.findall(r'<div class="comment-body">(.*?)</div>', html)


def test_anonymous_cannot_comment(client, thread, rows):
    post, *_ = thread

    response = client.post(f"/p/{post.id}/comments", data={"body": "匿名评论"})

    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == ["/"]
    assert rows.all(select(Comment)) == []


@pytest.mark.parametrize("who", ["member", "outsider", "owner"])
def test_any_member_comments_and_it_is_counted(thread, login_client, rows, who):
    post, owner, member, outsider = thread
    user = {"member": member, "outsider": outsider, "owner": owner}[who]
    client = login_client(user)

    response = client.post(f"/p/{post.id}/comments", data={"body": "去爬山吧！"})

    assert response.status_code == 303
    assert response.headers["Location"] == f"/p/{post.id}#comments"
    comment = rows.one(select(Comment))
    assert (comment.author_id, comment.body) == (user.id, "去爬山吧！")
    assert comment_count(rows, post) == 1
    page = client.get(f"/p/{post.id}").text
    assert comment_bodies(page) == ["去爬山吧！"]
    assert "评论 1</h2>" in page


@pytest.mark.parametrize(
    ("body", "message"), [("  \n ", "评论不能为空"), ("长" * 1001, "评论最多 1000 个字")]
)
def test_comment_validation_keeps_the_text(thread, login_client, rows, body, message):
    post, _, member, _ = thread

    response = login_client(member).post(f"/p/{post.id}/comments", data={"body": body})

    assert response.status_code == 422
    assert message in response.text
    assert f">{body}</textarea>" in response.text
    assert rows.all(select(Comment)) == []


def test_replies_stay_one_level_deep(thread, login_client, rows):
    post, owner, member, _ = thread
    ajie, xiaomei = login_client(member), login_client(owner)
    ajie.post(f"/p/{post.id}/comments", data={"body": "去爬山吧！"})
    top = rows.one(select(Comment))

    xiaomei.post(f"/p/{post.id}/comments", data={"body": "哪座山？", "parent_id": top.id})
    reply = rows.one(select(Comment).where(Comment.body == "哪座山？"))
    ajie.post(f"/p/{post.id}/comments", data={"body": "香山", "parent_id": reply.id})

    answer = rows.one(select(Comment).where(Comment.body == "香山"))
    assert (reply.parent_id, reply.reply_to_id) == (top.id, member.id)
    assert (answer.parent_id, answer.reply_to_id) == (top.id, owner.id)
    assert comment_count(rows, post) == 3
    page = xiaomei.get(f"/p/{post.id}").text
    assert comment_bodies(page) == ["去爬山吧！", "哪座山？", "香山"]
    assert page.count('<div class="replies">') == 1
    assert '<span class="muted">回复</span> 小美' in page


def test_reply_form_opens_under_the_comment(thread, login_client, make, rows):
    post, owner, member, _ = thread
    ajie = login_client(member)
    ajie.post(f"/p/{post.id}/comments", data={"body": "去爬山吧！"})
    top = rows.one(select(Comment))

    page = login_client(owner).get(f"/p/{post.id}?reply={top.id}").text

    assert f'name="parent_id" value="{top.id}"' in page
    assert 'placeholder="回复 @阿杰"' in page


def test_reply_to_a_missing_comment_is_refused(thread, login_client, rows):
    post, _, member, _ = thread

    response = login_client(member).post(
        f"/p/{post.id}/comments", data={"body": "回复谁？", "parent_id": "999"}
    )

    assert response.status_code == 422
    assert "要回复的评论不存在或已删除" in response.text
    assert ">回复谁？</textarea>" in response.text
    assert rows.all(select(Comment)) == []


def test_reply_to_a_comment_deleted_meanwhile_keeps_the_text(thread, login_client, rows):
    post, owner, member, _ = thread
    ajie, xiaomei = login_client(member), login_client(owner)
    ajie.post(f"/p/{post.id}/comments", data={"body": "去爬山吧！"})
    top = rows.one(select(Comment))
    ajie.post(f"/comments/{top.id}/delete")

    response = xiaomei.post(
        f"/p/{post.id}/comments", data={"body": "好主意，我也去", "parent_id": top.id}
    )

    assert response.status_code == 422
    assert "要回复的评论不存在或已删除" in response.text
    assert ">好主意，我也去</textarea>" in response.text
    assert comment_count(rows, post) == 0


def test_only_the_author_deletes_a_comment(client, thread, login_client, rows):
    post, _, member, outsider = thread
    ajie = login_client(member)
    ajie.post(f"/p/{post.id}/comments", data={"body": "去爬山吧！"})
    comment = rows.one(select(Comment))

    anonymous = client.post(f"/comments/{comment.id}/delete")
    assert anonymous.status_code == 302
    assert urlsplit(anonymous.headers["Location"]).path == "/login"
    other = login_client(outsider).post(f"/comments/{comment.id}/delete")
    assert other.status_code == 403
    assert "只能删除自己的评论" in other.text
    assert rows.get(Comment, comment.id).deleted_at is None

    response = ajie.post(f"/comments/{comment.id}/delete")

    assert response.status_code == 303
    assert response.headers["Location"] == f"/p/{post.id}#comments"
    assert rows.get(Comment, comment.id).deleted_at is not None
    assert comment_count(rows, post) == 0
    assert comment_bodies(ajie.get(f"/p/{post.id}").text) == []
    assert ajie.post(f"/comments/{comment.id}/delete").status_code == 404
    assert comment_count(rows, post) == 0


def test_deleted_comment_with_replies_leaves_a_placeholder(thread, login_client, rows):
    post, owner, member, _ = thread
    ajie, xiaomei = login_client(member), login_client(owner)
    ajie.post(f"/p/{post.id}/comments", data={"body": "去爬山吧！"})
    top = rows.one(select(Comment))
    xiaomei.post(f"/p/{post.id}/comments", data={"body": "好主意", "parent_id": top.id})

    ajie.post(f"/comments/{top.id}/delete")

    page = xiaomei.get(f"/p/{post.id}").text
    assert "该评论已删除" in page
    assert comment_bodies(page) == ["好主意"]
    assert comment_count(rows, post) == 1


def test_deleting_a_missing_comment_is_404(thread, login_client):
    _, _, member, _ = thread

    assert login_client(member).post("/comments/999/delete").status_code == 404
