"""What a screen decides: actions, categories, reasons and the verdict.

These are plain frozen values the forum stores and renders; ``highlight``
cuts a text into marked and unmarked segments so the web app can render
highlights with its own escaping.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, NamedTuple

__all__ = [
    "ACTIONS",
    "CATEGORIES",
    "Action",
    "Category",
    "Decision",
    "Reason",
    "ReasonKind",
    "Span",
    "Verdict",
    "highlight",
    "mask",
    "merge_spans",
]

Action = Literal["block", "review", "mask"]
"""What one word or signal asks for."""

Decision = Literal["allow", "mask", "review", "block"]
"""What a verdict decides: an action, or allow when nothing asked for one."""

Category = Literal["广告", "色情", "辱骂", "违法", "政治", "其他"]
ReasonKind = Literal["word", "contact", "link", "duplicate", "burst", "new_account"]
Span = tuple[int, int]
"""``(start, end)`` offsets into the original text, end exclusive."""

ACTIONS: tuple[Action, ...] = ("block", "review", "mask")
CATEGORIES: tuple[Category, ...] = ("广告", "色情", "辱骂", "违法", "政治", "其他")

# Higher is stricter; the strictest reason decides the verdict.
SEVERITY: dict[str, int] = {"allow": 0, "mask": 1, "review": 2, "block": 3}


class Reason(NamedTuple):
    """One thing the screen found.

    ``term`` is the word-list entry for word reasons (the moderator's word,
    which may be spelled differently in the post); ``spans`` locate what was
    found in the original text (empty for duplicate and burst reasons).
    A named tuple rather than a dataclass: a post can yield dozens of
    reasons, and a tuple is built four times faster.
    """

    kind: ReasonKind
    category: Category
    action: Action
    message: str
    spans: tuple[Span, ...] = ()
    term: str | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    """The decision on one text, with every reason behind it.

    ``masked_text`` is the text with each span of a mask reason replaced by
    ``*`` per character, or None when no reason asks for masking.
    """

    action: Decision
    reasons: tuple[Reason, ...] = ()
    masked_text: str | None = None

    @property
    def categories(self) -> tuple[Category, ...]:
        """Categories of the reasons, strictest first, each once."""
        ordered = sorted(self.reasons, key=lambda r: -SEVERITY[r.action])
        return tuple(dict.fromkeys(r.category for r in ordered))

    @property
    def spans(self) -> tuple[Span, ...]:
        """Every span of every reason, merged and sorted."""
        return merge_spans(s for r in self.reasons for s in r.spans)

    @property
    def message(self) -> str:
        """A short message for the author, in Chinese."""
        if self.action == "allow":
            return ""
        names = "、".join(self.categories)
        if self.action == "block":
            return f"内容涉及{names}，无法发布，请修改后重试"
        if self.action == "review":
            return f"内容涉及{names}，需审核通过后公开"
        return "部分词语已被屏蔽"


def merge_spans(spans: Iterable[Span]) -> tuple[Span, ...]:
    """Sort spans and merge the ones that overlap or touch."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((start, end) for start, end in merged)


def highlight(text: str, spans: Iterable[Span]) -> list[tuple[str, bool]]:
    """Cut ``text`` into ``(segment, matched)`` pairs covering it in order.

    The web app escapes each segment itself and wraps matched ones in a mark.
    """
    segments: list[tuple[str, bool]] = []
    position = 0
    for start, end in merge_spans(spans):
        start, end = max(start, position), min(end, len(text))
        if start >= end:
            continue
        if start > position:
            segments.append((text[position:start], False))
        segments.append((text[start:end], True))
        position = end
    if position < len(text):
        segments.append((text[position:], False))
    return segments


def mask(text: str, spans: Iterable[Span]) -> str:
    """Replace every character inside ``spans`` with ``*``."""
    return "".join(
        "*" * len(segment) if matched else segment for segment, matched in highlight(text, spans)
    )
