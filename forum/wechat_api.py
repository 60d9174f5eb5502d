"""A small client for the WeChat server API the forum needs.

Three calls, standard library only (``urllib.request`` and ``json``), safe to share
between threads:

- ``code2session(code)``: trade a ``wx.login`` code for the member's OpenID, UnionID
  (when the mini-program is bound to an Open Platform account) and ``session_key``;
- ``access_token()``: the server-to-server credential, cached until shortly before it
  expires and refreshed by one thread at a time;
- ``msg_sec_check(openid, scene, content)``: WeChat's text security check (version 2),
  splitting long text into chunks WeChat accepts and reporting the strictest answer.

Errors. ``WeChatError`` is raised when WeChat answers with a non-zero ``errcode``; it
carries ``errcode``, ``errmsg`` (WeChat's words, for logs) and ``message`` (Chinese, for
the member). ``WeChatUnavailable`` is a *subclass* of ``WeChatError`` (``errcode`` is
``None``) raised on timeouts, connection errors, HTTP errors and answers that are not
JSON: ``except WeChatError`` catches every failure, ``except WeChatUnavailable`` only
the ones where WeChat could not be asked. ``error.retryable`` says whether trying again
later may help.

The ``session_key`` is a secret between this server and WeChat: it is kept only in the
``WeChatSession`` it was returned in (and left out of that object's ``repr``), never
logged, never put into an exception. The app secret and access token travel in query
strings, so URLs are never logged or put into exceptions either.
"""

from __future__ import annotations

import enum
import http.client
import json
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "LABEL_NAMES",
    "SEC_CHECK_LIMIT",
    "SecCheckResult",
    "SecCheckScene",
    "WeChatClient",
    "WeChatError",
    "WeChatSession",
    "WeChatUnavailable",
    "split_for_sec_check",
]

log = logging.getLogger(__name__)

#: The most characters ``wxa/msg_sec_check`` accepts in one ``content``.
SEC_CHECK_LIMIT = 2500

#: Refresh the access token this many seconds before WeChat says it expires.
TOKEN_REFRESH_MARGIN = 300.0

# errcodes meaning "this access token is no longer good": invalid, expired, and the
# classic "invalid access_token" some endpoints answer instead of 40001.
_TOKEN_ERRCODES = frozenset({40001, 40014, 42001})

_MESSAGES: dict[int, str] = {
    -1: "微信系统繁忙，请稍后再试",
    40001: "微信服务暂时不可用，请稍后再试",
    40003: "微信用户身份无效，请重新进入小程序",
    40013: "小程序配置有误，请联系管理员",
    40014: "微信服务暂时不可用，请稍后再试",
    40029: "登录凭证无效，请重新进入小程序",
    40125: "小程序配置有误，请联系管理员",
    40163: "登录凭证已被使用，请重新进入小程序",
    40226: "该微信账号存在风险，暂时无法登录",
    42001: "微信服务暂时不可用，请稍后再试",
    45009: "微信接口调用已达今日上限，请稍后再试",
    45011: "请求太频繁，请稍后再试",
    47001: "提交给微信的数据格式有误",
    61010: "登录已过期，请重新进入小程序",
    87014: "内容含有违法违规信息",
}
_DEFAULT_MESSAGE = "微信服务出错（错误码 {errcode}），请稍后再试"
_UNAVAILABLE_MESSAGE = "微信服务暂时不可用，请稍后再试"
_RETRYABLE = frozenset({-1, 45009, 45011, *_TOKEN_ERRCODES})

#: Chinese names of msg_sec_check labels, for messages that name the category.
LABEL_NAMES: dict[int, str] = {
    100: "正常",
    10001: "广告",
    20001: "时政",
    20002: "色情",
    20003: "辱骂",
    20006: "违法犯罪",
    20008: "欺诈",
    20012: "低俗",
    20013: "版权",
    21000: "其他",
}

Suggest = Literal["pass", "review", "risky"]
_STRICTNESS: dict[str, int] = {"pass": 0, "review": 1, "risky": 2}


class WeChatError(Exception):
    """WeChat answered with a non-zero ``errcode``.

    ``message`` is a Chinese sentence fit to show a member; ``errmsg`` is WeChat's own
    text, for logs.
    """

    def __init__(self, errcode: int | None, errmsg: str, message: str | None = None):
        self.errcode = errcode
        self.errmsg = errmsg
        if message is None:
            message = _MESSAGES.get(errcode, _DEFAULT_MESSAGE.format(errcode=errcode))
        self.message = message
        super().__init__(f"WeChat error {errcode}: {errmsg}")

    @property
    def retryable(self) -> bool:
        """True when the same call may succeed later (busy, rate limited, token)."""
        return self.errcode in _RETRYABLE


class WeChatUnavailable(WeChatError):
    """WeChat could not be asked: timeout, connection error, HTTP error or non-JSON."""

    def __init__(self, reason: str):
        super().__init__(None, reason, _UNAVAILABLE_MESSAGE)

    def __str__(self) -> str:
        return f"WeChat unavailable: {self.errmsg}"

    @property
    def retryable(self) -> bool:
        return True


