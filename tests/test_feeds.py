"""Feeds: keyset pages that never skip or repeat a post, ties included."""

from __future__ import annotations

import base64
import json
import shutil
from datetime import datetime
from urllib.parse import quote

import pytest
from helpers import Factory, Rows, load_more_url, post_ids
from sqlalchemy import select, update

from forum import create_app
from forum.extensions import db as _db
from forum.models import Circle, Post

PAGE_SIZE = 4


@pytest.fixture(scope="module")
def crowd_template(tmp_path_factory):
    """The crowd, built once per module into a database file each test copies."""
    folder = tmp_path_factory.mktemp("crowd")
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(folder / "instance"),
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'forum.db'}",
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        _db.create_all()
    crowd = build_crowd(Factory(app), Rows(app))
    with app.app_context():
        _db.engine.dispose()  # the last connection closing folds the WAL into the file
    return folder / "forum.db", crowd


@pytest.fixture
def app_config(app_config, crowd_template, tmp_path):
    shutil.copyfile(crowd_template[0], tmp_path / "forum.db")
    return {**app_config, "FEED_PAGE_SIZE": PAGE_SIZE}


@pytest.fixture
def crowd(crowd_template):
    return crowd_template[1]


def build_crowd(make, rows):
    """23 posts by xiaomei in 旅行 tagged #日常#, in three bunches sharing one
    created_at each and two bunches sharing one hot score; one more post is
    deleted and one awaits review, so neither may appear."""
    author = make.member("xiaomei", nickname="小美")
    circle = make.circle(author, slug="travel", name="旅行")
    posts = [make.post(author, circle, body=f"第{i}篇 #日常#") for i in range(25)]
    ids = [p.id for p in posts]
    bunches = [
        (ids[0:9], datetime(2025, 3, 1, 8, 0), 1.25),
        (ids[9:17], datetime(2025, 3, 2, 8, 0), 1.25),
        (ids[17:], datetime(2025, 2, 1, 8, 0), 3.5),
    ]
    for bunch, created_at, hot in bunches:
        rows.execute(
            update(Post).where(Post.id.in_(bunch)).values(created_at=created_at, hot_score=hot)
        )
    rows.execute(update(Post).where(Post.id == ids[3]).values(deleted_at=datetime(2025, 3, 3)))
    rows.execute(update(Post).where(Post.id == ids[20]).values(status="pending"))
    return author, set(ids) - {ids[3], ids[20]}


def expected_order(rows, visible: set[int], sort: str) -> list[int]:
    key = Post.hot_score if sort == "hot" else Post.created_at
    ordered = rows.all(select(Post.id).order_by(key.desc(), Post.id.desc()))
    return [i for i in ordered if i in visible]


def walk(client, url: str, headers=None) -> list[list[int]]:
    """Follow the 加载更多 links from ``url`` to the end; returns the pages' post ids."""
    pages = []
    while url:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        pages.append(post_ids(response.text))
        url = load_more_url(response.text)
        assert len(pages) < 20, "the cursor does not move forward"
    return pages


def feed_url(name: str, author) -> str:
    return {
        "home": "/",
        "circle": "/c/travel",
        "topic": f"/t/{quote('日常')}",
        "profile": f"/u/{author.member_no}",
    }[name]


@pytest.mark.parametrize("sort", ["new", "hot"])
@pytest.mark.parametrize("feed", ["home", "circle", "topic", "profile"])
def test_walking_every_page_shows_each_post_once_in_order(client, crowd, rows, feed, sort):
    author, visible = crowd

    pages = walk(client, f"{feed_url(feed, author)}?sort={sort}")

    assert all(len(page) == PAGE_SIZE for page in pages[:-1])
    assert 0 < len(pages[-1]) <= PAGE_SIZE
    seen = [post_id for page in pages for post_id in page]
    assert seen == expected_order(rows, visible, sort)
    assert len(seen) == len(set(seen)) == 23


def test_htmx_load_more_walks_the_same_posts(client, crowd, rows):
    _, visible = crowd
    first = client.get("/?sort=new")

    pages = [post_ids(first.text)]
    pages += walk(client, load_more_url(first.text), headers={"HX-Request": "true"})

    seen = [post_id for page in pages for post_id in page]
    assert seen == expected_order(rows, visible, "new")


def test_last_page_says_there_is_no_more(client, crowd):
    author, _ = crowd
    url = "/?sort=new"
    while True:
        html = client.get(url).text
        if not load_more_url(html):
            break
        url = load_more_url(html)

    assert "没有更多了" in html


def test_new_posts_arriving_while_paging_do_not_shift_the_pages(client, crowd, make, rows):
    author, visible = crowd
    first = client.get("/?sort=new")
    make.post(author, rows.one(select(Circle)), body="新来的一帖 #日常#")

    rest = walk(client, load_more_url(first.text))

    seen = post_ids(first.text) + [post_id for page in rest for post_id in page]
    assert seen == expected_order(rows, visible, "new")


def b64(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "%%%",
        "5Lit5paH",  # base64 of UTF-8 text that is not JSON
        "中文",
        b64([1]),
        b64({"a": 1, "b": 2}),
        b64(["not a date", 5]),
        b64([None, None]),
        b64(["2025-03-01T08:00:00", 10**30]),
        b64(["2025-03-01T08:00:00", -1]),
    ],
)
@pytest.mark.parametrize("sort", ["new", "hot"])
def test_mangled_cursor_gives_the_first_page(client, crowd, cursor, sort):
    first = post_ids(client.get(f"/?sort={sort}").text)

    response = client.get(f"/?sort={sort}&cursor={quote(cursor)}")

    assert response.status_code == 200
    assert post_ids(response.text) == first


def test_cursor_of_one_sort_used_with_the_other_gives_the_first_page(client, crowd):
    hot_next = load_more_url(client.get("/?sort=hot").text)
    cursor = hot_next.split("cursor=")[1]

    response = client.get(f"/?sort=new&cursor={cursor}")

    assert response.status_code == 200
    assert post_ids(response.text) == post_ids(client.get("/?sort=new").text)


def test_unknown_sort_means_newest_first(client, crowd, rows):
    _, visible = crowd

    response = client.get("/?sort=random")

    assert response.status_code == 200
    assert post_ids(response.text) == expected_order(rows, visible, "new")[:PAGE_SIZE]


def test_hot_topics_head_the_first_page_only(client, crowd):
    first = client.get("/").text
    later = client.get(load_more_url(first)).text

    assert "热门话题" in first and "#日常#" in first
    assert "热门话题" not in later
