"""Request-wide helpers: template filters, safe redirects, rate-limit keys."""

from __future__ import annotations

import functools
import hashlib
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app, redirect, request, url_for
from flask_login import current_user

from . import text
from .extensions import db, login_manager
from .htmx import is_htmx, redirect_to
from .models import User, utcnow

CHINA = timedelta(hours=8)


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    try:
        return db.session.get(User, int(user_id))
    except ValueError:
        return None


def safe_next(target: str | None, fallback: str = "/") -> str:
    """``target`` if it is a path on this site, else ``fallback`` (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


@login_manager.unauthorized_handler
def _login_first():
    """Send a visitor to the login page, and afterwards back to the page they were on.

    A write cannot be replayed by a redirect (a GET on a POST-only URL is a 405),
    so after a POST the way back is the page its form was on; an HTMX request
    loads the login page instead of swapping it into a button or a form.
    """
    if request.method == "GET":
        back = request.full_path.rstrip("?")
    else:
        back = safe_next(request.form.get("next"), _referrer_path())
    location = url_for("auth.login", next=back)
    return redirect_to(location) if is_htmx() else redirect(location)


def _referrer_path() -> str:
    parts = urlsplit(request.referrer or "")
    if parts.netloc != request.host:
        return "/"
    return safe_next(parts.path + (f"?{parts.query}" if parts.query else ""))


def new_member() -> bool:
    """Whether the member joined less than a day ago (stricter rate limits apply)."""
    if not current_user.is_authenticated or current_user.created_at is None:
        return False
    return utcnow() - current_user.created_at < timedelta(days=1)


def after_response(response, work, what: str):
    """Run ``work()`` in an app context once ``response`` has gone out (batched
    writes such as view tallies and the search log); a failure is logged, and
    whatever ``work`` did not write stays in its batch for next time."""
    app = current_app._get_current_object()

    def run() -> None:
        with app.app_context():
            try:
                work()
            except Exception:  # noqa: BLE001 - never fail a response that has been sent
                app.logger.exception("could not write %s", what)

    response.call_on_close(run)
    return response


def member_key() -> str:
    """Rate-limit per member when logged in, else per address."""
    if current_user.is_authenticated:
        return f"member:{current_user.id}"
    return f"ip:{request.remote_addr}"


def timeago(value: datetime | None, now: datetime | None = None) -> str:
    if value is None:
        return ""
    now = now or utcnow()
    seconds = (now - value).total_seconds()
    if seconds < 60:
        return "刚刚"
    if seconds < 3600:
        return f"{int(seconds // 60)}分钟前"
    if seconds < 86400:
        return f"{int(seconds // 3600)}小时前"
    local, local_now = value + CHINA, now + CHINA
    if (local_now.date() - local.date()).days == 1:
        return "昨天 " + local.strftime("%H:%M")
    if local.year == local_now.year:
        return f"{local.month}月{local.day}日"
    return f"{local.year}年{local.month}月{local.day}日"


def local_time(value: datetime | None) -> str:
    return (value + CHINA).strftime("%Y-%m-%d %H:%M") if value else ""


def count(value: int) -> str:
    """Short counts for small screens: 12345 → 1.2万."""
    if value >= 10000:
        return f"{value / 10000:.1f}".rstrip("0").rstrip(".") + "万"
    return str(value)


def init_app(app: Flask) -> None:
    @functools.cache
    def asset(filename: str) -> str:
        """A static URL that changes when the file does, so it can be cached for long."""
        path = Path(app.static_folder) / filename
        digest = hashlib.sha1(path.read_bytes()).hexdigest()[:10]
        return url_for("static", filename=filename, v=digest)

    app.add_template_global(asset, "asset")
    # A global (not only a context variable) so imported macros see it too.
    app.add_template_global(current_user, "current_user")
    app.add_template_filter(text.user_html, "user_html")
    app.add_template_filter(text.snippet_html, "snippet_html")
    app.add_template_filter(timeago, "timeago")
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(count, "count")

    @app.after_request
    def _vary(response):
        response.vary.add("HX-Request")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
