"""Finding posts, circles and topics the way a member expects, in Chinese."""

from __future__ import annotations

import pytest

from search import CircleDoc, Filters, Kind, Sort, TopicDoc, WhooshBackend


def found(backend, text, **kwargs) -> list[int]:
    hits, _total = backend.query(text, **kwargs)
    return [h.id for h in hits]


@pytest.fixture
def shop(backend, post):
    backend.index(
        [
            post(1, "这款面霜真的好用，冬天也不干", "冬季护肤"),
            post(2, "我家的猫咪很可爱，每天都要抱抱", "萌宠日常", circle_id=2, circle_name="萌宠"),
            post(3, "入手了 iPhone 15，顺便买了SK-II神仙水", "开箱"),
            post(4, "今天来个好物分享：洗面奶和精华", "周末"),
            post(5, "完美日记的眼影盘颜色很正", "彩妆"),
            post(6, "臺灣買的麵霜很滋潤", "代購"),
            post(7, "iPhone 14 电池不太行了", "数码", circle_id=3, circle_name="数码"),
        ]
    )
    return backend


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("面霜", {1, 6}),  # a two-character word inside an unspaced sentence
        ("猫", {2}),  # one character, inside the word 猫咪
        ("猫咪", {2}),
        ("好物分享", {4}),  # four characters
        ("分享", {4}),
        ("iPhone 15", {3}),  # English and a number, both required
        ("iphone15", {3}),
        ("ＩＰＨＯＮＥ", {3, 7}),  # full-width, upper case
        ("SK-II", {3}),
        ("sk-ii神仙水", {3}),
        ("麵霜", {1, 6}),  # traditional characters find simplified text and back
        ("眼影盘", {5}),
        ("面霜好用", {1}),  # words apart in the post, in one run in the query
    ],
)
def test_finds_what_a_member_expects(shop, query, expected):
    assert set(found(shop, query)) == expected


def test_user_dictionary_words(tmp_path, post):
    words = tmp_path / "userdict.txt"
    words.write_text("完美日记\n", encoding="utf-8")
    backend = WhooshBackend(None, user_dict=words)
    backend.index([post(1, "完美日记眼影"), post(2, "完美的日记本"), post(3, "花西子散粉")])
    assert "完美日记" in backend.analyzer.tokens("完美日记眼影")
    assert found(backend, "完美日记") == [1]
    # Added later (from the brand console): a post indexed before is still found.
    assert backend.add_words(["花西子", "完美日记"]) == 1
    assert words.read_text(encoding="utf-8") == "完美日记\n花西子\n"
    assert backend.analyzer.query_units("花西子散粉")[0].words == ("花西子", "散粉")
    assert found(backend, "花西子") == [3]


def test_highlights_escape_everything_but_mark(backend, post):
    backend.index([post(1, "面霜<script>alert('x')</script>真的好用 & 便宜", "<b>面霜</b>")])
    (hit,), total = backend.query("面霜")
    assert total == 1
    assert hit.snippet == (
        "<mark>面霜</mark>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;真的好用 &amp; 便宜"
    )
    assert hit.title == "&lt;b&gt;<mark>面霜</mark>&lt;/b&gt;"
    (hit,), _ = backend.query("script")
    assert "<script" not in hit.snippet and "&lt;<mark>script</mark>&gt;" in hit.snippet


def test_highlight_marks_the_original_characters(shop):
    (hit,) = shop.query("面霜", Filters(circle_id=1), page=1).hits[:1]
    assert "<mark>" in hit.snippet
    (trad,) = [h for h in shop.query("面霜").hits if h.id == 6]
    assert trad.snippet == "臺灣買的<mark>麵霜</mark>很滋潤"


def test_long_bodies_are_cut_around_the_match(backend, post):
    body = "开头的废话" * 40 + "这款面霜真的好用" + "结尾的废话" * 40
    backend.index([post(1, body)])
    (hit,), _ = backend.query("面霜")
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert "<mark>面霜</mark>" in hit.snippet and len(hit.snippet) < 160


