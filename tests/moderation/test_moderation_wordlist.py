"""Word lists: loading text and CSV, bad lines, the length cap, export, reload."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from moderation import (
    LoadError,
    ScreenContext,
    WordEntry,
    compile_lexicon,
    dump_word_list,
    load_word_file,
    parse_word_list,
    screen,
)

CSV_LIST = """word,action,category
傻逼,block,辱骂
代开发票,review,违法
垃圾,mask,辱骂
佳保安全,allow,
加群,,
坏词,delete,辱骂
好词,review,好
a,b,c,d
***,block,其他
傻逼,review,辱骂
"引号,里的逗号",review,广告
"""


def test_csv_loads_good_lines_and_reports_bad_ones() -> None:
    result = parse_word_list(CSV_LIST, default_action="review", default_category="广告")
    assert result.entries == (
        WordEntry("傻逼", "block", "辱骂"),
        WordEntry("代开发票", "review", "违法"),
        WordEntry("垃圾", "mask", "辱骂"),
        WordEntry("佳保安全", "allow", "广告"),
        WordEntry("加群", "review", "广告"),
        WordEntry("引号,里的逗号", "review", "广告"),
    )
    assert [(e.line, e.reason) for e in result.errors] == [
        (7, "未知动作「delete」"),
        (8, "未知分类「好」"),
        (9, "应为三列：词语,动作,分类"),
        (10, "去掉空格和符号后为空，无法匹配"),
        (11, "与第 2 行重复"),
    ]
    assert result.errors[0].text == "坏词,delete,辱骂"


def test_csv_accepts_chinese_action_names_and_english_category_names() -> None:
    result = parse_word_list("词语,动作,分类\n色图,拦截,porn\n", fmt="csv")
    assert result.entries == (WordEntry("色图", "block", "色情"),)
    assert result.errors == ()


def test_text_list_takes_caller_defaults_and_skips_comments() -> None:
    text = "\ufeff# 广告词\n\n  兼职刷单  \n加微信\n刷单,返利\n"
    result = parse_word_list(text, default_action="block", default_category="广告")
    assert [(e.word, e.action, e.category) for e in result.entries] == [
        ("兼职刷单", "block", "广告"),
        ("加微信", "block", "广告"),
        ("刷单,返利", "block", "广告"),
    ]


def test_auto_format_reads_a_text_line_with_a_comma_as_text() -> None:
    result = parse_word_list("考试,答案\n代考\n")
    assert [e.word for e in result.entries] == ["考试,答案", "代考"]


def test_words_longer_than_the_cap_are_rejected_with_a_reason() -> None:
    long_word = "很" * 33
    result = parse_word_list(f"短词\n{long_word}\n{'长' * 32}\n", max_word_length=32)
    assert [e.word for e in result.entries] == ["短词", "长" * 32]
    assert result.errors == (LoadError(2, long_word, "词语过长（33 字，上限 32 字）"),)
    assert len(parse_word_list("一二三四五六\n", max_word_length=5).errors) == 1


def test_compile_rejects_what_cannot_match_and_keeps_the_rest() -> None:
    lexicon = compile_lexicon(
        [WordEntry("好词"), WordEntry("超" * 40), WordEntry("!!!"), WordEntry("")],
        max_word_length=32,
    )
    assert [e.word for e in lexicon.entries] == ["好词"]
    assert [(e.line, e.reason) for e in lexicon.rejected] == [
        (2, "词语过长（40 字，上限 32 字）"),
        (3, "去掉空格和符号后为空，无法匹配"),
        (4, "词语为空"),
    ]


def test_compile_rejects_actions_and_categories_it_does_not_know() -> None:
    rows = [("好词", "review", "其他"), ("怪词", "delete", "其他"), ("新词", "review", "新类")]
    lexicon = compile_lexicon(WordEntry(*row) for row in rows)  # type: ignore[arg-type]
    assert [e.word for e in lexicon.entries] == ["好词"]
    assert [e.reason for e in lexicon.rejected] == ["未知动作「delete」", "未知分类「新类」"]


def test_files_load_by_extension(tmp_path: Path) -> None:
    csv_file = tmp_path / "words.csv"
    csv_file.write_text("word,action,category\n约炮,block,色情\n", encoding="utf-8")
    txt_file = tmp_path / "words.txt"
    txt_file.write_text("约炮,block,色情\n", encoding="utf-8")
    assert load_word_file(csv_file).entries == (WordEntry("约炮", "block", "色情"),)
    plain = load_word_file(txt_file, default_action="mask")
    assert plain.entries == (WordEntry("约炮,block,色情", "mask", "其他"),)


def test_export_round_trips_through_csv_and_text() -> None:
    entries = parse_word_list(CSV_LIST).entries
    csv_text = dump_word_list(entries, "csv")
    assert csv_text.splitlines()[0] == "word,action,category"
    assert parse_word_list(csv_text).entries == entries
    text = dump_word_list(entries, "text")
    assert [e.word for e in parse_word_list(text, fmt="text").entries] == [e.word for e in entries]


def test_reload_is_a_new_lexicon_and_the_old_one_is_unchanged() -> None:
    old = compile_lexicon(parse_word_list("旧词\n", default_action="block").entries)
    new = compile_lexicon(parse_word_list("新词\n", default_action="block").entries)
    current = ScreenContext(lexicon=old)
    assert screen("新词来了", current).action == "allow"
    current = ScreenContext(lexicon=new)  # the swap the forum does on reload
    assert screen("新词来了", current).action == "block"
    assert screen("旧词", current).action == "allow"
    assert screen("旧词", ScreenContext(lexicon=old)).action == "block"


def test_twenty_thousand_words_compile_quickly() -> None:
    words = [WordEntry(f"词{i:05d}号", "review", "其他") for i in range(20_000)]
    started = time.perf_counter()
    lexicon = compile_lexicon(words)
    elapsed = time.perf_counter() - started
    assert len(lexicon) == 20_000
    assert elapsed < 3.0  # about 0.3 s on a quiet machine; generous for shared CI
    assert [h.entry.word for h in lexicon.find("这是词12345号吗")] == ["词12345号"]


@pytest.mark.parametrize(
    ("action", "category"), [("block", "政治"), ("review", "广告"), ("mask", "辱骂")]
)
def test_text_lists_carry_the_callers_action_into_the_verdict(action, category) -> None:
    entries = parse_word_list("敏感词\n", default_action=action, default_category=category).entries
    verdict = screen("这里有敏感词", ScreenContext(lexicon=compile_lexicon(entries)))
    assert verdict.action == action
    assert verdict.categories == (category,)
