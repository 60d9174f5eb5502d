"""Helpers the tests import: factories, readers and page scrapers.

They live here rather than in ``conftest.py`` so that ``from helpers import …``
always means this file (pytest loads every folder's ``conftest.py``, and a
sub-folder's would shadow a bare ``import conftest``).
"""

from __future__ import annotations

import re
import socket
from contextlib import contextmanager

from sqlalchemy import event

from forum.extensions import db as _db
from forum.services import accounts, circles, posts


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


class Factory:
    """Small helpers that make rows through the real services."""

    def __init__(self, app):
        self.app = app
        self.n = 0

    @staticmethod
    def _fresh(row):
        # Re-read by id: merging a detached copy would write its stale counters
        # (a circle's member_count, post_count) back over the current ones.
        return _db.session.get(type(row), row.id)

    def member(self, username: str | None = None, role: str = "user", nickname: str = ""):
        self.n += 1
        username = username or f"member{self.n}"
        with self.app.app_context():
            user = accounts.register(username, "password123", nickname or username, role=role)
            _db.session.expunge(user)
            return user

    def circle(self, owner, slug: str | None = None, name: str | None = None):
        self.n += 1
        with self.app.app_context():
            owner = self._fresh(owner)
            circle = circles.create(owner, name or f"圈子{self.n}", slug or f"circle-{self.n}")
            _db.session.expunge(circle)
            return circle

    def join(self, user, circle) -> None:
        with self.app.app_context():
            circles.join(self._fresh(user), self._fresh(circle))

    def post(self, author, circle, body: str = "今天天气不错 #日常#", title: str = ""):
        with self.app.app_context():
            post = posts.create(self._fresh(author), self._fresh(circle), title, body)
            _db.session.expunge(post)
            return post


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, username: str, password: str = "password123"):
        return self.client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self.client.post("/logout")


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, "page carries no CSRF token"
    return match.group(1)


def post_ids(html: str) -> list[int]:
    """The ids of the post cards on a page or fragment, top to bottom."""
    return [int(n) for n in re.findall(r'<article class="card post-card" id="post-(\d+)"', html)]


def load_more_url(html: str) -> str | None:
    """Where the feed's 加载更多 link leads, or None on the last page."""
    match = re.search(r'<a class="load-more" href="([^"]+)"', html)
    return match.group(1).replace("&amp;", "&") if match else None


class Rows:
    """Reads and writes the database outside any request: each call runs in its
    own app context, so no session or ``g`` (the logged-in member) is shared
    with the requests under test, as it would be inside the ``db`` fixture."""

    def __init__(self, app):
        self.app = app

    def all(self, statement) -> list:
        with self.app.app_context():
            return list(_db.session.scalars(statement))

    def one(self, statement):
        with self.app.app_context():
            return _db.session.scalars(statement).one()

    def scalar(self, statement):
        with self.app.app_context():
            return _db.session.scalar(statement)

    def get(self, model, ident):
        with self.app.app_context():
            return _db.session.get(model, ident)

    def execute(self, statement) -> None:
        with self.app.app_context():
            _db.session.execute(statement)
            _db.session.commit()


@contextmanager
def counting(app):
    """The SQL statements the app sends while the block runs (query-count tests)."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = _db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)
