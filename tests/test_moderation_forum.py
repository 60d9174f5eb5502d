"""Moderation inside the forum: each verdict end to end, reports, the queue, deletions.

What a member sees (their post, the badge, the form with the words marked),
what everyone else sees, the queue row and the audit row.
"""

from __future__ import annotations

import re
import threading
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from forum.models import AuditLog, Circle, Comment, Post, QueueItem, Report, Topic
from forum.services import wordlist

pytestmark = pytest.mark.usefixtures("fast_hashing")

HX = {"HX-Request": "true"}
WORDS = """word,action,category
代开发票,block,违法
游戏币,review,广告
垃圾,mask,辱骂
保安,review,其他
佳保安全,allow,其他
"""


def card_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<article class="card post-card" id="post-(\d+)"', html)]


@pytest.fixture
def words(app):
    with app.app_context():
        report = wordlist.import_words(None, WORDS)
    assert (report.added, report.errors) == (5, [])


@pytest.fixture
def site(make, words):
    """xiaomei's circle 旅行 (ajie is a member), a moderator and an admin."""
    owner = make.member("xiaomei", nickname="小美")
    circle = make.circle(owner, slug="travel", name="旅行")
    member = make.member("ajie", nickname="阿杰")
    make.join(member, circle)
    moderator = make.member("banzhu", nickname="版主", role="moderator")
    admin = make.member("root", nickname="管理员", role="admin")
    return circle, owner, member, moderator, admin


def counts(rows, topic: str = "周末去哪儿") -> tuple[int, int | None]:
    circle = rows.scalar(select(Circle.post_count).where(Circle.slug == "travel"))
    return circle, rows.scalar(select(Topic.post_count).where(Topic.name == topic))


def audit_actions(rows) -> list[tuple[str, str, int | None]]:
    """The audit rows after the word list was loaded."""
    entries = rows.all(select(AuditLog).where(AuditLog.action != "word.import"))
    return [(a.action, a.target_kind, a.target_id) for a in entries]


def public_pages(client, member_no: int) -> list[str]:
    urls = ["/", "/c/travel", f"/t/{quote('周末去哪儿')}", f"/u/{member_no}"]
    return [client.get(url).text for url in urls]


# -- block ---------------------------------------------------------------------------


def test_block_stores_nothing_and_marks_the_words_in_the_form(site, login_client, rows):
    _, _, member, _, _ = site
    ajie = login_client(member)
    body = "长期<b>代开发票</b>，量大从优"

    response = ajie.post("/c/travel/posts", data={"title": "发票", "body": body})

    assert response.status_code == 422
    assert "违法" in response.text and "无法发布" in response.text
    # The member's text comes back intact, escaped, with the word marked.
    assert "长期&lt;b&gt;代开发票&lt;/b&gt;，量大从优</textarea>" in response.text
    assert "&lt;b&gt;<mark>代开发票</mark>&lt;/b&gt;" in response.text
    assert "<b>代开" not in response.text
    assert rows.scalar(select(func.count()).select_from(Post)) == 0
    assert rows.all(select(QueueItem)) == [] and audit_actions(rows) == []


def test_block_answers_htmx_in_place_with_the_composer(site, login_client, rows):
    _, _, member, _, _ = site
    ajie = login_client(member)

    response = ajie.post(
        "/c/travel/posts",
        data={"title": "", "body": "专业代开发票"},
        headers={**HX, "HX-Target": "composer"},
    )

    assert response.status_code == 422
    assert response.text.lstrip().startswith('<form id="composer"')
    assert "专业<mark>代开发票</mark>" in response.text
    assert rows.scalar(select(func.count()).select_from(Post)) == 0


def test_a_blocked_word_split_between_title_and_body_is_marked_in_each(site, login_client):
    _, _, member, _, _ = site

    response = login_client(member).post(
        "/c/travel/posts", data={"title": "诚信代开", "body": "发票，欢迎咨询"}
    )

    assert response.status_code == 422
    assert "诚信<mark>代开</mark>" in response.text
    assert "<mark>发票</mark>，欢迎咨询" in response.text


