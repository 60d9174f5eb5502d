"""Character tables behind normalisation, built once at import.

Every character that must change before matching gets one entry in ``FOLD``:
NFKC (full-width, styled, circled and compatibility forms), case folding,
Latin look-alikes from other scripts, accents stripped from Latin letters,
traditional to simplified Chinese (per character, from OpenCC), and invisible
format characters deleted. Entries are composed, so one lookup per character
gives the final form. Building the tables takes about 0.1 s.
"""

from __future__ import annotations

import re
import unicodedata

import opencc

# OpenCC's t2s converter, asked once for its character table (see below).
T2S = opencc.OpenCC("t2s")

# Letters from other scripts that render like Latin ones. Listed in both cases
# and applied before case folding, because e.g. Greek capital Η looks like H
# while its small form η looks like n.
# fmt: off
_LOOKALIKES = {
    # Cyrillic
    "А": "a", "а": "a", "В": "b", "в": "b", "С": "c", "с": "c", "Е": "e", "е": "e",
    "Ё": "e", "ё": "e", "Н": "h", "н": "h", "һ": "h", "І": "i", "і": "i", "Ї": "i",
    "ї": "i", "Ј": "j", "ј": "j", "К": "k", "к": "k", "М": "m", "м": "m", "О": "o",
    "о": "o", "Р": "p", "р": "p", "Ѕ": "s", "ѕ": "s", "Т": "t", "т": "t", "У": "y",
    "у": "y", "Х": "x", "х": "x", "Ԁ": "d", "ԁ": "d", "Ԛ": "q", "ԛ": "q", "Ԝ": "w",
    "ԝ": "w", "Ӏ": "l", "ӏ": "l", "Ү": "y", "ү": "y", "Ѵ": "v", "ѵ": "v",
    # Greek
    "Α": "a", "α": "a", "Β": "b", "β": "b", "Ε": "e", "ε": "e", "Ζ": "z", "Η": "h",
    "η": "n", "Ι": "i", "ι": "i", "Κ": "k", "κ": "k", "Μ": "m", "Ν": "n", "ν": "v",
    "Ο": "o", "ο": "o", "Ρ": "p", "ρ": "p", "Τ": "t", "τ": "t", "Υ": "y", "υ": "u",
    "Χ": "x", "χ": "x", "ς": "s", "ω": "w",
    # Latin small capitals and other IPA letters used as styling
    "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ꜰ": "f", "ɢ": "g", "ʜ": "h",
    "ɪ": "i", "ᴊ": "j", "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p",
    "ʀ": "r", "ꜱ": "s", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ʏ": "y", "ᴢ": "z",
    "ɑ": "a", "ɡ": "g", "ı": "i", "ȷ": "j", "ɩ": "i", "ʋ": "u",
    # plus signs people use for "加V"
    "➕": "+", "✚": "+", "﹢": "+",
}
# fmt: on

# Characters that draw nothing; people slip them between letters.
_INVISIBLE = {0x115F, 0x1160, 0x3164, 0xFFA0}


def _enclosed() -> dict[str, str]:
    """Enclosed digits and letters that NFKC leaves alone (❶, ⓫, 🅐, 🇶 ...)."""
    table: dict[str, str] = {}

    def run(first: int, values: list[str]) -> None:
        for offset, value in enumerate(values):
            table[chr(first + offset)] = value

    one_to_ten = [str(n) for n in range(1, 11)]
    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)]
    run(0x2776, one_to_ten)  # ❶..❿
    run(0x2780, one_to_ten)  # ➀..➉
    run(0x278A, one_to_ten)  # ➊..➓
    run(0x24EB, [str(n) for n in range(11, 21)])  # ⓫..⓴
    run(0x24F5, one_to_ten)  # ⓵..⓾
    table["⓿"] = "0"
    table["\U0001f10b"] = "0"
    table["\U0001f10c"] = "0"
    run(0x1F150, letters)  # 🅐..🅩
    run(0x1F170, letters)  # 🅰..🆉
    run(0x1F1E6, letters)  # regional indicators 🇦..🇿
    return table


def _t2s_chars() -> dict[str, str]:
    """Per-character traditional to simplified map, asked of OpenCC in one call.

    Posts are converted with this table rather than OpenCC's phrase pass: the
    lexicon goes through the same table, so a word converts the same way
    wherever it stands (a phrase pass can convert 乾 in one context and keep
    it in another), and ``str.translate`` with this table is about twice as
    fast as the phrase pass on traditional text.
    """
    ranges = [(0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00), (0x20000, 0x2A6E0)]
    chars = [chr(cp) for first, last in ranges for cp in range(first, last)]
    # A newline between characters keeps OpenCC from reading them as phrases.
    converted = T2S.convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # pragma: no cover - would mean OpenCC changed shape
        raise RuntimeError("OpenCC t2s did not convert character by character")
    return {c: s for c, s in zip(chars, converted, strict=True) if s != c and len(s) == 1}


_ENCLOSED = _enclosed()
T2S_CHARS = _t2s_chars()


