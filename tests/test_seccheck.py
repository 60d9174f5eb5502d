"""WeChat's text security check as the second screen, against the fake WeChat server."""

from __future__ import annotations

import time

import pytest
from fake_wechat import FakeWeChat
from sqlalchemy import select, update

from forum.models import Comment, Post, QueueItem, User
from forum.services import seccheck
from forum.services.screening import Blocked


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
        "WECHAT_SECCHECK": True,
        "WECHAT_SECCHECK_TIMEOUT": 0.3,
    }


@pytest.fixture
def xiaomei(make, rows):
    """A member who came through the mini-program (she has an OpenID)."""
    member = make.member("xiaomei", nickname="小美")
    rows.execute(update(User).where(User.id == member.id).values(wechat_openid="o-xiaomei"))
    member.wechat_openid = "o-xiaomei"
    return member


@pytest.fixture
def check(app):
    def run(author, kind: str, fields: dict[str, str]):
        with app.app_context():
            return seccheck.check(author, kind, fields)

    return run


POST = {"title": "周末去哪儿", "body": "推荐一家新开的咖啡店，拿铁很好喝。"}


def test_text_wechat_passes_adds_nothing(check, wechat, xiaomei):
    assert check(xiaomei, "post", POST) is None

    [request] = wechat.sec_checks
    assert request == {
        "version": 2,
        "openid": "o-xiaomei",
        "scene": 3,
        "content": "周末去哪儿\n推荐一家新开的咖啡店，拿铁很好喝。",
    }


def test_review_goes_to_the_queue_with_wechats_label_and_trace(check, wechat, xiaomei):
    wechat.add_review_word("加微信", label=10001)
    fields = {"title": "", "body": "想要的朋友加微信聊"}

    decision = check(xiaomei, "post", fields)

    assert decision.action == "review" and decision.pending
    assert decision.fields == fields  # the text is kept as written
    assert decision.reasons == ["微信内容安全建议人工复核（广告）"]
    assert decision.spans == {"body": [(5, 8)]}
    info = decision.detail["wechat"]
    assert (info["suggest"], info["label"], info["label_name"]) == ("review", 10001, "广告")
    assert info["trace_id"].startswith("fake-trace-")
    assert info["keywords"] == ["加微信"]


def test_risky_is_blocked_naming_the_category(check, wechat, xiaomei):
    wechat.add_risky_word("赌博网站", label=20006)
    fields = {"title": "好消息", "body": "这里有个赌博网站，稳赚"}

    with pytest.raises(Blocked) as caught:
        check(xiaomei, "post", fields)

    message = "内容未通过微信安全检测（违法犯罪），请修改后再发布"
    assert caught.value.errors == {"body": message}
    decision = caught.value.decision
    assert decision.action == "block"
    assert decision.spans == {"body": [(4, 8)]}
    assert decision.detail["wechat"]["label"] == 20006


def test_risky_profile_text_points_at_the_field(check, wechat, xiaomei):
    wechat.add_risky_word("脏话", label=20003)

    with pytest.raises(Blocked) as caught:
        check(xiaomei, "profile", {"nickname": "脏话大王", "bio": "你好"})

    assert caught.value.errors == {"nickname": "内容未通过微信安全检测（辱骂），请修改后再发布"}


@pytest.mark.parametrize(
    ("errcode", "errmsg"),
    [(-1, "system error"), (45009, "reach max api daily quota limit"), (61010, "expired")],
)
def test_wechat_errors_send_the_text_to_review(check, wechat, xiaomei, errcode, errmsg):
    check(xiaomei, "comment", {"body": "先预热一下 token"})
    wechat.fail_next("/wxa/msg_sec_check", errcode, errmsg)

    decision = check(xiaomei, "comment", {"body": "沙发"})

    assert decision.action == "review"
    assert decision.fields == {"body": "沙发"}
    assert decision.reasons == ["微信内容安全检测暂时无法完成，已转人工审核"]
    assert decision.detail["wechat"]["error"] == errcode
    assert errmsg in decision.detail["wechat"]["errmsg"]


