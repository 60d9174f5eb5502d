"""The compiled word list: an immutable ``Lexicon`` and the word matcher.

Words are normalised the same way posts are and compiled into an
Aho-Corasick automaton (ahocorasick-rs) over the collapsed form. A
``Lexicon`` never changes: to reload, compile a new one and swap the
reference (20,000 words compile in 0.25 to 0.5 s).

Matching rules:

* Chinese words match as substrings.
* A word that starts or ends with a Latin letter or digit must have a
  boundary there: the neighbouring character of the folded text may not be a
  Latin letter or digit. ``class`` does not hit ``ass``; ``买ass号`` does.
* Collapsed runs must be long enough: ``妈妈`` collapses to ``妈`` for
  matching, so the text must repeat the character at least twice too.
* Allow phrases cancel the word hits they cover.
* Hits are found overlapping, then reported leftmost-longest: a hit inside a
  longer hit of at least the same severity is folded into it. Overlapping
  search means a mild word can never hide a stricter one that overlaps it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import ahocorasick_rs

from moderation.normalize import Normalized, match_keys, normalize
from moderation.verdict import CATEGORIES, SEVERITY, Span
from moderation.wordlist import (
    DEFAULT_MAX_WORD_LENGTH,
    EMPTY_WORD,
    LoadError,
    WordEntry,
    check_word,
)

__all__ = ["Lexicon", "WordHit", "compile_lexicon"]

_LATIN = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")

Needs = tuple[tuple[int, int], ...]  # (position in key, minimum run length)


class WordHit(NamedTuple):
    """One word found in a text: the entry and its span in the original text."""

    entry: WordEntry
    span: Span


class _Pattern(NamedTuple):
    """Entries sharing one collapsed key, with what each needs to match."""

    candidates: tuple[tuple[int, Needs], ...]  # (entry index, needs), strictest first
    latin_head: bool
    latin_tail: bool


class _Matcher:
    """One automaton over collapsed keys, and per key what a hit must satisfy."""

    __slots__ = ("automaton", "patterns", "simple")

    def __init__(self, keyed: dict[str, list[tuple[int, Needs]]], entries: list[WordEntry]):
        keys = list(keyed)
        self.automaton = (
            ahocorasick_rs.AhoCorasick(keys, matchkind=ahocorasick_rs.MATCHKIND_STANDARD)
            if keys
            else None
        )
        # For the common key (one entry, no Latin edge, no run to check) the
        # entry index, so a hit needs no further test; -1 for the others,
        # whose rules are in ``patterns``.
        self.simple: list[int] = []
        self.patterns: dict[int, _Pattern] = {}
        latin = _LATIN
        for position, key in enumerate(keys):
            candidates = keyed[key]
            head, tail = key[0] in latin, key[-1] in latin
            if len(candidates) == 1 and not candidates[0][1] and not head and not tail:
                self.simple.append(candidates[0][0])
                continue
            if len(candidates) > 1:
                candidates.sort(key=lambda c: -SEVERITY.get(entries[c[0]].action, 0))
            self.patterns[position] = _Pattern(tuple(candidates), head, tail)
            self.simple.append(-1)

    def find(self, norm: Normalized) -> list[tuple[int, int, int]]:
        """Accepted hits as ``(collapsed start, -collapsed end, entry index)``.

        The negated end makes plain tuple order leftmost, then longest.
        """
        if self.automaton is None:
            return []
        found = self.automaton.find_matches_as_indexes(norm.collapsed, overlapping=True)
        simple, patterns = self.simple, self.patterns
        hits = []
        for p, start, end in found:
            index = simple[p]
            if index < 0:
                index = _accept(patterns[p], start, end, norm)
                if index is None:
                    continue
            hits.append((start, -end, index))
        return hits


def _accept(pattern: _Pattern, start: int, end: int, norm: Normalized) -> int | None:
    """The entry a raw automaton hit stands for, or None if the rules reject it."""
    if pattern.latin_head or pattern.latin_tail:
        first, stop = norm.compact_to_folded(*norm.collapsed_to_compact(start, end))
        folded = norm.folded
        if pattern.latin_head and first > 0 and folded[first - 1] in _LATIN:
            return None
        if pattern.latin_tail and stop < len(folded) and folded[stop] in _LATIN:
            return None
    lengths = None
    for index, needs in pattern.candidates:
        if needs:
            if lengths is None:
                lengths = norm.run_lengths(start, end)
            if any(lengths[at] < n for at, n in needs):
                continue
        return index
    return None


class Lexicon:
    """An immutable, compiled word list. Build one with ``compile_lexicon``.

    ``entries`` are the words that compiled (allow phrases included),
    ``rejected`` the ones that did not, numbered by their position (1-based)
    in the entries given.
    """

    __slots__ = ("entries", "rejected", "_words", "_allow", "_severities")

    def __init__(
        self, entries: Iterable[WordEntry] = (), *, max_word_length: int = DEFAULT_MAX_WORD_LENGTH
    ) -> None:
        given = list(entries)
        keys = match_keys([entry.word for entry in given])
        kept: list[WordEntry] = []
        rejected: list[LoadError] = []
        words: dict[str, list[tuple[int, Needs]]] = {}
        allow: dict[str, list[tuple[int, Needs]]] = {}
        for number, (entry, (key, needs)) in enumerate(zip(given, keys, strict=True), start=1):
            problem = check_word(entry.word, max_word_length, normalized=False)
            if problem is None and not key:
                problem = EMPTY_WORD
            # Entries may come from a database rather than the parser: check
            # what the parser would have checked.
            if problem is None and entry.action not in SEVERITY:  # allow is in it too
                problem = f"未知动作「{entry.action}」"
            if problem is None and entry.category not in CATEGORIES:
                problem = f"未知分类「{entry.category}」"
            if problem is not None:
                rejected.append(LoadError(number, entry.word, problem))
                continue
            target = allow if entry.action == "allow" else words
            target.setdefault(key, []).append((len(kept), needs))
            kept.append(entry)
        self.entries: tuple[WordEntry, ...] = tuple(kept)
        self.rejected: tuple[LoadError, ...] = tuple(rejected)
        self._severities = [SEVERITY.get(entry.action, 0) for entry in kept]
        self._words = _Matcher(words, kept)
        self._allow = _Matcher(allow, kept)

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return f"<Lexicon {len(self.entries)} entries, {len(self.rejected)} rejected>"

    def find(self, text: str | Normalized) -> list[WordHit]:
        """Every word of this lexicon in ``text``, with spans of the original text."""
        norm = text if isinstance(text, Normalized) else normalize(text)
        indexes, spans = self._hits(norm)
        entries = self.entries
        return [WordHit(entries[i], span) for i, span in zip(indexes, spans, strict=True)]

    def find_by_entry(self, norm: Normalized) -> list[tuple[WordEntry, list[Span]]]:
        """``find`` grouped by entry, in order of first appearance (what reasons need)."""
        indexes, spans = self._hits(norm)
        groups: dict[int, list[Span]] = {}
        for index, span in zip(indexes, spans, strict=True):
            group = groups.get(index)
            if group is None:
                groups[index] = [span]
            else:
                group.append(span)
        entries = self.entries
        return [(entries[index], group) for index, group in groups.items()]

    def _hits(self, norm: Normalized) -> tuple[list[int], list[Span]]:
        """Entry indexes and original spans of the hits, leftmost first."""
        found = self._words.find(norm)
        if not found:
            return [], []
        allowed = [(start, -negative_end) for start, negative_end, _ in self._allow.find(norm)]
        if allowed:
            found = [
                hit for hit in found if not any(a <= hit[0] and -hit[1] <= b for a, b in allowed)
            ]
        found.sort()
        # Leftmost-longest reporting: drop a hit that lies inside an earlier,
        # longer one unless it asks for something stricter.
        severities = self._severities
        # reach[s]: the furthest end of the hits kept so far with severity >= s
        reach = [0, 0, 0, 0]
        indexes: list[int] = []
        spans: list[Span] = []
        for start, negative_end, index in found:
            end = -negative_end
            severity = severities[index]
            if end <= reach[severity]:
                continue
            for s in range(1, severity + 1):
                if reach[s] < end:
                    reach[s] = end
            indexes.append(index)
            spans.append((start, end))
        return indexes, norm.collapsed_spans_to_original(spans)


def compile_lexicon(
    entries: Iterable[WordEntry], *, max_word_length: int = DEFAULT_MAX_WORD_LENGTH
) -> Lexicon:
    """Compile entries into a new ``Lexicon``; entries that cannot match are rejected."""
    return Lexicon(entries, max_word_length=max_word_length)
