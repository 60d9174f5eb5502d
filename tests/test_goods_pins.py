"""Brand pins: windows and quota, labels on the home page, who may pin and unpin,
the moderators' history, and the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from goods_helpers import make_brand
from sqlalchemy import select, update

from forum.models import AuditLog, TopicPin, utcnow
from forum.services import pins

pytestmark = pytest.mark.usefixtures("fast_hashing")

CHINA = timedelta(hours=8)


def local(moment) -> str:
    return pins.local_input(moment)


@pytest.fixture
def town(make):
    owner = make.member("xiaomei", nickname="小美")
    circle = make.circle(owner, slug="town", name="小镇")
    for i in range(3):
        make.post(owner, circle, body=f"热闹 #大热话题# {i}")
    make.post(owner, circle, body="还行 #次热话题#")
    make.post(owner, circle, body="安静 #冷门活动#")
    return owner, circle


@pytest.fixture
def brand_a(app, make):
    return make_brand(app, make, "元气森林", "yuanqi")


@pytest.fixture
def brand_b(app, make):
    return make_brand(app, make, "农夫山泉", "nongfu")


def pin_form(topic="冷门活动", label="推广", starts=None, ends=None) -> dict:
    now = utcnow()
    return {
        "topic": topic,
        "label": label,
        "starts_at": local(starts) if starts else "",
        "ends_at": local(ends or now + timedelta(days=3)),
    }


def hot_section(html: str) -> str:
    return html.split('aria-label="热门话题"')[1].split("</section>")[0]


def test_a_pinned_topic_leads_the_home_page_with_its_label(town, brand_a, login_client, client):
    brand = login_client(brand_a.account)

    response = brand.post("/brand/pins", data=pin_form())
    section = hot_section(client.get("/").text)

    assert response.status_code == 303
    assert section.index("#冷门活动#") < section.index("#大热话题#")
    assert '<span class="pin-label" title="元气森林">推广</span>' in section
    assert section.count("<li") == 3


def test_pins_show_only_inside_their_window(app, town, brand_a, rows):
    now = utcnow()
    with app.test_request_context():
        from forum.extensions import db
        from forum.models import User

        account = db.session.get(User, brand_a.account.id)
        pin = pins.create(
            account, "冷门活动", "品牌", now + timedelta(hours=2), now + timedelta(days=1)
        )
        pin_id = pin.id

    def shown(at) -> list[str]:
        with app.app_context():
            return [t["name"] for t in pins.active(at)]

    assert shown(now) == []
    assert shown(now + timedelta(hours=3)) == ["冷门活动"]
    assert shown(now + timedelta(days=1, seconds=1)) == []  # expired: no job needed
    # Moved into the past by hand, it drops off the home page by itself.
    rows.execute(
        update(TopicPin)
        .where(TopicPin.id == pin_id)
        .values(starts_at=now - timedelta(days=2), ends_at=now - timedelta(minutes=1))
    )
    with app.app_context():
        assert pins.active() == []


def test_the_quota_counts_overlapping_pins(app, town, brand_a, login_client, rows):
    brand = login_client(brand_a.account)
    now = utcnow()

    first = brand.post("/brand/pins", data=pin_form(ends=now + timedelta(days=2)))
    overlapping = brand.post(
        "/brand/pins",
        data=pin_form("次热话题", starts=now + timedelta(days=1), ends=now + timedelta(days=4)),
    )
    later = brand.post(
        "/brand/pins",
        data=pin_form("次热话题", starts=now + timedelta(days=3), ends=now + timedelta(days=5)),
    )

    assert first.status_code == 303
    assert overlapping.status_code == 422
    assert "同一时间最多置顶 1 个话题" in overlapping.text
    assert 'value="次热话题"' in overlapping.text  # the form keeps what was typed
    assert later.status_code == 303
    assert len(rows.all(select(TopicPin))) == 2


def test_a_bigger_quota_allows_more_at_once(app, town, brand_a, login_client, rows):
    app.config["BRAND_PIN_QUOTA"] = 2
    brand = login_client(brand_a.account)

    assert brand.post("/brand/pins", data=pin_form("冷门活动")).status_code == 303
    assert brand.post("/brand/pins", data=pin_form("次热话题")).status_code == 303
    assert brand.post("/brand/pins", data=pin_form("大热话题")).status_code == 422


def test_pin_form_checks_its_fields(town, brand_a, login_client):
    brand = login_client(brand_a.account)
    now = utcnow()

    response = brand.post(
        "/brand/pins",
        data={
            "topic": "#!!#",
            "label": "广告",
            "starts_at": local(now + timedelta(days=2)),
            "ends_at": local(now + timedelta(days=1)),
        },
    )
    too_long = brand.post("/brand/pins", data=pin_form(ends=now + timedelta(days=31)))
    garbled = brand.post("/brand/pins", data={**pin_form(), "ends_at": "明天"})

    assert response.status_code == 422
    for message in ("话题名称为 1 到 20 个字", "请选择标签", "结束时间要晚于开始时间"):
        assert message in response.text
    assert "一次最多置顶 30 天" in too_long.text
    assert "时间格式不对" in garbled.text


def test_a_new_topic_can_be_pinned_before_its_first_post(town, brand_a, login_client, client):
    brand = login_client(brand_a.account)

    assert brand.post("/brand/pins", data=pin_form("新品上市")).status_code == 303

    assert "#新品上市#" in hot_section(client.get("/").text)
    assert client.get("/t/新品上市").status_code == 200


def test_members_cannot_pin(town, login_client, client):
    member = login_client(town[0])

    assert member.get("/brand/pins").status_code == 403
    assert member.post("/brand/pins", data=pin_form()).status_code == 403
    assert client.get("/brand/pins").status_code == 302  # visitors log in first


def test_a_brand_cannot_unpin_another_brands_pin(town, brand_a, brand_b, login_client, rows):
    login_client(brand_a.account).post("/brand/pins", data=pin_form())
    pin = rows.one(select(TopicPin))

    other = login_client(brand_b.account)
    refused = other.post(f"/brand/pins/{pin.id}/remove")
    listing = other.get("/brand/pins").text

    assert refused.status_code == 403
    assert rows.get(TopicPin, pin.id).removed_at is None
    assert f'id="pin-{pin.id}"' not in listing  # each brand sees its own pins


def test_moderators_see_the_history_and_unpin(town, brand_a, brand_b, make, login_client, rows):
    login_client(brand_a.account).post("/brand/pins", data=pin_form("冷门活动"))
    login_client(brand_b.account).post("/brand/pins", data=pin_form("次热话题", label="品牌"))
    moderator = make.member("banzhu", nickname="版主", role="moderator")
    mod = login_client(moderator)
    first, second = rows.all(select(TopicPin).order_by(TopicPin.id))

    history = mod.get("/brand/pins").text
    removed = mod.post(f"/brand/pins/{first.id}/remove", data={"reason": "内容不合适"})
    after = mod.get("/brand/pins").text

    assert "元气森林" in history and "农夫山泉" in history
    assert removed.status_code == 303
    assert rows.get(TopicPin, first.id).removed_by_id == moderator.id
    assert "版主 于" in after and "取消" in after
    actions = [
        (a.action, a.actor_id, a.target_id, a.reason)
        for a in rows.all(select(AuditLog).where(AuditLog.action.like("pin.%")))
    ]
    assert actions == [
        ("pin.add", brand_a.account.id, first.topic_id, ""),
        ("pin.add", brand_b.account.id, second.topic_id, ""),
        ("pin.remove", moderator.id, first.topic_id, "内容不合适"),
    ]


def test_a_brand_unpins_its_own_and_it_leaves_the_home_page(
    town, brand_a, login_client, client, rows
):
    brand = login_client(brand_a.account)
    brand.post("/brand/pins", data=pin_form())
    pin = rows.one(select(TopicPin))

    assert brand.post(f"/brand/pins/{pin.id}/remove").status_code == 303
    assert "pin-label" not in hot_section(client.get("/").text)
