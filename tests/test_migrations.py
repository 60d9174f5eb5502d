"""Migrations build the schema the models describe; SQLite runs as a real database."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import insert, text
from sqlalchemy.exc import IntegrityError

from forum import create_app
from forum.extensions import db as _db
from forum.models import Membership

ROOT = Path(__file__).resolve().parents[1]
MIGRATIONS = ROOT / "forum" / "migrations"
CORE_TABLES = {
    "users",
    "circles",
    "memberships",
    "posts",
    "comments",
    "likes",
    "topics",
    "post_topics",
}


def flask(*args: str, database: Path, instance: Path) -> subprocess.CompletedProcess:
    """Run ``flask --app wsgi …`` the way an operator does, configured by FORUM_* only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORUM_")}
    env.update(
        FORUM_INSTANCE_PATH=str(instance),
        FORUM_DATABASE_URL=f"sqlite:///{database}",
        FORUM_SECRET_KEY="test",
        FORUM_SEARCH_DIR=str(instance / "search"),
    )
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """An empty SQLite file brought to head by ``flask db upgrade`` (once per module;
    tests that write use a copy)."""
    folder = tmp_path_factory.mktemp("migrated")
    database = folder / "migrated.db"
    result = flask("db", "upgrade", database=database, instance=folder / "instance")
    assert result.returncode == 0, result.stderr
    return database


def test_upgrade_on_an_empty_file_creates_the_schema_at_head(migrated):
    with sqlite3.connect(migrated) as conn:
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        [(version,)] = conn.execute("SELECT version_num FROM alembic_version").fetchall()

    assert tables >= CORE_TABLES
    assert version == ScriptDirectory(str(MIGRATIONS)).get_current_head()


def test_migrated_schema_matches_the_models(migrated, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{migrated}",
            "SEARCH_DIR": str(tmp_path / "search"),
        }
    )
    with app.app_context():
        with _db.engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn), _db.metadata)
        _db.engine.dispose()

    assert differences == []


def test_flask_db_check_finds_nothing_to_migrate(migrated, tmp_path):
    result = flask("db", "check", database=migrated, instance=tmp_path / "instance")

    assert result.returncode == 0, result.stderr
    assert "No new upgrade operations detected" in result.stdout + result.stderr


def test_the_migrated_database_serves_the_site(migrated, tmp_path):
    database = shutil.copyfile(migrated, tmp_path / "copy.db")
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "SEARCH_DIR": str(tmp_path / "search"),
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )
    client = app.test_client()
    try:
        data = {"username": "xiaomei", "password": "password123"}
        assert client.post("/register", data=data).status_code == 303
        circle = {"name": "旅行", "slug": "travel"}
        assert client.post("/circles", data=circle).status_code == 303
        posted = client.post("/c/travel/posts", data={"title": "", "body": "迁移后的第一帖 #旅行#"})
        assert posted.status_code == 303
        assert "迁移后的第一帖" in client.get(posted.headers["Location"]).text
    finally:
        with app.app_context():
            _db.engine.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys_on(db):
    def pragma(name):
        return db.session.execute(text(f"PRAGMA {name}")).scalar()

    assert pragma("journal_mode") == "wal"
    assert pragma("foreign_keys") == 1
    assert pragma("busy_timeout") == 15000

    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        db.session.execute(insert(Membership).values(circle_id=424242, user_id=424242))
        db.session.commit()
    db.session.rollback()


def test_migrating_a_database_with_content_keeps_every_row(tmp_path):
    """Migrations rebuild tables (SQLite's way to alter them); on a database whose
    posts, comments and likes point at each other that must work both ways."""
    database, instance = tmp_path / "live.db", tmp_path / "instance"

    def run(*args: str) -> None:
        done = flask(*args, database=database, instance=instance)
        assert done.returncode == 0, done.stderr

    def counts() -> list[int]:
        with sqlite3.connect(database) as con:
            assert con.execute("pragma foreign_key_check").fetchall() == []
            return [con.execute(f"select count(*) from {t}").fetchone()[0] for t in CORE_TABLES]

    run("db", "upgrade")
    run("forum", "demo")
    before = counts()
    run("db", "downgrade", "0001")
    assert counts() == before
    run("db", "upgrade")
    assert counts() == before and min(before) > 0
