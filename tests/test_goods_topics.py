"""Hot topics: ``#话题#`` parsing, the heat score on a controlled clock, hidden
content left out, the one-minute cache, and the topic pages."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import pytest
from goods_helpers import make_brand
from sqlalchemy import select, update

from forum import text
from forum.models import Brand, Circle, Comment, Post, Topic, TopicPin, utcnow
from forum.services import comments as comment_service
from forum.services import heat
from forum.services import likes as like_service

pytestmark = pytest.mark.usefixtures("fast_hashing")


# -- parsing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "topics"),
    [
        ("#周末去哪儿# 出发", ["周末去哪儿"]),
        ("全角 ＃美食＃ 和混用 #咖啡＃", ["美食", "咖啡"]),
        ("#甲##乙#", ["甲", "乙"]),  # two topics side by side
        ("##双层##", ["双层"]),  # a run of marks opens once
        ("#外#内#外#", ["外"]),  # marks pair left to right: 内 is plain text
        ("#没有闭合", []),
        ("今天#打卡 明天#", []),  # a space ends a would-be topic
        ("#没闭合 后面 #真话题#", ["真话题"]),  # a stray mark swallows nothing
        ("#" + "长" * 20 + "#", ["长" * 20]),
        ("#" + "长" * 21 + "#", []),  # over 20 characters: not a topic
        ("#!!# #---# #·# #__# #&.#", []),  # only symbols
        ("#-话题-#", ["话题"]),  # joining symbols are trimmed from the ends
        ("#ＡＢ１２#", ["AB12"]),  # full-width letters and digits folded
        ("看 https://a.cn/#锚点# 和 #真#", ["真"]),  # a link's # is the link's
        ("#Vlog2026# #C++#", ["Vlog2026", "C"]),
    ],
)
def test_topic_names_edge_cases(written, topics):
    assert text.topic_names(written) == topics


def test_a_too_long_topic_is_plain_text_on_the_page():
    html = text.render("#" + "长" * 21 + "# 和 #短#")

    assert html.count('class="topic"') == 1
    assert ">#短#</a>" in html


# -- heat ------------------------------------------------------------------------------


@pytest.fixture
def town(make):
    """Five members in one circle."""
    members = [make.member(f"member_{i}", nickname=f"成员{i}") for i in range(5)]
    circle = make.circle(members[0], slug="town", name="小镇")
    for member in members[1:]:
        make.join(member, circle)
    return members, circle


def backdate(rows, model, ident, when) -> None:
    rows.execute(update(model).where(model.id == ident).values(created_at=when))


def comment(app, author, post, body="说得好", when=None, rows=None):
    with app.app_context():
        from forum.extensions import db

        made = comment_service.create(
            db.session.get(type(author), author.id), db.session.get(Post, post.id), body
        )
        made_id = made.id
    if when is not None:
        backdate(rows, Comment, made_id, when)
    return made_id


def like(app, user, post):
    with app.app_context():
        from forum.extensions import db

        like_service.set_like(
            db.session.get(type(user), user.id), db.session.get(Post, post.id), True
        )


def hot_section(html: str) -> str:
    """The home page's 热门话题 box."""
    return html.split('aria-label="热门话题"')[1].split("</section>")[0]


def heat_of(app, name: str, now) -> float:
    with app.app_context():
        ranked = {t["name"]: t["heat"] for t in heat.ranking(now)}
    return ranked.get(name, 0.0)


def test_heat_orders_topics_by_recent_decaying_activity(app, make, rows, town):
    members, circle = town
    now = utcnow()
    fresh = make.post(members[0], circle, body="刚发的 #新鲜#")
    backdate(rows, Post, fresh.id, now - timedelta(hours=1))
    for i in range(2):
        old = make.post(members[0], circle, body=f"旧帖{i} #陈旧#")
        backdate(rows, Post, old.id, now - timedelta(days=5))
    talk = make.post(members[0], circle, body="大家来聊 #讨论#")
    backdate(rows, Post, talk.id, now - timedelta(hours=2))
    for member in members[1:4]:
        comment(app, member, talk, when=now - timedelta(hours=1), rows=rows)
        like(app, member, talk)
    gone = make.post(members[0], circle, body="很久以前 #过期#")
    backdate(rows, Post, gone.id, now - timedelta(days=8))

    with app.app_context():
        ranked = heat.ranking(now)

    assert [t["name"] for t in ranked] == ["讨论", "新鲜", "陈旧", "过期"]
    by_name = {t["name"]: t for t in ranked}
    assert by_name["讨论"]["participants"] == 4
    assert by_name["过期"]["heat"] == 0  # outside the window: listed by post count only
    # A day later the fresh topic has cooled; eight days later it is cold.
    assert heat_of(app, "新鲜", now + timedelta(days=1)) < heat_of(app, "新鲜", now)
    assert heat_of(app, "新鲜", now + timedelta(days=8)) == 0
    # Activity after "now" does not count yet (the clock decides).
    assert heat_of(app, "新鲜", now - timedelta(hours=2)) == 0


