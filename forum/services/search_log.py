"""The search log: what people search for and how many results they got, anonymised.

Each row is a query, its result count, the circle it was narrowed to and a
visitor hash: an HMAC of the member id, the visitor's session id or else their
address and browser, under a random salt that lives only in this process's
memory and changes every day (China time).  No member id or address is stored,
and once the salt is gone nobody, the operators included, can tell whose
search a row was; within a day and a worker the hash still tells repeat
searches from distinct visitors (with several workers, distinct counts are an
upper bound).

A search is a GET, so the log is not written per request: rows are kept in
memory and inserted in one statement every ``SEARCH_LOG_FLUSH_EVERY`` searches
or ``SEARCH_LOG_FLUSH_SECONDS`` seconds, after the response has gone out (the
same path as post views).  As-you-type search sends 完, 完美, 完美日记: a
visitor's query that extends or trims their previous one within a few seconds
replaces it in the batch, so the log holds what was searched, not every
keystroke.  A crash loses at most one batch, which is fine for trend figures.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import Flask, current_app
from sqlalchemy import insert

from ..extensions import db
from ..models import SearchLog, utcnow

CHINA = timedelta(hours=8)
# Within this many seconds, a query extending the visitor's last one replaces it.
TYPING_SECONDS = 10.0
QUERY_MAX = 100


@dataclass
class Batch:
    """This process's searches not yet in the database."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    rows: list[dict] = field(default_factory=list)
    # visitor hash -> (index into rows, monotonic time) of their last search
    last: dict[str, tuple[int, float]] = field(default_factory=dict)
    last_flush: float = field(default_factory=time.monotonic)

    def take(self) -> list[dict]:
        with self.lock:
            taken, self.rows, self.last = self.rows, [], {}
            self.last_flush = time.monotonic()
            return taken

    def put_back(self, rows: list[dict]) -> None:
        with self.lock:
            self.rows[:0] = rows
            self.last = {}


_salt_lock = threading.Lock()
_salt: tuple[date, bytes] | None = None


def _daily_salt() -> bytes:
    global _salt
    today = (utcnow() + CHINA).date()
    with _salt_lock:
        if _salt is None or _salt[0] != today:
            _salt = (today, secrets.token_bytes(32))
        return _salt[1]


def visitor_hash(identity: str) -> str:
    """16 hex digits standing for ``identity`` today; "" when there is no identity."""
    if not identity:
        return ""
    return hmac.new(_daily_salt(), identity.encode(), hashlib.sha256).hexdigest()[:16]


def _batch(app: Flask) -> Batch:
    batch = app.extensions.get("forum_search_log")
    if batch is None:
        batch = app.extensions.setdefault("forum_search_log", Batch())
    return batch


def _typing_on(previous: str, query: str) -> bool:
    return query.startswith(previous) or previous.startswith(query)


def record(query: str, result_count: int, circle_slug: str, identity: str) -> bool:
    """Add one search to the batch; True when a flush is due."""
    app = current_app._get_current_object()
    batch = _batch(app)
    visitor = visitor_hash(identity)
    row = {
        "query": query[:QUERY_MAX],
        "result_count": result_count,
        "circle_slug": circle_slug[:40],
        "visitor_hash": visitor,
        "created_at": utcnow(),
    }
    now = time.monotonic()
    with batch.lock:
        previous = batch.last.get(visitor) if visitor else None
        if (
            previous is not None
            and now - previous[1] < TYPING_SECONDS
            and _typing_on(batch.rows[previous[0]]["query"], row["query"])
        ):
            batch.rows[previous[0]] = row
            index = previous[0]
        else:
            batch.rows.append(row)
            index = len(batch.rows) - 1
        if visitor:
            batch.last[visitor] = (index, now)
        waiting = len(batch.rows)
        since = now - batch.last_flush
    every = app.config.get("SEARCH_LOG_FLUSH_EVERY", 50)
    return waiting >= every or since >= app.config.get("SEARCH_LOG_FLUSH_SECONDS", 30)


def flush() -> int:
    """Insert the batch in one statement (its own connection, never the request's
    session); returns the rows written.  On failure they wait for the next flush."""
    batch = _batch(current_app._get_current_object())
    rows = batch.take()
    if not rows:
        return 0
    try:
        with db.engine.begin() as conn:
            conn.execute(insert(SearchLog.__table__), rows)
    except Exception:
        batch.put_back(rows)
        raise
    return len(rows)