@dataclass(frozen=True, slots=True)
class WeChatSession:
    """What ``code2session`` returns. ``session_key`` is secret: keep it server-side."""

    openid: str
    unionid: str | None
    session_key: str = field(repr=False)


class SecCheckScene(enum.IntEnum):
    """Where the checked text appears (msg_sec_check ``scene``)."""

    PROFILE = 1
    COMMENT = 2
    FORUM = 3
    SOCIAL_LOG = 4


@dataclass(frozen=True, slots=True)
class SecCheckResult:
    """WeChat's verdict on a text: ``suggest`` is pass, review or risky."""

    suggest: Suggest
    label: int
    trace_id: str
    keywords: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return self.suggest == "pass"

    @property
    def label_name(self) -> str:
        """The label's Chinese category name (其他 for labels we do not know)."""
        return LABEL_NAMES.get(self.label, "其他")


class WeChatClient:
    """WeChat server API for one mini-program (``appid``/``secret``).

    ``api_base`` is ``https://api.weixin.qq.com`` in production (a fake in tests).
    ``clock`` returns seconds (``time.time`` by default) and only decides when the
    cached access token is due for refresh. ``token_api`` chooses the token endpoint:
    ``"stable"`` (``cgi-bin/stable_token``, the default: every worker and host gets the
    same token, so they do not invalidate one another) or ``"classic"``
    (``cgi-bin/token``).
    """

    def __init__(
        self,
        api_base: str,
        appid: str,
        secret: str,
        timeout: float = 3.0,
        clock: Callable[[], float] = time.time,
        *,
        token_api: Literal["stable", "classic"] = "stable",
        refresh_margin: float = TOKEN_REFRESH_MARGIN,
    ) -> None:
        if token_api not in ("stable", "classic"):
            raise ValueError(f"token_api must be 'stable' or 'classic', not {token_api!r}")
        self.api_base = api_base.rstrip("/")
        self.appid = appid
        self._secret = secret
        self.timeout = timeout
        self._clock = clock
        self._token_api = token_api
        self._refresh_margin = refresh_margin
        self._token_lock = threading.Lock()
        self._token: str | None = None
        self._token_expires_at = 0.0
        self._token_refresh_at = 0.0

    def __repr__(self) -> str:
        return f"WeChatClient(api_base={self.api_base!r}, appid={self.appid!r})"

    # -- login ---------------------------------------------------------------------

    def code2session(self, code: str) -> WeChatSession:
        """Trade a ``wx.login`` code (single use, about 5 minutes) for the member's ids."""
        if not isinstance(code, str) or not code:
            raise WeChatError(40029, "empty js_code")
        data = self._get(
            "/sns/jscode2session",
            {
                "appid": self.appid,
                "secret": self._secret,
                "js_code": code,
                "grant_type": "authorization_code",
            },
        )
        openid = data.get("openid")
        session_key = data.get("session_key")
        if not isinstance(openid, str) or not openid or not isinstance(session_key, str):
            raise WeChatUnavailable("jscode2session answer has no openid/session_key")
        unionid = data.get("unionid")
        return WeChatSession(
            openid=openid,
            unionid=unionid if isinstance(unionid, str) and unionid else None,
            session_key=session_key,
        )

    # -- access token --------------------------------------------------------------

    def access_token(self) -> str:
        """The server's access token, fetched once and refreshed near its expiry."""
        with self._token_lock:
            now = self._clock()
            if self._token is not None and now < self._token_refresh_at:
                return self._token
            try:
                token, expires_in = self._fetch_token()
            except WeChatError:
                # Inside the margin the old token still works: better than failing.
                if self._token is not None and now < self._token_expires_at:
                    log.warning("access token refresh failed; using the current one")
                    return self._token
                raise
            self._token = token
            self._token_expires_at = now + expires_in
            # The stable endpoint hands back the current token with what is left of its
            # life, which may be shorter than the margin: then refresh at half-life.
            self._token_refresh_at = now + expires_in - min(self._refresh_margin, expires_in / 2)
            return token

    def _invalidate_token(self, token: str) -> None:
        # Only drop the token that failed: another thread may already have a newer one.
        with self._token_lock:
            if self._token == token:
                self._token = None
                self._token_expires_at = self._token_refresh_at = 0.0

    def _fetch_token(self) -> tuple[str, float]:
        if self._token_api == "stable":
            data = self._post_json(
                "/cgi-bin/stable_token",
                None,
                {
                    "grant_type": "client_credential",
                    "appid": self.appid,
                    "secret": self._secret,
                    "force_refresh": False,
                },
            )
        else:
            data = self._get(
                "/cgi-bin/token",
                {"grant_type": "client_credential", "appid": self.appid, "secret": self._secret},
            )
        token = data.get("access_token")
        expires_in = data.get("expires_in", 7200)
        if not isinstance(token, str) or not token or not isinstance(expires_in, int | float):
            raise WeChatUnavailable("token answer has no access_token")
        log.info("fetched a WeChat access token (expires in %ss)", expires_in)
        return token, float(expires_in)

    def _with_token(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST with the access token, retrying once with a fresh one if it was refused."""
        token = self.access_token()
        try:
            return self._post_json(path, {"access_token": token}, body)
        except WeChatError as error:
            if error.errcode not in _TOKEN_ERRCODES:
                raise
            log.warning("WeChat refused the access token (%s); fetching a new one", error.errcode)
            self._invalidate_token(token)
        return self._post_json(path, {"access_token": self.access_token()}, body)

    # -- content security ----------------------------------------------------------

    def msg_sec_check(self, openid: str, scene: int, content: str) -> SecCheckResult:
        """Check a text with WeChat (``wxa/msg_sec_check`` version 2).

        ``scene`` is a ``SecCheckScene`` (1 profile, 2 comment, 3 forum, 4 social log);
        ``openid`` must belong to a member who used the mini-program in the last two
        hours. Text longer than ``SEC_CHECK_LIMIT`` characters is checked in chunks
        (cut at line or sentence ends where possible) and the strictest answer wins.
        Empty text passes without a call.
        """
        scene = SecCheckScene(scene)
        chunks = split_for_sec_check(content)
        if not chunks:
            return SecCheckResult(suggest="pass", label=100, trace_id="")
        strictest: SecCheckResult | None = None
        for chunk in chunks:
            result = self._check_chunk(openid, scene, chunk)
            if strictest is None or _STRICTNESS[result.suggest] > _STRICTNESS[strictest.suggest]:
                strictest = result
            if strictest.suggest == "risky":
                break
        assert strictest is not None
        return strictest

    def _check_chunk(self, openid: str, scene: SecCheckScene, content: str) -> SecCheckResult:
        data = self._with_token(
            "/wxa/msg_sec_check",
            {"version": 2, "openid": openid, "scene": int(scene), "content": content},
        )
        result = data.get("result")
        if not isinstance(result, dict) or result.get("suggest") not in _STRICTNESS:
            raise WeChatUnavailable("msg_sec_check answer has no result.suggest")
        try:
            label = int(result.get("label", 100))
        except (TypeError, ValueError):
            label = 21000
        keywords = tuple(
            item["keyword"]
            for item in data.get("detail") or ()
            if isinstance(item, dict) and isinstance(item.get("keyword"), str) and item["keyword"]
        )
        return SecCheckResult(
            suggest=result["suggest"],
            label=label,
            trace_id=str(data.get("trace_id", "")),
            keywords=keywords,
        )

    # -- HTTP ----------------------------------------------------------------------

    def _get(self, path: str, query: dict[str, str]) -> dict[str, Any]:
        return self._call("GET", path, query, None)

    def _post_json(
        self, path: str, query: dict[str, str] | None, body: dict[str, Any]
    ) -> dict[str, Any]:
        return self._call("POST", path, query, body)

    def _call(
        self,
        method: str,
        path: str,
        query: dict[str, str] | None,
        body: dict[str, Any] | None,
    ) -> dict[str, Any]:
        """One request; returns the JSON object or raises. Never logs the URL (secrets)."""
        url = self.api_base + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        data = None
        headers = {"Accept": "application/json"}
        if body is not None:
            # WeChat expects UTF-8 JSON with the Chinese text as-is, not \u escapes.
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json; charset=utf-8"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as error:
            error.close()
            log.warning("WeChat %s answered HTTP %s", path, error.code)
            raise WeChatUnavailable(f"{path}: HTTP {error.code}") from None
        except (OSError, http.client.HTTPException) as error:  # URLError, timeouts
            reason = getattr(error, "reason", error)
            log.warning("WeChat %s unreachable: %s", path, reason)
            raise WeChatUnavailable(f"{path}: {reason}") from None
        try:
            answer = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            log.warning("WeChat %s answered something that is not JSON", path)
            raise WeChatUnavailable(f"{path}: answer is not JSON") from None
        if not isinstance(answer, dict):
            raise WeChatUnavailable(f"{path}: answer is not a JSON object")
        errcode = answer.get("errcode", 0)
        if errcode not in (0, None):
            errmsg = str(answer.get("errmsg", ""))
            log.warning("WeChat %s errcode %s: %s", path, errcode, errmsg)
            try:
                errcode = int(errcode)
            except (TypeError, ValueError):
                raise WeChatUnavailable(f"{path}: errcode {errcode!r}") from None
            raise WeChatError(errcode, errmsg)
        return answer


_BREAKS = "\n。！？!?；;"


def split_for_sec_check(content: str, limit: int = SEC_CHECK_LIMIT) -> list[str]:
    """Cut ``content`` into pieces of at most ``limit`` characters.

    A piece ends after the last line break or sentence end in its second half when
    there is one, so that a word is rarely cut in two; otherwise it is cut at the
    limit. Whitespace-only text gives no pieces.
    """
    if not content.strip():
        return []
    chunks: list[str] = []
    rest = content
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind(mark) for mark in _BREAKS) + 1
        if cut <= limit // 2:
            cut = limit
        chunks.append(rest[:cut])
        rest = rest[cut:]
    if rest.strip():
        chunks.append(rest)
    return [chunk for chunk in chunks if chunk.strip()]
