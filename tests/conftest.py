"""Shared fixtures: an app on a fresh SQLite file per test, a client, factories."""

from __future__ import annotations

import re
import socket

import pytest

from forum import create_app, search_index
from forum.cache import clear as clear_cache
from forum.extensions import db as _db
from forum.services import accounts, circles, posts


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def app_config(tmp_path) -> dict:
    """Settings for the app under test; tests may override keys before ``app``."""
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'forum.db'}",
        "SEARCH_DIR": str(tmp_path / "search"),
        "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": False,
        "CACHE_DISABLED": True,
    }


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    with app.app_context():
        _db.create_all()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()
    search_index.close(app)
    clear_cache()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    with app.app_context():
        yield _db


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


@pytest.fixture
def make(app) -> Factory:
    return Factory(app)


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, username: str, password: str = "password123"):
        return self.client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client) -> Auth:
    return Auth(client)


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, "page carries no CSRF token"
    return match.group(1)


# -- helpers for the core community suite ------------------------------------------


@pytest.fixture
def fast_hashing(monkeypatch):
    """Cheap password hashes (pbkdf2, 1,000 rounds), so a test can make twenty
    members in milliseconds; logging in still checks the real hash."""
    from werkzeug.security import generate_password_hash

    def cheap(password: str) -> str:
        return generate_password_hash(password, method="pbkdf2:sha256:1000")

    monkeypatch.setattr(accounts, "generate_password_hash", cheap)


@pytest.fixture
def login_client(app):
    """A new test client logged in as ``user`` through the login form."""

    def login(user, password: str = "password123"):
        client = app.test_client()
        response = client.post("/login", data={"username": user.username, "password": password})
        assert response.status_code == 303, response.text
        return client

    return login


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


@pytest.fixture
def rows(app) -> Rows:
    return Rows(app)
