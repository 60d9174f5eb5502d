"""Click-through: /go/product counts a click and redirects to the stored link; the
mini-program's POST answers 204; one reader's taps within a minute count once.
Post views are tallied in memory and written in batches."""

from __future__ import annotations

from datetime import timedelta

import pytest
from goods_helpers import make_brand, make_product, share
from helpers import csrf_from
from sqlalchemy import select

from forum.extensions import db
from forum.models import Post, PostViewDay, Product, ProductClick, utcnow
from forum.services import clicks, view_counts

pytestmark = pytest.mark.usefixtures("fast_hashing")


@pytest.fixture
def shop(app, make):
    author = make.member("xiaomei", nickname="小美")
    circle = make.circle(author, slug="drinks", name="饮料")
    brand = make_brand(app, make, "元气森林", "yuanqi")
    web = make_product(
        app, brand.account, name="白桃气泡水", web_url="https://shop.example.com/p/1"
    )
    mini = make_product(
        app,
        brand.account,
        name="乌龙茶",
        web_url="",
        mp_appid="wx1234567890abcdef",
        mp_path="pages/item/item?id=2",
    )
    post = share(app, author, circle, "真好喝", [web, mini])
    return {"author": author, "web": web, "mini": mini, "post": post.id, "brand": brand}


def click_rows(rows) -> list[ProductClick]:
    return rows.all(select(ProductClick).order_by(ProductClick.id))


def test_same_reader_within_a_minute_counts_once(app, shop, rows):
    start = utcnow()

    def tap(reader: str, seconds: int) -> bool:
        with app.app_context():
            product = db.session.get(Product, shop["web"])
            return clicks.record(
                product, shop["post"], None, reader, "web", now=start + timedelta(seconds=seconds)
            )

    assert tap("a:one", 0) is True
    assert tap("a:one", 30) is False  # a double tap
    assert tap("a:one", 59) is False
    assert tap("a:two", 40) is True  # another reader
    assert tap("a:one", 61) is True  # a minute after the counted one

    assert [c.reader_key for c in click_rows(rows)] == ["a:one", "a:two", "a:one"]


def test_go_counts_the_click_and_redirects_to_the_stored_link(shop, client, rows):
    response = client.get(f"/go/product/{shop['web']}?post={shop['post']}")
    again = client.get(f"/go/product/{shop['web']}?post={shop['post']}")

    assert response.status_code == 302
    assert response.headers["Location"] == "https://shop.example.com/p/1"
    assert response.headers["Cache-Control"] == "no-store"
    assert again.status_code == 302
    [row] = click_rows(rows)
    assert (row.product_id, row.post_id, row.user_id, row.source) == (
        shop["web"],
        shop["post"],
        None,
        "web",
    )
    assert row.reader_key.startswith("a:")


def test_different_readers_each_count(app, shop, client, login_client, rows):
    client.get(f"/go/product/{shop['web']}?post={shop['post']}")
    app.test_client().get(f"/go/product/{shop['web']}?post={shop['post']}")
    member = login_client(shop["author"])
    member.get(f"/go/product/{shop['web']}?post={shop['post']}&from=poster")

    readers = [(c.user_id, c.source) for c in click_rows(rows)]
    assert readers == [(None, "web"), (None, "web"), (shop["author"].id, "poster")]


def test_a_click_names_a_post_only_if_the_post_shares_the_product(app, make, shop, client, rows):
    other = make.post(shop["author"], make.circle(shop["author"], slug="misc"), body="无关")

    client.get(f"/go/product/{shop['web']}?post={other.id}")

    assert click_rows(rows)[0].post_id is None


def test_a_product_without_a_web_link_lands_on_its_page(shop, client, rows):
    response = client.get(f"/go/product/{shop['mini']}?post={shop['post']}")

    assert response.headers["Location"] == f"/product/{shop['mini']}"
    assert len(click_rows(rows)) == 1


