"""The WeChat server-API client against the fake WeChat server on loopback."""

from __future__ import annotations

import threading

import pytest
from fake_wechat import FakeWeChat  # tests/ is on sys.path (rootdir conftest)

from forum.wechat_api import (
    SEC_CHECK_LIMIT,
    SecCheckResult,
    SecCheckScene,
    WeChatClient,
    WeChatError,
    WeChatSession,
    WeChatUnavailable,
)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def wechat():
    with FakeWeChat() as fake:
        yield fake


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def client(wechat, clock):
    return WeChatClient(wechat.base_url, wechat.appid, wechat.secret, timeout=2.0, clock=clock)


# -- login -------------------------------------------------------------------------


def test_code2session_with_unionid(wechat, client):
    wechat.add_code("code-1", openid="o-xiaomei", unionid="u-xiaomei", session_key="k+/==")

    session = client.code2session("code-1")

    assert session == WeChatSession(openid="o-xiaomei", unionid="u-xiaomei", session_key="k+/==")
    [request] = wechat.requests
    assert request.path == "/sns/jscode2session"
    assert request.query == {
        "appid": wechat.appid,
        "secret": wechat.secret,
        "js_code": "code-1",
        "grant_type": "authorization_code",
    }


def test_code2session_without_unionid(wechat, client):
    wechat.add_code("code-2", openid="o-laowang")

    session = client.code2session("code-2")

    assert session.openid == "o-laowang"
    assert session.unionid is None


def test_session_key_stays_out_of_repr(wechat, client):
    wechat.add_code("code-3", openid="o-1", session_key="very-secret-key")

    session = client.code2session("code-3")

    assert "very-secret-key" not in repr(session)
    assert session.session_key == "very-secret-key"


def test_reused_code_is_refused(wechat, client):
    wechat.add_code("once", openid="o-1")
    client.code2session("once")

    with pytest.raises(WeChatError) as caught:
        client.code2session("once")

    assert caught.value.errcode == 40163
    assert "已被使用" in caught.value.message


@pytest.mark.parametrize(
    ("errcode", "words", "retryable"),
    [
        (40029, "登录凭证无效", False),
        (45011, "请求太频繁", True),
        (40226, "账号存在风险", False),
        (-1, "微信系统繁忙", True),
    ],
)
def test_code2session_errors_carry_a_chinese_message(wechat, client, errcode, words, retryable):
    wechat.add_code_error("bad", errcode)

    with pytest.raises(WeChatError) as caught:
        client.code2session("bad")

    error = caught.value
    assert error.errcode == errcode
    assert words in error.message
    assert error.retryable is retryable
    assert not isinstance(error, WeChatUnavailable)


def test_unknown_code_is_invalid(client):
    with pytest.raises(WeChatError) as caught:
        client.code2session("never-issued")

    assert caught.value.errcode == 40029
    assert "登录凭证无效" in caught.value.message


def test_empty_code_is_refused_without_asking_wechat(wechat, client):
    with pytest.raises(WeChatError) as caught:
        client.code2session("")

    assert caught.value.errcode == 40029
    assert wechat.requests == []


def test_unknown_errcode_gets_a_generic_message(wechat, client):
    wechat.add_code_error("odd", 49999, "something new")

    with pytest.raises(WeChatError) as caught:
        client.code2session("odd")

    assert "49999" in caught.value.message
    assert caught.value.errmsg.startswith("something new")


def test_wrong_secret_is_reported(wechat, clock):
    client = WeChatClient(wechat.base_url, wechat.appid, "not-the-secret", clock=clock)
    wechat.add_code("code", openid="o-1")

    with pytest.raises(WeChatError) as caught:
        client.code2session("code")

    assert caught.value.errcode == 40125
    assert "not-the-secret" not in str(caught.value)


def test_timeout_is_unavailable(wechat, clock):
    client = WeChatClient(wechat.base_url, wechat.appid, wechat.secret, timeout=0.2, clock=clock)
    wechat.add_code("slow", openid="o-1")
    wechat.delay = 5.0

    with pytest.raises(WeChatUnavailable) as caught:
        client.code2session("slow")

    assert caught.value.errcode is None
    assert caught.value.retryable
    assert "暂时不可用" in caught.value.message


def test_connection_refused_is_unavailable(clock):
    with FakeWeChat() as fake:
        base_url = fake.base_url
    client = WeChatClient(base_url, "wx1", "s", timeout=1.0, clock=clock)

    with pytest.raises(WeChatUnavailable):
        client.code2session("any")


def test_html_answer_is_unavailable(wechat, client):
    wechat.fail_next("/sns/jscode2session", raw=b"<html>502 Bad Gateway</html>")

    with pytest.raises(WeChatUnavailable, match="not JSON"):
        client.code2session("code")


def test_http_error_is_unavailable(wechat, client):
    wechat.fail_next("/sns/jscode2session", status=502, raw=b"bad gateway")

    with pytest.raises(WeChatUnavailable, match="HTTP 502"):
        client.code2session("code")