def test_blocked_comment_keeps_the_text_and_marks_it(site, make, login_client, rows):
    circle, owner, member, _, _ = site
    post = make.post(owner, circle, body="大理三日游 #周末去哪儿#")

    response = login_client(member).post(
        f"/p/{post.id}/comments", data={"body": "代开发票找我"}, headers=HX
    )

    assert response.status_code == 422
    assert response.text.lstrip().startswith('<section id="comments"')
    assert "<mark>代开发票</mark>找我" in response.text
    assert ">代开发票找我</textarea>" in response.text
    assert rows.all(select(Comment)) == []


# -- review --------------------------------------------------------------------------


def test_review_post_is_pending_for_its_author_and_queued_for_moderators(
    site, client, login_client, rows
):
    _, _, member, moderator, _ = site
    ajie = login_client(member)

    response = ajie.post(
        "/c/travel/posts", data={"title": "", "body": "出售游戏币 #周末去哪儿# 便宜"}
    )

    post = rows.one(select(Post))
    assert response.status_code == 303 and response.headers["Location"] == f"/p/{post.id}"
    assert post.status == "pending"
    # The author sees it, marked 待审核, on its page and on their profile.
    page = ajie.get(f"/p/{post.id}").text
    assert "待审核" in page and "出售游戏币" in page
    assert post.id in card_ids(ajie.get(f"/u/{member.member_no}").text)
    # Nobody else does, and it is in no count.
    assert client.get(f"/p/{post.id}").status_code == 404
    for html in public_pages(client, member.member_no):
        assert post.id not in card_ids(html)
    assert counts(rows) == (0, 0)
    # One open queue item, with the word, its category and where it is.
    item = rows.one(select(QueueItem))
    assert (item.target_kind, item.target_id, item.state, item.source) == (
        "post",
        post.id,
        "open",
        "screen",
    )
    assert item.author_id == member.id and item.version == 1
    assert [(r["category"], r["term"]) for r in item.reasons] == [("广告", "游戏币")]
    assert item.spans == {"body": [[2, 5]]}
    assert item.snapshot["body"] == "出售游戏币 #周末去哪儿# 便宜"
    # The moderator sees it highlighted in the queue.
    mod = login_client(moderator)
    queue = mod.get("/mod").text
    assert "出售<mark>游戏币</mark>" in queue and "含有广告词语「游戏币」" in queue

    approved = mod.post(f"/mod/queue/{item.id}/approve", data={"version": 1}, headers=HX)

    assert approved.status_code == 200
    assert approved.text.lstrip().startswith(
        f'<article class="card queue-item" id="item-{item.id}"'
    )
    assert "已通过" in approved.text
    assert rows.get(Post, post.id).status == "published"
    assert post.id in card_ids(client.get("/").text)
    assert counts(rows) == (1, 1)
    decided = rows.get(QueueItem, item.id)
    assert (decided.state, decided.version, decided.decided_by_id) == ("approved", 2, moderator.id)
    assert audit_actions(rows) == [("queue.approve", "post", post.id)]


def test_rejected_post_tells_its_author_why_and_stays_hidden(site, client, login_client, rows):
    _, _, member, moderator, _ = site
    ajie = login_client(member)
    ajie.post("/c/travel/posts", data={"title": "回收", "body": "高价回收游戏币"})
    post, item = rows.one(select(Post)), rows.one(select(QueueItem))

    response = login_client(moderator).post(
        f"/mod/queue/{item.id}/reject", data={"version": 1, "reason": "站内禁止买卖虚拟货币"}
    )

    assert response.status_code == 303 and response.headers["Location"] == "/mod"
    post = rows.get(Post, post.id)
    assert (post.status, post.moderation_note) == ("rejected", "站内禁止买卖虚拟货币")
    assert "未通过审核：站内禁止买卖虚拟货币" in ajie.get(f"/p/{post.id}").text
    assert "未通过审核：站内禁止买卖虚拟货币" in ajie.get(f"/u/{member.member_no}").text
    assert client.get(f"/p/{post.id}").status_code == 404
    assert counts(rows, "x") == (0, None)
    assert audit_actions(rows) == [("queue.reject", "post", post.id)]
    [entry] = rows.all(select(AuditLog).where(AuditLog.action == "queue.reject"))
    assert (entry.actor_id, entry.reason) == (moderator.id, "站内禁止买卖虚拟货币")


