"""Mini-program login: a ``wx.login`` code → a member → a one-time ticket → a session.

The host mini-program trades its code here for a ticket (:func:`start_session`);
the web-view then opens ``/auth/ticket?t=…``, which spends the ticket
(:func:`consume_ticket`): once, within a minute.  Only a SHA-256 hash of a ticket
is stored, and WeChat's ``session_key`` is not stored at all.

A member who registered with a password can bind their WeChat identity
(:func:`bind`): the settings page records the wish in the session
(:func:`request_bind`), and the next ticket spent in that session binds instead of
logging in.  Two accounts never merge: an identity that belongs to a member with
content stays where it is.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, exists, or_, select, update

from ..extensions import db
from ..models import Circle, Comment, LoginTicket, Post, User, utcnow
from . import accounts, wechat

TICKET_TTL = 60  # seconds
TICKET_KEEP_DAYS = 7
BIND_TTL = 600  # seconds a bind request waits for its ticket
BIND_KEY = "wechat_bind"
DEFAULT_NICKNAME = "微信用户"


class TicketRefused(Exception):
    """The ticket cannot be spent: ``reason`` is invalid, expired or used."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class BindRefused(Exception):
    """The identity was not bound; ``message`` says why, in Chinese."""

    def __init__(self, message: str, member_no: int | None = None):
        super().__init__(message)
        self.message = message
        self.member_no = member_no


@dataclass(frozen=True)
class Ticket:
    """A ticket just spent: whose it is, and where the member came from."""

    member: User
    scene: int | None
    source: str | None


def hash_ticket(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# -- the host's side: code → ticket ---------------------------------------------------


def start_session(code: str, scene: int | None = None, source: str | None = None) -> str:
    """Trade a ``wx.login`` code with WeChat and return a fresh one-time ticket.

    Raises :class:`forum.wechat_api.WeChatError` when WeChat refuses or cannot be
    reached (nothing is written then)."""
    identity = wechat.login_client().code2session(code)
    member = find_or_create(identity.openid, identity.unionid)
    token = issue_ticket(member, scene, source)
    db.session.commit()
    return token


def find_member(openid: str, unionid: str | None) -> User | None:
    """The member with this identity: by UnionID first, else by OpenID."""
    if unionid:
        member = db.session.scalar(select(User).where(User.wechat_unionid == unionid))
        if member is not None:
            return member
    return db.session.scalar(select(User).where(User.wechat_openid == openid))


def find_or_create(openid: str, unionid: str | None) -> User:
    """The member with this WeChat identity, made (with the next member number)
    if there is none.  Fills in an id the member did not have yet.  No commit."""
    member = find_member(openid, unionid)
    if member is None:
        try:
            member = accounts.add_member(
                nickname=DEFAULT_NICKNAME, wechat_openid=openid, wechat_unionid=unionid
            )
        except RuntimeError:
            # Another request made this member first (the unique ids collided).
            member = find_member(openid, unionid)
            if member is None:
                raise
        else:
            member.nickname = f"{DEFAULT_NICKNAME}{member.member_no}"
            return member
    if unionid and member.wechat_unionid is None:
        member.wechat_unionid = unionid
    if member.wechat_openid is None and find_member(openid, None) is None:
        member.wechat_openid = openid
    return member


def issue_ticket(member: User, scene: int | None, source: str | None) -> str:
    """Store a new ticket for ``member`` (hashed) and return it.  No commit."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    # Spent and expired tickets are kept a while (for support questions), then dropped.
    db.session.execute(
        delete(LoginTicket).where(LoginTicket.expires_at < now - timedelta(days=TICKET_KEEP_DAYS))
    )
    db.session.add(
        LoginTicket(
            token_hash=hash_ticket(token),
            user_id=member.id,
            scene=scene,
            source=source,
            created_at=now,
            expires_at=now + timedelta(seconds=TICKET_TTL),
        )
    )
    return token


# -- the web-view's side: ticket → session --------------------------------------------


def consume_ticket(token: str) -> Ticket:
    """Spend ``token``: one atomic UPDATE, so of two concurrent uses only one wins.

    Commits the spending; raises :class:`TicketRefused` otherwise."""
    if not token or len(token) > 128:
        raise TicketRefused("invalid")
    token_hash, now = hash_ticket(token), utcnow()
    result = db.session.execute(
        update(LoginTicket)
        .where(
            LoginTicket.token_hash == token_hash,
            LoginTicket.used_at.is_(None),
            LoginTicket.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        ticket = db.session.scalar(select(LoginTicket).where(LoginTicket.token_hash == token_hash))
        if ticket is None:
            raise TicketRefused("invalid")
        raise TicketRefused("used" if ticket.used_at is not None else "expired")
    ticket = db.session.scalar(select(LoginTicket).where(LoginTicket.token_hash == token_hash))
    member = db.session.get(User, ticket.user_id)
    db.session.commit()
    return Ticket(member=member, scene=ticket.scene, source=ticket.source)


# -- binding an identity to a password account ----------------------------------------


def request_bind(session: MutableMapping, member: User) -> None:
    """Remember that ``member`` asked to bind WeChat (from their settings page)."""
    session[BIND_KEY] = {"member": member.id, "until": int(time.time()) + BIND_TTL}


def take_bind_request(session: MutableMapping, member: User) -> bool:
    """True (once) if ``member`` asked to bind WeChat in this session recently."""
    wish = session.pop(BIND_KEY, None)
    return (
        isinstance(wish, dict)
        and wish.get("member") == member.id
        and isinstance(wish.get("until"), int)
        and wish["until"] >= time.time()
    )


def has_content(member: User) -> bool:
    """Has ``member`` written anything (posts, comments, circles) or a password?"""
    if member.password_hash:
        return True
    wrote = select(
        or_(
            exists().where(Post.author_id == member.id),
            exists().where(Comment.author_id == member.id),
            exists().where(Circle.owner_id == member.id),
        )
    )
    return bool(db.session.scalar(wrote))


def bind(member: User, owner: User) -> bool:
    """Move the WeChat identity of ``owner`` (the ticket's member) to ``member``.

    Allowed only when ``owner`` is an empty account (the one the mini-program made
    when this person first opened it): its identity moves, nothing else does.
    Returns False if ``member`` already had this identity.  Raises
    :class:`BindRefused` (nothing changes) otherwise.  Commits."""
    if owner.id == member.id:
        return False
    if not owner.wechat_openid:
        raise BindRefused("这次微信登录没有带来微信身份，请回到设置页重新绑定。")
    if not member.password_hash:
        raise BindRefused("只有用户名密码注册的账号需要绑定微信。")
    if member.wechat_openid or member.wechat_unionid:
        raise BindRefused("你的账号已经绑定了另一个微信，不能再绑定这个微信。")
    if has_content(owner):
        raise BindRefused(
            f"这个微信已经绑定了学号 {owner.member_no} 的账号，两个账号不会合并，"
            "你的账号没有任何改动。",
            member_no=owner.member_no,
        )
    openid, unionid = owner.wechat_openid, owner.wechat_unionid
    owner.wechat_openid = owner.wechat_unionid = None
    db.session.flush()  # free the unique ids before the member takes them
    member.wechat_openid, member.wechat_unionid = openid, unionid
    db.session.commit()
    return True