def test_filters_by_circle_and_kind(shop):
    shop.index([CircleDoc(9, "面霜研究所", "讨论各种面霜"), TopicDoc(4, "面霜测评", "")])
    assert set(found(shop, "面霜")) == {1, 6, 9, 4}
    assert set(found(shop, "面霜", filters=Filters(kinds={Kind.POST}))) == {1, 6}
    assert found(shop, "面霜", filters=Filters(kinds={"circle"})) == [9]
    assert found(shop, "面霜", filters=Filters(circle_id=9)) == [9]
    assert found(shop, "iphone", filters=Filters(circle_id=3)) == [7]
    assert found(shop, "iphone", filters=Filters(circle_id=3, kinds={Kind.TOPIC})) == []
    hits = shop.query("面霜").hits
    assert {(h.kind, h.id) for h in hits} >= {(Kind.CIRCLE, 9), (Kind.TOPIC, 4)}


def test_sort_by_time_or_relevance(backend, post):
    backend.index(
        [
            post(1, "面霜", "面霜面霜", days_ago=300),  # best match, old
            post(2, "今天说说面霜", days_ago=1),
            post(3, "顺便提一句，我也用过一款面霜，还行吧，其他的都忘了", days_ago=30),
        ]
    )
    assert found(backend, "面霜", sort=Sort.TIME) == [2, 3, 1]
    assert found(backend, "面霜", sort="relevance")[0] == 1


def test_recency_and_likes_only_nudge_relevance(backend, post):
    backend.index([post(1, "面霜推荐", days_ago=400), post(2, "面霜推荐", days_ago=2, likes=50)])
    # Same text: the fresh, liked post goes first...
    assert found(backend, "面霜推荐") == [2, 1]
    backend.index([post(3, "面霜推荐 面霜推荐 面霜", "面霜推荐", days_ago=400)])
    # ...but a much better match still beats it.
    assert found(backend, "面霜推荐")[0] == 3


def test_pages_and_totals(backend, post):
    backend.index([post(i, f"第{i}篇面霜笔记", days_ago=i) for i in range(1, 46)])
    seen = []
    for page in (1, 2, 3):
        hits, total = backend.query("面霜", sort=Sort.TIME, page=page, per_page=20)
        assert total == 45
        seen += [h.id for h in hits]
    assert seen == list(range(1, 46))
    relevance = [h.id for p in (1, 2, 3) for h in backend.query("面霜", page=p).hits]
    assert sorted(relevance) == list(range(1, 46))  # no repeats, none skipped
    assert backend.query("面霜", page=9).hits == []
    assert backend.query("面霜", page=9).total == 45


@pytest.mark.parametrize(
    "hostile",
    [
        "",
        "   ",
        "！？。，、…",
        "!!!???",
        '"',
        '"面霜',
        "面霜 AND OR NOT",
        "title:面霜",
        "(面霜",
        "面霜)",
        "[a TO z]",
        "*",
        "面*",
        "?",
        "~2",
        "^3",
        "面霜^3 OR 猫~",
        "\\",
        "\x00\x01",
        "😀😀",
        "<script>alert(1)</script>",
        "面" * 10_000,
        "好物分享 " * 200,
        "a" * 5000,
    ],
)
def test_hostile_queries_never_raise(shop, hostile):
    hits, total = shop.query(hostile)
    assert total >= len(hits) >= 0


def test_long_query_is_cut_not_refused(shop):
    _hits, total = shop.query("面霜 " + "。" * 300)
    assert total == 2
    # Nothing has both words: the fallback finds what has either.
    assert set(found(shop, "面霜" + "x" * 200)) == {1, 6}


def test_no_post_has_every_word_so_any_word_will_do(shop):
    assert set(found(shop, "面霜 猫咪")) == {1, 2, 6}
    assert found(shop, "iPhone 15") == [3]  # but all words, when some post has them


def test_odd_arguments_are_clamped(shop):
    assert shop.query("面霜", page=0, per_page=0).total == 2
    assert len(shop.query("面霜", per_page=10_000).hits) == 2
    with pytest.raises(ValueError):
        shop.query("面霜", sort="hot")


def test_update_and_delete(shop, post):
    shop.index([post(1, "改成讲洗面奶了")])
    assert set(found(shop, "面霜")) == {6}
    assert found(shop, "洗面奶") == [4, 1] or set(found(shop, "洗面奶")) == {1, 4}
    assert shop.delete([(Kind.POST, 6), (Kind.POST, 999)]) == 2
    assert found(shop, "面霜") == []
    assert shop.doc_count() == 6


def test_empty_index_answers_calmly(backend):
    assert backend.query("面霜") == ([], 0)
    assert backend.doc_count() == 0
    status = backend.status()
    assert status.ok and status.doc_count == 0
