"""Signals on live behaviour, fed from the database: account age, repeats, bursts.

They are on wherever rate limits are (production); this module turns them on
with rate limits still off, so only the screen decides.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from forum.models import Post, QueueItem, User, utcnow

pytestmark = pytest.mark.usefixtures("fast_hashing")

ADVERT = "周末骑行活动报名，名额有限，先到先得，带上头盔和水壶"


@pytest.fixture
def app_config(app_config) -> dict:
    return {**app_config, "SCREEN_BEHAVIOUR_SIGNALS": True}


@pytest.fixture
def site(make, rows):
    """Three circles; ajie (a member for a month) and xiaomei (new today) are in all."""
    owner = make.member("laoli", nickname="老李")
    veteran = make.member("ajie", nickname="阿杰")
    newcomer = make.member("xiaomei", nickname="小美")
    for slug in ("travel", "food", "books"):
        circle = make.circle(owner, slug=slug, name=slug)
        for member in (veteran, newcomer):
            make.join(member, circle)
    month_ago = utcnow() - timedelta(days=30)
    rows.execute(update(User).where(User.id == veteran.id).values(created_at=month_ago))
    return veteran, newcomer


def test_a_new_account_posting_contact_details_is_blocked(site, login_client, rows):
    veteran, newcomer = site

    new = login_client(newcomer).post("/c/travel/posts", data={"body": "加我 138 1234 5678"})
    old = login_client(veteran).post("/c/travel/posts", data={"body": "加我 138 1234 5678"})

    assert new.status_code == 422 and "加我 <mark>138 1234 5678</mark>" in new.text
    assert old.status_code == 303
    assert [p.status for p in rows.all(select(Post))] == ["pending"]


def test_the_same_text_in_three_circles_is_blocked_the_third_time(site, login_client, rows):
    veteran, _ = site
    ajie = login_client(veteran)

    statuses = [
        ajie.post(f"/c/{slug}/posts", data={"body": ADVERT}).status_code
        for slug in ("travel", "food", "books")
    ]

    assert statuses == [303, 303, 422]
    # The second copy already waits for review, as a repeat.
    assert [p.status for p in rows.all(select(Post).order_by(Post.id))] == [
        "published",
        "pending",
    ]
    assert rows.one(select(QueueItem)).reasons[0]["kind"] == "duplicate"


def test_an_edit_is_not_a_repeat_of_itself(site, login_client, rows):
    veteran, _ = site
    ajie = login_client(veteran)
    ajie.post("/c/travel/posts", data={"body": ADVERT})
    post = rows.one(select(Post))

    ajie.post(f"/p/{post.id}/edit", data={"title": "", "body": ADVERT + "！"})

    assert rows.get(Post, post.id).status == "published"
    assert rows.all(select(QueueItem)) == []


def test_a_burst_of_posts_goes_to_review(site, login_client, rows):
    veteran, _ = site
    ajie = login_client(veteran)

    for n in range(6):
        ajie.post("/c/travel/posts", data={"body": f"第{n}条：{'一二三四五六七八九十'[n]}"})

    assert [p.status for p in rows.all(select(Post).order_by(Post.id))] == ["published"] * 5 + [
        "pending"
    ]
    assert rows.one(select(QueueItem)).reasons[0]["message"] == "发帖过于频繁"
