"""The analyzer: normalization, segmentation, user dictionary, query units."""

from __future__ import annotations

from pathlib import Path

from search import Analyzer


def test_normalizes_width_case_and_traditional_script(analyzer):
    assert analyzer.normalize("ｉＰｈｏｎｅ　１５") == "iphone 15"
    assert analyzer.normalize("臺灣的麵霜") == "台湾的面霜"


def test_offsets_map_back_when_normalization_changes_length(analyzer):
    normalized, origin = analyzer.normalize_with_offsets("３㎏面霜")
    assert normalized == "3kg面霜"
    assert origin is not None
    # "面" is the third original character even though it is normalized fourth.
    assert origin[normalized.index("面")] == 2


def test_search_mode_indexes_characters_bigrams_and_long_words(analyzer):
    tokens = analyzer.tokens("我家的猫咪很可爱，中华人民共和国")
    assert "猫" in tokens and "猫咪" in tokens
    assert "中华人民共和国" in tokens and "共和国" in tokens


def test_english_words_and_numbers_stay_whole(analyzer):
    tokens = analyzer.tokens("SK-II 神仙水 iPhone15 3.5寸")
    assert {"sk-ii", "sk", "ii", "iphone15", "iphone", "15", "3.5"} <= set(tokens)


def test_query_units_split_scripts_and_ignore_syntax(analyzer):
    units = analyzer.query_units('"好物分享" AND (iPhone OR SK-II) title:面霜 *')
    assert [u.text for u in units] == ["好物分享", "and", "iphone", "or", "sk-ii", "title", "面霜"]
    assert analyzer.query_units("!!! ？？ ……") == []
    assert analyzer.query_units("") == []


def test_query_is_cut_at_a_hundred_characters(analyzer):
    units = analyzer.query_units("好" * 500)
    assert len(units) == 1 and len(units[0].text) == 100


def test_user_dictionary_words_segment_whole(tmp_path: Path):
    words = tmp_path / "userdict.txt"
    words.write_text("# 品牌\n完美日记\n花西子 100\n", encoding="utf-8")
    plain = Analyzer()
    assert "完美日记" not in plain.tokens("完美日记的眼影")
    custom = Analyzer(user_dict=words)
    assert "完美日记" in custom.tokens("完美日记的眼影")
    assert custom.user_words == {"完美日记", "花西子"}
    assert custom.add_words(["橘朵", "完美日记"]) == 1
    assert [u.words for u in custom.query_units("橘朵眼影")] == [("橘朵", "眼影")]
