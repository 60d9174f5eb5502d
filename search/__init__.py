"""Full-text search for 微社群: a Chinese analyzer over a Whoosh index.

The web app builds documents from its rows, calls :meth:`SearchBackend.index`
and :meth:`SearchBackend.delete` from its search outbox (keeping the rows when
:class:`IndexBusy` is raised), and :meth:`SearchBackend.query` for the search
page. :func:`open_backend` gives the default backend for a directory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from search.analyzer import Analyzer
from search.backend import IndexBusy, ProgressCallback, SearchBackend, SearchError
from search.documents import (
    CircleDoc,
    DocRef,
    Document,
    Filters,
    Hit,
    IndexStatus,
    Kind,
    PostDoc,
    SearchPage,
    Sort,
    TopicDoc,
)
from search.whoosh_backend import WhooshBackend

__all__ = [
    "Analyzer",
    "CircleDoc",
    "DocRef",
    "Document",
    "Filters",
    "Hit",
    "IndexBusy",
    "IndexStatus",
    "Kind",
    "PostDoc",
    "ProgressCallback",
    "SearchBackend",
    "SearchError",
    "SearchPage",
    "Sort",
    "TopicDoc",
    "WhooshBackend",
    "open_backend",
]


def open_backend(
    path: str | Path | None, *, user_dict: str | Path | None = None, **options: Any
) -> SearchBackend:
    """The default backend: a Whoosh index rooted at ``path`` (``None``: in memory).

    ``user_dict`` is the operators' word file; ``options`` go to
    :class:`WhooshBackend` (``lock_timeout``, ``refresh_interval``, ...).
    """
    return WhooshBackend(path, user_dict=user_dict, **options)