def test_reject_needs_a_reason_the_author_will_see(site, login_client, rows):
    _, _, member, moderator, _ = site
    login_client(member).post("/c/travel/posts", data={"title": "", "body": "游戏币"})
    item = rows.one(select(QueueItem))

    response = login_client(moderator).post(
        f"/mod/queue/{item.id}/reject", data={"version": 1, "reason": " "}, headers=HX
    )

    assert response.status_code == 422
    assert "请填写驳回理由" in response.text
    assert rows.get(QueueItem, item.id).state == "open"


def test_edit_then_approve_publishes_the_moderators_text(site, client, login_client, rows):
    _, _, member, moderator, _ = site
    login_client(member).post("/c/travel/posts", data={"title": "", "body": "出售游戏币"})
    item = rows.one(select(QueueItem))
    mod = login_client(moderator)
    assert "出售游戏币</textarea>" in mod.get(f"/mod/queue/{item.id}/edit").text

    response = mod.post(
        f"/mod/queue/{item.id}/edit",
        data={"version": 1, "title": "", "body": "闲聊游戏 #周末去哪儿#"},
    )

    assert response.status_code == 303
    post = rows.one(select(Post))
    assert (post.status, post.body) == ("published", "闲聊游戏 #周末去哪儿#")
    assert counts(rows) == (1, 1)
    assert audit_actions(rows) == [("queue.edit_approve", "post", post.id)]


def test_a_phone_number_split_by_spaces_goes_to_review(site, client, login_client, rows):
    _, _, member, _, _ = site

    login_client(member).post(
        "/c/travel/posts", data={"title": "", "body": "加我 138 1234 5678 优惠多多"}
    )

    post, item = rows.one(select(Post)), rows.one(select(QueueItem))
    assert post.status == "pending"
    assert item.reasons[0]["message"] == "含有手机号码"
    assert item.spans == {"body": [[3, 16]]}


def test_review_comment_waits_for_a_moderator(site, make, client, login_client, rows):
    circle, owner, member, moderator, _ = site
    post = make.post(owner, circle, body="大理三日游 #周末去哪儿#")
    ajie = login_client(member)

    ajie.post(f"/p/{post.id}/comments", data={"body": "有人要游戏币吗"})

    comment = rows.one(select(Comment))
    assert comment.status == "pending" and rows.get(Post, post.id).comment_count == 0
    assert "有人要游戏币吗" in ajie.get(f"/p/{post.id}").text
    assert "有人要游戏币吗" not in client.get(f"/p/{post.id}").text
    item = rows.one(select(QueueItem))
    assert (item.target_kind, item.target_id) == ("comment", comment.id)

    login_client(moderator).post(f"/mod/queue/{item.id}/approve", data={"version": 1})

    assert rows.get(Comment, comment.id).status == "published"
    assert rows.get(Post, post.id).comment_count == 1
    assert "有人要游戏币吗" in client.get(f"/p/{post.id}").text


def test_an_edit_that_needs_review_takes_the_post_out_of_view(
    site, make, client, login_client, rows
):
    circle, owner, _, _, _ = site
    post = make.post(owner, circle, body="大理三日游 #周末去哪儿#")
    assert counts(rows) == (1, 1)

    login_client(owner).post(
        f"/p/{post.id}/edit", data={"title": "", "body": "大理三日游，顺便卖游戏币 #周末去哪儿#"}
    )

    assert rows.get(Post, post.id).status == "pending"
    assert counts(rows) == (0, 0)
    assert client.get(f"/p/{post.id}").status_code == 404
    assert rows.one(select(QueueItem)).spans == {"body": [[9, 12]]}


