"""Shared fixtures: an app on a fresh SQLite file per test, a client, factories."""

from __future__ import annotations

import re
import socket

import pytest

from forum import create_app
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
            owner = _db.session.merge(owner)
            circle = circles.create(owner, name or f"圈子{self.n}", slug or f"circle-{self.n}")
            _db.session.expunge(circle)
            return circle

    def join(self, user, circle) -> None:
        with self.app.app_context():
            circles.join(_db.session.merge(user), _db.session.merge(circle))

    def post(self, author, circle, body: str = "今天天气不错 #日常#", title: str = ""):
        with self.app.app_context():
            post = posts.create(_db.session.merge(author), _db.session.merge(circle), title, body)
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
