"""screen(): one verdict from words and spam signals; masking; highlights."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from moderation import ScreenContext, Thresholds, Verdict, highlight, mask, screen


def test_mask_words_are_starred_per_character_in_the_original(context: ScreenContext) -> None:
    text = "你这个垃圾，真是垃 圾！"
    verdict = screen(text, context)
    assert verdict.action == "mask"
    assert verdict.masked_text == "你这个**，真是***！"
    assert verdict.message == "部分词语已被屏蔽"
    (reason,) = verdict.reasons
    assert (reason.kind, reason.category, reason.term) == ("word", "辱骂", "垃圾")
    assert [text[a:b] for a, b in reason.spans] == ["垃圾", "垃 圾"]


def test_mask_keeps_other_text_intact_and_only_stars_mask_words(context: ScreenContext) -> None:
    verdict = screen("垃圾傻逼", context)
    assert verdict.action == "block"
    assert verdict.masked_text == "**傻逼"


def test_no_masked_text_without_mask_words(context: ScreenContext) -> None:
    assert screen("今天天气不错", context).masked_text is None
    assert screen("代开发票", context).masked_text is None


@pytest.mark.parametrize(
    ("text", "decision"),
    [
        ("垃圾", "mask"),
        ("垃圾，代开发票", "review"),
        ("垃圾，代开发票，傻逼", "block"),
        ("傻逼，垃圾", "block"),
        ("垃圾 电话13812345678", "review"),
    ],
)
def test_the_strictest_action_wins(context: ScreenContext, text: str, decision: str) -> None:
    verdict = screen(text, context)
    assert verdict.action == decision
    assert verdict.reasons[0].action == decision  # reasons come strictest first


def test_every_reason_is_kept_with_categories_strictest_first(context: ScreenContext) -> None:
    text = "垃圾，代开发票，傻逼，QQ 12345678"
    verdict = screen(text, context)
    assert {(r.kind, r.action) for r in verdict.reasons} == {
        ("word", "mask"),
        ("word", "review"),
        ("word", "block"),
        ("contact", "review"),
    }
    assert verdict.categories[0] == "辱骂"
    assert set(verdict.categories) == {"辱骂", "违法", "广告"}
    assert [text[a:b] for a, b in verdict.spans] == ["垃圾", "代开发票", "傻逼", "QQ 12345678"]
    assert verdict.message == "内容涉及辱骂、违法、广告，无法发布，请修改后重试"


def test_allow_phrase_only_cancels_the_hits_it_covers(context: ScreenContext) -> None:
    text = "佳保安全的保安"
    verdict = screen(text, context)
    assert verdict.action == "review"
    (reason,) = verdict.reasons
    assert [text[a:b] for a, b in reason.spans] == ["保安"]
    assert reason.spans == ((5, 7),)


def test_highlight_segments_cover_the_text_in_order() -> None:
    text = "前 傻逼 中 垃圾 后"
    assert highlight(text, [(2, 4), (7, 9)]) == [
        ("前 ", False),
        ("傻逼", True),
        (" 中 ", False),
        ("垃圾", True),
        (" 后", False),
    ]
    assert highlight(text, [(2, 4), (3, 6), (0, 0)]) == [
        ("前 ", False),
        ("傻逼 中", True),
        (" 垃圾 后", False),
    ]
    assert highlight("abc", []) == [("abc", False)]
    assert "".join(s for s, _ in highlight(text, [(0, 99)])) == text


def test_highlight_of_a_verdict_marks_the_evasive_spelling(context: ScreenContext) -> None:
    text = "你个傻 😀 逼"
    verdict = screen(text, context)
    assert [s for s, marked in highlight(text, verdict.spans) if marked] == ["傻 😀 逼"]
    assert mask(text, verdict.spans) == "你个*****"


def test_allow_verdict_is_empty() -> None:
    verdict = screen("大家好")
    assert verdict == Verdict("allow")
    assert verdict.categories == () and verdict.spans == () and verdict.message == ""


# -- links ----------------------------------------------------------------


def test_three_foreign_links_go_to_review(context: ScreenContext) -> None:
    text = "看 a.com 和 https://b.net/x?y=1 还有 www.c.cn/abc"
    verdict = screen(text, context)
    assert verdict.action == "review"
    (reason,) = verdict.reasons
    assert reason.message == "含有 3 个站外链接"
    assert [text[a:b] for a, b in reason.spans] == ["a.com", "https://b.net/x?y=1", "www.c.cn/abc"]


def test_links_on_the_allowlist_do_not_count(context: ScreenContext) -> None:
    text = "weishequn.cn/c/a www.weishequn.cn/c/b m.weishequn.cn x.com"
    assert screen(text, context).action == "allow"
    strict = replace(context, allowed_domains=frozenset())
    assert screen(text, strict).action == "review"


def test_link_threshold_is_a_setting(context: ScreenContext) -> None:
    one_is_enough = replace(context, thresholds=Thresholds(foreign_links_review=1))
    assert screen("看 spam.xyz", one_is_enough).action == "review"
    assert screen("看 spam.xyz", context).action == "allow"


def test_an_email_domain_is_not_also_a_link(context: ScreenContext) -> None:
    verdict = screen("abc@x.com def@y.com ghi@z.com", context)
    assert {r.kind for r in verdict.reasons} == {"contact"}


# -- new accounts -----------------------------------------------------------


def _new(context: ScreenContext, age: timedelta) -> ScreenContext:
    assert context.now is not None
    return replace(context, account_created_at=context.now - age)


def test_new_account_posting_contact_details_is_blocked(context: ScreenContext) -> None:
    verdict = screen("加我微信 abc12345", _new(context, timedelta(hours=2)))
    assert verdict.action == "block"
    assert [r.kind for r in verdict.reasons] == ["new_account", "contact"]
    assert verdict.reasons[0].message == "新注册账号发布联系方式"


def test_older_account_posting_contact_details_goes_to_review(context: ScreenContext) -> None:
    assert screen("加我微信 abc12345", _new(context, timedelta(days=3))).action == "review"


def test_new_account_posting_one_foreign_link_goes_to_review(context: ScreenContext) -> None:
    new = _new(context, timedelta(hours=2))
    verdict = screen("看这里 spam.xyz/abc", new)
    assert verdict.action == "review"
    assert verdict.reasons[0].message == "新注册账号发布站外链接"
    assert screen("看这里 weishequn.cn/c/travel", new).action == "allow"
    assert screen("看这里 spam.xyz/abc", _new(context, timedelta(days=2))).action == "allow"


def test_new_account_posting_plain_text_is_allowed(context: ScreenContext) -> None:
    assert screen("大家好，我是新人", _new(context, timedelta(minutes=5))).action == "allow"


# -- repeats and bursts ---------------------------------------------------

AD = "全新正品手机壳，限时五折优惠，欢迎来店里看看"


def _recent(*items: tuple[str, timedelta, object]) -> tuple[tuple[str, timedelta, object], ...]:
    return items


def _at(context: ScreenContext, recent: tuple) -> tuple[tuple[str, datetime, object], ...]:
    """The recent texts with their times, counted back from the context's now."""
    assert context.now is not None
    return tuple((text, context.now - ago, circle) for text, ago, circle in recent)


