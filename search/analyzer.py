"""The Chinese analyzer shared by indexing and querying.

Text goes through the same steps on both sides, so a query finds what the
document says whatever the script or width it was typed in:

1. NFKC (full-width ``ｉＰｈｏｎｅ１５`` becomes ``iPhone15``), lower-casing;
2. traditional to simplified Chinese (OpenCC ``t2s``: ``麵霜`` becomes ``面霜``);
3. segmentation with rjieba (jieba-rs) in search mode, so long words also yield
   their sub-words (``中华人民共和国`` also gives ``中华``, ``人民``, ``共和国``),
   with an operators' user dictionary for brand and product names;
4. English words and numbers stay whole (``sk-ii``, ``3.5``), and mixed
   letter-digit words also yield their runs (``iphone15`` gives ``iphone``, ``15``).

Besides words, every CJK character and bigram of a text is indexed, at its
character offset: a query then matches a document even where the two segment
differently (``猫`` inside ``猫咪``), which is what the known-item benchmark needs.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import opencc
import rjieba

__all__ = ["Analyzer", "QueryUnit", "cjk_bigrams", "is_cjk"]

# Han (with extensions and compatibility ideographs), kana and hangul: scripts
# written without spaces, where n-grams stand in for reliable word boundaries.
_CJK_CLASS = (
    "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\U00020000-\U0002ffff\U00030000-\U0003134f"
)
_CJK_RUN = re.compile(f"[{_CJK_CLASS}]+")
_CJK_CHAR = re.compile(f"[{_CJK_CLASS}]")
_ALNUM_RUNS = re.compile(r"[^\W\d_]+|\d+")
_WORD_SPLIT = re.compile(r"[^\W_]+")

# A query longer than this is cut: nobody types more, and a pasted essay should
# not turn into a query of hundreds of terms.
MAX_QUERY_CHARS = 100
MAX_QUERY_UNITS = 12


def is_cjk(text: str) -> bool:
    """True when ``text`` is made only of CJK characters."""
    return bool(text) and _CJK_RUN.fullmatch(text) is not None


def cjk_bigrams(run: str) -> list[str]:
    """The overlapping two-character windows of a CJK run (``好物分享`` → 好物 物分 分享)."""
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _keep(token: str) -> bool:
    # Punctuation, spaces and emoji carry no searchable meaning.
    return any(ch.isalnum() for ch in token)


@dataclass(frozen=True, slots=True)
class QueryUnit:
    """One thing the person typed: a CJK run or an English word / number.

    ``words`` are the run's words as segmented (precise mode), ``parts`` the
    letter and digit runs of a compound like ``sk-ii`` or ``iphone15``.
    """

    text: str
    cjk: bool
    words: tuple[str, ...]
    parts: tuple[str, ...] = ()


class Analyzer:
    """Normalizes and segments text; one instance per process is enough.

    ``user_dict`` names a UTF-8 file of words, one a line (``#`` starts a
    comment; an optional frequency may follow the word after a space), loaded
    at once; ``words`` adds more. Both make the words segment as one token.
    """

    def __init__(self, user_dict: str | Path | None = None, words: Iterable[str] = ()) -> None:
        self._jieba = rjieba.Jieba()
        self._t2s = opencc.OpenCC("t2s")
        # rjieba's add_word mutates the dictionary in Rust while another
        # thread may be segmenting: one lock around every use of it.
        self._lock = threading.RLock()
        self._user_words: set[str] = set()
        if user_dict is not None:
            self.load_user_dict(user_dict)
        self.add_words(words)

    # -- user dictionary --------------------------------------------------

    @property
    def user_words(self) -> frozenset[str]:
        """The words added through the user dictionary or :meth:`add_words`."""
        return frozenset(self._user_words)

    def add_words(self, words: Iterable[str]) -> int:
        """Make each word segment as one token; returns how many were new."""
        added = 0
        with self._lock:
            for raw in words:
                word, freq = _parse_dict_line(raw)
                key = self.normalize(word) if word else ""
                if not key or key in self._user_words:
                    continue
                # Add the normalized form (what segmentation sees) and keep the
                # original too, in case the text reaches jieba unconverted.
                for form in {key, word}:
                    self._jieba.add_word(form, freq, None)
                self._user_words.add(key)
                added += 1
        return added

    def load_user_dict(self, path: str | Path) -> int:
        """Load a word file (see the class docstring); returns how many words were new."""
        text = Path(path).read_text(encoding="utf-8-sig")
        return self.add_words(text.splitlines())

    # -- normalization ----------------------------------------------------

    def normalize(self, text: str) -> str:
        """NFKC, lower case, traditional → simplified."""
        return self.normalize_with_offsets(text)[0]

    def normalize_with_offsets(self, text: str) -> tuple[str, list[int] | None]:
        """Normalize, and say where each normalized character came from.

        Returns ``(normalized, origin)``: ``origin[i]`` is the index in ``text``
        of normalized character ``i`` (plus a final entry for the end), or
        ``None`` when the two line up one to one, which is nearly always.
        Highlighting needs this to put ``<mark>`` around the original words.
        """
        folded = unicodedata.normalize("NFKC", text).lower()
        origin: list[int] | None = None
        if len(folded) != len(text):
            # Rare (ligatures, ㎏, some case mappings): fold char by char to keep the map.
            pieces: list[str] = []
            origin = []
            for i, ch in enumerate(text):
                piece = unicodedata.normalize("NFKC", ch).lower()
                pieces.append(piece)
                origin.extend([i] * len(piece))
            origin.append(len(text))
            folded = "".join(pieces)
        if _CJK_CHAR.search(folded) is None:
            return folded, origin
        simplified = self._t2s.convert(folded)
        if len(simplified) != len(folded):
            # OpenCC phrase tables keep lengths in practice; if one ever does
            # not, convert char by char so offsets stay true.
            simplified = "".join(self._t2s.convert(ch) or ch for ch in folded)
            if len(simplified) != len(folded):
                simplified = folded
        return simplified, origin

    # -- segmentation -----------------------------------------------------

    def _cut(self, text: str, mode: str = "default") -> list[tuple[str, int, int]]:
        with self._lock:
            return self._jieba.tokenize(text, mode)

    def index_tokens(self, normalized: str) -> list[tuple[str, int]]:
        """``(token, char offset)`` pairs to index for already-normalized text.

        Every CJK character and every CJK bigram is a token at its own offset,
        so any substring of a CJK run is found as a phrase of bigrams at
        consecutive offsets (an exact substring match, never across
        punctuation). jieba's one- and two-character words are among those
        already; longer words (search mode) and English words and numbers
        (with the runs of compounds) are added at their start offset.
        """
        out: list[tuple[str, int]] = []
        for match in _CJK_RUN.finditer(normalized):
            run, base = match.group(), match.start()
            out.extend((ch, base + i) for i, ch in enumerate(run))
            out.extend((run[i : i + 2], base + i) for i in range(len(run) - 1))
        for token, start, _end in self._cut(normalized, "search"):
            if is_cjk(token):
                if len(token) > 2:
                    out.append((token, start))
            elif _keep(token):
                out.append((token, start))
                parts = _compound_parts(token)
                if len(parts) > 1:
                    out.extend((p, start) for p in parts if p != token)
        return out

    def tokens(self, text: str) -> list[str]:
        """Normalize then analyze: the distinct tokens a text is indexed under."""
        return list(dict.fromkeys(t for t, _pos in self.index_tokens(self.normalize(text))))

    def query_units(self, text: str) -> list[QueryUnit]:
        """Split a query into units the backends turn into (AND-ed) clauses.

        Never raises: empty, punctuation-only and syntax-laden input just gives
        fewer units (possibly none). The text is cut at ``MAX_QUERY_CHARS``.
        """
        normalized = self.normalize(text[:MAX_QUERY_CHARS])
        units: list[QueryUnit] = []
        seen: set[str] = set()
        for unit in self._units(normalized):
            if unit.text in seen:
                continue
            seen.add(unit.text)
            units.append(unit)
            if len(units) == MAX_QUERY_UNITS:
                break
        return units

    def _units(self, normalized: str) -> Iterator[QueryUnit]:
        pos = 0
        for match in _CJK_RUN.finditer(normalized):
            yield from self._latin_units(normalized[pos : match.start()])
            run = match.group()
            words = tuple(t for t, _s, _e in self._cut(run) if _keep(t))
            yield QueryUnit(text=run, cjk=True, words=words or (run,))
            pos = match.end()
        yield from self._latin_units(normalized[pos:])

    def _latin_units(self, segment: str) -> Iterator[QueryUnit]:
        if not segment.strip():
            return
        for token, _start, _end in self._cut(segment):
            if not _keep(token):
                continue
            parts = _compound_parts(token)
            yield QueryUnit(
                text=token,
                cjk=False,
                words=(token,),
                parts=tuple(parts) if len(parts) > 1 else (),
            )


def _compound_parts(token: str) -> list[str]:
    """Letter and digit runs of a non-CJK token (``sk-ii`` → sk, ii; ``iphone15`` → iphone, 15)."""
    parts: list[str] = []
    for word in _WORD_SPLIT.findall(token):
        parts.extend(_ALNUM_RUNS.findall(word))
    return parts


def _parse_dict_line(line: str) -> tuple[str, int | None]:
    """``word`` or ``word freq [tag]`` (jieba's format); ``#`` lines and blanks give ``""``."""
    line = line.strip()
    if not line or line.startswith("#"):
        return "", None
    fields = line.split()
    if len(fields) >= 2 and fields[1].isdigit():
        return fields[0], int(fields[1])
    return line, None
