"""The plain values that cross the library's boundary.

The web app hands in documents (a post, a circle, a topic) built from its rows
and gets back hits carrying ids and highlighted snippets; it loads whatever else
it shows from its own database. Nothing here knows about a backend.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import NamedTuple

__all__ = [
    "CircleDoc",
    "DocRef",
    "Document",
    "Filters",
    "Hit",
    "IndexStatus",
    "Kind",
    "PostDoc",
    "SearchPage",
    "Sort",
    "TopicDoc",
]


class Kind(StrEnum):
    """What a document is; also the ``kind`` filter's values."""

    POST = "post"
    CIRCLE = "circle"
    TOPIC = "topic"


class Sort(StrEnum):
    """Result order: relevance (gently boosted by recency and likes) or newest first."""

    RELEVANCE = "relevance"
    TIME = "time"


class DocRef(NamedTuple):
    """Names one indexed document: ids are only unique within a kind."""

    kind: Kind
    id: int

    @property
    def key(self) -> str:
        """The unique key the index stores, e.g. ``post:42``."""
        return f"{self.kind.value}:{self.id}"

    @classmethod
    def from_key(cls, key: str) -> DocRef:
        kind, _, ident = key.partition(":")
        return cls(Kind(kind), int(ident))


@dataclass(frozen=True, slots=True)
class PostDoc:
    """A post as the index sees it. ``created`` naive means UTC."""

    id: int
    title: str
    body: str
    circle_id: int
    circle_name: str = ""
    author_id: int | None = None
    author_name: str = ""
    topics: tuple[str, ...] = ()
    created: datetime | None = None
    like_count: int = 0

    @property
    def ref(self) -> DocRef:
        return DocRef(Kind.POST, self.id)


@dataclass(frozen=True, slots=True)
class CircleDoc:
    """A circle: found by its name and description; filtered by its own id."""

    id: int
    name: str
    description: str = ""
    created: datetime | None = None

    @property
    def ref(self) -> DocRef:
        return DocRef(Kind.CIRCLE, self.id)


@dataclass(frozen=True, slots=True)
class TopicDoc:
    """A topic (``#话题#``): found by its name and description."""

    id: int
    name: str
    description: str = ""
    created: datetime | None = None

    @property
    def ref(self) -> DocRef:
        return DocRef(Kind.TOPIC, self.id)


Document = PostDoc | CircleDoc | TopicDoc


@dataclass(frozen=True, slots=True)
class Filters:
    """Narrow a query: to one circle, and/or to some kinds (``None``: all)."""

    circle_id: int | None = None
    kinds: frozenset[Kind] | None = None

    def __post_init__(self) -> None:
        if self.kinds is not None:
            # Accept any iterable of kinds or their names, store one canonical form.
            object.__setattr__(self, "kinds", frozenset(Kind(k) for k in self.kinds))


@dataclass(frozen=True, slots=True)
class Hit:
    """One result. ``title`` and ``snippet`` are HTML: escaped text plus ``<mark>`` only."""

    kind: Kind
    id: int
    score: float
    title: str
    snippet: str
    circle_id: int | None = None

    @property
    def ref(self) -> DocRef:
        return DocRef(self.kind, self.id)


class SearchPage(NamedTuple):
    """A page of hits and the total number of matching documents (unpacks as a pair)."""

    hits: list[Hit]
    total: int


@dataclass(frozen=True, slots=True)
class IndexStatus:
    """What ``flask search status`` and ``/healthz`` report."""

    backend: str
    location: str
    ok: bool
    doc_count: int = 0
    generation: str | None = None
    segments: int = 0
    last_commit: datetime | None = None
    rebuilding: bool = False
    user_words: int = 0
    error: str | None = None
    details: dict[str, str] = field(default_factory=dict)


def to_timestamp(moment: datetime | None) -> int:
    """Seconds since the epoch; naive datetimes are taken as UTC, ``None`` as 0."""
    if moment is None:
        return 0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())
