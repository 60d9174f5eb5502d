"""Searching the community: posts, and the circles and topics that match.

The index answers with ids and highlighted snippets; every page of hits is then
checked against the database in one query per kind, and whatever is not
publicly visible right now is dropped.  So a post deleted, hidden or rejected a
moment ago never shows, even while its outbox row waits to reach the index.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from search import Filters, Hit, Kind, SearchError, Sort

from .. import search_index
from ..extensions import db
from ..models import Circle, Post, Topic
from . import heat, search_docs

QUERY_MAX = 100
PER_PAGE = 10
# Deep pages cost the index more and nobody reads them: 50 pages of 10 is plenty.
MAX_PAGE = 50
ABOVE_POSTS = 6  # circles and topics shown above the posts
SORTS = {"relevance": Sort.RELEVANCE, "new": Sort.TIME}
_SPACE = re.compile(r"\s+")

NOTICE_TOO_LONG = f"搜索词太长了，已按前 {QUERY_MAX} 个字搜索。"
NOTICE_NO_WORDS = "请输入要搜索的文字、字母或数字。"
NOTICE_UNAVAILABLE = "搜索暂时不可用，请稍后再试。"
NOTICE_NO_CIRCLE = "没有找到这个圈子，已在全部圈子中搜索。"
NOTICE_PAST_END = "没有更多结果了。"


@dataclass
class PostResult:
    post: Post
    title: str  # HTML from the index: escaped text and <mark> only
    snippet: str


@dataclass
class Results:
    query: str = ""
    sort: str = "relevance"
    page: int = 1
    pages: int = 0
    total: int = 0
    circle: Circle | None = None
    notices: list[str] = field(default_factory=list)
    posts: list[PostResult] = field(default_factory=list)
    circles: list[tuple[Circle, Hit]] = field(default_factory=list)
    topics: list[tuple[Topic, Hit]] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    hot_topics: list[dict] = field(default_factory=list)
    searched: bool = False  # a query was run (to log it)

    @property
    def found(self) -> bool:
        return bool(self.posts or self.circles or self.topics)


def clean_query(raw: str | None) -> tuple[str, list[str]]:
    """The query as searched (control characters dropped, spaces collapsed, at most
    ``QUERY_MAX`` characters) and the notices it calls for."""
    text = "".join(
        " " if unicodedata.category(ch)[0] in "CZ" else ch for ch in (raw or "")[: QUERY_MAX * 20]
    )
    text = _SPACE.sub(" ", text).strip()
    notices = []
    if len(text) > QUERY_MAX:
        text = text[:QUERY_MAX].strip()
        notices.append(NOTICE_TOO_LONG)
    return text, notices


def _page(value) -> int:
    try:
        return min(max(1, int(value)), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


def _live_circle(slug: str) -> Circle | None:
    return db.session.scalar(select(Circle).where(Circle.slug == slug, Circle.deleted_at.is_(None)))


def run(raw_query: str | None, circle_slug: str = "", sort: str = "", page=1) -> Results:
    """One page of results for what someone typed; never raises for any input."""
    query, notices = clean_query(raw_query)
    results = Results(
        query=query, sort=sort if sort in SORTS else "relevance", page=_page(page), notices=notices
    )
    if circle_slug:
        results.circle = _live_circle(circle_slug[:40])
        if results.circle is None:
            results.notices.append(NOTICE_NO_CIRCLE)
    if not query:
        results.hot_topics = heat.cached_ranking()[:6]
        return results
    if not any(ch.isalnum() for ch in query):
        results.notices.append(NOTICE_NO_WORDS)
        results.hot_topics = heat.cached_ranking()[:6]
        return results
    try:
        _search(results)
    except (SearchError, OSError):
        current_app.logger.exception("search failed for %r", query)
        results.notices.append(NOTICE_UNAVAILABLE)
        return results
    results.searched = True
    if not results.found:
        results.suggestions = suggestions(query)
        results.hot_topics = heat.cached_ranking()[:6]
    return results


def _search(results: Results) -> None:
    backend = search_index.backend()
    circle_id = results.circle.id if results.circle else None
    hits, total = backend.query(
        results.query,
        Filters(circle_id=circle_id, kinds={Kind.POST}),
        SORTS[results.sort],
        results.page,
        PER_PAGE,
    )
    results.total = total
    results.pages = min(math.ceil(total / PER_PAGE), MAX_PAGE)
    if total and results.page > results.pages:
        results.notices.append(NOTICE_PAST_END)
    results.posts = visible_posts(hits)
    if results.page == 1 and circle_id is None:
        above, _ = backend.query(
            results.query, Filters(kinds={Kind.CIRCLE, Kind.TOPIC}), Sort.RELEVANCE, 1, ABOVE_POSTS
        )
        results.circles = visible_circles([h for h in above if h.kind == Kind.CIRCLE])
        results.topics = visible_topics([h for h in above if h.kind == Kind.TOPIC])


def visible_posts(hits: list[Hit]) -> list[PostResult]:
    """The hits whose posts are publicly visible now, in the index's order,
    with their authors and circles (one query)."""
    ids = [h.id for h in hits if h.kind == Kind.POST]
    if not ids:
        return []
    posts = db.session.scalars(
        select(Post)
        .join(Post.author)
        .join(Post.circle)
        .options(contains_eager(Post.author), contains_eager(Post.circle))
        .where(Post.id.in_(ids), search_docs.post_visible())
    )
    by_id = {post.id: post for post in posts}
    return [
        PostResult(by_id[h.id], h.title, h.snippet)
        for h in hits
        if h.kind == Kind.POST and h.id in by_id
    ]


def visible_circles(hits: list[Hit]) -> list[tuple[Circle, Hit]]:
    if not hits:
        return []
    rows = db.session.scalars(
        select(Circle).where(Circle.id.in_([h.id for h in hits]), search_docs.circle_visible())
    )
    by_id = {circle.id: circle for circle in rows}
    return [(by_id[h.id], h) for h in hits if h.id in by_id]


def visible_topics(hits: list[Hit]) -> list[tuple[Topic, Hit]]:
    if not hits:
        return []
    rows = db.session.scalars(
        select(Topic).where(Topic.id.in_([h.id for h in hits]), search_docs.topic_visible())
    )
    by_id = {topic.id: topic for topic in rows}
    return [(by_id[h.id], h) for h in hits if h.id in by_id]


def suggestions(query: str, limit: int = 4) -> list[str]:
    """Shorter searches to try when nothing matched: the words the query is made of."""
    analyzer = getattr(search_index.backend(), "analyzer", None)
    if analyzer is None:
        return []
    units = analyzer.query_units(query)
    words: list[str] = []
    if len(units) > 1:
        words = [u.text for u in units]
    elif units:
        words = [w for w in units[0].words if len(w) > 1]
    return [w for w in dict.fromkeys(words) if w != query][:limit]
