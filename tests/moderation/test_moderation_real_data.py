"""Checks on real text nobody on the project wrote (skipped without ../shared/data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from moderation import ScreenContext, compile_lexicon, load_word_file, screen

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
TITLES = DATA / "thucnews-titles" / "titles.tsv"
LEXICON = DATA / "sensitive-lexicon" / "all.txt"

pytestmark = pytest.mark.skipif(
    not TITLES.is_file() or not LEXICON.is_file(),
    reason=f"shared data not found at {DATA}",
)


@pytest.fixture(scope="module")
def titles() -> list[str]:
    lines = TITLES.read_text(encoding="utf-8").splitlines()
    return [line.split("\t", 1)[1] for line in lines if "\t" in line]


def test_news_titles_raise_no_contact_or_link_signal(titles: list[str]) -> None:
    # Twenty thousand titles full of dates, prices, scores, model numbers
    # and company domains: none is a phone, QQ, WeChat, e-mail or spam link.
    flagged = [title for title in titles if screen(title).action != "allow"]
    assert len(titles) > 19_000
    assert flagged == []


def test_the_public_lexicon_loads_with_its_bad_lines_reported() -> None:
    result = load_word_file(LEXICON, default_action="review", default_category="其他")
    assert len(result.entries) > 40_000
    reasons = {error.reason.split("（")[0] for error in result.errors}
    assert "词语过长" in reasons  # a few entries are sentences
    assert all(error.line > 0 for error in result.errors)


def test_a_lexicon_word_spelled_evasively_inside_a_title_is_found(titles: list[str]) -> None:
    entries = load_word_file(LEXICON, default_action="review").entries[:20_000]
    context = ScreenContext(lexicon=compile_lexicon(entries))
    # 毛泽东 is in the lexicon; spell it with spaces, traditional forms and an emoji.
    text = f"{titles[0]}，毛 澤 😀 東，{titles[1]}"
    verdict = screen(text, context)
    assert verdict.action == "review"
    spans = [span for r in verdict.reasons if r.term == "毛泽东" for span in r.spans]
    assert [text[a:b] for a, b in spans] == ["毛 澤 😀 東"]
