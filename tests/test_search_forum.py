"""Search in the forum: what members find, what they never find, and the index's upkeep.

Posts are written through the real services (the outbox is applied after each
commit), searched through ``/search``, and the operators' commands run through
the CLI runner.  Two tests hold the index's write lock from here, the way a
second worker or a rebuild would.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from helpers import counting
from sqlalchemy import func, select, update
from whoosh.index import open_dir

from forum import search_index
from forum.extensions import db as _db
from forum.models import Circle, Post, SearchLog, SearchOutbox, SearchState, User
from forum.services import (
    circles,
    deletions,
    moderation_queue,
    posts,
    sanctions,
    search_docs,
    search_log,
    wordlist,
)
from forum.text import snippet_html
from search import IndexStatus, SearchError

pytestmark = pytest.mark.usefixtures("fast_hashing")

HX = {"HX-Request": "true"}
REPO = Path(__file__).resolve().parents[1]
WORKER = Path(__file__).with_name("forum_search_worker.py")
REVIEW_WORDS = "word,action,category\n游戏币,review,广告\n"


@pytest.fixture
def app_config(app_config, tmp_path):
    words = tmp_path / "search_words.txt"
    words.write_text("# 品牌\n完美日记\n", encoding="utf-8")
    return {
        **app_config,
        "SEARCH_USER_DICT": str(words),
        "SEARCH_LOCK_TIMEOUT": 0.2,
        "SEARCH_LOG_FLUSH_EVERY": 1000,
    }


@pytest.fixture
def site(make):
    """小美's circle 护肤 (skincare) and 阿杰's circle 数码 (gadgets); both post in both."""
    mei = make.member("xiaomei", nickname="小美")
    jie = make.member("ajie", nickname="阿杰")
    skin = make.circle(mei, slug="skin", name="护肤")
    tech = make.circle(jie, slug="tech", name="数码")
    make.join(jie, skin)
    make.join(mei, tech)
    return mei, jie, skin, tech


def found(client, query: str, **params) -> list[int]:
    response = client.get("/search", query_string={"q": query, **params})
    assert response.status_code == 200, response.text
    return hit_ids(response.text)


RESULT = re.compile(r'<article class="card search-result" id="post-(\d+)"')


def hit_ids(html: str) -> list[int]:
    return [int(n) for n in RESULT.findall(html)]


def outbox(rows) -> list[SearchOutbox]:
    return rows.all(select(SearchOutbox).order_by(SearchOutbox.id))


def in_index(app, query: str) -> int:
    with app.app_context():
        return search_index.backend().query(query).total


@contextmanager
def index_locked(app):
    """Hold the live index's write lock, as another worker's write or a rebuild would."""
    root = Path(app.config["SEARCH_DIR"])
    live = (root / "CURRENT").read_text().strip()
    writer = open_dir(str(root / live)).writer()
    try:
        yield
    finally:
        writer.cancel()


def as_row(model, ident):
    return _db.session.get(model, ident)


# -- finding --------------------------------------------------------------------------


def test_a_new_post_is_found_by_words_of_one_two_and_four_characters(client, make, site):
    mei, _, skin, _ = site
    post = make.post(mei, skin, "我家的猫每天早上都要喝水，护肤心得是多补水", title="日常分享")
    other = make.post(mei, skin, "今天天气不错，出门散步")

    assert found(client, "猫") == [post.id]
    assert found(client, "补水") == [post.id]
    assert found(client, "护肤心得") == [post.id]
    assert found(client, "散步") == [other.id]
    assert found(client, "日常分享") == [post.id]  # the title too


def test_mixed_chinese_and_english_and_traditional_characters(client, make, site):
    mei, jie, skin, tech = site
    phone = make.post(jie, tech, "新买的iPhone15手机壳很耐摔，SK-II神仙水也在用")
    cream = make.post(mei, skin, "这款面霜适合干皮")

    assert found(client, "iphone15") == [phone.id]
    assert found(client, "iPhone 手机壳") == [phone.id]
    assert found(client, "sk-ii") == [phone.id]
    assert found(client, "麵霜") == [cream.id]  # traditional characters in the query
    assert found(client, "ＩＰＨＯＮＥ１５") == [phone.id]  # full-width


def test_user_dictionary_words_are_one_word(app, client, make, site):
    mei, _, skin, _ = site
    post = make.post(mei, skin, "最近在用完美日记的眼影盘，显色度很好")

    with app.app_context():
        backend = search_index.backend()
        assert "完美日记" in backend.analyzer.user_words
        assert "完美日记" in backend.analyzer.tokens("我用完美日记")
    assert found(client, "完美日记") == [post.id]


def test_highlighting_marks_the_words_and_never_passes_the_posts_html(client, make, site):
    mei, _, skin, _ = site
    make.post(
        mei, skin, '面霜<script>alert("x")</script><img src=x onerror=alert(1)>好用', "面霜测评"
    )

    html = client.get("/search?q=面霜").text

    assert "<mark>面霜</mark>" in html
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_snippet_html_lets_only_mark_through():
    dirty = '<mark class="x" onclick="y">面霜</mark><b>粗</b><a href="javascript:1">链</a><!--c-->'

    assert str(snippet_html(dirty)) == "<mark>面霜</mark>粗链"
    assert str(snippet_html(None)) == ""


def test_circle_filter_and_the_circles_and_topics_above_posts(client, make, site):
    mei, jie, skin, tech = site
    in_skin = make.post(mei, skin, "防晒霜怎么选 #防晒#")
    in_tech = make.post(jie, tech, "手机防晒壳？不存在的")

    assert sorted(found(client, "防晒")) == sorted([in_skin.id, in_tech.id])
    assert found(client, "防晒", circle="skin") == [in_skin.id]
    assert found(client, "防晒", circle="tech") == [in_tech.id]

    html = client.get("/search?q=防晒&circle=skin").text
    assert "仅在「" in html and 'name="circle" value="skin"' in html

    above = client.get("/search?q=护肤").text
    assert 'class="chip chip-circle" href="/c/skin"' in above
    topic = client.get("/search?q=防晒").text
    assert f'href="/t/{quote("防晒")}"' in topic and "<mark>防晒</mark>" in topic

    unknown = client.get("/search?q=防晒&circle=nowhere")
    assert unknown.status_code == 200 and "没有找到这个圈子" in unknown.text


def spread_out(rows, runner, post_ids: list[int]) -> None:
    """Give the posts creation times a minute apart, in order (the index keeps
    seconds), and rebuild the index from the database."""
    start = datetime(2025, 6, 1, 12, 0)
    for i, post_id in enumerate(post_ids):
        moment = start + timedelta(minutes=i)
        rows.execute(update(Post).where(Post.id == post_id).values(created_at=moment))
    assert runner.invoke(args=["search", "rebuild"]).exit_code == 0


def test_sort_by_newest(client, runner, make, site, rows):
    mei, _, skin, _ = site
    old = make.post(mei, skin, "保湿保湿保湿，保湿最重要", title="保湿")
    new = make.post(mei, skin, "顺便说一句保湿")
    spread_out(rows, runner, [old.id, new.id])

    assert found(client, "保湿", sort="new") == [new.id, old.id]
    assert found(client, "保湿")[0] == old.id
    html = client.get("/search?q=保湿&sort=new").text
    assert re.search(r'class="on">最新<', html)


def test_pagination(client, runner, make, site, rows):
    mei, _, skin, _ = site
    made = [make.post(mei, skin, f"旅行攻略第{i}篇") for i in range(13)]
    spread_out(rows, runner, [p.id for p in made])

    first = client.get("/search?q=旅行攻略&sort=new").text
    second = client.get("/search?q=旅行攻略&sort=new&page=2").text

    assert hit_ids(first) == [p.id for p in made[::-1][:10]]
    assert hit_ids(second) == [p.id for p in made[::-1][10:]]
    assert "共 13 篇相关帖子" in first
    assert 'rel="next"' in first and 'rel="prev"' in second
    assert "page=2" in first and 'aria-current="page">2<' in second
    past = client.get("/search?q=旅行攻略&page=9")
    assert past.status_code == 200 and "没有更多结果了" in past.text
    assert client.get("/search?q=旅行攻略&page=abc").status_code == 200


def test_empty_state_suggests_other_words_and_hot_topics(client, make, site):
    mei, _, skin, _ = site
    make.post(mei, skin, "夏天要注意防晒 #防晒#")

    html = client.get("/search?q=防晒霜推荐清单").text

    assert hit_ids(html) == []
    assert "没有找到与「防晒霜推荐清单」相关的内容" in html
    assert "试试更短的词" in html and "/search?q=" in html
    assert "#防晒#" in html  # a hot topic to look at


def test_imported_posts_are_searchable(app, client, runner, tmp_path, rows):
    with app.app_context():
        wordlist.import_words(None, REVIEW_WORDS)
    lines = [
        {"type": "member", "ref": "u1", "username": "laoli", "nickname": "老李"},
        {"type": "circle", "ref": "c1", "slug": "tea", "name": "茶友会", "owner": "u1"},
        {"type": "post", "ref": "p1", "circle": "c1", "author": "u1", "body": "普洱茶怎么存"},
        {"type": "post", "ref": "p2", "circle": "c1", "author": "u1", "body": "普洱茶换游戏币"},
    ]
    source = tmp_path / "import.jsonl"
    source.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines))

    result = runner.invoke(args=["forum", "import", str(source)])

    assert result.exit_code == 0, result.output
    published = rows.scalar(select(Post.id).where(Post.status == "published"))
    assert found(client, "普洱茶") == [published]  # the pending one stays out
    assert "chip-circle" in client.get("/search?q=茶友会").text
    assert outbox(rows) == []


# -- never shown: what is not public --------------------------------------------------


def test_pending_rejected_and_approved_posts(app, client, make, site, rows):
    mei, _, skin, _ = site
    moderator = make.member("banzhu", role="moderator")
    with app.app_context():
        wordlist.import_words(None, REVIEW_WORDS)
    held = make.post(mei, skin, "出售游戏币 面膜也有")
    rejected = make.post(mei, skin, "游戏币面膜大甩卖")
    assert rows.get(Post, held.id).status == "pending"

    assert found(client, "面膜") == []
    with app.app_context():
        entries, _ = moderation_queue.open_items()
        by_post = {e.item.target_id: e.item for e in entries}
        mod = as_row(User, moderator.id)
        item = by_post[held.id]
        moderation_queue.decide(mod, item.id, item.version, "approve")
        item = by_post[rejected.id]
        moderation_queue.decide(mod, item.id, item.version, "reject", reason="广告")

    assert found(client, "面膜") == [held.id]  # approval publishes it to the index


def test_deleted_posts_deleted_circles_and_purged_members(app, client, make, site, rows):
    mei, jie, skin, tech = site
    moderator = make.member("banzhu", role="moderator")
    admin = make.member("root", role="admin")
    spammer = make.member("spam", nickname="广告号")
    make.join(spammer, tech)
    deleted = make.post(mei, skin, "眼霜测评：删掉的这篇")
    kept = make.post(mei, skin, "眼霜测评：留下的这篇")
    gadget = make.post(jie, tech, "眼霜和键盘都买了")
    spam = make.post(spammer, tech, "眼霜代购加微信")
    assert sorted(found(client, "眼霜")) == sorted([deleted.id, kept.id, gadget.id, spam.id])

    with app.app_context():
        posts.delete(as_row(User, mei.id), as_row(Post, deleted.id))
        sanctions.remove_all_content(as_row(User, admin.id), as_row(User, spammer.id), "广告")
        deletions.delete_circle(as_row(User, moderator.id), circles.get("tech"), "违规")

    assert found(client, "眼霜") == [kept.id]
    assert "chip-circle" not in client.get("/search?q=数码").text
    assert in_index(app, "眼霜") == 1  # and out of the index, not only filtered

    with app.app_context():
        tech_row = _db.session.scalar(select(Circle).where(Circle.slug == "tech"))
        deletions.restore_circle(as_row(User, admin.id), tech_row, "误删")
    assert sorted(found(client, "眼霜")) == sorted([kept.id, gadget.id])


def test_a_deleted_post_is_not_shown_while_its_outbox_row_waits(
    app, client, make, site, rows, login_client
):
    mei, _, skin, _ = site
    post = make.post(mei, skin, "卸妆油到底要不要乳化")
    author = login_client(mei)

    with index_locked(app):
        response = author.post(f"/p/{post.id}/delete", data={})
        assert response.status_code in (302, 303)
        assert rows.get(Post, post.id).deleted_at is not None
        assert in_index(app, "卸妆油") == 1  # the index still has it...
        assert found(client, "卸妆油") == []  # ...but the page checks the database
        waiting = outbox(rows)
        assert [(r.doc_kind, r.doc_id, r.op) for r in waiting] == [("post", post.id, "delete")]
        assert waiting[0].attempts == 1 and "IndexBusy" in waiting[0].last_error

    assert in_index(app, "卸妆油") == 1


def test_a_write_while_the_index_is_locked_waits_for_sync(app, client, runner, make, site, rows):
    mei, _, skin, _ = site
    make.post(mei, skin, "先有一篇，索引就建好了")

    with index_locked(app):
        started = time.monotonic()
        post = make.post(mei, skin, "锁住的时候写的精华液帖子")
        assert time.monotonic() - started < 2  # the writer waited the lock timeout, no more
    assert rows.get(Post, post.id).status == "published"
    assert found(client, "精华液") == []
    assert [r.doc_id for r in outbox(rows)] == [post.id]

    result = runner.invoke(args=["search", "sync"])

    assert result.exit_code == 0, result.output
    assert "applied 1 outbox rows" in result.output
    assert found(client, "精华液") == [post.id]
    assert outbox(rows) == []
    assert rows.get(SearchState, 1).last_sync_at is not None


def test_the_next_write_applies_rows_left_waiting(app, client, make, site, rows):
    mei, _, skin, _ = site
    make.post(mei, skin, "第一篇")
    with index_locked(app):
        waiting = make.post(mei, skin, "排队的洗面奶帖子")
    assert len(outbox(rows)) == 1

    later = make.post(mei, skin, "后来的洗面奶帖子")

    assert sorted(found(client, "洗面奶")) == sorted([waiting.id, later.id])
    assert outbox(rows) == []


def test_sync_while_busy_keeps_the_rows_and_says_so(app, runner, make, site, rows):
    mei, _, skin, _ = site
    make.post(mei, skin, "第一篇")
    with index_locked(app):
        make.post(mei, skin, "第二篇")
        result = runner.invoke(args=["search", "sync"])
    assert result.exit_code != 0 and "busy" in result.output
    assert len(outbox(rows)) == 1


# -- operators' commands --------------------------------------------------------------


def test_rebuild_sync_and_status(app, client, runner, make, site, rows):
    mei, _, skin, _ = site
    posts_made = [make.post(mei, skin, f"口红试色第{i}号 #口红#") for i in range(3)]
    root = Path(app.config["SEARCH_DIR"])
    before = (root / "CURRENT").read_text()

    rebuilt = runner.invoke(args=["search", "rebuild"])

    assert rebuilt.exit_code == 0, rebuilt.output
    # 3 posts, 2 circles, 1 topic
    assert "rebuilt: 6 documents indexed" in rebuilt.output
    assert "重建索引" in rebuilt.output
    assert (root / "CURRENT").read_text() != before
    assert sorted(found(client, "口红")) == sorted(p.id for p in posts_made)

    status = runner.invoke(args=["search", "status"])
    assert status.exit_code == 0, status.output
    assert "documents indexed: 6" in status.output
    assert "outbox backlog: 0" in status.output
    assert "last sync: 20" in status.output and "last rebuild: 20" in status.output

    synced = runner.invoke(args=["search", "sync"])
    assert synced.exit_code == 0 and "applied 0 outbox rows" in synced.output


def test_rebuild_puts_back_what_a_lost_index_forgot(app, client, runner, make, site):
    mei, _, skin, _ = site
    post = make.post(mei, skin, "香水留香时间对比")
    with app.app_context():
        search_index.backend().delete([("post", post.id)])
    assert found(client, "香水") == []

    assert runner.invoke(args=["search", "rebuild"]).exit_code == 0

    assert found(client, "香水") == [post.id]


def test_a_failed_rebuild_leaves_the_old_index_serving(
    app, client, runner, make, site, monkeypatch
):
    mei, _, skin, _ = site
    post = make.post(mei, skin, "身体乳推荐")
    root = Path(app.config["SEARCH_DIR"])
    live = (root / "CURRENT").read_text()

    def dying(session, chunk=1000):
        yield from search_docs._post_docs(session, Post.id.is_not(None))
        raise KeyboardInterrupt("killed midway")

    monkeypatch.setattr(search_docs, "iter_all", dying)
    result = runner.invoke(args=["search", "rebuild"])

    assert result.exit_code != 0
    assert (root / "CURRENT").read_text() == live
    assert sorted(p.name for p in root.glob("gen-*")) == [live.strip()]
    assert found(client, "身体乳") == [post.id]


def test_status_reports_the_backlog(app, runner, make, site):
    mei, _, skin, _ = site
    make.post(mei, skin, "第一篇")
    with index_locked(app):
        make.post(mei, skin, "第二篇")
        result = runner.invoke(args=["search", "status"])

    assert "outbox backlog: 1 (oldest" in result.output
    assert "attempts up to 1" in result.output


def test_healthz_reports_the_index(client, make, site):
    mei, _, skin, _ = site
    make.post(mei, skin, "健康检查")

    report = client.get("/healthz").json

    assert report["status"] == "ok" and report["database"] == "ok"
    assert report["search"]["status"] == "ok"
    assert report["search"]["documents"] >= 3 and report["search"]["backlog"] == 0


def test_a_broken_index_degrades_health_and_search_but_nothing_fails(
    app, client, make, site, monkeypatch
):
    mei, _, skin, _ = site
    make.post(mei, skin, "健康检查")
    with app.app_context():
        backend = search_index.backend()

    def unreadable(*_args, **_kwargs):
        raise SearchError("search index unreadable: OSError(5, 'I/O error')")

    broken = IndexStatus(backend="whoosh", location="x", ok=False, error="OSError: I/O error")
    monkeypatch.setattr(backend, "status", lambda: broken)
    monkeypatch.setattr(backend, "query", unreadable)

    response = client.get("/healthz")
    page = client.get("/search?q=健康")

    assert response.status_code == 200
    assert response.json["status"] == "degraded"
    assert response.json["search"] == {
        "status": "error",
        "error": "OSError: I/O error",
        "documents": 0,
        "backlog": 0,
        "last_sync": response.json["search"]["last_sync"],
    }
    assert page.status_code == 200 and "搜索暂时不可用" in page.text


# -- hostile queries and the two representations ------------------------------------


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("面" * 150, "搜索词太长了"),
        ("！！？？。。……", "请输入要搜索的文字"),
        ("😀😀", "请输入要搜索的文字"),
        ("   ", None),
        ('title:(面霜 OR "x") AND NOT * ? ~2 ^3 [a TO z] {b} \\ / :', None),
        ("面霜\x00\x1b[31m", None),
        ("%" * 30 + "_' OR 1=1 --", None),
    ],
)
def test_hostile_queries_get_a_calm_answer(client, make, site, query, notice):
    mei, _, skin, _ = site
    make.post(mei, skin, "面霜")

    for headers in ({}, HX):
        response = client.get("/search", query_string={"q": query}, headers=headers)
        assert response.status_code == 200
        if notice:
            assert notice in response.text


def test_bad_parameters_are_ignored(client, make, site):
    mei, _, skin, _ = site
    post = make.post(mei, skin, "面霜")
    assert found(client, "面霜", sort="drop table", page="-3") == [post.id]
    assert client.get("/search?q=面霜&q=x&circle=" + "a" * 500).status_code == 200


def test_htmx_gets_the_results_block_and_a_full_page_otherwise(client, make, site):
    mei, _, skin, _ = site
    post = make.post(mei, skin, "面霜")

    page = client.get("/search?q=面霜")
    fragment = client.get("/search?q=面霜", headers=HX)
    restore = client.get("/search?q=面霜", headers={**HX, "HX-History-Restore-Request": "true"})

    assert "<html" in page.text and 'id="search-results"' in page.text
    assert "<html" not in fragment.text and 'id="search-results"' not in fragment.text
    assert hit_ids(fragment.text) == hit_ids(page.text) == [post.id]
    assert "<html" in restore.text
    assert "HX-Request" in fragment.headers["Vary"]
    # The box searches as you type, and works as a plain form without JavaScript.
    assert 'hx-trigger="input changed delay:300ms, search"' in page.text
    assert 'hx-sync="closest form:replace"' in page.text and 'hx-push-url="true"' in page.text
    assert re.search(r'<form class="search-form" action="/search" method="get"', page.text)


def test_search_boxes_on_every_page_and_in_the_mini_program(client, make, site):
    home = client.get("/").text
    topics = client.get("/topics").text

    assert 'class="topsearch" action="/search"' in home
    assert 'class="search-entry" action="/search"' in home
    assert 'class="search-entry" action="/search"' in topics
    circle = client.get("/c/skin").text
    assert 'name="circle" value="skin"' in circle and "在「护肤」中搜索" in circle
    assert 'class="topsearch"' not in client.get("/search").text  # it has its own box


def test_no_query_shows_hot_topics(client, make, site):
    mei, _, skin, _ = site
    make.post(mei, skin, "夏天 #防晒#")

    html = client.get("/search").text

    assert "热门话题" in html and "#防晒#" in html
    assert "没有找到" not in html


# -- the search log -------------------------------------------------------------------


def test_searches_are_logged_anonymised_and_in_batches(app, client, make, site, rows):
    mei, _, skin, _ = site
    make.post(mei, skin, "防晒喷雾")
    member = app.test_client()
    member.post("/login", data={"username": "xiaomei", "password": "password123"})

    for typed in ("防", "防晒", "防晒喷"):  # as-you-type: one search
        client.get("/search", query_string={"q": typed}, headers=HX)
    client.get("/search?q=卸妆水")
    client.get("/search?q=防晒&page=2")  # a page of the same search: not a new one
    member.get("/search?q=防晒")
    client.get("/search?q=！！")  # nothing searched
    assert rows.all(select(SearchLog)) == []  # nothing written on the request path

    with app.app_context():
        assert search_log.flush() == 3

    logged = rows.all(select(SearchLog).order_by(SearchLog.id))
    assert [(r.query, r.result_count) for r in logged] == [
        ("防晒喷", 1),
        ("卸妆水", 0),
        ("防晒", 1),
    ]
    anonymous, member_hash = logged[0].visitor_hash, logged[2].visitor_hash
    assert logged[1].visitor_hash == anonymous and len(anonymous) == 16
    assert member_hash != anonymous and len(member_hash) == 16
    columns = set(SearchLog.__table__.columns.keys())
    assert columns == {"id", "query", "result_count", "circle_slug", "visitor_hash", "created_at"}
    for row in logged:
        assert "127.0.0.1" not in row.visitor_hash and str(mei.id) != row.visitor_hash


def test_the_log_is_flushed_after_the_response_every_n_searches(app, client, make, site, rows):
    app.config["SEARCH_LOG_FLUSH_EVERY"] = 2
    client.get("/search?q=面霜")
    assert rows.all(select(SearchLog)) == []

    client.get("/search?q=眼霜").close()

    assert [r.query for r in rows.all(select(SearchLog).order_by(SearchLog.id))] == [
        "面霜",
        "眼霜",
    ]


# -- cost ---------------------------------------------------------------------------


def test_the_query_count_does_not_grow_with_the_results(app, client, make, site):
    mei, jie, skin, tech = site
    make.post(mei, skin, "唇釉 #唇釉#")
    for i in range(9):
        make.post(jie, tech, f"耳机评测{i} #耳机#")

    with counting(app) as one:
        few = client.get("/search?q=唇釉")
    with counting(app) as many:
        lots = client.get("/search?q=耳机")

    assert len(hit_ids(few.text)) == 1 and len(hit_ids(lots.text)) == 9
    assert len(one) == len(many) <= 4, many


# -- several workers ------------------------------------------------------------------


def test_two_processes_writing_at_once_lose_nothing(app, client, runner, make, tmp_path, rows):
    first, second = make.member("alpha"), make.member("bravo")
    race = make.circle(first, slug="race", name="赛跑")
    make.join(second, race)
    make.post(first, race, "开始之前的一篇")  # the index exists before the race
    count = 12
    workers = [
        subprocess.Popen(
            [sys.executable, str(WORKER), str(tmp_path), name, str(count)],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("alpha", "bravo")
    ]
    for worker in workers:
        assert worker.stdout.readline().strip() == "ready", worker.stderr.read()
    (tmp_path / "go").touch()
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        assert f"done {count}" in out

    written = rows.scalar(select(func.count()).select_from(Post).where(Post.circle_id == race.id))
    assert written == 2 * count + 1
    # Rows one worker could not apply wait for the next write or a sync.
    assert runner.invoke(args=["search", "sync"]).exit_code == 0
    time.sleep(0.6)  # another process's commit shows within the refresh interval
    with app.app_context():
        hits = search_index.backend().query("并发写入", per_page=100)
    ids = set(rows.all(select(Post.id).where(Post.body.like("并发写入%"))))
    assert hits.total == 2 * count and {h.id for h in hits.hits} == ids
    assert outbox(rows) == []
