"""Every page costs a fixed, small number of SQL statements, whatever its size."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient
from helpers import Factory, counting, post_ids
from werkzeug.security import generate_password_hash

from forum import create_app
from forum.cache import clear as clear_cache
from forum.extensions import db as _db
from forum.models import Post
from forum.services import accounts, feeds
from forum.services import comments as comment_service
from forum.services import likes as like_service

MAX_QUERIES = 6
SIZES = {"small": (3, 2), "large": (30, 20)}  # posts on a page, comments on a post


@dataclass
class Site:
    app: object
    posts: int
    comments: int
    star_no: int
    post_id: int
    member: FlaskClient
    anonymous: FlaskClient


def build(folder, posts: int, comments: int) -> Site:
    """A community whose pages each show ``posts`` posts (one page of them) and whose
    first post has ``comments`` comments, half of them replies, by as many members."""
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(folder / "instance"),
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'forum.db'}",
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
            "CACHE_DISABLED": True,
            "FEED_PAGE_SIZE": posts,
        }
    )
    with app.app_context():
        _db.create_all()
    make = Factory(app)
    star = make.member("star", nickname="小美")
    viewer = make.member("viewer", nickname="阿杰")
    circle = make.circle(star, slug="travel", name="旅行")
    made = [make.post(star, circle, body=f"旅行日记第{i}天 #旅行#") for i in range(posts)]
    first = made[-1]  # the newest, at the top of every feed
    commenters = [make.member(f"fan{i:02d}", nickname=f"粉丝{i}") for i in range(comments)]
    with app.app_context():
        db = _db.session
        top = None
        for i, fan in enumerate(commenters):
            parent = top.id if (top and i % 2) else None
            comment = comment_service.create(db.merge(fan), db.merge(first), f"评论{i}", parent)
            top = comment if parent is None else top
        for post in made[::2]:
            like_service.set_like(db.merge(viewer), db.merge(post), True)
    member = app.test_client()
    login = member.post("/login", data={"username": "viewer", "password": "password123"})
    assert login.status_code == 303
    return Site(app, posts, comments, star.member_no, first.id, member, app.test_client())


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    built = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            accounts,
            "generate_password_hash",
            lambda password: generate_password_hash(password, method="pbkdf2:sha256:1000"),
        )
        for name, (posts, comments) in SIZES.items():
            built[name] = build(tmp_path_factory.mktemp(name), posts, comments)
    yield built
    for site in built.values():
        with site.app.app_context():
            _db.session.remove()
            _db.engine.dispose()
    clear_cache()


def visit(site: Site, page: str, viewer: str) -> tuple[list[str], str]:
    url = page.format(star=site.star_no, post=site.post_id)
    client = site.member if viewer == "member" else site.anonymous
    with counting(site.app) as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return statements, response.text


PAGES = ["/", "/?sort=hot", "/c/travel", "/t/旅行", "/u/{star}", "/p/{post}"]


@pytest.mark.parametrize("viewer", ["anonymous", "member"])
@pytest.mark.parametrize("page", PAGES)
def test_query_count_is_constant_in_the_page_size(sites, page, viewer):
    counts = {}
    for name, site in sites.items():
        statements, html = visit(site, page, viewer)
        if page.startswith("/p/"):
            shown = len(re.findall(r'<div class="comment-body">', html))
            assert shown == site.comments
        else:
            assert len(post_ids(html)) == site.posts
        counts[name] = len(statements)
        assert len(statements) <= MAX_QUERIES, "\n".join(statements)

    assert counts["small"] == counts["large"], counts


def test_the_member_sees_their_likes_without_extra_queries(sites):
    site = sites["large"]

    statements, html = visit(site, "/", "member")

    assert html.count('aria-pressed="true"') == site.posts // 2
    assert len(statements) <= MAX_QUERIES


def test_load_more_fragment_is_constant_too(sites):
    counts = {}
    for name, site in sites.items():
        with site.app.app_context():
            cursor = feeds.encode_cursor(_db.session.get(Post, site.post_id), "new")
        with counting(site.app) as statements:
            response = site.member.get(
                f"/?sort=new&cursor={cursor}", headers={"HX-Request": "true"}
            )
        assert response.status_code == 200
        assert "<html" not in response.text
        assert len(post_ids(response.text)) == site.posts - 1  # all but the newest
        counts[name] = len(statements)

    assert counts["small"] == counts["large"] <= MAX_QUERIES, counts
