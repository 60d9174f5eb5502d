"""Turn a document into analyzed fields, the same way for every backend.

A backend stores these ``(token, offset)`` lists (Whoosh through its own
field type, a PostgreSQL backend as a ``tsvector`` of ``'token':position``
entries), so both see exactly the analyzer's tokens and the same query plan
(:meth:`search.analyzer.Analyzer.query_units`) applies to both.
"""

from __future__ import annotations

from dataclasses import dataclass

from search.analyzer import Analyzer
from search.documents import CircleDoc, Document, Kind, PostDoc, TopicDoc, to_timestamp

__all__ = ["FIELD_BOOSTS", "Prepared", "prepare"]

# Searchable fields and how much a match in each counts. Circle and author
# names count little: a circle named 旅行 should not push every one of its
# posts above a post that talks about travel.
FIELD_BOOSTS: dict[str, float] = {
    "title": 2.0,
    "text": 1.0,
    "topics": 1.5,
    "names": 0.3,
}

Tokens = list[tuple[str, int]]


@dataclass(frozen=True, slots=True)
class Prepared:
    """A document ready to index: raw text for snippets, ``(token, offset)`` per field."""

    key: str
    kind: Kind
    id: int
    circle_id: int | None
    author_id: int | None
    created: int
    likes: int
    title: str
    body: str
    fields: dict[str, Tokens]


def prepare(doc: Document, analyzer: Analyzer) -> Prepared:
    """Analyze one document into :class:`Prepared` fields."""
    names: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    author_id: int | None = None
    likes = 0
    if isinstance(doc, PostDoc):
        title, body, circle_id = doc.title, doc.body, doc.circle_id
        names, author_id = (doc.circle_name, doc.author_name), doc.author_id
        topics, likes = doc.topics, doc.like_count
    elif isinstance(doc, CircleDoc):
        title, body, circle_id = doc.name, doc.description, doc.id
    elif isinstance(doc, TopicDoc):
        title, body, circle_id = doc.name, doc.description, None
    else:  # pragma: no cover - the type checker already rules this out
        raise TypeError(f"not a search document: {doc!r}")

    def analyze(text: str) -> Tokens:
        return analyzer.index_tokens(analyzer.normalize(text)) if text else []

    return Prepared(
        key=doc.ref.key,
        kind=doc.ref.kind,
        id=doc.id,
        circle_id=circle_id,
        author_id=author_id,
        created=to_timestamp(doc.created),
        likes=max(0, int(likes)),
        title=title,
        body=body,
        fields={
            "title": analyze(title),
            "text": analyze(body),
            # Newlines keep separate names from forming one phrase.
            "topics": analyze("\n".join(topics)),
            "names": analyze("\n".join(n for n in names if n)),
        },
    )
