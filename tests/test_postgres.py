"""The same guarantees on PostgreSQL: exact like counters under concurrency,
member numbers, keyset pages with ties.  Runs against a throwaway database
brought up with ``flask db upgrade``."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from helpers import load_more_url, post_ids, reachable
from sqlalchemy import func, select, text, update

from forum.extensions import db as _db
from forum.models import Circle, Like, Membership, Post, User

HOST, PORT = "127.0.0.1", 5432
ADMIN_DSN = f"postgresql://postgres@{HOST}:{PORT}/postgres"
ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not reachable(HOST, PORT), reason=f"PostgreSQL is not reachable on {HOST}:{PORT}"
    ),
    pytest.mark.usefixtures("fast_hashing", "empty_tables"),
]


@pytest.fixture(scope="module")
def pg_url(tmp_path_factory):
    """A fresh database for this module, migrated to head; dropped afterwards."""
    psycopg = pytest.importorskip("psycopg")
    name = f"forum_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://postgres@{HOST}:{PORT}/{name}"
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FORUM_")}
        instance = tmp_path_factory.mktemp("pg-instance")
        env.update(
            FORUM_DATABASE_URL=url,
            FORUM_SECRET_KEY="test",
            FORUM_INSTANCE_PATH=str(instance),
            FORUM_SEARCH_DIR=str(instance / "search"),
        )
        result = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        yield url
    finally:
        with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def app_config(app_config, pg_url):
    return {**app_config, "SQLALCHEMY_DATABASE_URI": pg_url, "FEED_PAGE_SIZE": 3}


@pytest.fixture
def empty_tables(app):
    with app.app_context():
        names = ", ".join(f'"{t.name}"' for t in _db.metadata.sorted_tables)
        _db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        _db.session.commit()


def all_at_once(clients, request) -> list[int]:
    barrier = threading.Barrier(len(clients))
    statuses: list[int | None] = [None] * len(clients)
    errors: list[BaseException] = []

    def run(i, client):
        try:
            barrier.wait(timeout=10)
            statuses[i] = request(client).status_code
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return statuses


def like_state(rows, post) -> tuple[int, int]:
    count = rows.scalar(select(Post.like_count).where(Post.id == post.id))
    likes = rows.scalar(select(func.count()).select_from(Like).where(Like.post_id == post.id))
    return count, likes


def test_runs_on_postgresql(rows):
    assert rows.scalar(select(func.version())).startswith("PostgreSQL")


def test_concurrent_likes_and_unlikes_keep_the_count_exact(make, login_client, rows):
    owner = make.member("xiaomei")
    post = make.post(owner, make.circle(owner, slug="travel", name="旅行"), body="洱海的日落")
    fans = [login_client(make.member(f"fan{i:02d}")) for i in range(20)]

    def like(value):
        return lambda c: c.post(f"/p/{post.id}/like", data={"liked": value})

    assert all_at_once(fans, like("1")) == [303] * 20
    assert like_state(rows, post) == (20, 20)

    assert all_at_once(fans[:10], like("0")) == [303] * 10
    assert like_state(rows, post) == (10, 10)

    twice = [c for c in fans[:10] for _ in range(2)]
    assert all_at_once(twice, like("1")) == [303] * 20
    assert like_state(rows, post) == (20, 20)


def test_concurrent_registrations_get_distinct_sequential_member_numbers(app, rows):
    clients = [app.test_client() for _ in range(10)]
    names = iter(range(10))
    lock = threading.Lock()

    def register(client):
        with lock:
            n = next(names)
        return client.post("/register", data={"username": f"fan{n:02d}", "password": "password123"})

    assert all_at_once(clients, register) == [303] * 10
    numbers = rows.all(select(User.member_no).order_by(User.member_no))
    assert numbers == list(range(10001, 10011))


def test_keyset_pages_with_ties_show_each_post_once(client, make, rows):
    owner = make.member("xiaomei")
    circle = make.circle(owner, slug="travel", name="旅行")
    ids = [make.post(owner, circle, body=f"第{i}篇 #日常#").id for i in range(10)]
    rows.execute(update(Post).values(created_at=datetime(2025, 3, 1, 8, 0), hot_score=1.25))

    for sort in ("new", "hot"):
        url, seen = f"/?sort={sort}", []
        while url:
            html = client.get(url).text
            seen += post_ids(html)
            url = load_more_url(html)
        assert seen == sorted(ids, reverse=True), sort

    huge = client.get("/?cursor=WyIyMDI1LTAzLTAxVDA4OjAwOjAwIiwgMTAwMDAwMDAwMDAwMDAwMDAwMDAwMDBd")
    assert huge.status_code == 200
    assert post_ids(huge.text) == sorted(ids, reverse=True)[:3]


def test_concurrent_joins_and_leaves_keep_the_member_count_exact(make, login_client, rows):
    owner = make.member("xiaomei")
    circle = make.circle(owner, slug="travel", name="旅行")
    fans = [login_client(make.member(f"fan{i:02d}")) for i in range(10)]

    def member_count() -> tuple[int, int]:
        count = rows.scalar(select(Circle.member_count).where(Circle.id == circle.id))
        members = rows.scalar(
            select(func.count()).select_from(Membership).where(Membership.circle_id == circle.id)
        )
        return count, members

    twice = [c for c in fans for _ in range(2)]  # every join clicked twice
    assert all_at_once(twice, lambda c: c.post("/c/travel/join")) == [303] * 20
    assert member_count() == (11, 11)

    leaving = [c for c in fans[:5] for _ in range(2)]
    assert all_at_once(leaving, lambda c: c.post("/c/travel/leave")) == [303] * 10
    assert member_count() == (6, 6)