def test_hidden_content_adds_no_heat(app, make, rows, town):
    members, circle = town
    now = utcnow()
    seen = make.post(members[0], circle, body="看得见 #隐藏测试#")
    baseline = heat_of(app, "隐藏测试", now + timedelta(seconds=1))

    pending = make.post(members[1], circle, body="待审核 #隐藏测试#")
    rows.execute(update(Post).where(Post.id == pending.id).values(status="pending"))
    deleted = make.post(members[2], circle, body="删掉了 #隐藏测试#")
    rows.execute(update(Post).where(Post.id == deleted.id).values(deleted_at=now))
    other = make.circle(members[3], slug="gone", name="已删圈子")
    in_gone = make.post(members[3], other, body="圈子没了 #隐藏测试#")
    rows.execute(update(Circle).where(Circle.id == other.id).values(deleted_at=now))
    removed = comment(app, members[4], seen, "被删的评论")
    rows.execute(update(Comment).where(Comment.id == removed).values(deleted_at=now))
    waiting = comment(app, members[1], seen, "待审的评论")
    rows.execute(update(Comment).where(Comment.id == waiting).values(status="pending"))
    for hidden in (pending, deleted, in_gone):
        like(app, members[4], hidden)

    assert heat_of(app, "隐藏测试", now + timedelta(seconds=1)) == pytest.approx(baseline)
    assert baseline > 0


def test_heat_is_recomputed_at_most_once_a_minute(app, client, make, town, monkeypatch):
    members, circle = town
    make.post(members[0], circle, body="第一帖 #缓存#")
    clock = [1000.0]
    # The page cache is tested on its own; here only the ranking cache counts.
    app.config.update(CACHE_DISABLED=False, CACHE_CLOCK=lambda: clock[0], PAGE_CACHE_SECONDS=0)
    calls = []
    real = heat.ranking

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(heat, "ranking", counted)

    client.get("/")
    make.post(members[1], circle, body="第二帖 #新话题#")
    clock[0] += 59
    second = client.get("/").text
    clock[0] += 2
    third = client.get("/").text

    assert len(calls) == 2
    assert "#新话题#" not in hot_section(second)  # still the cached ranking
    assert "#新话题#" in hot_section(third)


def test_home_shows_three_hot_topics_and_a_link_to_more(client, make, town):
    members, circle = town
    for name in ("一", "二", "三", "四"):
        make.post(members[0], circle, body=f"帖子 #话题{name}#")

    section = hot_section(client.get("/").text)

    assert section.count("<li") == 3
    assert 'href="/topics"' in section


# -- topic pages -----------------------------------------------------------------------


def test_topic_page_shows_posts_participants_and_the_brands_logo(app, client, make, rows, town):
    members, circle = town
    for member in members[:3]:
        make.post(member, circle, body="打卡 #早起#")
    make.post(members[0], circle, body="再打卡 #早起#")
    brand = make_brand(app, make, "晨光", "chenguang")
    rows.execute(
        update(Brand).where(Brand.id == brand.id).values(logo_path="ab/" + "a" * 32 + ".png")
    )
    topic = rows.one(select(Topic).where(Topic.name == "早起"))
    now = utcnow()
    rows.execute(
        TopicPin.__table__.insert().values(
            topic_id=topic.id,
            brand_id=brand.id,
            label="品牌",
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(days=1),
            created_at=now,
        )
    )

    page = client.get(f"/t/{quote('早起')}").text

    assert "4 篇帖子" in page and "3 人参与" in page
    assert 'class="brand-logo"' in page and "晨光" in page
    assert page.count('class="card post-card"') == 4


def test_topics_page_lists_topics_by_heat(client, make, town):
    members, circle = town
    make.post(members[0], circle, body="冷门 #冷门#")
    for member in members:
        make.post(member, circle, body="热门 #热门#")

    page = client.get("/topics").text

    assert page.index("#热门#") < page.index("#冷门#")


def test_topic_links_fold_full_width_names(client, make, town):
    members, circle = town
    make.post(members[0], circle, body="#ABC# 测试")

    assert client.get(f"/t/{quote('ＡＢＣ')}").status_code == 200
    assert client.get(f"/t/{quote('没有这个')}").status_code == 404


def test_moderators_describe_topics_members_cannot(make, login_client, rows, town):
    members, circle = town
    make.post(members[0], circle, body="#描述# 测试")
    moderator = make.member("banzhu", role="moderator")

    refused = login_client(members[1]).post(
        f"/t/{quote('描述')}/description", data={"description": "乱写"}
    )
    done = login_client(moderator).post(
        f"/t/{quote('描述')}/description", data={"description": "大家的描述"}
    )

    assert refused.status_code == 403
    assert done.status_code == 303
    assert rows.scalar(select(Topic.description).where(Topic.name == "描述")) == "大家的描述"
