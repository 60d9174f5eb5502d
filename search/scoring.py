"""BM25F with field lengths read once per segment instead of once per posting.

Whoosh's BM25F asks the reader for each matching document's field length, a
column read per posting; without mmap (see :mod:`search.views`) that is a
file seek and read each time, about a third of a common word's query time.
Here each segment's length column is read once into memory (one byte per
document and field) and looked up from there. If Whoosh's internals ever
differ from what we expect, we quietly fall back to its own lookup.
"""

from __future__ import annotations

from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

__all__ = ["CachedLengthsBM25F"]

_LENGTHS = [byte_to_length(b) for b in range(256)]


class CachedLengthsBM25F(BM25F):
    """BM25F (Whoosh's defaults) with an in-memory field-length cache."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._cache: dict[tuple[int, str], Any] = {}

    def scorer(self, searcher: Any, fieldname: str, text: bytes, qf: int = 1) -> Any:
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if hasattr(scorer, "dfl"):
            lengths = self._lengths(searcher.reader(), fieldname)
            if lengths is not None:
                scorer.dfl = lengths
        return scorer

    def _lengths(self, reader: Any, fieldname: str) -> Any:
        key = (id(reader), fieldname)
        if key not in self._cache:
            self._cache[key] = _load(reader, fieldname)
        return self._cache[key]


def _load(reader: Any, fieldname: str) -> Any:
    try:
        column = reader._perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
        if column is None:
            return None
        raw = column._dbfile.get(column._basepos, column._count)
    except (AttributeError, OSError, TypeError):
        return None
    lengths = [_LENGTHS[b] or 1 for b in raw]
    size = reader.doc_count_all()
    # Documents after the last non-empty value are not stored: default length.
    lengths.extend([1] * (size - len(lengths)))
    return lengths.__getitem__