def test_unavailable_is_a_wechat_error(wechat, client):
    wechat.fail_next("/sns/jscode2session", raw=b"")

    with pytest.raises(WeChatError):
        client.code2session("code")


# -- access token ------------------------------------------------------------------


def test_token_is_fetched_once_for_many_checks(wechat, client):
    for n in range(5):
        result = client.msg_sec_check("o-1", SecCheckScene.FORUM, f"第{n}篇：今天天气真好")
        assert result.suggest == "pass"

    assert wechat.token_fetches == 1
    tokens = {check_request.query["access_token"] for check_request in _check_requests(wechat)}
    assert tokens == set(wechat.issued_tokens)


def test_stable_token_endpoint_is_the_default(wechat, client):
    client.access_token()

    [request] = wechat.requests
    assert request.method == "POST"
    assert request.path == "/cgi-bin/stable_token"
    assert request.body == {
        "grant_type": "client_credential",
        "appid": wechat.appid,
        "secret": wechat.secret,
        "force_refresh": False,
    }


def test_classic_token_endpoint(wechat, clock):
    client = WeChatClient(
        wechat.base_url, wechat.appid, wechat.secret, clock=clock, token_api="classic"
    )

    token = client.access_token()

    [request] = wechat.requests
    assert (request.method, request.path) == ("GET", "/cgi-bin/token")
    assert request.query["grant_type"] == "client_credential"
    assert token == wechat.issued_tokens[0]
    assert client.msg_sec_check("o-1", 3, "你好").suggest == "pass"


def test_token_is_refreshed_before_it_expires(wechat, client, clock):
    first = client.access_token()
    clock.now += 7200 - 301
    assert client.access_token() == first
    assert wechat.token_fetches == 1

    clock.now += 2  # now inside the 300 s margin
    client.access_token()

    assert wechat.token_fetches == 2


def test_short_lived_stable_token_is_not_fetched_on_every_call(wechat, client, clock):
    wechat.token_expires_in = 200  # what is left of the current stable token's life
    client.access_token()

    clock.now += 90
    client.access_token()
    assert wechat.token_fetches == 1

    clock.now += 20  # past half of its life
    client.access_token()
    assert wechat.token_fetches == 2


def test_classic_token_refresh_gives_a_new_token(wechat, clock):
    client = WeChatClient(
        wechat.base_url, wechat.appid, wechat.secret, clock=clock, token_api="classic"
    )
    first = client.access_token()
    clock.now += 7200 - 299

    assert client.access_token() != first
    assert wechat.token_fetches == 2


def test_token_refresh_failure_keeps_a_still_valid_token(wechat, client, clock):
    first = client.access_token()
    clock.now += 7200 - 100
    wechat.fail_next("/cgi-bin/stable_token", -1, "system busy")

    assert client.access_token() == first

    clock.now += 200  # really expired now: no fallback
    wechat.fail_next("/cgi-bin/stable_token", -1, "system busy")
    with pytest.raises(WeChatError) as caught:
        client.access_token()
    assert caught.value.errcode == -1


def test_token_errors_are_raised(wechat, client):
    wechat.fail_next("/cgi-bin/stable_token", 40013, "invalid appid")

    with pytest.raises(WeChatError) as caught:
        client.msg_sec_check("o-1", SecCheckScene.COMMENT, "你好")

    assert caught.value.errcode == 40013
    assert "配置有误" in caught.value.message


