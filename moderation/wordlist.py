"""Word lists as operators write them: plain text or CSV, in and out.

Plain text holds one word a line (blank lines and ``#`` comments skipped) and
takes its action and category from the caller. CSV holds
``word,action,category``; empty action or category fields take the caller's
defaults. The action ``allow`` marks an allow phrase: it cancels the hits it
covers (``佳保安全`` keeps ``保安`` from flagging). A bad line never stops a
load: it is reported with its number and reason, and the rest loads.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from moderation.normalize import normalize
from moderation.verdict import CATEGORIES, Category

__all__ = [
    "DEFAULT_MAX_WORD_LENGTH",
    "EntryAction",
    "LoadError",
    "LoadResult",
    "WordEntry",
    "dump_word_list",
    "load_word_file",
    "parse_word_list",
]

EntryAction = Literal["block", "review", "mask", "allow"]
DEFAULT_MAX_WORD_LENGTH = 32

_ACTION_NAMES: dict[str, EntryAction] = {
    "block": "block",
    "review": "review",
    "mask": "mask",
    "allow": "allow",
    "拦截": "block",
    "审核": "review",
    "屏蔽": "mask",
    "打码": "mask",
    "放行": "allow",
    "白名单": "allow",
}
_CATEGORY_NAMES: dict[str, Category] = {c: c for c in CATEGORIES} | {
    "ads": "广告",
    "spam": "广告",
    "porn": "色情",
    "abuse": "辱骂",
    "illegal": "违法",
    "politics": "政治",
    "other": "其他",
}
_HEADERS = ({"word", "action", "category"}, {"词语", "动作", "分类"})


@dataclass(frozen=True, slots=True)
class WordEntry:
    """One word-list entry: the word as the moderator wrote it, its action and category."""

    word: str
    action: EntryAction = "review"
    category: Category = "其他"


@dataclass(frozen=True, slots=True)
class LoadError:
    """A line that was not loaded: its 1-based number, its text and why (in Chinese)."""

    line: int
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class LoadResult:
    """The entries that loaded and the lines that did not."""

    entries: tuple[WordEntry, ...]
    errors: tuple[LoadError, ...]


def parse_action(value: str) -> EntryAction | None:
    """The action a CSV field or CLI option names, or None if it names none."""
    return _ACTION_NAMES.get(value.strip().lower())


def parse_category(value: str) -> Category | None:
    """The category a CSV field or CLI option names, or None if it names none."""
    return _CATEGORY_NAMES.get(value.strip().lower())


EMPTY_WORD = "去掉空格和符号后为空，无法匹配"


def check_word(word: str, max_word_length: int, *, normalized: bool = True) -> str | None:
    """Why ``word`` cannot be matched, or None if it can.

    ``normalized=False`` skips the check that needs normalising the word, for
    callers that normalise it anyway.
    """
    if not word:
        return "词语为空"
    if len(word) > max_word_length:
        return f"词语过长（{len(word)} 字，上限 {max_word_length} 字）"
    if normalized and not normalize(word).collapsed:
        return EMPTY_WORD
    return None


def _looks_like_csv(lines: list[str]) -> bool:
    for line in lines:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        fields = next(csv.reader([stripped]))
        if {f.strip().lower() for f in fields} in _HEADERS:
            return True
        return len(fields) >= 2 and parse_action(fields[1]) is not None
    return False


def parse_word_list(
    text: str,
    *,
    fmt: Literal["auto", "text", "csv"] = "auto",
    default_action: EntryAction = "review",
    default_category: Category = "其他",
    max_word_length: int = DEFAULT_MAX_WORD_LENGTH,
) -> LoadResult:
    """Parse a word list; ``fmt="auto"`` takes CSV when the first line reads as CSV."""
    lines = text.removeprefix("\ufeff").splitlines()
    as_csv = fmt == "csv" or (fmt == "auto" and _looks_like_csv(lines))
    entries: list[WordEntry] = []
    errors: list[LoadError] = []
    first_seen: dict[str, int] = {}
    header_allowed = True
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        action, category = default_action, default_category
        if as_csv:
            fields = [f.strip() for f in next(csv.reader([stripped]))]
            if header_allowed and {f.lower() for f in fields} in _HEADERS:
                header_allowed = False
                continue
            header_allowed = False
            if not 1 <= len(fields) <= 3:
                errors.append(LoadError(number, line, "应为三列：词语,动作,分类"))
                continue
            fields += [""] * (3 - len(fields))
            word = fields[0]
            if fields[1]:
                parsed_action = parse_action(fields[1])
                if parsed_action is None:
                    errors.append(LoadError(number, line, f"未知动作「{fields[1]}」"))
                    continue
                action = parsed_action
            if fields[2]:
                parsed_category = parse_category(fields[2])
                if parsed_category is None:
                    errors.append(LoadError(number, line, f"未知分类「{fields[2]}」"))
                    continue
                category = parsed_category
        else:
            word = stripped
        problem = check_word(word, max_word_length)
        if problem is None and word in first_seen:
            problem = f"与第 {first_seen[word]} 行重复"
        if problem is not None:
            errors.append(LoadError(number, line, problem))
            continue
        first_seen[word] = number
        entries.append(WordEntry(word, action, category))
    return LoadResult(tuple(entries), tuple(errors))


def load_word_file(
    path: str | Path,
    *,
    default_action: EntryAction = "review",
    default_category: Category = "其他",
    max_word_length: int = DEFAULT_MAX_WORD_LENGTH,
) -> LoadResult:
    """Read a word list file: CSV when it ends in ``.csv``, otherwise plain text."""
    path = Path(path)
    return parse_word_list(
        path.read_text(encoding="utf-8-sig"),
        fmt="csv" if path.suffix.lower() == ".csv" else "text",
        default_action=default_action,
        default_category=default_category,
        max_word_length=max_word_length,
    )


def dump_word_list(entries: Iterable[WordEntry], fmt: Literal["text", "csv"] = "csv") -> str:
    """Write entries as CSV (with a header) or as plain text (words only)."""
    if fmt == "text":
        return "".join(f"{entry.word}\n" for entry in entries)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["word", "action", "category"])
    writer.writerows([entry.word, entry.action, entry.category] for entry in entries)
    return out.getvalue()