def test_circles_and_profiles_cannot_wait_so_review_refuses_them(site, login_client, rows):
    _, _, member, _, _ = site
    ajie = login_client(member)

    circle = ajie.post(
        "/circles", data={"name": "游戏币交易", "slug": "coins", "description": "收游戏币"}
    )
    profile = ajie.post("/settings/profile", data={"nickname": "阿杰", "bio": "常年收保安服"})

    assert circle.status_code == 422
    assert "<mark>游戏币</mark>交易" in circle.text and "收<mark>游戏币</mark>" in circle.text
    assert "不能用作圈子名称或简介" in circle.text
    assert rows.scalar(select(Circle.id).where(Circle.slug == "coins")) is None
    assert profile.status_code == 422
    assert "常年收<mark>保安</mark>服" in profile.text
    assert rows.all(select(QueueItem)) == []


# -- mask and allow ------------------------------------------------------------------


def test_mask_stores_the_masked_text(site, client, login_client, rows):
    _, _, member, _, _ = site

    response = login_client(member).post(
        "/c/travel/posts", data={"title": "吐槽", "body": "这家店真垃圾 #周末去哪儿#"}
    )

    post = rows.one(select(Post))
    assert response.status_code == 303
    assert (post.status, post.body) == ("published", "这家店真** #周末去哪儿#")
    assert "这家店真**" in client.get(f"/p/{post.id}").text
    assert "垃圾" not in client.get("/").text
    assert counts(rows) == (1, 1)
    assert rows.all(select(QueueItem)) == [] and audit_actions(rows) == []


def test_allow_phrases_and_clean_text_are_published_as_written(site, client, login_client, rows):
    _, _, member, _, _ = site

    login_client(member).post(
        "/c/travel/posts", data={"title": "", "body": "佳保安全门窗，质量不错 #周末去哪儿#"}
    )

    post = rows.one(select(Post))
    assert (post.status, post.body) == ("published", "佳保安全门窗，质量不错 #周末去哪儿#")
    assert post.id in card_ids(client.get("/").text)
    assert counts(rows) == (1, 1)
    assert rows.all(select(QueueItem)) == [] and audit_actions(rows) == []


# -- two moderators, one item ----------------------------------------------------------


def test_a_stale_version_cannot_decide_an_item_twice(site, login_client, rows):
    _, _, member, moderator, admin = site
    login_client(member).post("/c/travel/posts", data={"title": "", "body": "游戏币"})
    item = rows.one(select(QueueItem))
    first, second = login_client(moderator), login_client(admin)

    won = first.post(f"/mod/queue/{item.id}/approve", data={"version": 1}, headers=HX)
    lost = second.post(
        f"/mod/queue/{item.id}/reject", data={"version": 1, "reason": "广告"}, headers=HX
    )
    plain = second.post(f"/mod/queue/{item.id}/reject", data={"version": 1, "reason": "广告"})

    assert won.status_code == 200
    assert lost.status_code == 409 and "已被其他版主处理" in lost.text
    assert plain.status_code == 409 and "已被其他版主处理" in plain.text
    assert rows.get(QueueItem, item.id).state == "approved"
    assert rows.one(select(Post)).status == "published"
    assert [a for a, _, _ in audit_actions(rows)] == ["queue.approve"]