def _strip_marks(ch: str) -> str:
    # é -> e, but only for Latin letters: other scripts keep their decomposition.
    decomposed = unicodedata.normalize("NFKD", ch)
    if len(decomposed) > 1 and decomposed[0].isascii() and decomposed[0].isalpha():
        return decomposed[0]
    return ch


def _fold_once(text: str) -> str:
    out = []
    for ch in unicodedata.normalize("NFKC", text):
        ch = _ENCLOSED.get(ch, ch)
        ch = _LOOKALIKES.get(ch, ch)
        for low in ch.casefold():
            low = _LOOKALIKES.get(low, low)
            if unicodedata.category(low) in ("Mn", "Me", "Cf") or ord(low) in _INVISIBLE:
                continue
            out.append(T2S_CHARS.get(_strip_marks(low), _strip_marks(low)))
    return "".join(out)


def _fold_char(ch: str) -> str:
    folded = ch
    for _ in range(4):  # compose until stable; two rounds suffice in practice
        again = _fold_once(folded)
        if again == folded:
            break
        folded = again
    if len(folded) > 1:
        # ⑸ -> "(5)" and ⒈ -> "1.": keep the one character that matters.
        core = re.sub(r"[\W_]", "", folded)
        if len(core) == 1:
            return core
        if not core and not re.fullmatch(r"[\W_]", ch):
            return folded
        if not core:
            return ch  # "…" -> "...": a separator either way
    return folded


# Punctuation whose folded form the contact and link patterns look for.
_SIGNAL_PUNCT = frozenset(".@+:/-_")


# Blocks where nothing folds (ideographs, Hangul syllables, surrogates,
# private use): skipping them halves the time to build the table.
_STABLE_BLOCKS = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xAC00, 0xD7A4), (0xD800, 0xF900))


def _candidates() -> list[int]:
    points, start = [], 0x80
    for lo, hi in _STABLE_BLOCKS:
        points.extend(range(start, lo))
        start = hi
    points.extend(range(start, 0x20000))
    return [*points, *range(0x2F800, 0x2FA20), *range(0xE0000, 0xE01F0)]


_ONE_SEPARATOR = re.compile(r"[\W_]")
_ALL_SEPARATORS = re.compile(r"[\W_]+")


def _build_fold() -> dict[str, str]:
    """The fold of every character that changes, except traditional characters.

    Those are left out because OpenCC's phrase-aware pass converts them first.
    """
    table: dict[str, str] = {}
    for cp in _candidates():
        ch = chr(cp)
        if ch in T2S_CHARS:
            continue
        if (
            ch not in _ENCLOSED
            and ch not in _LOOKALIKES
            and cp not in _INVISIBLE
            and unicodedata.is_normalized("NFKC", ch)
            and ch.casefold() == ch
            and ch.lower() == ch
            and unicodedata.category(ch) not in ("Mn", "Me", "Cf")
            and _strip_marks(ch) == ch
        ):
            continue
        folded = _fold_char(ch)
        if folded == ch:
            continue
        # Full-width comma to comma and the like change nothing for matching.
        is_sep = _ONE_SEPARATOR.fullmatch(ch) is not None
        if is_sep and _ALL_SEPARATORS.fullmatch(folded) and folded not in _SIGNAL_PUNCT:
            continue
        table[ch] = folded
    return table


def char_class(chars: list[str] | set[str] | frozenset[str]) -> str:
    """A regex character class matching ``chars``, and possibly more beyond U+FFFF.

    The class lists BMP characters exactly but stands for any character beyond
    the BMP with one range: ``re`` tests BMP members against a bitmap, but
    walks a list for the others, which made scans of long posts ten times
    slower. Callers look the matched character up and skip it if absent.
    """
    points = sorted({ord(c) for c in chars if ord(c) <= 0xFFFF})
    parts: list[str] = []
    i = 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1] == points[j] + 1:
            j += 1
        first, last = re.escape(chr(points[i])), re.escape(chr(points[j]))
        parts.append(first if i == j else f"{first}-{last}")
        i = j + 1
    if any(ord(c) > 0xFFFF for c in chars):
        parts.append("\U00010000-\U0010ffff")
    return "[" + "".join(parts) + "]"


def separator_class() -> str:
    """A class equal to ``[\\W_]`` on the BMP, plus the emoji and symbol plane.

    Spelled out, the BMP part compiles to a bitmap, which ``re`` tests faster
    than the Unicode category lookups behind ``\\W``: it is the hottest scan.
    """
    seps = [chr(cp) for cp in range(0x10000) if not chr(cp).isalnum()]
    seps = [c for c in seps if not 0xD800 <= ord(c) < 0xE000] + ["_"]
    return char_class(seps)[:-1] + "\U0001f000-\U0001ffff]"


FOLD = _build_fold()
SEPARATOR = separator_class()
# A list indexed by code point is the fastest table ``str.translate`` takes
# (a dict costs twice as much per character). BMP only: characters beyond
# it raise IndexError, which ``translate`` reads as "unchanged"; the few
# traditional ones out there are in FOLD instead.
T2S_TABLE = list(range(0x10000))
for _char, _simple in T2S_CHARS.items():
    if ord(_char) <= 0xFFFF:
        T2S_TABLE[ord(_char)] = ord(_simple)
    else:
        FOLD[_char] = _simple
