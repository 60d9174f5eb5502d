"""One long-lived searcher per process, refreshed cheaply.

Opening a Whoosh searcher on a large index is slow (tens to hundreds of ms),
so a process keeps one and refreshes it when the index changed. Whoosh's own
``Searcher.refresh()`` (whoosh-reloaded 2.7.5) reuses segment readers by
segment id only, so after a commit it keeps stale deletions and, after a merge,
segments that no longer exist: updated documents show up twice. We reopen
ourselves, reusing a segment reader only when its segment is unchanged.
"""

from __future__ import annotations

import time
from collections.abc import Hashable
from typing import Any

from whoosh.idsets import BitSet
from whoosh.index import Index
from whoosh.query import Query
from whoosh.reading import EmptyReader, IndexReader, MultiReader, SegmentReader
from whoosh.searching import Searcher

from search.scoring import CachedLengthsBM25F

__all__ = ["View", "open_view"]

_OPEN_RETRIES = 10


class View:
    """A searcher over one generation at one point in time, plus cached lookups."""

    def __init__(self, name: str, ix: Index, reader: IndexReader, generation: int) -> None:
        self.name = name
        self.ix = ix
        self.generation = generation
        self.reader = reader
        self.searcher = Searcher(
            reader, weighting=CachedLengthsBM25F(), fromindex=ix, closereader=False
        )
        self.checked_at = time.monotonic()
        self._columns: dict[str, Any] = {}
        self._filters: dict[Hashable, BitSet] = {}

    def column(self, name: str) -> Any:
        """A column reader (indexable by docnum); values default to 0."""
        if name not in self._columns:
            reader = self.reader
            self._columns[name] = (
                reader.column_reader(name) if reader.has_column(name) else _Zeros()
            )
        return self._columns[name]

    def filter_set(self, key: Hashable, q: Query | None) -> BitSet | None:
        """The documents matching a filter query, computed once per view.

        Whoosh would rebuild this set on every search; a circle filter on a
        large index makes that the biggest cost of a query.
        """
        if q is None:
            return None
        if key not in self._filters:
            docs = self.searcher.docs_for_query(q)
            self._filters[key] = BitSet(docs, size=self.reader.doc_count_all())
        return self._filters[key]

    def is_stale(self) -> bool:
        return self.ix.latest_generation() != self.generation

    def leaves(self) -> list[IndexReader]:
        return [r for r, _offset in self.reader.leaf_readers()]

    def close(self, keep: list[IndexReader] | None = None) -> None:
        """Close the segment readers not carried over into a newer view."""
        kept = {id(r) for r in keep or ()}
        for leaf in self.leaves():
            if id(leaf) not in kept:
                leaf.close()


class _Zeros:
    def __getitem__(self, docnum: int) -> int:
        return 0


def open_view(name: str, ix: Index, previous: View | None = None) -> View:
    """Open a view of the latest commit of ``ix``, reusing ``previous`` readers.

    ``previous`` must be a view of the same generation directory (same ``ix``);
    the caller closes it afterwards with ``previous.close(keep=new.leaves())``.
    """
    for attempt in range(_OPEN_RETRIES):
        try:
            return _open(name, ix, previous)
        except OSError:
            # A writer's cleanup removed a merged-away segment between our
            # reading the TOC and opening it: read the TOC again.
            if attempt == _OPEN_RETRIES - 1:
                raise
            time.sleep(0.02)
    raise AssertionError("unreachable")


def _open(name: str, ix: Index, previous: View | None) -> View:
    toc = ix._read_toc()
    reusable: dict[str, IndexReader] = {}
    if previous is not None:
        for leaf in previous.leaves():
            segment = leaf.segment()
            if segment is not None:
                reusable[segment.segment_id()] = leaf
    readers: list[IndexReader] = []
    opened: list[IndexReader] = []
    try:
        for segment in toc.segments:
            old = reusable.get(segment.segment_id())
            # Deletions only ever grow within a segment, so an equal count
            # means the old reader's view of it is still exact.
            if old is not None and old.segment().deleted_count() == segment.deleted_count():
                readers.append(old)
                continue
            reader = SegmentReader(ix.storage, toc.schema, segment, generation=toc.generation)
            opened.append(reader)
            readers.append(reader)
    except BaseException:
        for reader in opened:
            reader.close()
        raise
    if not readers:
        top: IndexReader = EmptyReader(toc.schema)
    elif len(readers) == 1:
        top = readers[0]
    else:
        top = MultiReader(readers, generation=toc.generation)
    return View(name, ix, top, toc.generation)
