"""The short page cache for anonymous readers of feeds."""

from __future__ import annotations

import pytest

from forum import pagecache
from forum.extensions import db
from forum.services import posts as post_service


@pytest.fixture
def app_config(app_config):
    return {**app_config, "CACHE_DISABLED": False, "PAGE_CACHE_SECONDS": 60}


@pytest.fixture(autouse=True)
def _fresh_cache():
    pagecache.clear()
    yield
    pagecache.clear()


def test_anonymous_readers_share_a_page_without_a_csrf_token(client, make):
    owner = make.member("owner")
    circle = make.circle(owner, slug="books", name="读书")
    make.post(owner, circle, "第一本书 #读书笔记#")
    first = client.get("/c/books").get_data(as_text=True)
    assert "第一本书" in first
    assert 'name="csrf-token"' not in first and "X-CSRFToken" not in first
    # The like button of an anonymous reader leads to the login page.
    assert "/login?next=" in first and 'action="/p/' not in first


def test_new_and_deleted_posts_show_at_once_everywhere(app, client, make):
    owner = make.member("owner")
    circle = make.circle(owner, slug="books", name="读书")
    kept = make.post(owner, circle, "留下的帖子 #读书笔记#")
    gone = make.post(owner, circle, "要删除的帖子 #读书笔记#")
    for url in ("/", "/c/books", "/t/读书笔记"):
        assert "要删除的帖子" in client.get(url).get_data(as_text=True)
    with app.app_context():
        post_service.delete(db.session.merge(owner), db.session.merge(gone))
    make.post(owner, circle, "新来的帖子 #读书笔记#")
    for url in ("/", "/c/books", "/t/读书笔记"):
        page = client.get(url).get_data(as_text=True)
        assert "要删除的帖子" not in page, url
        assert "新来的帖子" in page, url
    assert kept.id


def test_members_never_get_a_cached_page(client, make, auth):
    owner = make.member("owner")
    circle = make.circle(owner, slug="books", name="读书")
    make.post(owner, circle, "第一本书")
    client.get("/c/books")  # warms the anonymous page
    auth.login("owner")
    page = client.get("/c/books").get_data(as_text=True)
    assert 'name="csrf-token"' in page and 'action="/p/' in page
