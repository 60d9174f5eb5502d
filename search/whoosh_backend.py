"""The default backend: a Whoosh index in a directory (or in memory for tests).

Several worker processes may share one index directory. Only one writes at a
time (Whoosh's file lock); a writer that can't get the lock within
``lock_timeout`` raises :class:`~search.backend.IndexBusy` and writes nothing,
so the web app keeps its outbox rows and retries. Each process keeps one
searcher and looks for a newer commit (or a newer generation after a rebuild)
at most every ``refresh_interval`` seconds, so new documents show up in every
process within about that long.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from whoosh.index import EmptyIndexError, Index, LockError
from whoosh.query import Query
from whoosh.util.filelock import try_for
from whoosh.writing import IndexWriter

from search.analyzer import Analyzer, QueryUnit
from search.backend import IndexBusy, ProgressCallback, SearchError
from search.documents import (
    DocRef,
    Document,
    Filters,
    IndexStatus,
    Kind,
    SearchPage,
    Sort,
)
from search.hits import Collected, collect, make_hits
from search.parallel import cancel as cancel_writer
from search.parallel import parallel_writer
from search.prepare import prepare
from search.store import WRITELOCK, DirectoryStore, MemoryStore, Store
from search.views import View, open_view
from search.whoosh_schema import build_filter, build_query, build_relaxed_query, make_schema
from search.whoosh_schema import to_fields as whoosh_fields

__all__ = ["WhooshBackend"]

log = logging.getLogger(__name__)

MAX_PER_PAGE = 100


class WhooshBackend:
    """A :class:`~search.backend.SearchBackend` over Whoosh.

    ``path`` is the index root (created if missing; see :mod:`search.store` for
    its layout), or ``None`` for an in-memory index. ``user_dict`` is a word
    file loaded now and re-read when it changes; :meth:`add_words` appends to it.
    Pass ``analyzer`` to share one between backends (it is the costly part).

    ``mmap`` is off by default: whoosh-reloaded copies every memory-mapped
    segment file into a ``BytesIO`` when it opens a reader (about 600 MB and
    0.5 s at 100,000 posts, per process), while plain file reads cost each
    query only a little. ``rebuild_procs`` > 1 spreads a rebuild over that
    many writer processes; on a 2-core machine that also serves requests, 1
    (the default) leaves a core to the site.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        analyzer: Analyzer | None = None,
        user_dict: str | Path | None = None,
        lock_timeout: float = 1.0,
        refresh_interval: float = 0.5,
        mmap: bool = False,
        rebuild_procs: int = 1,
        rebuild_limitmb: int = 256,
    ) -> None:
        self.analyzer = analyzer or Analyzer()
        self.user_dict = Path(user_dict) if user_dict is not None else None
        self._dict_mtime: float | None = None
        self._reload_user_dict()
        self.lock_timeout = lock_timeout
        self.refresh_interval = refresh_interval
        self.rebuild_procs = max(1, rebuild_procs)
        self.rebuild_limitmb = rebuild_limitmb
        schema = make_schema()
        self._store: Store = (
            MemoryStore(schema) if path is None else DirectoryStore(path, schema, mmap=mmap)
        )
        # Whoosh is pure Python: threads gain nothing by searching in parallel,
        # and one lock lets a refresh close old readers safely.
        self._lock = threading.RLock()
        self._view: View | None = None

    @classmethod
    def in_memory(cls, analyzer: Analyzer | None = None) -> WhooshBackend:
        """An index in RAM: for tests and one-off scripts."""
        return cls(None, analyzer=analyzer)

    # -- writing ----------------------------------------------------------

    def index(self, docs: Iterable[Document]) -> int:
        self._reload_user_dict()  # segment with the words other processes added
        prepared = {}
        for doc in docs:
            p = prepare(doc, self.analyzer)
            prepared[p.key] = p  # the last version of a document wins
        if not prepared:
            return 0
        with self._writer() as writer:
            for p in prepared.values():
                writer.update_document(**whoosh_fields(p))
        return len(prepared)

    def delete(self, refs: Iterable[DocRef]) -> int:
        keys = {DocRef(Kind(kind), int(ident)).key for kind, ident in refs}
        if not keys:
            return 0
        with self._writer() as writer:
            for key in keys:
                writer.delete_by_term("key", key)
        return len(keys)

    @contextlib.contextmanager
    def _writer(self) -> Iterator[IndexWriter]:
        writer = self._acquire_writer()
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        self._expire_view()

    def _acquire_writer(self) -> IndexWriter:
        deadline = time.monotonic() + self.lock_timeout
        while True:
            name, ix = self._open_live(deadline)
            # During a rebuild the lock is held for minutes: fail at once
            # rather than make a web request wait for nothing.
            marked = self._store.rebuild_marked()
            timeout = 0.0 if marked else max(0.0, deadline - time.monotonic())
            try:
                writer = ix.writer(timeout=timeout, delay=0.02)
            except LockError:
                raise IndexBusy() from None
            except OSError:
                # The generation was dropped under us: follow the pointer.
                if time.monotonic() > deadline:
                    raise
                continue
            if self._store.current_name() == name:
                if marked:
                    self._store.clear_rebuild_mark()  # we hold the lock: it is stale
                return writer
            writer.cancel()  # a rebuild switched generations while we waited

    def _open_live(self, deadline: float) -> tuple[str, Index]:
        while True:
            name = self._store.ensure_current()
            try:
                return name, self._store.open(name)
            except (OSError, EmptyIndexError):
                if time.monotonic() > deadline:
                    raise IndexBusy("the search index is being replaced; retry later") from None
                time.sleep(0.02)

    def rebuild(self, docs: Iterable[Document], progress: ProgressCallback | None = None) -> int:
        """Index ``docs`` into a new generation, then switch to it atomically.

        Searches keep using the old generation meanwhile; writes get
        :class:`IndexBusy` (their outbox rows apply to the new one afterwards).
        If the rebuild fails or is killed, the old generation stays live.
        """
        live, lock = self._lock_live()
        try:
            with self._store.rebuilding(live):
                self._store.drop_orphans()
                name, ix = self._store.new_generation()
                try:
                    count = self._fill(ix, docs, progress)
                except BaseException:
                    self._store.drop(name)
                    raise
                self._store.publish(name)
        finally:
            lock.release()
        self._store.drop(live)
        self._expire_view()
        if progress is not None:
            progress(count)
        return count

    def _lock_live(self) -> tuple[str, Any]:
        deadline = time.monotonic() + self.lock_timeout
        while True:
            name, ix = self._open_live(deadline)
            lock = ix.lock(WRITELOCK)
            try:
                acquired = try_for(
                    lock.acquire, timeout=max(0.0, deadline - time.monotonic()), delay=0.05
                )
            except OSError:
                continue
            if not acquired:
                raise IndexBusy("another rebuild or write holds the search index")
            if self._store.current_name() == name:
                return name, lock
            lock.release()

    def _fill(self, ix: Index, docs: Iterable[Document], progress: ProgressCallback | None) -> int:
        if self.rebuild_procs > 1 and isinstance(self._store, DirectoryStore):
            writer = parallel_writer(ix, self.rebuild_procs, self.rebuild_limitmb)
        else:
            writer = ix.writer(limitmb=self.rebuild_limitmb)
        seen: set[str] = set()
        try:
            for doc in docs:
                p = prepare(doc, self.analyzer)
                if p.key in seen:
                    continue
                seen.add(p.key)
                writer.add_document(**whoosh_fields(p))
                if progress is not None and len(seen) % 1000 == 0:
                    progress(len(seen))
        except BaseException:
            cancel_writer(writer)
            raise
        writer.commit()
        return len(seen)

    # -- reading ----------------------------------------------------------

    def query(
        self,
        text: str,
        filters: Filters | None = None,
        sort: Sort | str = Sort.RELEVANCE,
        page: int = 1,
        per_page: int = 20,
    ) -> SearchPage:
        sort = Sort(sort)
        page = max(1, int(page))
        per_page = min(max(1, int(per_page)), MAX_PER_PAGE)
        units = self.analyzer.query_units(text if isinstance(text, str) else "")
        if not units:
            return SearchPage([], 0)
        fq = build_filter(filters)
        with self._lock:
            found = self._search(units, fq, filters, sort, page, per_page)
        if found is None:
            return SearchPage([], 0)
        return SearchPage(make_hits(found, units, self.analyzer), found.total)

    def _search(
        self,
        units: list[QueryUnit],
        fq: Query | None,
        filters: Filters | None,
        sort: Sort,
        page: int,
        per_page: int,
    ) -> Collected | None:
        for attempt in (1, 2):
            view = self._current_view()
            if view is None:
                return None
            try:
                fset = view.filter_set(filters, fq)
                if fset is not None and not fset:
                    # Whoosh reads an empty filter as "no filter".
                    return Collected(0, [])
                found = collect(view, build_query(units), fset, sort, page, per_page)
                if found.total == 0:
                    relaxed = build_relaxed_query(units)
                    if relaxed is not None:
                        found = collect(view, relaxed, fset, sort, page, per_page)
                return found
            except Exception as exc:
                # Most likely our generation was replaced and removed by a
                # rebuild in another process: reopen once from the pointer.
                log.warning("search failed on %s (%r); reopening", view.name, exc)
                self._drop_view()
                if attempt == 2:
                    raise SearchError(f"search index unreadable: {exc!r}") from exc
        return None

    def _current_view(self) -> View | None:
        view = self._view
        now = time.monotonic()
        if view is not None and now - view.checked_at < self.refresh_interval:
            return view
        self._reload_user_dict()
        name = self._store.current_name()
        if name is None:
            self._drop_view()
            return None
        if view is not None and view.name == name:
            view.checked_at = now
            if not view.is_stale():
                return view
            fresh = open_view(name, view.ix, previous=view)
            view.close(keep=fresh.leaves())
        else:
            fresh = open_view(name, self._store.open(name))
            self._drop_view()
        self._view = fresh
        return fresh

    def _expire_view(self) -> None:
        # Our own writes should be visible to our next query right away.
        view = self._view
        if view is not None:
            view.checked_at = float("-inf")

    def _drop_view(self) -> None:
        with self._lock:
            if self._view is not None:
                with contextlib.suppress(Exception):
                    self._view.close()
                self._view = None

    # -- user dictionary --------------------------------------------------

    def add_words(self, words: Iterable[str]) -> int:
        """Add user-dictionary words here, and to the word file if there is one.

        Other processes pick the file's new words up on their next refresh.
        New words apply to documents indexed from now on; run a rebuild to
        re-segment the old ones (they are still found through the n-grams).
        """
        known = self.analyzer.user_words
        fresh = {self.analyzer.normalize(w.strip()): w.strip() for w in words if w.strip()}
        new = [w for key, w in fresh.items() if key not in known and not w.startswith("#")]
        added = self.analyzer.add_words(new)
        if added and self.user_dict is not None:
            self.user_dict.parent.mkdir(parents=True, exist_ok=True)
            with open(self.user_dict, "a", encoding="utf-8") as fh:
                fh.writelines(w + "\n" for w in new)
        return added

    def _reload_user_dict(self) -> None:
        path = self.user_dict
        if path is None:
            return
        try:
            mtime = path.stat().st_mtime
        except FileNotFoundError:
            return
        if mtime != self._dict_mtime:
            self._dict_mtime = mtime
            self.analyzer.load_user_dict(path)

    # -- figures ----------------------------------------------------------

    def doc_count(self) -> int:
        with self._lock:
            view = self._current_view()
            return 0 if view is None else view.searcher.doc_count()

    def status(self) -> IndexStatus:
        store = self._store
        base = {
            "backend": "whoosh",
            "location": store.location,
            "user_words": len(self.analyzer.user_words),
            "rebuilding": self._rebuilding(),
        }
        try:
            with self._lock:
                view = self._current_view()
                if view is None:
                    return IndexStatus(ok=True, **base)
                modified = view.ix.last_modified()
                return IndexStatus(
                    ok=True,
                    doc_count=view.searcher.doc_count(),
                    generation=view.name,
                    segments=len(view.leaves()),
                    last_commit=(
                        datetime.fromtimestamp(modified, UTC) if modified and modified > 0 else None
                    ),
                    details={"commit": str(view.generation)},
                    **base,
                )
        except Exception as exc:  # status must report a broken index, not raise
            return IndexStatus(ok=False, error=f"{type(exc).__name__}: {exc}", **base)

    def _rebuilding(self) -> bool:
        """A rebuild marker whose rebuild still holds the live lock (not a killed one's)."""
        store = self._store
        if not store.rebuild_marked():
            return False
        name = store.current_name()
        if name is None:
            return True
        try:
            lock = store.open(name).lock(WRITELOCK)
            if not lock.acquire(blocking=False):
                return True
            lock.release()
        except Exception:  # a generation being switched: say what the marker says
            return True
        return False

    def close(self) -> None:
        self._drop_view()

    def __enter__(self) -> WhooshBackend:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