def test_a_removed_product_counts_nothing(shop, login_client, client, rows):
    login_client(shop["brand"].account).post(f"/brand/products/{shop['web']}/remove")

    response = client.get(f"/go/product/{shop['web']}?post={shop['post']}")

    assert response.headers["Location"] == f"/product/{shop['web']}"
    assert click_rows(rows) == []
    assert client.get("/go/product/999999").status_code == 404


def test_cards_carry_what_webview_js_reads(shop, client):
    page = client.get(f"/p/{shop['post']}").text
    mini = page.split(f'data-product-id="{shop["mini"]}"')[0].rsplit("<a ", 1)[1]
    mini += page.split(f'data-product-id="{shop["mini"]}"')[1].split(">")[0]

    assert f'href="/go/product/{shop["mini"]}?post={shop["post"]}"' in mini
    assert f'data-post-id="{shop["post"]}"' in mini
    assert f'data-click-url="/go/product/{shop["mini"]}/click?post={shop["post"]}"' in mini
    assert 'data-appid="wx1234567890abcdef"' in mini
    assert 'data-path="pages/item/item?id=2"' in mini
    web = page.split(f'data-product-id="{shop["web"]}"')[1].split(">")[0]
    assert "data-appid" not in web  # a web card is a plain link, even in WeChat


class TestTheMiniProgramClick:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_post_click_answers_204_even_from_a_page_without_a_token(self, shop, client, rows):
        # Feed pages cached for anonymous readers carry no CSRF token, and the
        # POST records no more than the GET redirect does, so it needs none.
        url = f"/go/product/{shop['mini']}/click?post={shop['post']}"
        token = csrf_from(client.get(f"/p/{shop['post']}").text)

        done = client.post(url, data={"source": "miniprogram"})
        twice = client.post(url, data={"source": "miniprogram"}, headers={"X-CSRFToken": token})

        assert done.status_code == 204 and done.data == b""
        assert twice.status_code == 204
        [row] = click_rows(rows)
        assert (row.product_id, row.post_id, row.source) == (
            shop["mini"],
            shop["post"],
            "miniprogram",
        )


# -- views -----------------------------------------------------------------------------


def test_post_views_are_tallied_then_written_in_one_batch(app, shop, client, rows):
    post_id = shop["post"]
    for _ in range(3):
        assert client.get(f"/p/{post_id}").status_code == 200
    client.get(f"/p/{post_id}", headers={"HX-Request": "true"})  # a fragment is not a view

    assert rows.get(Post, post_id).view_count == 0  # nothing written on the request path
    with app.app_context():
        assert view_counts.pending(post_id) == 3
        assert view_counts.flush() == 3
        assert view_counts.flush() == 0

    assert rows.get(Post, post_id).view_count == 3
    [day] = rows.all(select(PostViewDay))
    assert (day.post_id, day.views, day.day) == (post_id, 3, (utcnow() + timedelta(hours=8)).date())


def test_a_flush_is_due_after_enough_views(app, shop, client, rows):
    app.config.update(VIEW_FLUSH_EVERY=2, VIEW_FLUSH_SECONDS=3600)
    with app.app_context():
        view_counts.flush()  # start the clock

        assert view_counts.record(shop["post"]) is False
        assert view_counts.record(shop["post"]) is True
        view_counts.flush()
        view_counts.record(shop["post"])
        view_counts.flush()

    assert rows.get(Post, shop["post"]).view_count == 3
    assert rows.one(select(PostViewDay)).views == 3


def test_a_due_flush_runs_after_the_response_is_sent(app, shop, client, rows):
    app.config.update(VIEW_FLUSH_EVERY=1)

    response = client.get(f"/p/{shop['post']}")
    assert rows.get(Post, shop["post"]).view_count == 0  # not before the body went out
    response.close()

    assert rows.get(Post, shop["post"]).view_count == 1
