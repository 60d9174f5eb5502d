"""The app's WeChat server-API clients, made once per app from its settings.

Two clients share the app's WeChat credentials but not their patience: the login
client (``code2session``) waits ``WECHAT_TIMEOUT`` seconds, the content check
(``msg_sec_check``, on the posting path) only ``WECHAT_SECCHECK_TIMEOUT``.  Only the
content check uses an access token, so the token is cached in one place.
"""

from __future__ import annotations

import threading

from flask import current_app

from ..wechat_api import WeChatClient

_lock = threading.Lock()


def configured() -> bool:
    """True when the app has the mini-program's AppID and AppSecret."""
    config = current_app.config
    return bool(config.get("WECHAT_APPID") and config.get("WECHAT_SECRET"))


def _client(name: str, timeout_key: str, default_timeout: float) -> WeChatClient:
    clients = current_app.extensions.setdefault("wechat", {})
    client = clients.get(name)
    if client is None:
        with _lock:
            client = clients.get(name)
            if client is None:
                config = current_app.config
                client = clients[name] = WeChatClient(
                    config.get("WECHAT_API_BASE") or "https://api.weixin.qq.com",
                    config.get("WECHAT_APPID", ""),
                    config.get("WECHAT_SECRET", ""),
                    timeout=float(config.get(timeout_key, default_timeout)),
                )
    return client


def login_client() -> WeChatClient:
    return _client("login", "WECHAT_TIMEOUT", 3.0)


def seccheck_client() -> WeChatClient:
    return _client("seccheck", "WECHAT_SECCHECK_TIMEOUT", 2.0)
