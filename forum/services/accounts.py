"""Members: registration, password login, staff accounts and member numbers."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import FIRST_MEMBER_NO, ROLES, User
from . import Invalid, screening, standing

USERNAME_RE = re.compile(r"^[A-Za-z0-9_]{3,20}$")
MIN_PASSWORD = 8


def next_member_no() -> int:
    current = db.session.scalar(select(func.max(User.member_no)))
    return (current or FIRST_MEMBER_NO - 1) + 1


def add_member(**fields) -> User:
    """Insert a member with the next member number (学号), retrying if another
    transaction took the same number first.  Does not commit the outer work."""
    if db.session.get_bind().dialect.name == "postgresql":
        # Concurrent sign-ups would all read the same maximum and collide more
        # often than any retry budget allows; a transaction-scoped lock makes them
        # take turns (SQLite already serialises writers).
        db.session.execute(select(func.pg_advisory_xact_lock(FIRST_MEMBER_NO)))
    for _ in range(5):
        user = User(member_no=next_member_no(), **fields)
        try:
            with db.session.begin_nested():
                db.session.add(user)
            return user
        except IntegrityError as exc:
            if fields.get("username") and db.session.scalar(
                select(User.id).where(User.username == fields["username"])
            ):
                raise Invalid({"username": "这个用户名已被占用"}) from exc
    raise RuntimeError("could not allocate a member number")


def validate_credentials(username: str, password: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not USERNAME_RE.match(username):
        errors["username"] = "用户名为 3–20 位字母、数字或下划线"
    if len(password) < MIN_PASSWORD:
        errors["password"] = f"密码至少 {MIN_PASSWORD} 位"
    elif len(password) > 128:
        errors["password"] = "密码太长了"
    return errors


def register(username: str, password: str, nickname: str = "", role: str = "user") -> User:
    username = username.strip()
    nickname = nickname.strip() or username
    errors = validate_credentials(username, password)
    if len(nickname) > 20:
        errors["nickname"] = "昵称最多 20 个字"
    if role not in ROLES:
        errors["role"] = "未知的角色"
    if not errors and db.session.scalar(
        select(User.id).where(func.lower(User.username) == username.lower())
    ):
        errors["username"] = "这个用户名已被占用"
    if errors:
        raise Invalid(errors)
    nickname = screening.screen(None, "profile", {"nickname": nickname}).fields["nickname"]
    user = add_member(
        username=username,
        password_hash=generate_password_hash(password),
        nickname=nickname,
        role=role,
    )
    db.session.commit()
    return user


def authenticate(username: str, password: str) -> User | None:
    user = db.session.scalar(
        select(User).where(func.lower(User.username) == username.strip().lower())
    )
    if user is None or not user.password_hash:
        # Same work either way, so timing does not tell which usernames exist.
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    return user


def get_by_member_no(member_no: int) -> User | None:
    return db.session.scalar(select(User).where(User.member_no == member_no))


def update_profile(user: User, nickname: str, bio: str) -> User:
    nickname, bio = nickname.strip(), bio.strip()
    errors = {}
    if not nickname:
        errors["nickname"] = "昵称不能为空"
    elif len(nickname) > 20:
        errors["nickname"] = "昵称最多 20 个字"
    if len(bio) > 200:
        errors["bio"] = "简介最多 200 个字"
    if errors:
        raise Invalid(errors)
    standing.ensure_can_write(user)
    decision = screening.screen(user, "profile", {"nickname": nickname, "bio": bio})
    user.nickname, user.bio = decision.fields["nickname"], decision.fields["bio"]
    db.session.commit()
    return user


_DUMMY_HASH = generate_password_hash("not-a-real-password")