def test_wechat_down_sends_the_text_to_review(check, wechat, xiaomei):
    wechat.fail_next("/wxa/msg_sec_check", status=502, raw=b"<html>Bad Gateway</html>")

    decision = check(xiaomei, "comment", {"body": "沙发"})

    assert decision.action == "review"
    assert decision.detail["wechat"]["error"] == "unavailable"
    assert check(xiaomei, "comment", {"body": "沙发"}) is None  # WeChat is back


def test_a_slow_wechat_is_given_up_on_quickly(check, wechat, xiaomei):
    check(xiaomei, "post", POST)  # the token is fetched while the fake is quick
    wechat.delay = 3.0

    started = time.monotonic()
    decision = check(xiaomei, "post", POST)

    assert time.monotonic() - started < 1.5  # WECHAT_SECCHECK_TIMEOUT is 0.3 s
    assert decision.action == "review"
    assert decision.detail["wechat"]["error"] == "unavailable"
    assert decision.fields == POST


def test_a_refused_access_token_is_refreshed(check, wechat, xiaomei):
    assert check(xiaomei, "post", POST) is None
    assert wechat.token_fetches == 1
    wechat.invalidate_tokens()  # e.g. another system forced a new token

    assert check(xiaomei, "post", POST) is None

    assert wechat.token_fetches == 2
    assert len(wechat.sec_checks) == 3  # the refused try, then the retry


def test_an_expired_access_token_is_refreshed(check, wechat, xiaomei):
    check(xiaomei, "post", POST)
    wechat.expire_tokens()

    assert check(xiaomei, "post", POST) is None
    assert wechat.token_fetches == 2


def test_the_token_is_fetched_once_for_many_checks(check, wechat, xiaomei):
    for _ in range(3):
        check(xiaomei, "comment", {"body": "好看"})

    assert wechat.token_fetches == 1


@pytest.mark.parametrize(
    ("kind", "fields", "scene"),
    [
        ("post", {"title": "标题", "body": "正文"}, 3),
        ("comment", {"body": "评论"}, 2),
        ("profile", {"nickname": "小美", "bio": "喜欢咖啡"}, 1),
    ],
)
def test_each_kind_has_its_scene(check, wechat, xiaomei, kind, fields, scene):
    check(xiaomei, kind, fields)

    [request] = wechat.sec_checks
    assert request["scene"] == scene
    assert request["content"] == "\n".join(fields.values())


def test_circles_and_empty_text_are_not_sent(check, wechat, xiaomei):
    assert check(xiaomei, "circle", {"name": "咖啡", "description": "喝咖啡"}) is None
    assert check(xiaomei, "post", {"title": "", "body": "   "}) is None

    assert wechat.requests == []


def test_only_wechat_members_are_checked(check, wechat, make):
    laoli = make.member("laoli")  # registered with a password: no OpenID

    assert check(laoli, "post", POST) is None
    assert wechat.requests == []


def test_the_check_is_off_unless_switched_on(app, wechat, xiaomei):
    app.config["WECHAT_SECCHECK"] = False
    wechat.add_risky_word("周末")

    with app.app_context():
        assert seccheck.check(xiaomei, "post", POST) is None
    assert wechat.requests == []


def test_the_switch_reads_the_environment(monkeypatch, tmp_path):
    from forum import config

    monkeypatch.setenv("FORUM_SECRET_KEY", "x")
    monkeypatch.setenv("FORUM_WECHAT_SECCHECK", "on")
    monkeypatch.setenv("FORUM_WECHAT_SECCHECK_TIMEOUT", "1.5")
    settings = config.load(str(tmp_path))
    assert settings["WECHAT_SECCHECK"] is True
    assert settings["WECHAT_SECCHECK_TIMEOUT"] == 1.5

    monkeypatch.delenv("FORUM_WECHAT_SECCHECK")
    assert config.load(str(tmp_path))["WECHAT_SECCHECK"] is False


