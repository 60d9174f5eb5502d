"""Whether a member may write: bans and silences, checked by every write service.

A ban keeps a member out altogether (no log-in, no writes); a silence keeps
them from posting and commenting.  The request hook in :mod:`forum.guard`
refuses a banned member's every write; these checks make the services safe on
their own too (the CLI, imports, a route someone adds later).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ..models import User
from . import Forbidden

# A sanction "for good" lasts until this date.
FOREVER = datetime(9999, 12, 31)
CHINA = timedelta(hours=8)


def until_text(until: datetime | None) -> str:
    if until is None:
        return ""
    if until >= FOREVER:
        return "永久"
    return "至 " + (until + CHINA).strftime("%Y-%m-%d %H:%M")


def ban_message(user: User) -> str:
    why = f"，理由：{user.ban_reason}" if user.ban_reason else ""
    return f"你的账号已被封禁（{until_text(user.banned_until)}）{why}"


def silence_message(user: User) -> str:
    why = f"，理由：{user.silence_reason}" if user.silence_reason else ""
    return f"你已被禁言（{until_text(user.silenced_until)}），暂时不能发帖和评论{why}"


def ensure_can_write(user: User) -> None:
    """Any write: likes, reports, joining, circles, profile."""
    if user is not None and getattr(user, "is_banned", False):
        raise Forbidden(ban_message(user))


def ensure_can_speak(user: User) -> None:
    """Posting and commenting: neither banned nor silenced."""
    ensure_can_write(user)
    if user is not None and getattr(user, "is_silenced", False):
        raise Forbidden(silence_message(user))
