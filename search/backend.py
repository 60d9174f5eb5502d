"""The seam between the web app and a search engine.

Callers program against :class:`SearchBackend`; the Whoosh backend is the
default, and a PostgreSQL full-text backend can be added later over the same
analyzer tokens (see :func:`search.prepare.prepare`) without touching callers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol, runtime_checkable

from search.documents import DocRef, Document, Filters, IndexStatus, SearchPage, Sort

__all__ = ["IndexBusy", "ProgressCallback", "SearchBackend", "SearchError"]

ProgressCallback = Callable[[int], None]
"""Called during a rebuild with the number of documents indexed so far."""


class SearchError(Exception):
    """Base class for the library's errors."""


class IndexBusy(SearchError):
    """Another process holds the index's write lock (a write or a rebuild).

    Nothing was written: keep the outbox rows and try again later.
    """

    def __init__(self, message: str = "the search index is busy; retry later") -> None:
        super().__init__(message)


@runtime_checkable
class SearchBackend(Protocol):
    """What the web app needs from a search engine."""

    def index(self, docs: Iterable[Document]) -> int:
        """Add or replace documents (matched by kind and id); returns how many.

        Raises :class:`IndexBusy` when the write lock can't be had in time.
        """
        ...

    def delete(self, refs: Iterable[DocRef]) -> int:
        """Remove documents by reference (absent ones are ignored); returns how many asked.

        Raises :class:`IndexBusy` when the write lock can't be had in time.
        """
        ...

    def query(
        self,
        text: str,
        filters: Filters | None = None,
        sort: Sort | str = Sort.RELEVANCE,
        page: int = 1,
        per_page: int = 20,
    ) -> SearchPage:
        """One page of hits and the total. Never raises for any user text."""
        ...

    def rebuild(self, docs: Iterable[Document], progress: ProgressCallback | None = None) -> int:
        """Index ``docs`` from scratch and switch to them only once complete."""
        ...

    def add_words(self, words: Iterable[str]) -> int:
        """Add user-dictionary words (brand and product names); returns how many were new."""
        ...

    def doc_count(self) -> int:
        """How many documents are searchable now."""
        ...

    def status(self) -> IndexStatus:
        """Health and figures for operators; never raises."""
        ...

    def close(self) -> None:
        """Release files and readers."""
        ...
