"""Normalisation: the forms words are matched on, and spans back to the original."""

from __future__ import annotations

import pytest

from moderation import normalize

FORMS = [
    # (original, folded, collapsed)
    ("ＡＢＣ１２３", "abc123", "abc123"),
    ("發財了", "发财了", "发财了"),
    ("𝐜Ⓒⓒ🅒", "cccc", "c"),
    ("⑸⒜①⑩", "5a110", "5a10"),
    ("Ｆ.u.c\u200bk", "f.u.ck", "fuck"),
    ("Straße", "strasse", "strase"),
    ("café naïve", "cafe naive", "cafenaive"),
    ("сlаss", "class", "clas"),
    ("哈哈哈，好好好！", "哈哈哈，好好好！", "哈好"),
    ("微　信", "微　信", "微信"),
]


@pytest.mark.parametrize(("original", "folded", "collapsed"), FORMS)
def test_forms(original: str, folded: str, collapsed: str) -> None:
    norm = normalize(original)
    assert norm.folded == folded
    assert norm.collapsed == collapsed


SPAN_TEXTS = [
    "前面😀😀 Ｆ.u.c\u200bk 后面",
    "⑩块钱 𝐟𝐮𝐮𝐮𝐜𝐤 and ß",
    "發 財 了 哈哈哈 ①②③",
    "\u200b\u200b開始 ﬁne ㎏ end",
]


@pytest.mark.parametrize("text", SPAN_TEXTS)
def test_every_collapsed_character_maps_into_the_original(text: str) -> None:
    norm = normalize(text)
    previous_start = 0
    for index, char in enumerate(norm.collapsed):
        start, end = norm.collapsed_to_original(index, index + 1)
        assert previous_start <= start < end <= len(text)
        # The original span folds back to (a run of) that character; one
        # character that expands (⑩ to 10, ﬁ to fi) is the span of each part.
        assert char in normalize(text[start:end]).collapsed
        previous_start = start


def test_batch_mapping_agrees_with_single_mapping() -> None:
    norm = normalize("⑩块钱 𝐟𝐮𝐮𝐮𝐜𝐤，發 財 了")
    spans = [(0, 2), (3, 7), (7, 10), (1, 9)]
    assert norm.collapsed_spans_to_original(spans) == [
        norm.collapsed_to_original(*span) for span in spans
    ]


def test_span_of_a_spaced_word_covers_its_separators_but_not_around_it() -> None:
    text = "你好，  傻 😀 逼  。"
    norm = normalize(text)
    start = norm.collapsed.index("傻逼")
    a, b = norm.collapsed_to_original(start, start + 2)
    assert text[a:b] == "傻 😀 逼"


def test_run_lengths_report_how_many_times_a_character_repeats() -> None:
    norm = normalize("妈 妈妈 好")
    assert norm.collapsed == "妈好"
    assert norm.run_lengths(0, 2) == [3, 1]


def test_plain_ascii_and_plain_chinese_take_the_fast_path() -> None:
    assert normalize("Hello World").folded == "hello world"
    assert normalize("今天天气不错").collapsed == "今天气不错"


POOL = (
    "傻逼妈法轮功發輪垃圾保安佳全 ，。！😀\u200b\u200d\ufe0f\u20e3①⑩⑸ⒶⓐＡａ𝐟𝐮ßﬁ㎏"
    "fuckassclq0123456789一三八幺洞 .@-_:/点com微信vxQQ企鹅é\u0301аеоΗη"
)


@pytest.mark.parametrize("seed", range(40))
def test_random_text_never_breaks_the_maps(seed: int, context) -> None:
    import random

    from moderation import highlight, screen

    rng = random.Random(seed)
    text = "".join(rng.choice(POOL) for _ in range(rng.randint(0, 120)))
    norm = normalize(text)
    for start in range(len(norm.collapsed)):
        a, b = norm.collapsed_to_original(start, start + 1)
        assert 0 <= a < b <= len(text)
    verdict = screen(text, context)
    for start, end in verdict.spans:
        assert 0 <= start < end <= len(text)
    assert "".join(segment for segment, _ in highlight(text, verdict.spans)) == text
    if verdict.masked_text is not None:
        assert len(verdict.masked_text) == len(text)


@pytest.mark.parametrize("copies", [1, 10])  # a few characters, then a whole traditional post
def test_traditional_text_folds_the_same_however_much_there_is(copies: int, context) -> None:
    from moderation import screen

    text = "這是關於發展與變化的討論，" * copies + "有人在練法輪功"
    assert normalize(text).folded == "这是关于发展与变化的讨论，" * copies + "有人在练法轮功"
    verdict = screen(text, context)
    assert verdict.action == "block"
    assert [text[a:b] for a, b in verdict.spans] == ["法輪功"]
