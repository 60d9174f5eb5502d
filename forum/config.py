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


# Flask-Limiter limit strings; a member's first day has stricter ones.
RATE_LIMITS = {
    "RATE_LIMIT_POST": "6 per minute;100 per day",
    "RATE_LIMIT_POST_NEW_MEMBER": "2 per minute;10 per day",
    "RATE_LIMIT_COMMENT": "12 per minute;300 per day",
    "RATE_LIMIT_COMMENT_NEW_MEMBER": "4 per minute;40 per day",
    "RATE_LIMIT_LIKE": "60 per minute",
    "RATE_LIMIT_REPORT": "10 per hour;30 per day",
    "RATE_LIMIT_LOGIN": "10 per minute;50 per hour",
}


def load(instance: str) -> dict:
    """Return the settings mapping for an app whose instance folder is ``instance``."""
    env = os.environ
    folder = Path(instance)
    db_url = env.get(PREFIX + "DATABASE_URL") or f"sqlite:///{folder / 'forum.db'}"
    return {
        "SECRET_KEY": _secret_key(folder),
        "SQLALCHEMY_DATABASE_URI": db_url,
        # preserve_rowcount: "INSERT … ON CONFLICT DO NOTHING" reports whether it
        # inserted on every driver (psycopg otherwise answers -1).
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "pool_pre_ping": True,
            "execution_options": {"preserve_rowcount": True},
        },
        "SEARCH_DIR": env.get(PREFIX + "SEARCH_DIR") or str(folder / "search"),
        # Search: the operators' word file (brand names; re-read when it changes),
        # how long a write waits for the index lock before its outbox rows wait
        # instead, how soon other workers see a commit, and the search log's batches.
        "SEARCH_USER_DICT": env.get(PREFIX + "SEARCH_USER_DICT")
        or str(folder / "search_words.txt"),
        "SEARCH_LOCK_TIMEOUT": float(env.get(PREFIX + "SEARCH_LOCK_TIMEOUT", "1")),
        "SEARCH_REFRESH_INTERVAL": float(env.get(PREFIX + "SEARCH_REFRESH_INTERVAL", "0.5")),
        "SEARCH_LOG_FLUSH_EVERY": int(env.get(PREFIX + "SEARCH_LOG_FLUSH_EVERY", "50")),
        "SEARCH_LOG_FLUSH_SECONDS": float(env.get(PREFIX + "SEARCH_LOG_FLUSH_SECONDS", "30")),
        "REDIS_URL": env.get(PREFIX + "REDIS_URL") or None,
        "RATELIMIT_ENABLED": _flag(env.get(PREFIX + "RATELIMIT_ENABLED"), True),
        "WECHAT_APPID": env.get(PREFIX + "WECHAT_APPID", ""),
        "WECHAT_SECRET": env.get(PREFIX + "WECHAT_SECRET", ""),
        "WECHAT_API_BASE": env.get(PREFIX + "WECHAT_API_BASE", "https://api.weixin.qq.com"),
        "WECHAT_SECCHECK": _flag(env.get(PREFIX + "WECHAT_SECCHECK"), False),
        # Seconds to wait for WeChat: login may wait a little; the text check is on
        # the posting path, so it gives up sooner (and the post goes to review).
        "WECHAT_TIMEOUT": float(env.get(PREFIX + "WECHAT_TIMEOUT", "3")),
        "WECHAT_SECCHECK_TIMEOUT": float(env.get(PREFIX + "WECHAT_SECCHECK_TIMEOUT", "2")),
        "WECHAT_JSSDK_URL": env.get(
            PREFIX + "WECHAT_JSSDK_URL", "https://res.wx.qq.com/open/js/jweixin-1.6.0.js"
        ),
        "FEED_PAGE_SIZE": int(env.get(PREFIX + "FEED_PAGE_SIZE", "20")),
        "PAGE_CACHE_SECONDS": float(env.get(PREFIX + "PAGE_CACHE_SECONDS", "5")),
        # Good-stuff sharing: uploads live under UPLOAD_DIR (LocalStorage); a
        # brand may have BRAND_PIN_QUOTA pins at a time; post views are added to
        # the database in batches (every VIEW_FLUSH_SECONDS or VIEW_FLUSH_EVERY).
        "UPLOAD_DIR": env.get(PREFIX + "UPLOAD_DIR") or str(folder / "uploads"),
        "IMAGE_MAX_BYTES": int(env.get(PREFIX + "IMAGE_MAX_BYTES", str(10 * 1024 * 1024))),
        "BRAND_PIN_QUOTA": int(env.get(PREFIX + "BRAND_PIN_QUOTA", "1")),
        "VIEW_FLUSH_SECONDS": float(env.get(PREFIX + "VIEW_FLUSH_SECONDS", "10")),
        "VIEW_FLUSH_EVERY": int(env.get(PREFIX + "VIEW_FLUSH_EVERY", "200")),
        # Moderation: link domains that are not "foreign" (the site's own host is
        # always allowed), reports that hide a post, how often the word list is
        # re-checked, and the signals on live behaviour (unset: on when rate
        # limits are on).
        "LINK_ALLOWLIST": env.get(PREFIX + "LINK_ALLOWLIST", ""),
        "REPORT_HIDE_THRESHOLD": int(env.get(PREFIX + "REPORT_HIDE_THRESHOLD", "3")),
        "WORDLIST_REFRESH_SECONDS": float(env.get(PREFIX + "WORDLIST_REFRESH_SECONDS", "5")),
        "SCREEN_BEHAVIOUR_SIGNALS": (
            _flag(env[PREFIX + "SCREEN_BEHAVIOUR_SIGNALS"], True)
            if env.get(PREFIX + "SCREEN_BEHAVIOUR_SIGNALS")
            else None
        ),
        **{key: env.get(PREFIX + key, value) for key, value in RATE_LIMITS.items()},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag(env.get(PREFIX + "SECURE_COOKIES"), False),
        "REMEMBER_COOKIE_SECURE": _flag(env.get(PREFIX + "SECURE_COOKIES"), False),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "SEND_FILE_MAX_AGE_DEFAULT": 365 * 24 * 3600,
    }
