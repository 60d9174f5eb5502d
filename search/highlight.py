"""Highlighted snippets: escaped text with ``<mark>`` around what the query matched.

Matching happens on the normalized text (the analyzer's), so ``面霜`` marks a
document's ``麵霜`` and ``iphone`` marks ``ｉＰｈｏｎｅ``; the marks are then put
back on the original characters. The output is safe to insert into a page:
every character of the document is HTML-escaped and the only tags are ``<mark>``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from search.analyzer import Analyzer, QueryUnit, is_cjk

__all__ = ["highlight", "needles_for"]

_SPACE = re.compile(r"\s+")
_ELLIPSIS = "…"
# How much text to keep before the first match when a snippet has to be cut.
_LEAD = 16


def needles_for(units: Iterable[QueryUnit]) -> list[str]:
    """The normalized strings to mark for a query, longest first."""
    found: set[str] = set()
    for unit in units:
        found.add(unit.text)
        if unit.cjk:
            # Words of one character (的, 了) would light up the whole text:
            # mark them only when the person typed just that character.
            found.update(w for w in unit.words if len(w) > 1)
        else:
            found.update(p for p in unit.parts if len(p) > 1 or p.isdigit())
    return sorted(found, key=lambda s: (-len(s), s))


def _pattern(needles: list[str]) -> re.Pattern[str] | None:
    alternatives = []
    for needle in needles:
        escaped = re.escape(needle)
        if is_cjk(needle):
            alternatives.append(escaped)
        else:
            # English words and numbers only match whole: ``pro`` must not
            # light up inside ``product``.
            alternatives.append(rf"(?<![^\W_]){escaped}(?![^\W_])")
    return re.compile("|".join(alternatives)) if alternatives else None


def highlight(
    text: str,
    needles: list[str],
    analyzer: Analyzer,
    max_chars: int | None = None,
) -> str:
    """Return ``text`` as HTML with each needle occurrence wrapped in ``<mark>``.

    With ``max_chars``, a longer text is cut to a window of about that many
    characters starting a little before the first match, with ``…`` where cut.
    """
    if not text:
        return ""
    spans = _spans(text, needles, analyzer)
    start, end = 0, len(text)
    if max_chars is not None and len(text) > max_chars:
        first = spans[0][0] if spans else 0
        start = max(0, min(first - _LEAD, len(text) - max_chars))
        end = start + max_chars
    pieces: list[str] = [_ELLIPSIS] if start > 0 else []
    pos = start
    for s, e in spans:
        if e <= pos or s >= end:
            continue
        s, e = max(s, pos), min(e, end)
        pieces.append(_plain(text[pos:s]))
        pieces.append(f"<mark>{_plain(text[s:e])}</mark>")
        pos = e
    pieces.append(_plain(text[pos:end]))
    if end < len(text):
        pieces.append(_ELLIPSIS)
    return "".join(pieces)


def _plain(piece: str) -> str:
    # Snippets sit inside one line of a result list: fold line breaks.
    return html.escape(_SPACE.sub(" ", piece))


def _spans(text: str, needles: list[str], analyzer: Analyzer) -> list[tuple[int, int]]:
    pattern = _pattern(needles)
    if pattern is None:
        return []
    normalized, origin = analyzer.normalize_with_offsets(text)
    spans = []
    for match in pattern.finditer(normalized):
        s, e = match.span()
        if s == e:
            continue
        if origin is not None:
            s, e = origin[s], origin[e - 1] + 1
        if spans and spans[-1][1] == s:
            # Adjacent words (面霜|真的|好用) read better as one mark.
            s = spans.pop()[0]
        spans.append((s, e))
    return spans
