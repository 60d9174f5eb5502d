"""Run a built query on a view and turn the matches into :class:`Hit` values.

Relevance: Whoosh's top-N by BM25F (with its block-skipping optimizations),
then a gentle re-rank of that window by recency and likes. The window is a
fixed multiple of ``RERANK_WINDOW``, so the pages inside it come from one
ordering and never repeat or skip a hit. Time: Whoosh sorts by the ``created``
column, newest first.

Totals are exact: the collector counts every match it scores (within the
filter). With block skipping on, ``len(results)`` would instead re-run the
query, ignoring the filter.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from whoosh.idsets import BitSet
from whoosh.query import Query

from search.analyzer import Analyzer, QueryUnit
from search.documents import DocRef, Hit, Sort
from search.highlight import highlight, needles_for
from search.views import View
from search.whoosh_schema import boosted_score

__all__ = ["Collected", "collect", "make_hits"]

RERANK_WINDOW = 100
SNIPPET_CHARS = 120
TITLE_CHARS = 80


@dataclass(frozen=True, slots=True)
class Collected:
    """A page of matches, read out of the index while the view was held."""

    total: int
    items: list[tuple[float, dict[str, Any]]]


def collect(
    view: View, q: Query, fset: BitSet | None, sort: Sort, page: int, per_page: int
) -> Collected:
    """Search ``view`` and read the stored fields of the requested page."""
    searcher = view.searcher
    start, stop = (page - 1) * per_page, page * per_page
    if sort is Sort.TIME:
        results = searcher.search(
            q, limit=stop, filter=fset, sortedby="created", reverse=True, terms=False
        )
        ranked = [(0.0, results.docnum(i)) for i in range(start, results.scored_length())]
        total = len(results)
    else:
        window = -(-stop // RERANK_WINDOW) * RERANK_WINDOW
        # optimize=False: Whoosh's block skipping rarely skips anything on our
        # multi-field queries, and without it the collector counts every
        # match, so the total comes free instead of from a second pass.
        results = searcher.search(q, limit=window, filter=fset, terms=False, optimize=False)
        created, likes = view.column("created"), view.column("likes")
        now = time.time()
        boosted = [(boosted_score(s, created[d], likes[d], now), d) for s, d in results.top_n]
        boosted.sort(key=lambda item: (-item[0], item[1]))
        ranked = boosted[start:stop]
        # Exact: the collector counted every match within the filter.
        total = len(results) if results.has_exact_length() else results.estimated_length()
    return Collected(total, [(score, searcher.stored_fields(d)) for score, d in ranked])


def make_hits(found: Collected, units: list[QueryUnit], analyzer: Analyzer) -> list[Hit]:
    """Highlighted hits for the collected page."""
    needles = needles_for(units)
    hits = []
    for score, stored in found.items:
        ref = DocRef.from_key(stored["key"])
        circle = stored.get("circle")
        hits.append(
            Hit(
                kind=ref.kind,
                id=ref.id,
                score=round(score, 4),
                title=highlight(stored.get("title", ""), needles, analyzer, TITLE_CHARS),
                snippet=highlight(stored.get("text", ""), needles, analyzer, SNIPPET_CHARS),
                circle_id=int(circle) if circle else None,
            )
        )
    return hits
