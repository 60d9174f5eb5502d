"""Bulk import (``flask forum import``) and the demo community."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from forum.models import Circle, Comment, Like, Membership, Post, Topic, User


def write_jsonl(path, rows) -> str:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


GOOD = [
    {
        "type": "member",
        "ref": "u1",
        "username": "xiaomei",
        "nickname": "小美",
        "created_at": "2024-05-01T10:00:00+08:00",
    },
    {"type": "member", "ref": "u2", "username": "ajie", "nickname": "阿杰"},
    {
        "type": "circle",
        "ref": "c1",
        "slug": "travel",
        "name": "旅行",
        "description": "去远方",
        "owner": "u1",
    },
    {
        "type": "post",
        "ref": "p1",
        "circle": "c1",
        "author": "u2",
        "title": "大理攻略",
        "body": "洱海边骑行 #周末去哪儿#",
        "created_at": "2024-05-02T09:00:00+08:00",
    },
    {"type": "comment", "ref": "m1", "post": "p1", "author": "u1", "body": "收藏了"},
    {"type": "comment", "ref": "m2", "post": "p1", "author": "u2", "body": "谢谢", "parent": "m1"},
    {
        "type": "comment",
        "ref": "m3",
        "post": "p1",
        "author": "u1",
        "body": "不客气",
        "parent": "m2",
    },
    {"type": "like", "post": "p1", "member": "u1"},
]


def test_import_creates_linked_counted_rows(runner, db, tmp_path):
    result = runner.invoke(args=["forum", "import", write_jsonl(tmp_path / "in.jsonl", GOOD)])
    assert result.exit_code == 0, result.output
    assert "imported 2 members, 1 circles, 1 posts, 3 comments, 1 likes" in result.output

    members = db.session.scalars(select(User).order_by(User.member_no)).all()
    assert [m.member_no for m in members] == [10001, 10002]
    assert members[0].created_at.hour == 2  # 10:00 at +08:00 stored as UTC
    circle = db.session.scalars(select(Circle)).one()
    post = db.session.scalars(select(Post)).one()
    assert (circle.member_count, circle.post_count) == (2, 1)  # the poster joined
    assert (post.comment_count, post.like_count) == (3, 1)
    assert 'href="/t/' in post.body_html
    assert db.session.scalar(select(Topic.post_count).where(Topic.name == "周末去哪儿")) == 1
    replies = db.session.scalars(select(Comment).where(Comment.parent_id.is_not(None))).all()
    top = db.session.scalar(select(Comment.id).where(Comment.parent_id.is_(None)))
    # A reply to a reply joins the top-level thread, addressed to whom it answers.
    assert {r.parent_id for r in replies} == {top}
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 2


def test_import_reports_bad_lines_by_number_and_keeps_the_rest(runner, db, tmp_path):
    rows = [
        GOOD[0],
        "{not json",
        {"type": "spaceship"},
        {"type": "member", "username": "a"},  # too short
        {"type": "member", "username": "xiaomei"},  # duplicate
        GOOD[2],
        {"type": "post", "circle": "nowhere", "author": "u1", "body": "迷路了"},
        {"type": "post", "ref": "p1", "circle": "c1", "author": "u1", "body": "第一帖"},
        {"type": "post", "circle": "c1", "author": "u1", "body": ""},
        {"type": "post", "circle": "c1", "author": "u1", "body": "时间不对", "created_at": "昨天"},
        {"type": "comment", "post": "p404", "author": "u1", "body": "找不到帖子"},
        {"type": "comment", "post": "p1", "author": "u1", "body": "好", "parent": "m404"},
        {"type": "like", "post": "p1", "member": "ghost"},
        {"type": "comment", "post": "p1", "author": "u1", "body": "正常评论"},
    ]
    result = runner.invoke(args=["forum", "import", write_jsonl(tmp_path / "bad.jsonl", rows)])
    assert result.exit_code == 0
    errors = result.stderr if hasattr(result, "stderr") else result.output
    for line_no, words in [
        (2, "not valid JSON"),
        (3, "type must be one of"),
        (4, "username"),
        (5, "already exists"),
        (7, "unknown circle 'nowhere'"),
        (9, "body"),
        (10, "ISO 8601"),
        (11, "unknown post 'p404'"),
        (12, "unknown comment 'm404'"),
        (13, "unknown member 'ghost'"),
    ]:
        assert f"line {line_no}: " in errors and words in errors, (line_no, errors)
    assert "10 line(s) skipped" in errors
    assert db.session.scalar(select(func.count()).select_from(Post)) == 1
    post = db.session.scalars(select(Post)).one()
    assert post.comment_count == 1 and post.like_count == 0


def test_import_in_small_batches_resolves_refs_across_batches(runner, db, tmp_path):
    rows = [
        {"type": "member", "ref": "u1", "username": "owner1"},
        {"type": "circle", "ref": "c1", "slug": "books", "name": "读书", "owner": "u1"},
    ]
    rows += [
        {"type": "post", "ref": f"p{i}", "circle": "c1", "author": "u1", "body": f"第{i}本书"}
        for i in range(7)
    ]
    rows += [{"type": "comment", "post": f"p{i}", "author": "u1", "body": "好书"} for i in range(7)]
    path = write_jsonl(tmp_path / "batches.jsonl", rows)
    result = runner.invoke(args=["forum", "import", path, "--batch-size", "3"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.sum(Post.comment_count))) == 7
    assert db.session.scalar(select(Circle.post_count)) == 7


def test_demo_loads_a_realistic_community_once(runner, db):
    first = runner.invoke(args=["forum", "demo"])
    assert first.exit_code == 0, first.output
    count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
    assert count(Circle) >= 8 and count(User) >= 40 and count(Post) >= 300
    assert count(Comment) > 300 and count(Like) > 300 and count(Topic) >= 8
    assert db.session.scalar(select(Circle.name).where(Circle.slug == "beauty")) == "美妆"
    second = runner.invoke(args=["forum", "demo"])
    assert "already loaded" in second.output
    assert count(Post) >= 300 and count(Post) < 301 + 1


def test_demo_members_can_log_in(runner, client):
    runner.invoke(args=["forum", "demo"])
    response = client.post("/login", data={"username": "xiaomei", "password": "weishequn2024"})
    assert response.status_code == 303
    assert "小美" in client.get("/").get_data(as_text=True)


def test_imported_history_meets_the_word_list(runner, db, tmp_path):
    words = tmp_path / "words.csv"
    words.write_text("代购,block,广告\n傻瓜,mask,辱骂\n私聊,review,广告\n", encoding="utf-8")
    assert runner.invoke(args=["mod", "import-words", str(words)]).exit_code == 0
    rows = GOOD[:3] + [
        {"type": "post", "ref": "p1", "circle": "c1", "author": "u2", "body": "专业代购，量大从优"},
        {"type": "post", "ref": "p2", "circle": "c1", "author": "u2", "body": "有想法私聊我"},
        {"type": "post", "ref": "p3", "circle": "c1", "author": "u2", "body": "你这个傻瓜"},
        {"type": "comment", "post": "p3", "author": "u1", "body": "别骂人，私聊说"},
    ]
    result = runner.invoke(args=["forum", "import", write_jsonl(tmp_path / "w.jsonl", rows)])
    assert result.exit_code == 0
    assert "line 4: blocked by the word list" in result.output
    posts = {p.body: p for p in db.session.scalars(select(Post))}
    assert "专业代购，量大从优" not in posts
    assert posts["有想法私聊我"].status == "pending"
    assert "你这个**" in posts and posts["你这个**"].status == "published"
    comment = db.session.scalars(select(Comment)).one()
    assert comment.status == "pending"
    # Pending history stays out of counts and waits in the moderators' queue.
    assert db.session.scalar(select(Circle.post_count)) == 1
    assert posts["你这个**"].comment_count == 0
    from forum.models import QueueItem

    queued = db.session.scalars(select(QueueItem.target_kind)).all()
    assert sorted(queued) == ["comment", "post"]
