"""Bans, silences and removing a spam account's content, enforced on every write route."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from forum.models import AuditLog, Circle, Comment, Post, Topic, User
from forum.services import Forbidden, likes, sanctions
from forum.services import posts as post_service

pytestmark = pytest.mark.usefixtures("fast_hashing")

HX = {"HX-Request": "true"}


@pytest.fixture
def site(make, rows):
    """xiaomei's circles 旅行 and 美食; ajie is in 旅行; one post; a moderator."""
    owner = make.member("xiaomei", nickname="小美")
    travel = make.circle(owner, slug="travel", name="旅行")
    make.circle(owner, slug="food", name="美食")
    member = make.member("ajie", nickname="阿杰")
    make.join(member, travel)
    post = make.post(owner, travel, body="大理三日游 #周末去哪儿#")
    moderator = make.member("banzhu", nickname="版主", role="moderator")
    return travel, owner, member, post, moderator


def sanction(login_client, moderator, member, action, period="7d", reason="发广告"):
    response = login_client(moderator).post(
        f"/mod/users/{member.member_no}/{action}", data={"period": period, "reason": reason}
    )
    assert response.status_code == 303, response.text
    return response


WRITES = [
    ("post", "/c/travel/posts", {"title": "", "body": "我又来了"}),
    ("comment", "/p/{post}/comments", {"body": "顶"}),
    ("like", "/p/{post}/like", {"liked": "1"}),
    ("report", "/p/{post}/report", {"reason": "广告"}),
    ("join", "/c/food/join", {}),
    ("create circle", "/circles", {"name": "新圈子", "slug": "new-one", "description": ""}),
    ("edit profile", "/settings/profile", {"nickname": "新名字", "bio": ""}),
]


@pytest.mark.parametrize("htmx", [False, True])
def test_a_banned_member_is_refused_on_every_write_route(site, login_client, rows, htmx):
    _, _, member, post, moderator = site
    # One session per route, all logged in before the ban: each is refused and logged out.
    sessions = {name: login_client(member) for name, _, _ in WRITES}
    sanction(login_client, moderator, member, "ban", "forever", "散布广告")

    for name, url, data in WRITES:
        response = sessions[name].post(
            url.format(post=post.id), data=data, headers=HX if htmx else {}
        )
        assert response.status_code == 403, name
        assert "你的账号已被封禁（永久），理由：散布广告" in response.text, name
        if htmx:
            assert response.headers["HX-Retarget"] == "#toast", name
        # Logged out: the next write is sent to the login page.
        again = sessions[name].post(url.format(post=post.id), data=data)
        assert again.status_code == 302 and "/login" in again.headers["Location"], name

    assert rows.all(select(Comment)) == [] and rows.scalar(select(Post.like_count)) == 0
    assert rows.scalar(select(Circle.id).where(Circle.slug == "new-one")) is None
    assert rows.get(User, member.id).nickname == "阿杰"
    assert len(rows.all(select(Post))) == 1


def test_a_banned_member_cannot_log_in_and_is_logged_out_on_the_next_page(
    site, client, login_client, rows
):
    _, _, member, _, moderator = site
    ajie = login_client(member)
    sanction(login_client, moderator, member, "ban", "1d", "刷屏")

    page = ajie.get("/")
    refused = client.post("/login", data={"username": "ajie", "password": "password123"})

    assert page.status_code == 200 and 'href="/login' in page.text and "阿杰</a>" not in page.text
    assert refused.status_code == 422
    assert "你的账号已被封禁（至 " in refused.text and "刷屏" in refused.text
    assert client.get("/settings/profile").status_code == 302
    banned = rows.get(User, member.id)
    assert banned.ban_reason == "刷屏" and banned.is_banned
    [entry] = rows.all(select(AuditLog))
    assert (entry.action, entry.target_id, entry.reason, entry.detail) == (
        "member.ban",
        member.id,
        "刷屏",
        {"period": "1d"},
    )


def test_an_expired_ban_lets_the_member_back_in(site, client, login_client, rows):
    _, _, member, _, moderator = site
    sanction(login_client, moderator, member, "ban", "1d")
    rows.execute(update(User).where(User.id == member.id).values(banned_until=User.created_at))

    assert login_client(member).get("/settings/profile").status_code == 200


def test_unban_by_a_moderator(site, login_client, rows):
    _, _, member, _, moderator = site
    sanction(login_client, moderator, member, "ban", "30d")

    sanction(login_client, moderator, member, "unban")

    assert login_client(member).get("/settings/profile").status_code == 200
    actions = [a.action for a in rows.all(select(AuditLog).order_by(AuditLog.id))]
    assert actions == ["member.ban", "member.unban"]