def test_two_moderators_at_once_exactly_one_wins(site, login_client, rows):
    _, _, member, moderator, admin = site
    login_client(member).post("/c/travel/posts", data={"title": "", "body": "游戏币 #周末去哪儿#"})
    item = rows.one(select(QueueItem))
    clients = [login_client(moderator), login_client(admin)]
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def decide(client, decision):
        barrier.wait()
        data = {"version": 1, "reason": "不合适"}
        statuses.append(client.post(f"/mod/queue/{item.id}/{decision}", data=data).status_code)

    threads = [
        threading.Thread(target=decide, args=(c, d))
        for c, d in zip(clients, ("approve", "reject"), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [303, 409]
    decided = rows.get(QueueItem, item.id)
    assert decided.version == 2
    post = rows.one(select(Post))
    expected = {"approved": ("published", (1, 1)), "rejected": ("rejected", (0, 0))}
    assert (post.status, counts(rows)) == expected[decided.state]
    assert len(audit_actions(rows)) == 1


# -- reports -------------------------------------------------------------------------------


def test_three_distinct_reporters_hide_a_post_for_review(site, make, client, login_client, rows):
    circle, owner, member, moderator, _ = site
    post = make.post(owner, circle, body="大理三日游 #周末去哪儿#")
    reporters = [member] + [make.member(f"fan{i}") for i in range(2)]
    for fan in reporters[1:]:
        make.join(fan, circle)
    ajie = login_client(member)

    form = ajie.get(f"/p/{post.id}/report")
    first = ajie.post(f"/p/{post.id}/report", data={"reason": "广告"}, headers=HX)
    again = ajie.post(f"/p/{post.id}/report", data={"reason": "辱骂攻击"})
    second = login_client(reporters[1]).post(f"/p/{post.id}/report", data={"reason": "广告"})

    assert form.status_code == 200 and "色情低俗" in form.text and "违法违规" in form.text
    assert first.status_code == 200 and "已收到你的举报" in first.text
    assert "<html" not in first.text
    assert again.status_code == 303 and again.headers["Location"] == f"/p/{post.id}/report"
    assert second.status_code == 303
    assert rows.scalar(select(func.count()).select_from(Report)) == 2
    assert rows.get(Post, post.id).status == "published" and counts(rows) == (1, 1)

    third = login_client(reporters[2]).post(f"/p/{post.id}/report", data={"reason": "违法违规"})

    assert third.status_code == 303
    # The reporter's thank-you page still answers, though the post is hidden now.
    assert "已收到你的举报" in login_client(reporters[2]).get(third.headers["Location"]).text
    assert rows.get(Post, post.id).status == "pending"
    assert counts(rows) == (0, 0)
    for html in public_pages(client, owner.member_no):
        assert post.id not in card_ids(html)
    item = rows.one(select(QueueItem))
    assert (item.source, item.target_id, item.state) == ("report", post.id, "open")
    assert [r["message"] for r in item.reasons] == [
        "阿杰 举报：广告",
        "fan0 举报：广告",
        "fan1 举报：违法违规",
    ]
    assert "fan1 举报：违法违规" in login_client(moderator).get("/mod").text
    assert "3 次举报" in login_client(moderator).get("/mod/reports").text


def test_reports_need_a_reason_and_not_ones_own_post(site, make, login_client, rows):
    circle, owner, member, _, _ = site
    post = make.post(owner, circle, body="大理三日游")

    no_reason = login_client(member).post(f"/p/{post.id}/report", data={"reason": "看不惯"})
    own = login_client(owner).post(f"/p/{post.id}/report", data={"reason": "广告"}, headers=HX)

    assert no_reason.status_code == 422 and "请选择举报理由" in no_reason.text
    assert own.status_code == 403 and "不能举报自己的帖子" in own.text
    assert rows.all(select(Report)) == []


def test_post_page_offers_a_report_link_that_works_without_javascript(
    site, make, login_client, rows
):
    circle, owner, member, _, _ = site
    post = make.post(owner, circle, body="大理三日游")

    page = login_client(member).get(f"/p/{post.id}").text

    assert f'href="/p/{post.id}/report" hx-get="/p/{post.id}/report"' in page


# -- deletions and restores -------------------------------------------------------------------


def test_a_deleted_circle_leaves_every_feed_and_count_and_an_admin_restores_it(
    site, make, client, login_client, rows
):
    circle, owner, member, moderator, admin = site
    posts = [make.post(owner, circle, body=f"第{i}篇 #周末去哪儿#") for i in range(3)]
    elsewhere = make.circle(member, slug="food", name="美食")
    kept = make.post(member, elsewhere, body="火锅 #周末去哪儿#")
    assert rows.scalar(select(Topic.post_count).where(Topic.name == "周末去哪儿")) == 4

    deleted = login_client(moderator).post(
        f"/mod/circles/{circle.id}/delete", data={"reason": "违规圈子"}
    )

    assert deleted.status_code == 303
    assert rows.scalar(select(Topic.post_count).where(Topic.name == "周末去哪儿")) == 1
    for html in public_pages(client, owner.member_no):
        assert not set(card_ids(html)) & {p.id for p in posts}
    assert kept.id in card_ids(client.get("/").text)
    assert client.get("/c/travel").status_code == 404
    assert "旅行" not in client.get("/circles").text
    assert client.get(f"/p/{posts[0].id}").status_code == 404
    gone = rows.get(Circle, circle.id)
    assert (gone.deleted_by_id, gone.delete_reason) == (moderator.id, "违规圈子")
    # A moderator cannot restore; an admin can, and the counts come back.
    refused = login_client(moderator).post(f"/mod/circles/{circle.id}/restore")
    assert refused.status_code == 403
    assert rows.get(Circle, circle.id).deleted_at is not None

    restored = login_client(admin).post(f"/mod/circles/{circle.id}/restore")

    assert restored.status_code == 303
    assert rows.scalar(select(Topic.post_count).where(Topic.name == "周末去哪儿")) == 4
    assert {p.id for p in posts} <= set(card_ids(client.get("/").text))
    assert client.get("/c/travel").status_code == 200
    assert audit_actions(rows) == [
        ("circle.delete", "circle", circle.id),
        ("circle.restore", "circle", circle.id),
    ]


def test_moderators_and_circle_owners_delete_posts_with_a_reason(
    site, make, client, login_client, rows
):
    circle, owner, member, moderator, admin = site
    by_member = make.post(member, circle, body="我的帖子 #周末去哪儿#")
    another = make.post(member, circle, body="另一篇 #周末去哪儿#")
    assert counts(rows) == (2, 2)
    assert "删除理由" in login_client(owner).get(f"/p/{by_member.id}").text

    by_owner = login_client(owner).post(f"/p/{by_member.id}/delete", data={"reason": "跑题"})
    by_mod = login_client(moderator).post(f"/p/{another.id}/delete", data={"reason": "广告"})

    assert (by_owner.status_code, by_mod.status_code) == (303, 303)
    assert counts(rows) == (0, 0)
    assert rows.get(Post, by_member.id).delete_reason == "跑题"
    assert client.get(f"/p/{another.id}").status_code == 404
    assert login_client(admin).get("/mod/deleted").text.count("恢复</button>") == 2

    assert login_client(moderator).post(f"/mod/posts/{another.id}/restore").status_code == 403
    assert login_client(admin).post(f"/mod/posts/{another.id}/restore").status_code == 303
    assert counts(rows) == (1, 1)
    assert [a for a, _, _ in audit_actions(rows)] == ["post.delete", "post.delete", "post.restore"]


def test_a_moderator_deletes_a_comment_with_a_reason_and_an_admin_restores_it(
    site, make, client, login_client, rows
):
    circle, owner, member, moderator, admin = site
    post = make.post(owner, circle, body="大理三日游")
    login_client(member).post(f"/p/{post.id}/comments", data={"body": "沙发"})
    comment = rows.one(select(Comment))

    response = login_client(moderator).post(
        f"/comments/{comment.id}/delete", data={"reason": "灌水"}, headers=HX
    )

    assert response.status_code == 200 and "沙发" not in response.text
    assert rows.get(Comment, comment.id).delete_reason == "灌水"
    assert rows.get(Post, post.id).comment_count == 0
    login_client(admin).post(f"/mod/comments/{comment.id}/restore")
    assert rows.get(Post, post.id).comment_count == 1
    assert "沙发" in client.get(f"/p/{post.id}").text


def test_the_console_is_for_moderators_and_admins_only(site, client, login_client):
    _, owner, member, moderator, admin = site

    assert client.get("/mod").status_code == 302
    assert login_client(member).get("/mod").status_code == 403
    assert login_client(owner).post("/mod/words", data={"word": "x"}).status_code == 403
    assert login_client(moderator).get("/mod").status_code == 200
    assert login_client(admin).get("/mod/audit").status_code == 200


def test_the_queue_lists_the_most_severe_first(site, make, login_client, rows):
    _, _, member, moderator, _ = site
    ajie = login_client(member)
    ajie.post("/c/travel/posts", data={"title": "", "body": "保安招聘"})  # 其他
    ajie.post("/c/travel/posts", data={"title": "", "body": "卖游戏币"})  # 广告

    html = login_client(moderator).get("/mod").text

    assert html.index("卖<mark>游戏币</mark>") < html.index("<mark>保安</mark>招聘")