@pytest.mark.parametrize(
    ("earlier", "decision"),
    [
        (_recent((AD, timedelta(minutes=10), 1)), "review"),
        (
            _recent(("全新正品手机壳!!限时五折优惠😀欢迎来店里看看吧", timedelta(hours=3), 1)),
            "review",
        ),
        (_recent((AD.replace("五折", "六折"), timedelta(hours=3), 2)), "review"),
        (_recent((AD, timedelta(hours=25), 1)), "allow"),
        (_recent((AD, timedelta(minutes=-5), 1)), "allow"),  # in the future: not "recent"
        (_recent(("今天去爬山了，风景很好，推荐大家去", timedelta(minutes=10), 1)), "allow"),
        (_recent((AD, timedelta(minutes=30), 2), (AD, timedelta(minutes=20), 3)), "block"),
        (_recent((AD, timedelta(minutes=30), 1), (AD, timedelta(minutes=20), 1)), "review"),
        (_recent((AD, timedelta(days=2), 2), (AD, timedelta(minutes=20), 3)), "review"),
    ],
)
def test_repeated_text_within_the_window(
    context: ScreenContext, earlier: tuple, decision: str
) -> None:
    verdict = screen(AD, replace(context, circle_id=1, recent_texts=_at(context, earlier)))
    assert verdict.action == decision
    if decision != "allow":
        (reason,) = verdict.reasons
        assert reason.kind == "duplicate"
        assert reason.category == "广告"


