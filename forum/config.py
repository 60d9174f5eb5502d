"""Configuration from ``FORUM_*`` environment variables, with working defaults.

Every setting has a default that runs the site on one machine (SQLite in the
instance folder, in-process rate limits).  An optional ``instance/config.py``
is loaded after these defaults; ``FORUM_*`` environment variables win over both.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PREFIX = "FORUM_"


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "on", "yes"}


def instance_path() -> str:
    return os.path.abspath(os.environ.get(PREFIX + "INSTANCE_PATH", "instance"))


def _secret_key(instance: Path) -> str:
    """The signing key: from the environment, or generated once into the instance folder."""
    key = os.environ.get(PREFIX + "SECRET_KEY")
    if key:
        return key
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def load(instance: str) -> dict:
    """Return the settings mapping for an app whose instance folder is ``instance``."""
    env = os.environ
    folder = Path(instance)
    db_url = env.get(PREFIX + "DATABASE_URL") or f"sqlite:///{folder / 'forum.db'}"
    return {
        "SECRET_KEY": _secret_key(folder),
        "SQLALCHEMY_DATABASE_URI": db_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SEARCH_DIR": env.get(PREFIX + "SEARCH_DIR") or str(folder / "search"),
        "REDIS_URL": env.get(PREFIX + "REDIS_URL") or None,
        "RATELIMIT_ENABLED": _flag(env.get(PREFIX + "RATELIMIT_ENABLED"), True),
        "WECHAT_APPID": env.get(PREFIX + "WECHAT_APPID", ""),
        "WECHAT_SECRET": env.get(PREFIX + "WECHAT_SECRET", ""),
        "WECHAT_API_BASE": env.get(PREFIX + "WECHAT_API_BASE", "https://api.weixin.qq.com"),
        "WECHAT_SECCHECK": _flag(env.get(PREFIX + "WECHAT_SECCHECK"), False),
        "WECHAT_JSSDK_URL": env.get(
            PREFIX + "WECHAT_JSSDK_URL", "https://res.wx.qq.com/open/js/jweixin-1.6.0.js"
        ),
        "FEED_PAGE_SIZE": int(env.get(PREFIX + "FEED_PAGE_SIZE", "20")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag(env.get(PREFIX + "SECURE_COOKIES"), False),
        "REMEMBER_COOKIE_SECURE": _flag(env.get(PREFIX + "SECURE_COOKIES"), False),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "SEND_FILE_MAX_AGE_DEFAULT": 365 * 24 * 3600,
    }
