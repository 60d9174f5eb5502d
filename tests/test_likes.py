"""Likes: one per member and post, a counter that never double-counts, even under load."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from forum.models import Like, Post

pytestmark = pytest.mark.usefixtures("fast_hashing")


@pytest.fixture
def post(make):
    owner = make.member("xiaomei", nickname="小美")
    circle = make.circle(owner, slug="travel", name="旅行")
    return make.post(owner, circle, body="洱海的日落 #旅行#")


def like_state(rows, post) -> tuple[int, int]:
    """(like_count on the post, Like rows for it)."""
    count = rows.scalar(select(Post.like_count).where(Post.id == post.id))
    likes = rows.scalar(select(func.count()).select_from(Like).where(Like.post_id == post.id))
    return count, likes


def all_at_once(clients, request) -> list[int]:
    """Send ``request(client)`` from every client in its own thread, released together."""
    barrier = threading.Barrier(len(clients))
    statuses: list[int | None] = [None] * len(clients)
    errors: list[BaseException] = []

    def run(i, client):
        try:
            barrier.wait(timeout=10)
            statuses[i] = request(client).status_code
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return statuses


def test_anonymous_like_goes_to_login(client, post, rows):
    response = client.post(f"/p/{post.id}/like", data={"next": f"/p/{post.id}"})

    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next=/p/{post.id}"
    assert like_state(rows, post) == (0, 0)


def test_like_then_unlike_by_toggling(post, make, login_client, rows):
    fan = login_client(make.member("ajie"))

    liked = fan.post(f"/p/{post.id}/like")
    assert liked.status_code == 303
    assert liked.headers["Location"] == f"/p/{post.id}"
    assert like_state(rows, post) == (1, 1)
    page = fan.get(f"/p/{post.id}").text
    assert 'aria-pressed="true"' in page and '<span class="like-count">1</span>' in page

    fan.post(f"/p/{post.id}/like")
    assert like_state(rows, post) == (0, 0)
    assert 'aria-pressed="false"' in fan.get(f"/p/{post.id}").text


def test_like_returns_to_the_feed_it_was_clicked_in(post, make, login_client):
    fan = login_client(make.member("ajie"))

    response = fan.post(f"/p/{post.id}/like", data={"liked": "1", "next": "/c/travel?sort=hot"})

    assert response.headers["Location"] == "/c/travel?sort=hot"
    evil = fan.post(f"/p/{post.id}/like", data={"liked": "1", "next": "//evil.example/"})
    assert evil.headers["Location"] == f"/p/{post.id}"


def test_repeated_like_clicks_count_once(post, make, login_client, rows):
    fan = login_client(make.member("ajie"))

    for _ in range(3):
        fan.post(f"/p/{post.id}/like", data={"liked": "1"})
    assert like_state(rows, post) == (1, 1)

    for _ in range(2):
        fan.post(f"/p/{post.id}/like", data={"liked": "0"})
    assert like_state(rows, post) == (0, 0)


def test_likes_show_in_the_feed(client, post, make, login_client):
    for name in ("ajie", "laowang"):
        login_client(make.member(name)).post(f"/p/{post.id}/like", data={"liked": "1"})

    assert '<span class="like-count">2</span>' in client.get("/").text


def test_concurrent_likes_and_unlikes_keep_the_count_exact(post, make, login_client, rows):
    fans = [login_client(make.member(f"fan{i:02d}")) for i in range(20)]

    statuses = all_at_once(fans, lambda c: c.post(f"/p/{post.id}/like", data={"liked": "1"}))
    assert statuses == [303] * 20
    assert like_state(rows, post) == (20, 20)

    statuses = all_at_once(fans[:10], lambda c: c.post(f"/p/{post.id}/like", data={"liked": "0"}))
    assert statuses == [303] * 10
    assert like_state(rows, post) == (10, 10)

    # Double clicks: each of the ten who left sends "like" twice at the same moment.
    twice = [c for c in fans[:10] for _ in range(2)]
    statuses = all_at_once(twice, lambda c: c.post(f"/p/{post.id}/like", data={"liked": "1"}))
    assert statuses == [303] * 20
    assert like_state(rows, post) == (20, 20)


def test_like_on_missing_post_is_404(make, login_client):
    fan = login_client(make.member("ajie"))

    response = fan.post("/p/999/like", data={"liked": "1"})

    assert response.status_code == 404
    assert "找不到了" in response.text