def test_the_services_refuse_a_banned_member_on_their_own(app, site, rows):
    travel, _, member, post, moderator = site
    sanction_in_db = update(User).where(User.id == member.id)
    rows.execute(sanction_in_db.values(banned_until=sanctions.FOREVER, ban_reason="垃圾账号"))

    with app.app_context():
        banned = rows.get(User, member.id)
        with pytest.raises(Forbidden, match="垃圾账号"):
            post_service.create(banned, travel, "", "你好")
        with pytest.raises(Forbidden):
            likes.set_like(banned, rows.get(Post, post.id), True)


def test_silence_blocks_posting_and_commenting_only(site, login_client, rows):
    _, _, member, post, moderator = site
    sanction(login_client, moderator, member, "silence", "7d", "言语攻击")
    ajie = login_client(member)

    posted = ajie.post("/c/travel/posts", data={"title": "", "body": "我还能说话吗"})
    commented = ajie.post(f"/p/{post.id}/comments", data={"body": "顶"}, headers=HX)
    liked = ajie.post(f"/p/{post.id}/like", data={"liked": "1"})
    joined = ajie.post("/c/food/join")
    profile = ajie.post("/settings/profile", data={"nickname": "阿杰", "bio": "爱旅行"})

    assert posted.status_code == 403 and "你已被禁言（至 " in posted.text
    assert "言语攻击" in posted.text
    assert commented.status_code == 403 and commented.headers["HX-Retarget"] == "#toast"
    assert (liked.status_code, joined.status_code, profile.status_code) == (303, 303, 303)
    assert "你已被禁言" in ajie.get(f"/u/{member.member_no}").text
    assert rows.get(Post, post.id).like_count == 1
    assert len(rows.all(select(Post))) == 1 and rows.all(select(Comment)) == []


def test_remove_all_content_of_a_spam_account_fixes_every_count(site, make, login_client, rows):
    travel, owner, member, post, moderator = site
    spam = [make.post(member, travel, body=f"广告{i} #周末去哪儿#") for i in range(2)]
    ajie = login_client(member)
    for body in ("加群", "领红包"):
        ajie.post(f"/p/{post.id}/comments", data={"body": body})
    assert rows.get(Post, post.id).comment_count == 2
    assert rows.scalar(select(Topic.post_count)) == 3

    response = login_client(moderator).post(
        f"/mod/users/{member.member_no}/purge", data={"reason": "垃圾账号"}
    )

    assert response.status_code == 200 and "已删除 2 篇帖子、2 条评论" in response.text
    assert all(rows.get(Post, p.id).deleted_at for p in spam)
    assert rows.get(Post, post.id).deleted_at is None
    assert rows.get(Post, post.id).comment_count == 0
    assert rows.scalar(select(Circle.post_count).where(Circle.slug == "travel")) == 1
    assert rows.scalar(select(Topic.post_count)) == 1
    assert all(c.deleted_at and c.delete_reason == "垃圾账号" for c in rows.all(select(Comment)))
    [entry] = rows.all(select(AuditLog))
    assert (entry.action, entry.detail) == ("member.purge", {"posts": 2, "comments": 2})


def test_moderators_cannot_sanction_staff_and_nobody_themselves(site, make, login_client, rows):
    _, _, _, _, moderator = site
    other = make.member("banzhu2", role="moderator")
    admin = make.member("root", role="admin")

    by_mod = login_client(moderator).post(
        f"/mod/users/{other.member_no}/ban", data={"period": "1d", "reason": "x"}
    )
    on_self = login_client(admin).post(
        f"/mod/users/{admin.member_no}/ban", data={"period": "1d", "reason": "x"}
    )
    by_admin = login_client(admin).post(
        f"/mod/users/{other.member_no}/silence", data={"period": "1d", "reason": "越权"}
    )

    assert (by_mod.status_code, on_self.status_code, by_admin.status_code) == (403, 403, 303)
    assert rows.get(User, other.id).is_silenced and not rows.get(User, other.id).is_banned


def test_a_sanction_needs_a_reason_and_a_period(site, login_client, rows):
    _, _, member, _, moderator = site
    mod = login_client(moderator)

    no_reason = mod.post(f"/mod/users/{member.member_no}/ban", data={"period": "1d"})
    no_period = mod.post(f"/mod/users/{member.member_no}/ban", data={"reason": "广告"})

    assert no_reason.status_code == 422 and "请填写理由" in no_reason.text
    assert no_period.status_code == 422 and "请选择期限" in no_period.text
    assert not rows.get(User, member.id).is_banned


def test_the_members_page_finds_members_and_lists_the_sanctioned(site, login_client):
    _, _, member, _, moderator = site
    mod = login_client(moderator)
    sanction(login_client, moderator, member, "silence", "1d")

    assert "阿杰" in mod.get("/mod/users").text
    assert "阿杰" in mod.get(f"/mod/users?q={member.member_no}").text
    assert "禁言中" in mod.get(f"/mod/users/{member.member_no}").text