def test_cross_posting_names_the_circle_count(context: ScreenContext) -> None:
    earlier = _recent((AD, timedelta(minutes=30), "cats"), (AD, timedelta(minutes=20), "dogs"))
    verdict = screen(AD, replace(context, circle_id="fish", recent_texts=_at(context, earlier)))
    assert verdict.reasons[0].message == "在 3 个圈子重复发布相同内容"


def test_short_texts_may_repeat(context: ScreenContext) -> None:
    earlier = _recent(("谢谢楼主", timedelta(minutes=1), 1), ("谢谢楼主", timedelta(minutes=2), 2))
    assert (
        screen("谢谢楼主", replace(context, recent_texts=_at(context, earlier))).action == "allow"
    )


@pytest.mark.parametrize(
    ("seconds_ago", "decision"),
    [
        ([5, 10, 20, 30, 50], "review"),
        ([5, 10, 20, 30], "allow"),
        ([5, 10, 20, 30, 70], "allow"),
        ([61, 70, 80, 90, 100, 110], "allow"),
    ],
)
def test_bursts_of_posts_go_to_review(
    context: ScreenContext, seconds_ago: list[int], decision: str
) -> None:
    assert context.now is not None
    times = tuple(context.now - timedelta(seconds=s) for s in seconds_ago)
    verdict = screen("又来一帖", replace(context, recent_post_times=times))
    assert verdict.action == decision
    if decision == "review":
        assert [(r.kind, r.message) for r in verdict.reasons] == [("burst", "发帖过于频繁")]


def test_burst_thresholds_are_settings(context: ScreenContext) -> None:
    assert context.now is not None
    times = (context.now - timedelta(seconds=100), context.now - timedelta(seconds=200))
    limits = Thresholds(burst_posts=2, burst_window=timedelta(minutes=5))
    assert screen("帖子", replace(context, recent_post_times=times, thresholds=limits)).action == (
        "review"
    )


def test_without_activity_data_the_activity_signals_stay_quiet(context: ScreenContext) -> None:
    # Imports of old posts pass no account age and no post times.
    verdict = screen("联系 13812345678", replace(context, now=None))
    assert [r.kind for r in verdict.reasons] == ["contact"]


def test_naive_datetimes_work_when_now_is_naive(context: ScreenContext) -> None:
    now = datetime(2024, 11, 23, 12, 0)
    naive = replace(context, now=now, account_created_at=now - timedelta(hours=1))
    assert screen("QQ 12345678", naive).action == "block"


def test_each_contact_kind_is_one_reason_with_every_span(context: ScreenContext) -> None:
    text = "邮箱 a1@b.com 或 c2@d.cn，电话 13812345678 和 13987654321"
    verdict = screen(text, context)
    by_message = {r.message: [text[a:b] for a, b in r.spans] for r in verdict.reasons}
    assert by_message == {
        "含有电子邮箱": ["a1@b.com", "c2@d.cn"],
        "含有手机号码": ["13812345678", "13987654321"],
    }
