"""Shared fixtures: an app on a fresh SQLite file per test, a client, factories."""

from __future__ import annotations

import pytest
from helpers import Auth, Factory, Rows

from forum import create_app, search_index
from forum.cache import clear as clear_cache
from forum.extensions import db as _db
from forum.services import accounts


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


@pytest.fixture
def make(app) -> Factory:
    return Factory(app)


@pytest.fixture
def auth(client) -> Auth:
    return Auth(client)


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


@pytest.fixture
def rows(app) -> Rows:
    return Rows(app)
