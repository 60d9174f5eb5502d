"""The Whoosh side of documents and queries: schema, fields, query building.

Text is analyzed by :mod:`search.analyzer` before Whoosh sees it and handed
over as ``(token, offset)`` pairs to :class:`TokenField`; no user text ever
reaches Whoosh's query parser: queries are built here from the analyzer's
units, whatever quotes, colons or ``AND`` the person typed.

The schema is pickled into the index, so :class:`TokenField` must stay
importable under this name (renaming it means rebuilding the index).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Iterator, Sequence

from whoosh import columns, fields
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.query import And, Or, Phrase, Query, Term

from search.analyzer import QueryUnit, cjk_bigrams, is_cjk
from search.documents import Filters
from search.prepare import FIELD_BOOSTS, Prepared

__all__ = [
    "TokenField",
    "boosted_score",
    "build_filter",
    "build_query",
    "build_relaxed_query",
    "make_schema",
    "to_fields",
]


class TokenField(fields.TEXT):
    """A text field indexed from ``(token, offset)`` pairs, with positions.

    Skipping Whoosh's analyzer pipeline matters: indexing is Whoosh's slow
    part, and the offsets (not token counts) are what make bigram phrases
    exact substring matches.
    """

    def __init__(self, stored: bool = False) -> None:
        # The tokenizer is only there for Whoosh code paths we don't use.
        super().__init__(analyzer=SpaceSeparatedTokenizer(), phrase=True, stored=stored)

    def index(
        self, value: Iterable[tuple[str, int]], **kwargs: object
    ) -> Iterator[tuple[bytes, int, float, bytes]]:
        positions: dict[str, list[int]] = {}
        for token, pos in value:
            found = positions.get(token)
            if found is None:
                positions[token] = [pos]
            else:
                found.append(pos)
        encode = self.format.encode
        for token, found in positions.items():
            if len(found) > 1:
                # Offsets arrive grouped by source (chars, bigrams, words) and
                # a compound's parts can repeat one: order them, once each.
                found = sorted(set(found))
            n = len(found)
            yield token.encode("utf-8"), n, float(n), encode(found)


def make_schema() -> fields.Schema:
    """The index schema."""
    return fields.Schema(
        key=fields.ID(stored=True, unique=True),
        kind=fields.ID(stored=True),
        circle=fields.ID(stored=True),
        author=fields.ID(),
        title=TokenField(stored=True),
        text=TokenField(stored=True),
        topics=TokenField(),
        names=TokenField(),
        created=fields.COLUMN(columns.NumericColumn("q")),
        likes=fields.COLUMN(columns.NumericColumn("I")),
    )


def to_fields(doc: Prepared) -> dict[str, object]:
    """Keyword arguments for ``writer.add_document``."""
    values: dict[str, object] = {
        "key": doc.key,
        "kind": doc.kind.value,
        "created": doc.created,
        "likes": min(doc.likes, 2**32 - 1),
        # Snippets are cut from the original text, not from the tokens.
        "_stored_title": doc.title,
        "_stored_text": doc.body,
    }
    for name, tokens in doc.fields.items():
        values[name] = tokens
    if doc.circle_id is not None:
        values["circle"] = str(doc.circle_id)
    if doc.author_id is not None:
        values["author"] = str(doc.author_id)
    return values


def _any_field(word: str) -> Query:
    return Or([Term(name, word, boost=boost) for name, boost in FIELD_BOOSTS.items()])


def _phrase_any_field(words: list[str]) -> Query:
    return Or([Phrase(name, words, boost=boost) for name, boost in FIELD_BOOSTS.items()])


def _all_words(words: Sequence[str]) -> Query:
    return _any_field(words[0]) if len(words) == 1 else And([_any_field(w) for w in words])


def _unit_query(unit: QueryUnit) -> Query:
    if not unit.cjk:
        alternatives = [_any_field(unit.text)]
        if unit.parts:
            # ``sk-ii`` also finds "SK II", ``iphone15`` also "iPhone 15".
            alternatives.append(_all_words(unit.parts))
        return Or(alternatives)
    run = unit.text
    if len(run) <= 2:
        return _any_field(run)  # a character or a bigram is a token itself
    # The run as an exact substring: its bigrams at consecutive offsets...
    alternatives = [_phrase_any_field(cjk_bigrams(run))]
    # ...or, scoring extra, as the whole word, or as its words anywhere.
    words = [w for w in unit.words if len(w) > 1]
    if words == [run]:
        alternatives.append(_any_field(run))
    elif len(words) > 1:
        alternatives.append(_all_words(words))
    return Or(alternatives)


def build_query(units: Sequence[QueryUnit]) -> Query:
    """Every unit must match (AND), each in any field."""
    clauses = [_unit_query(u) for u in units]
    return clauses[0] if len(clauses) == 1 else And(clauses)


def build_relaxed_query(units: Sequence[QueryUnit]) -> Query | None:
    """Any word may match: the fallback when the strict query finds nothing.

    ``None`` when it would be no looser than the strict one.
    """
    words: list[str] = []
    for unit in units:
        if unit.cjk:
            words.extend(w for w in unit.words if len(w) > 1)
        else:
            words.append(unit.text)
            words.extend(unit.parts)
    unique = list(dict.fromkeys(words))
    if len(unique) < 2:
        return None
    return Or([_word_anywhere(w) for w in unique])


def _word_anywhere(word: str) -> Query:
    if len(word) > 2 and is_cjk(word):
        return Or([_phrase_any_field(cjk_bigrams(word)), _any_field(word)])
    return _any_field(word)


def build_filter(filters: Filters | None) -> Query | None:
    """A Whoosh filter query for circle and kinds, or ``None`` for no filter."""
    if filters is None:
        return None
    clauses: list[Query] = []
    if filters.circle_id is not None:
        clauses.append(Term("circle", str(filters.circle_id)))
    if filters.kinds is not None:
        kinds = sorted(k.value for k in filters.kinds)
        clauses.append(Or([Term("kind", k) for k in kinds]) if kinds else Term("kind", ""))
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else And(clauses)


# Recency: up to +25% for a post of today, halving every 30 days.
# Likes: +10% per e-fold of likes, at most +50%. Gentle on purpose: a post that
# matches much better still wins over a popular or fresh one.
_RECENCY_BOOST = 0.25
_RECENCY_HALF_LIFE = 30 * 86400
_LIKES_BOOST = 0.1
_LIKES_MAX = 0.5


def boosted_score(score: float, created: int, likes: int, now: float | None = None) -> float:
    """A relevance score nudged up for fresh and liked documents."""
    if now is None:
        now = time.time()
    factor = 1.0 + min(_LIKES_MAX, _LIKES_BOOST * math.log1p(max(likes, 0)))
    if created > 0:
        age = max(0.0, now - created)
        factor *= 1.0 + _RECENCY_BOOST * 0.5 ** (age / _RECENCY_HALF_LIFE)
    return score * factor
