"""A fake WeChat server API on loopback, for tests.

It speaks the documented protocol of the three endpoints the forum uses:

- ``GET /sns/jscode2session`` (login codes are single use: a second use answers 40163,
  an unknown code 40029);
- ``GET /cgi-bin/token`` and ``POST /cgi-bin/stable_token`` (access tokens, counted;
  ``expires_in`` is configurable; tokens can be invalidated to provoke 40001 or marked
  expired to provoke 42001);
- ``POST /wxa/msg_sec_check`` version 2 (answers by word rules, records every request).

Use it as a context manager; everything is scripted from the test::

    with FakeWeChat() as wechat:
        wechat.add_code("c1", openid="o-1", unionid="u-1")
        wechat.add_risky_word("违禁词", label=20001)
        client = WeChatClient(wechat.base_url, wechat.appid, wechat.secret)

The server runs on 127.0.0.1 with an ephemeral port, in a background thread; leaving
the ``with`` block stops it, wakes any slow handler and closes every socket.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["FakeWeChat", "RecordedRequest"]

DEFAULT_APPID = "wx0000000000000000"
DEFAULT_SECRET = "fake-app-secret"
SEC_CHECK_LIMIT = 2500


@dataclass(frozen=True)
class RecordedRequest:
    """One request the fake received. ``body`` is the parsed JSON body, or None."""

    method: str
    path: str
    query: dict[str, str]
    body: Any


@dataclass
class _Token:
    value: str
    expires_at: float  # time.monotonic()
    valid: bool = True


@dataclass
class _Scripted:
    """A canned answer for the next ``times`` requests to a path."""

    times: int
    status: int = 200
    payload: dict[str, Any] | None = None
    raw: bytes | None = None


@dataclass
class _State:
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    used_codes: set[str] = field(default_factory=set)
    tokens: dict[str, _Token] = field(default_factory=dict)
    stable_token: str | None = None
    risky_words: dict[str, int] = field(default_factory=dict)
    review_words: dict[str, int] = field(default_factory=dict)
    scripted: dict[str, list[_Scripted]] = field(default_factory=dict)
    requests: list[RecordedRequest] = field(default_factory=list)


class FakeWeChat:
    """A scriptable fake of WeChat's server API; see the module docstring.

    Attributes tests may set at any time: ``delay`` (seconds every answer waits, to
    cause client timeouts), ``token_expires_in`` (seconds, for tokens issued next).
    """

    def __init__(
        self,
        *,
        appid: str = DEFAULT_APPID,
        secret: str = DEFAULT_SECRET,
        token_expires_in: int = 7200,
    ) -> None:
        self.appid = appid
        self.secret = secret
        self.token_expires_in = token_expires_in
        self.delay = 0.0
        self._lock = threading.Lock()
        self._state = _State()
        self._serial = itertools.count(1)
        self._closing = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------

    def start(self) -> FakeWeChat:
        if self._server is not None:
            raise RuntimeError("FakeWeChat is already running")
        self._closing.clear()
        self._server = _Server(("127.0.0.1", 0), _Handler, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="fake-wechat",
            daemon=True,
        )
        self._thread.start()
        return self

    def close(self) -> None:
        if self._server is None:
            return
        self._closing.set()  # wakes handlers sleeping in slow mode
        self._server.shutdown()
        self._server.server_close()  # joins the handler threads
        assert self._thread is not None
        self._thread.join()
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeWeChat:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeWeChat is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- scripting: login ----------------------------------------------------------

    def add_code(
        self,
        code: str,
        openid: str,
        unionid: str | None = None,
        session_key: str | None = None,
    ) -> None:
        """A login code that will trade for these ids once (then answer 40163)."""
        with self._lock:
            self._state.codes[code] = {
                "openid": openid,
                "unionid": unionid,
                "session_key": session_key or f"fake-session-key-{next(self._serial)}==",
            }
            self._state.used_codes.discard(code)

    def add_code_error(self, code: str, errcode: int, errmsg: str | None = None) -> None:
        """A login code whose every use answers ``errcode`` (e.g. 40226, 45011, -1)."""
        with self._lock:
            self._state.codes[code] = {"errcode": errcode, "errmsg": errmsg}
            self._state.used_codes.discard(code)

    # -- scripting: access tokens --------------------------------------------------

    @property
    def token_fetches(self) -> int:
        """How many times a token endpoint was asked (classic and stable)."""
        return len(
            [r for r in self.requests if r.path in ("/cgi-bin/token", "/cgi-bin/stable_token")]
        )

    @property
    def issued_tokens(self) -> list[str]:
        with self._lock:
            return list(self._state.tokens)

    def invalidate_tokens(self) -> None:
        """Every token issued so far now answers 40001 (as after a forced refresh)."""
        with self._lock:
            for token in self._state.tokens.values():
                token.valid = False
            self._state.stable_token = None

    def expire_tokens(self) -> None:
        """Every token issued so far now answers 42001 (expired)."""
        with self._lock:
            for token in self._state.tokens.values():
                token.expires_at = time.monotonic() - 1
            self._state.stable_token = None

    # -- scripting: content security -----------------------------------------------

    def add_risky_word(self, word: str, label: int = 20001) -> None:
        """Text containing ``word`` is judged ``risky`` with ``label``."""
        with self._lock:
            self._state.risky_words[word] = label

    def add_review_word(self, word: str, label: int = 10001) -> None:
        """Text containing ``word`` is judged ``review`` with ``label``."""
        with self._lock:
            self._state.review_words[word] = label

    @property
    def sec_checks(self) -> list[dict[str, Any]]:
        """The JSON bodies msg_sec_check received, in order."""
        return [r.body for r in self.requests if r.path == "/wxa/msg_sec_check"]

    # -- scripting: failures -------------------------------------------------------

    def fail_next(
        self,
        path: str,
        errcode: int | None = None,
        errmsg: str | None = None,
        *,
        status: int = 200,
        raw: bytes | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` requests to ``path`` with an error.

        With ``errcode``: HTTP ``status`` and ``{"errcode", "errmsg"}``. With ``raw``:
        those bytes as they are (e.g. an HTML error page). With neither: an empty body.
        """
        payload = None
        if errcode is not None:
            payload = {"errcode": errcode, "errmsg": errmsg or f"fake error {errcode}"}
        with self._lock:
            self._state.scripted.setdefault(path, []).append(
                _Scripted(times=times, status=status, payload=payload, raw=raw)
            )

    # -- inspection ----------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received, in order (a copy)."""
        with self._lock:
            return list(self._state.requests)

    def reset(self) -> None:
        """Forget codes, tokens, word rules, scripted failures and recorded requests."""
        with self._lock:
            self._state = _State()
        self.delay = 0.0

    # -- the protocol (called from handler threads) --------------------------------

    def _answer(self, request: RecordedRequest) -> tuple[int, bytes]:
        with self._lock:
            self._state.requests.append(request)
            scripted = self._take_scripted(request.path)
        if self.delay and self._closing.wait(self.delay):
            return 503, b""
        if scripted is not None:
            if scripted.raw is not None:
                return scripted.status, scripted.raw
            return scripted.status, _json(scripted.payload) if scripted.payload else b""
        routes = {
            ("GET", "/sns/jscode2session"): self._jscode2session,
            ("GET", "/cgi-bin/token"): self._token,
            ("POST", "/cgi-bin/stable_token"): self._stable_token,
            ("POST", "/wxa/msg_sec_check"): self._msg_sec_check,
        }
        route = routes.get((request.method, request.path))
        if route is None:
            return 404, b"<html><body>404 Not Found</body></html>"
        with self._lock:
            return 200, _json(route(request))

    def _take_scripted(self, path: str) -> _Scripted | None:
        queue = self._state.scripted.get(path)
        if not queue:
            return None
        head = queue[0]
        head.times -= 1
        if head.times <= 0:
            queue.pop(0)
        return head

    def _check_app(self, appid: str | None, secret: str | None) -> dict[str, Any] | None:
        if appid != self.appid:
            return _error(40013, "invalid appid")
        if secret != self.secret:
            return _error(40125, "invalid appsecret")
        return None

    def _jscode2session(self, request: RecordedRequest) -> dict[str, Any]:
        q = request.query
        if q.get("grant_type") != "authorization_code":
            return _error(40002, "invalid grant_type")
        bad_app = self._check_app(q.get("appid"), q.get("secret"))
        if bad_app:
            return bad_app
        code = q.get("js_code", "")
        entry = self._state.codes.get(code)
        if entry is None:
            return _error(40029, "invalid code")
        if "errcode" in entry:
            return _error(entry["errcode"], entry["errmsg"] or "fake error")
        if code in self._state.used_codes:
            return _error(40163, "code been used")
        self._state.used_codes.add(code)
        answer = {"openid": entry["openid"], "session_key": entry["session_key"]}
        if entry["unionid"] is not None:
            answer["unionid"] = entry["unionid"]
        return answer

    def _issue_token(self) -> _Token:
        value = f"fake-access-token-{next(self._serial)}"
        token = _Token(value, time.monotonic() + self.token_expires_in)
        self._state.tokens[value] = token
        return token

    def _token(self, request: RecordedRequest) -> dict[str, Any]:
        q = request.query
        if q.get("grant_type") != "client_credential":
            return _error(40002, "invalid grant_type")
        bad_app = self._check_app(q.get("appid"), q.get("secret"))
        if bad_app:
            return bad_app
        token = self._issue_token()
        return {"access_token": token.value, "expires_in": self.token_expires_in}

    def _stable_token(self, request: RecordedRequest) -> dict[str, Any]:
        body = request.body if isinstance(request.body, dict) else {}
        if body.get("grant_type") != "client_credential":
            return _error(40002, "invalid grant_type")
        bad_app = self._check_app(body.get("appid"), body.get("secret"))
        if bad_app:
            return bad_app
        # Normal mode hands out the current token while it is valid; force_refresh
        # replaces it (and the old one stops working).
        current = self._state.tokens.get(self._state.stable_token or "")
        now = time.monotonic()
        if body.get("force_refresh") and current is not None:
            current.valid = False
            current = None
        if current is None or not current.valid or current.expires_at <= now:
            current = self._issue_token()
            self._state.stable_token = current.value
        return {"access_token": current.value, "expires_in": int(current.expires_at - now)}

    def _msg_sec_check(self, request: RecordedRequest) -> dict[str, Any]:
        token = self._state.tokens.get(request.query.get("access_token", ""))
        if token is None or not token.valid:
            return _error(40001, "invalid credential, access_token is invalid or not latest")
        if token.expires_at <= time.monotonic():
            return _error(42001, "access_token expired")
        body = request.body
        if (
            not isinstance(body, dict)
            or body.get("version") != 2
            or body.get("scene") not in (1, 2, 3, 4)
            or not isinstance(body.get("content"), str)
        ):
            return _error(47001, "data format error")
        if not body.get("openid"):
            return _error(40003, "invalid openid")
        content = body["content"]
        if len(content) > SEC_CHECK_LIMIT:
            return _error(47001, "data format error: content too long")
        suggest, label, detail = "pass", 100, []
        for word, word_label in self._state.review_words.items():
            if word in content:
                detail.append(_keyword_detail("review", word_label, word))
                if suggest == "pass":
                    suggest, label = "review", word_label
        for word, word_label in self._state.risky_words.items():
            if word in content:
                detail.append(_keyword_detail("risky", word_label, word))
                if suggest != "risky":
                    suggest, label = "risky", word_label
        detail.append({"strategy": "content_model", "errcode": 0, "suggest": "pass", "label": 100})
        return {
            "errcode": 0,
            "errmsg": "ok",
            "result": {"suggest": suggest, "label": label},
            "detail": detail,
            "trace_id": f"fake-trace-{next(self._serial)}",
        }


