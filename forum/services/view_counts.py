"""Post views, counted without a write per page view.

Each process keeps a tally in memory (``record`` is a dict increment under a
lock) and adds it to the database in one transaction every
``VIEW_FLUSH_SECONDS`` seconds or ``VIEW_FLUSH_EVERY`` views, whichever comes
first: ``UPDATE posts SET view_count = view_count + n`` and an upsert into the
per-day table the brand figures read (China dates).  The flush runs after the
response has gone out.  A crash loses at most one batch of views, which is fine
for a popularity figure.  (With several machines each keeps its own tally;
they add up the same.  A Redis ``INCR`` would be the next step if flushes ever
became a bottleneck, which they are not at one flush per N seconds.)
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import date, timedelta

from flask import Flask, current_app
from sqlalchemy import bindparam, update

from ..extensions import db
from ..models import Post, PostViewDay, utcnow
from .sql import upsert_insert

CHINA = timedelta(hours=8)


class Tally:
    """The views of one app in this process, not yet in the database."""

    def __init__(self):
        self.lock = threading.Lock()
        self.pending: Counter[tuple[int, date]] = Counter()
        self.last_flush = time.monotonic()

    def add(self, post_id: int, day: date) -> int:
        with self.lock:
            self.pending[(post_id, day)] += 1
            return sum(self.pending.values())

    def take(self) -> Counter[tuple[int, date]]:
        with self.lock:
            taken, self.pending = self.pending, Counter()
            self.last_flush = time.monotonic()
            return taken

    def put_back(self, counts: Counter[tuple[int, date]]) -> None:
        with self.lock:
            self.pending.update(counts)


def _tally(app: Flask) -> Tally:
    tally = app.extensions.get("forum_view_tally")
    if tally is None:
        tally = app.extensions.setdefault("forum_view_tally", Tally())
    return tally


def today() -> date:
    return (utcnow() + CHINA).date()


def record(post_id: int) -> bool:
    """Count one view of ``post_id``; True when a flush is due."""
    app = current_app._get_current_object()
    tally = _tally(app)
    waiting = tally.add(post_id, today())
    due_by_count = waiting >= app.config.get("VIEW_FLUSH_EVERY", 200)
    due_by_time = time.monotonic() - tally.last_flush >= app.config.get("VIEW_FLUSH_SECONDS", 10)
    return due_by_count or due_by_time


def pending(post_id: int) -> int:
    """Views of ``post_id`` not yet in the database (this process)."""
    tally = _tally(current_app._get_current_object())
    with tally.lock:
        return sum(n for (pid, _day), n in tally.pending.items() if pid == post_id)


def flush() -> int:
    """Add the tally to the database (its own connection and transaction, never
    the request's session); returns the views written."""
    tally = _tally(current_app._get_current_object())
    counts = tally.take()
    if not counts:
        return 0
    per_post: Counter[int] = Counter()
    for (post_id, _day), n in counts.items():
        per_post[post_id] += n
    try:
        with db.engine.begin() as conn:
            conn.execute(
                update(Post.__table__)
                .where(Post.__table__.c.id == bindparam("pid"))
                .values(view_count=Post.__table__.c.view_count + bindparam("n")),
                [{"pid": pid, "n": n} for pid, n in per_post.items()],
            )
            conn.execute(
                _upsert(conn.dialect.name),
                [{"post_id": pid, "day": day, "views": n} for (pid, day), n in counts.items()],
            )
    except Exception:
        tally.put_back(counts)  # try again with the next batch
        raise
    return sum(counts.values())


def _upsert(dialect: str):
    statement = upsert_insert(PostViewDay.__table__, dialect)
    return statement.on_conflict_do_update(
        index_elements=["post_id", "day"],
        set_={"views": PostViewDay.__table__.c.views + statement.excluded.views},
    )
