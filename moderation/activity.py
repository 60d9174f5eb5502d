"""Signals from the author's recent activity: repeats and bursts.

The forum passes what it knows (the author's recent texts with their time and
circle, recent post times); nothing here reads a database or a clock.
Near-duplicates are found with the Jaccard similarity of character bigram
shingles of the collapsed text, so added spaces, emoji or repeated letters
do not make a copy look new.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from moderation.normalize import normalize

__all__ = ["Repeats", "count_recent", "find_repeats", "shingles", "similarity"]

_SHINGLE = 2


def shingles(text: str) -> frozenset[str]:
    """Character bigrams of an already normalised text (the text itself if shorter)."""
    if len(text) <= _SHINGLE:
        return frozenset((text,))
    return frozenset(map("".join, zip(text, text[1:], strict=False)))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard similarity of two shingle sets."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True, slots=True)
class Repeats:
    """Earlier copies of a text: how many, and in how many circles (this one included)."""

    copies: int
    circles: int


def find_repeats(
    collapsed: str,
    recent: Iterable[tuple[str, datetime, Hashable]],
    *,
    circle_id: Hashable,
    now: datetime,
    window: timedelta,
    min_similarity: float,
    min_length: int,
) -> Repeats:
    """Count the author's recent texts within ``window`` that are (nearly) ``collapsed``.

    ``collapsed`` is the collapsed form of the new text; short texts (under
    ``min_length`` characters once collapsed) never count as repeats, so
    "谢谢" or "+1" twice is fine.
    """
    if len(collapsed) < min_length:
        return Repeats(0, 0)
    mine: frozenset[str] | None = None
    copies, circles = 0, {circle_id}
    for text, created_at, circle in recent:
        if not now - window <= created_at <= now:
            continue
        # Jaccard >= t needs |A|/|B| >= t; raw lengths bound shingle counts
        # loosely, so this skips clearly different texts before normalising.
        if len(text) * 2 < len(collapsed) * min_similarity:
            continue
        other = normalize(text).collapsed
        if other != collapsed:
            small, large = sorted((len(other), len(collapsed)))
            if small < min_length or small < large * min_similarity:
                continue
            if mine is None:
                mine = shingles(collapsed)
            if similarity(mine, shingles(other)) < min_similarity:
                continue
        copies += 1
        circles.add(circle)
    return Repeats(copies, len(circles) if copies else 0)


def count_recent(times: Iterable[datetime], *, now: datetime, window: timedelta) -> int:
    """How many of ``times`` fall within ``window`` before ``now``."""
    return sum(1 for t in times if now - window <= t <= now)