def test_one_token_fetch_across_threads(wechat, client):
    wechat.delay = 0.2  # every answer is slow, so the threads overlap
    tokens: list[str] = []
    barrier = threading.Barrier(8)

    def fetch() -> None:
        barrier.wait()
        tokens.append(client.access_token())

    threads = [threading.Thread(target=fetch) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(set(tokens)) == 1
    assert wechat.token_fetches == 1


@pytest.mark.parametrize("expire", ["invalidate_tokens", "expire_tokens"])
def test_refused_token_is_replaced_once(wechat, client, expire):
    client.msg_sec_check("o-1", SecCheckScene.FORUM, "第一篇")
    getattr(wechat, expire)()  # 40001 or 42001 on the next check

    result = client.msg_sec_check("o-1", SecCheckScene.FORUM, "第二篇")

    assert result.suggest == "pass"
    assert wechat.token_fetches == 2
    first, refused, retried = _check_requests(wechat)
    assert refused.query["access_token"] == first.query["access_token"]
    assert retried.query["access_token"] != refused.query["access_token"]


def test_token_refused_twice_is_an_error(wechat, client):
    client.access_token()
    wechat.fail_next("/wxa/msg_sec_check", 40001, "invalid credential", times=2)

    with pytest.raises(WeChatError) as caught:
        client.msg_sec_check("o-1", SecCheckScene.FORUM, "你好")

    assert caught.value.errcode == 40001
    assert len(_check_requests(wechat)) == 2


# -- msg_sec_check -----------------------------------------------------------------


def test_sec_check_pass_sends_the_documented_body(wechat, client):
    result = client.msg_sec_check("o-xiaomei", SecCheckScene.COMMENT, "这家店的拿铁很好喝")

    assert result.suggest == "pass"
    assert result.passed
    assert result.label == 100
    assert result.trace_id.startswith("fake-trace-")
    assert wechat.sec_checks == [
        {"version": 2, "openid": "o-xiaomei", "scene": 2, "content": "这家店的拿铁很好喝"}
    ]


def test_sec_check_review(wechat, client):
    wechat.add_review_word("加微信", label=10001)

    result = client.msg_sec_check("o-1", SecCheckScene.FORUM, "想要同款的加微信私聊")

    assert result.suggest == "review"
    assert result.label == 10001
    assert result.label_name == "广告"
    assert result.keywords == ("加微信",)
    assert not result.passed


def test_sec_check_risky(wechat, client):
    wechat.add_risky_word("赌博网站", label=20006)
    wechat.add_review_word("加微信", label=10001)

    result = client.msg_sec_check("o-1", 3, "推荐一个赌博网站，加微信")

    assert result.suggest == "risky"
    assert result.label == 20006
    assert result.label_name == "违法犯罪"
    assert "赌博网站" in result.keywords


@pytest.mark.parametrize("scene", list(SecCheckScene))
def test_sec_check_scenes(wechat, client, scene):
    client.msg_sec_check("o-1", scene, "你好")

    assert wechat.sec_checks[-1]["scene"] == int(scene)


def test_sec_check_rejects_unknown_scene(wechat, client):
    with pytest.raises(ValueError):
        client.msg_sec_check("o-1", 9, "你好")

    assert wechat.requests == []


def test_sec_check_empty_content_passes_without_a_call(wechat, client):
    assert client.msg_sec_check("o-1", SecCheckScene.FORUM, "  \n ") == SecCheckResult(
        suggest="pass", label=100, trace_id=""
    )
    assert wechat.requests == []


@pytest.mark.parametrize(
    ("errcode", "words"),
    [(61010, "重新进入小程序"), (40003, "用户身份无效"), (-1, "微信系统繁忙")],
)
def test_sec_check_errors(wechat, client, errcode, words):
    client.access_token()
    wechat.fail_next("/wxa/msg_sec_check", errcode)

    with pytest.raises(WeChatError) as caught:
        client.msg_sec_check("o-1", SecCheckScene.FORUM, "你好")

    assert caught.value.errcode == errcode
    assert words in caught.value.message


def test_sec_check_answer_without_result_is_unavailable(wechat, client):
    client.access_token()
    wechat.fail_next("/wxa/msg_sec_check", raw=b'{"errcode": 0, "errmsg": "ok"}')

    with pytest.raises(WeChatUnavailable):
        client.msg_sec_check("o-1", SecCheckScene.FORUM, "你好")


def test_sec_check_timeout_is_unavailable(wechat, clock):
    client = WeChatClient(wechat.base_url, wechat.appid, wechat.secret, timeout=0.2, clock=clock)
    client.access_token()
    wechat.delay = 5.0

    with pytest.raises(WeChatUnavailable):
        client.msg_sec_check("o-1", SecCheckScene.FORUM, "你好")


def test_long_content_is_checked_in_chunks(wechat, client):
    paragraph = "今天去了新开的咖啡店，环境很好，拿铁也很好喝。\n"  # 24 characters
    content = paragraph * 300  # 7,200 characters

    result = client.msg_sec_check("o-1", SecCheckScene.FORUM, content)

    assert result.suggest == "pass"
    chunks = [body["content"] for body in wechat.sec_checks]
    assert len(chunks) == 3
    assert all(len(chunk) <= SEC_CHECK_LIMIT for chunk in chunks)
    assert "".join(chunks) == content
    assert all(chunk.endswith("\n") for chunk in chunks[:-1])  # cut between lines


def test_long_content_without_breaks_is_cut_at_the_limit(wechat, client):
    content = "好" * (SEC_CHECK_LIMIT * 2 + 10)

    client.msg_sec_check("o-1", SecCheckScene.FORUM, content)

    assert [len(body["content"]) for body in wechat.sec_checks] == [2500, 2500, 10]


def test_long_content_returns_the_strictest_chunk(wechat, client):
    wechat.add_review_word("加微信", label=10001)
    wechat.add_risky_word("赌博网站", label=20006)
    filler = "普通的内容。" * 500  # 3,000 characters
    content = "想要的加微信。" + filler + "这里有个赌博网站。" + filler

    result = client.msg_sec_check("o-1", SecCheckScene.FORUM, content)

    assert result.suggest == "risky"
    assert result.label == 20006


def test_long_content_review_in_a_later_chunk(wechat, client):
    wechat.add_review_word("加微信", label=10001)
    content = "普通的内容。" * 500 + "加微信"

    result = client.msg_sec_check("o-1", SecCheckScene.FORUM, content)

    assert result.suggest == "review"
    assert len(wechat.sec_checks) == 2


def _check_requests(wechat: FakeWeChat):
    return [r for r in wechat.requests if r.path == "/wxa/msg_sec_check"]
