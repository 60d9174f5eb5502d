"""Fixtures for the moderation tests: small lexicons and contexts built in code."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from moderation import Lexicon, ScreenContext, WordEntry, compile_lexicon

NOW = datetime(2024, 11, 23, 20, 0, tzinfo=UTC)

WORDS = [
    WordEntry("ass", "block", "辱骂"),
    WordEntry("cunt", "block", "辱骂"),
    WordEntry("fuck", "block", "辱骂"),
    WordEntry("傻逼", "block", "辱骂"),
    WordEntry("妈妈", "mask", "辱骂"),
    WordEntry("法轮功", "block", "政治"),
    WordEntry("代开发票", "review", "违法"),
    WordEntry("保安", "review", "其他"),
    WordEntry("佳保安全", "allow", "其他"),
    WordEntry("约炮", "block", "色情"),
    WordEntry("加群", "review", "广告"),
    WordEntry("垃圾", "mask", "辱骂"),
    WordEntry("cnm", "block", "辱骂"),
    WordEntry("游戏币", "review", "广告"),
]


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    return compile_lexicon(WORDS)


@pytest.fixture(scope="session")
def context(lexicon: Lexicon) -> ScreenContext:
    return ScreenContext(lexicon=lexicon, allowed_domains=frozenset({"weishequn.cn"}), now=NOW)
