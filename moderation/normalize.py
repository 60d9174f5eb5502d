"""Normalisation: the forms of a text that words and signals are matched on.

A post is seen in three forms, each derived from the one before:

* ``folded``: NFKC, case folded, full-width to half-width, traditional to
  simplified (OpenCC's t2s table), styled/circled letters and digits and Latin
  look-alikes folded, invisible characters removed. Separators stay, so
  contact and link patterns can see them.
* ``compact``: ``folded`` without separators (spaces, punctuation, symbols,
  emoji), so ``微 信`` and ``f.u.c.k`` read as words.
* ``collapsed``: ``compact`` with runs of one character collapsed to one, so
  ``fuuuck`` meets ``fuck``. Words are matched here.

Any span of any form maps back to a span of the original text. The maps are
built only when something asks for them (usually only when a word hit), from
a few arrays and ``bisect``, never a per-character Python loop.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

from moderation._tables import FOLD, SEPARATOR, T2S_CHARS, T2S_TABLE, char_class

__all__ = ["Normalized", "match_keys", "normalize"]

_TO_FOLD = re.compile(char_class(set(FOLD)))
_TO_CHANGE = re.compile(char_class(set(FOLD) | set(T2S_CHARS)))
_SEPARATORS = re.compile(f"({SEPARATOR}+)")
_SEPARATOR = re.compile(f"{SEPARATOR}+")
# Pairs, not runs: "(.)\1+" costs twice as much per character in ``re``; a
# run is extended by hand from each pair found (runs are few and short).
_PAIRS = re.compile(r"(.)\1", re.S)

Span = tuple[int, int]
Edit = tuple[int, int, int]


class _Traditional(Exception):
    """Raised by the fold pass on a traditional character: the t2s table takes over."""


# Traditional characters converted one callback at a time before the whole
# text goes through ``translate`` instead (about as costly as 200 callbacks):
# a stray 乾 in a simplified post should not cost a full pass.
_FEW_TRADITIONAL = 48


def _fold_pass(pattern: re.Pattern[str], text: str, edits: list[Edit], *, first: bool) -> str:
    shift = 0
    traditional = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal shift, traditional
        char = match.group()
        out = FOLD.get(char)
        if out is None:
            simple = T2S_CHARS.get(char) if first else None
            if simple is None:
                return char  # beyond the BMP, the class matches more than FOLD holds
            traditional += 1
            if traditional > _FEW_TRADITIONAL:
                raise _Traditional
            return simple
        if len(out) != 1:
            start = match.start()
            edits.append((start, start + shift, len(out)))
            shift += len(out) - 1
        return out

    # Only the few characters that change go through Python; lower() handles
    # ASCII capitals (every non-ASCII character whose case changes is in FOLD).
    return pattern.sub(replace, text).lower()


def _fold(text: str) -> tuple[str, list[Edit]]:
    """Fold ``text``; also return the edits that changed its length.

    Each edit is ``(original index, folded index, folded length)`` for a
    character that became more or fewer than one character.
    """
    edits: list[Edit] = []
    if text.isascii():
        return text.lower(), edits
    try:
        return _fold_pass(_TO_CHANGE, text, edits, first=True), edits
    except _Traditional:
        edits.clear()
    return _fold_pass(_TO_FOLD, text.translate(T2S_TABLE), edits, first=False), edits


def match_keys(words: list[str]) -> list[tuple[str, tuple[tuple[int, int], ...]]]:
    """The collapsed form of each word, and the runs it needs, in one batch.

    The second item lists ``(position, length)`` for each run longer than one
    character that collapsing removed: ``妈妈`` gives ``("妈", ((0, 2),))``.
    Folding all words in one call keeps compiling 20,000 words fast.
    """
    folded, _ = _fold("\n".join(words))
    pieces = folded.split("\n")
    if len(pieces) != len(words):  # a word held a line break: go one by one
        pieces = [_fold(word)[0] for word in words]
    keys = []
    for piece in pieces:
        compact = _SEPARATOR.sub("", piece)
        if _PAIRS.search(compact) is None:
            keys.append((compact, ()))
            continue
        runs = _runs(compact)
        removed, needs = 0, []
        for start, end in runs:
            needs.append((start - removed, end - start))
            removed += end - start - 1
        keys.append((_collapse(compact, runs), tuple(needs)))
    return keys


def _runs(text: str) -> list[Span]:
    """Spans of the runs of one repeated character in ``text``."""
    runs: list[Span] = []
    covered = 0
    for match in _PAIRS.finditer(text):
        start = match.start()
        if start < covered:
            continue
        char, stop = text[start], match.end()
        while stop < len(text) and text[stop] == char:
            stop += 1
        runs.append((start, stop))
        covered = stop
    return runs


def _collapse(text: str, runs: list[Span]) -> str:
    """``text`` with each of ``runs`` reduced to its first character."""
    if not runs:
        return text
    pieces, previous = [], 0
    for start, end in runs:
        pieces.append(text[previous : start + 1])
        previous = end
    pieces.append(text[previous:])
    return "".join(pieces)


class Normalized:
    """A text with its folded, compact and collapsed forms and maps between them."""

    __slots__ = (
        "original",
        "folded",
        "compact",
        "collapsed",
        "_edits",
        "_parts",
        "_runs",
        "_gap_at",
        "_gap_total",
        "_run_at",
        "_run_before",
        "_edit_at",
    )

    def __init__(self, text: str) -> None:
        self.original = text
        self.folded, self._edits = _fold(text)
        parts = _SEPARATORS.split(self.folded)
        self._parts = parts
        self.compact = "".join(parts[::2]) if len(parts) > 1 else self.folded
        self._runs = _runs(self.compact)
        self.collapsed = _collapse(self.compact, self._runs)
        self._gap_at: list[int] | None = None
        self._gap_total: list[int] = []
        self._run_at: list[int] | None = None
        self._run_before: list[int] = []
        self._edit_at: list[int] | None = None

    # -- collapsed -> compact ------------------------------------------------

    def _run_index(self) -> list[int]:
        if self._run_at is None:
            extra = [end - start - 1 for start, end in self._runs]
            self._run_before = [0, *accumulate(extra)]
            self._run_at = [
                start - before
                for (start, _), before in zip(self._runs, self._run_before, strict=False)
            ]
        return self._run_at

    def run_lengths(self, start: int, end: int) -> list[int]:
        """Lengths of the compact runs behind collapsed positions ``start..end``."""
        run_at = self._run_index()
        lengths = [1] * (end - start)
        k = bisect_right(run_at, start - 1)
        while k < len(run_at) and run_at[k] < end:
            run_start, run_end = self._runs[k]
            lengths[run_at[k] - start] = run_end - run_start
            k += 1
        return lengths

    def collapsed_to_compact(self, start: int, end: int) -> Span:
        """The compact span behind a collapsed span (whole runs included)."""
        if not self._runs:
            return start, end
        run_at = self._run_index()
        k = bisect_right(run_at, start) - 1
        if k < 0:
            first = start
        elif run_at[k] == start:
            first = self._runs[k][0]
        else:
            first = start + self._run_before[k + 1]
        last = end - 1
        k = bisect_right(run_at, last) - 1
        if k < 0:
            stop = end
        elif run_at[k] == last:
            stop = self._runs[k][1]
        else:
            stop = last + self._run_before[k + 1] + 1
        return first, stop

    # -- compact -> folded ---------------------------------------------------

    def compact_to_folded(self, start: int, end: int) -> Span:
        """The folded span behind a compact span (inner separators included)."""
        if self._gap_at is None:
            parts = self._parts
            # A gap sits before compact index gap_at[k]; gap_total[k] is the
            # separator length up to and including it.
            self._gap_at = list(accumulate(map(len, parts[0:-1:2])))
            self._gap_total = list(accumulate(map(len, parts[1::2])))
        if not self._gap_at:
            return start, end
        k = bisect_right(self._gap_at, start) - 1
        first = start + (self._gap_total[k] if k >= 0 else 0)
        k = bisect_right(self._gap_at, end - 1) - 1
        stop = end + (self._gap_total[k] if k >= 0 else 0)
        return first, stop

    # -- folded -> original --------------------------------------------------

    def _folded_index(self, index: int) -> int:
        if self._edit_at is None:
            self._edit_at = [at for _, at, _ in self._edits]
        k = bisect_right(self._edit_at, index) - 1
        if k < 0:
            return index
        source, at, length = self._edits[k]
        if index < at + length:
            return source
        return source + 1 + index - at - length

    def folded_to_original(self, start: int, end: int) -> Span:
        """The original span behind a folded span."""
        if not self._edits:
            return start, end
        if end <= start:
            point = self._folded_index(start) if start < len(self.folded) else len(self.original)
            return point, point
        return self._folded_index(start), self._folded_index(end - 1) + 1

    def collapsed_to_original(self, start: int, end: int) -> Span:
        """The original span behind a collapsed span."""
        return self.folded_to_original(
            *self.compact_to_folded(*self.collapsed_to_compact(start, end))
        )

    def collapsed_spans_to_original(self, spans: list[Span]) -> list[Span]:
        """``collapsed_to_original`` for many spans, with the common step inlined."""
        if self._runs:
            runs, run_at, before = self._runs, self._run_index(), self._run_before
            compact = []
            for start, end in spans:
                k = bisect_right(run_at, start) - 1
                if k < 0:
                    first = start
                elif run_at[k] == start:
                    first = runs[k][0]
                else:
                    first = start + before[k + 1]
                k = bisect_right(run_at, end - 1) - 1
                if k < 0:
                    stop = end
                elif run_at[k] == end - 1:
                    stop = runs[k][1]
                else:
                    stop = end + before[k + 1]
                compact.append((first, stop))
            spans = compact
        if len(self._parts) > 1:
            self.compact_to_folded(0, 0)  # builds the gap index
            gap_at, gap_total = self._gap_at or [], self._gap_total
            folded = []
            for start, end in spans:
                k = bisect_right(gap_at, start) - 1
                first = start + gap_total[k] if k >= 0 else start
                k = bisect_right(gap_at, end - 1) - 1
                folded.append((first, end + gap_total[k] if k >= 0 else end))
            spans = folded
        if self._edits:
            spans = [self.folded_to_original(start, end) for start, end in spans]
        return spans


def normalize(text: str) -> Normalized:
    """Normalise ``text`` for matching; see the module docstring for the forms."""
    return Normalized(text)