# -- through the screen: what a member posting from the mini-program sees -------------


@pytest.fixture
def circle(make, xiaomei):
    circle = make.circle(make.member("laoli"), slug="coffee", name="咖啡")
    make.join(xiaomei, circle)
    return circle


def write_post(client, body: str, title: str = ""):
    return client.post("/c/coffee/posts", data={"title": title, "body": body})


def test_a_post_wechat_passes_is_published(login_client, wechat, xiaomei, circle, rows):
    response = write_post(login_client(xiaomei), "拿铁很好喝", title="探店")

    assert response.status_code == 303
    post = rows.one(select(Post))
    assert post.status == "published"
    assert [(c["scene"], c["content"]) for c in wechat.sec_checks] == [(3, "探店\n拿铁很好喝")]
    assert rows.all(select(QueueItem)) == []


def test_a_post_wechat_doubts_waits_for_a_moderator(login_client, wechat, xiaomei, circle, rows):
    wechat.add_review_word("加微信", label=10001)

    response = write_post(login_client(xiaomei), "想要的朋友加微信聊")

    assert response.status_code == 303
    post = rows.one(select(Post))
    assert post.status == "pending"
    item = rows.one(select(QueueItem))
    assert (item.target_kind, item.target_id, item.source) == ("post", post.id, "wechat")
    assert item.detail["wechat"]["label"] == 10001
    assert item.detail["wechat"]["trace_id"].startswith("fake-trace-")
    assert any(r["kind"] == "wechat" and r["category"] == "广告" for r in item.reasons)


def test_a_post_wechat_finds_risky_is_refused(login_client, wechat, xiaomei, circle, rows):
    wechat.add_risky_word("赌博网站", label=20006)

    response = write_post(login_client(xiaomei), "这里有个赌博网站，稳赚")

    assert response.status_code == 422
    assert "违法犯罪" in response.text
    assert "这里有个赌博网站，稳赚" in response.text  # the member's text is kept
    assert rows.all(select(Post)) == []


def test_a_post_is_kept_for_review_when_wechat_is_slow(login_client, wechat, xiaomei, circle, rows):
    client = login_client(xiaomei)
    write_post(client, "第一帖")  # the token is fetched while the fake is quick
    wechat.delay = 3.0

    response = write_post(client, "第二帖")

    assert response.status_code == 303
    second = rows.one(select(Post).where(Post.body == "第二帖"))
    assert second.status == "pending"
    item = rows.one(select(QueueItem))
    assert item.detail["wechat"]["error"] == "unavailable"


def test_a_comment_is_checked_as_a_comment(login_client, wechat, make, xiaomei, circle, rows):
    laowang = make.member("laowang")  # no WeChat: his post is not sent to WeChat
    make.join(laowang, circle)
    post = make.post(laowang, circle, body="周末去哪儿？")
    wechat.add_review_word("加微信", label=10001)

    response = login_client(xiaomei).post(f"/p/{post.id}/comments", data={"body": "加微信聊"})

    assert response.status_code == 303
    assert rows.one(select(Comment)).status == "pending"
    assert [c["scene"] for c in wechat.sec_checks] == [2]


def test_profile_text_is_checked_as_a_profile(login_client, wechat, xiaomei):
    wechat.add_review_word("加微信", label=10001)
    client = login_client(xiaomei)

    fine = client.post("/settings/profile", data={"nickname": "小美", "bio": "喜欢咖啡"})
    doubtful = client.post("/settings/profile", data={"nickname": "小美", "bio": "加微信"})

    assert fine.status_code == 303
    assert doubtful.status_code == 422  # a profile cannot wait for a moderator
    assert [c["scene"] for c in wechat.sec_checks] == [1, 1]