def _error(errcode: int, errmsg: str) -> dict[str, Any]:
    return {"errcode": errcode, "errmsg": f"{errmsg} rid: fake-{errcode}"}


def _keyword_detail(suggest: str, label: int, word: str) -> dict[str, Any]:
    return {
        "strategy": "keyword",
        "errcode": 0,
        "suggest": suggest,
        "label": label,
        "level": 90,
        "keyword": word,
    }


def _json(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


class _Server(ThreadingHTTPServer):
    # Handler threads are joined on server_close(), so no socket outlives the fake.
    daemon_threads = False
    block_on_close = True

    def __init__(self, address: tuple[str, int], handler: type, fake: FakeWeChat) -> None:
        self.fake = fake
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out and hung up is expected in slow mode; stay quiet.
        pass


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "FakeWeChat/1.0"

    def do_GET(self) -> None:
        self._serve(None)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw.decode("utf-8")) if raw else None
        except (UnicodeDecodeError, ValueError):
            body = None
        self._serve(body)

    def _serve(self, body: Any) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        request = RecordedRequest(self.command, url.path, query, body)
        status, payload = self.server.fake._answer(request)
        try:
            self.send_response(status)
            # WeChat labels its JSON text/plain on several endpoints; clients cope.
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format: str, *args: Any) -> None:
        pass
