"""Keeping the search index in step with the database (the search outbox).

Services call :func:`post_saved` and friends inside the transaction that changes
content: each adds a ``SearchOutbox`` row (kind, id, upsert or delete), so the
change and the note that the index must follow commit or roll back together.
After commit (forum.search_index) :func:`apply_pending` reads the rows in its
own session, builds each document from the database as it is *now* (a post no
longer visible becomes a delete), writes the index and deletes the rows it
applied.  When the index is locked or broken the rows stay, with ``attempts``
and ``last_error``, for the next write or ``flask search sync``.
``flask search rebuild`` recreates the index from the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from search import DocRef, IndexBusy, IndexStatus, Kind

from .. import search_index
from ..extensions import db
from ..models import Circle, Post, SearchOutbox, SearchState, Topic, utcnow
from . import search_docs
from .sql import upsert_insert

BATCH = 500
ERROR_MAX = 500


# -- recording (inside the caller's transaction) ---------------------------------


def _record(kind: Kind, ids: Iterable[int], op: str) -> None:
    rows = [
        {"doc_kind": kind.value, "doc_id": i, "op": op, "created_at": utcnow(), "attempts": 0}
        for i in dict.fromkeys(ids)
    ]
    if not rows:
        return
    db.session.execute(insert(SearchOutbox), [{**row, "last_error": ""} for row in rows])
    db.session.info[search_index.PENDING] = True


def post_saved(post: Post) -> None:
    """``post`` was created, edited, approved or restored."""
    _record(Kind.POST, [post.id], "upsert")


def post_removed(post: Post) -> None:
    """``post`` was deleted, hidden or rejected."""
    _record(Kind.POST, [post.id], "delete")


def posts_saved(post_ids: Iterable[int]) -> None:
    """Many posts at once (bulk import); pending ones simply stay out of the index."""
    _record(Kind.POST, post_ids, "upsert")


def circle_saved(circle: Circle) -> None:
    """``circle`` was created or edited."""
    _record(Kind.CIRCLE, [circle.id], "upsert")


def circles_saved(circle_ids: Iterable[int]) -> None:
    _record(Kind.CIRCLE, circle_ids, "upsert")


def circle_removed(circle: Circle) -> None:
    """``circle`` was deleted (its posts are removed one by one by the caller)."""
    _record(Kind.CIRCLE, [circle.id], "delete")


def topic_saved(topic: Topic) -> None:
    """``topic``'s description changed (its counts follow its posts)."""
    _record(Kind.TOPIC, [topic.id], "upsert")


# -- applying (after commit, in sessions of its own) ------------------------------


@dataclass
class Applied:
    """What one apply or sync did: outbox rows taken, documents written and removed."""

    rows: int = 0
    indexed: int = 0
    deleted: int = 0
    busy: bool = False
    error: str | None = None

    def add(self, other: Applied) -> None:
        self.rows += other.rows
        self.indexed += other.indexed
        self.deleted += other.deleted
        self.busy, self.error = other.busy, other.error


def _session() -> Session:
    return Session(bind=db.engine, expire_on_commit=False)


def apply_pending(limit: int = BATCH) -> Applied:
    """Apply up to ``limit`` outbox rows, oldest first; the rows go once applied.

    Never raises for a busy index (``busy`` is set and the rows wait).  Other
    failures are recorded on the rows and the sync state, then raised."""
    try:
        with search_index.apply_lock():
            return _apply(limit)
    except IndexBusy as exc:
        # Another apply holds our lock, or a write or rebuild holds the index's.
        return Applied(busy=True, error=str(exc))


def _apply(limit: int) -> Applied:
    # Read the rows and the documents in one short read, write the index, then
    # delete exactly the rows read, in a separate short write transaction: a row
    # committed meanwhile stays for the next apply, whose documents will be newer.
    with _session() as session:
        rows = session.execute(
            select(SearchOutbox.id, SearchOutbox.doc_kind, SearchOutbox.doc_id)
            .order_by(SearchOutbox.id)
            .limit(limit)
        ).all()
        if not rows:
            return Applied()
        ids = [row.id for row in rows]
        docs, gone = search_docs.build(session, {DocRef(Kind(r.doc_kind), r.doc_id) for r in rows})
        session.rollback()
    backend = search_index.backend()
    try:
        indexed = backend.index(docs) if docs else 0
        deleted = backend.delete(gone) if gone else 0
    except IndexBusy:
        _failed(ids, "IndexBusy: the index was locked", state=False)
        raise
    except Exception as exc:
        _failed(ids, f"{type(exc).__name__}: {exc}")
        raise
    with _session() as session, session.begin():
        session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_(ids)))
        _set_state(session, last_sync_at=utcnow())
    return Applied(rows=len(ids), indexed=indexed, deleted=deleted)


def _failed(ids: list[int], message: str, state: bool = True) -> None:
    """Note a failed attempt on the rows (and, unless busy, on the sync state)."""
    message = message[:ERROR_MAX]
    try:
        with _session() as session, session.begin():
            session.execute(
                update(SearchOutbox)
                .where(SearchOutbox.id.in_(ids))
                .values(attempts=SearchOutbox.attempts + 1, last_error=message)
            )
            if state:
                _set_state(session, last_error=message, last_error_at=utcnow())
    except Exception:  # noqa: BLE001 - bookkeeping must not hide the real failure
        current_app.logger.exception("could not record a search outbox failure")


def _set_state(session: Session, **values) -> None:
    row = {"id": 1, "last_error": "", **values}
    statement = upsert_insert(SearchState, session.get_bind().dialect.name).values(**row)
    session.execute(statement.on_conflict_do_update(index_elements=["id"], set_=values))


def sync(progress: Callable[[int], None] | None = None, max_batches: int | None = None) -> Applied:
    """Apply waiting rows, batch by batch, until none are left, the index is busy
    or ``max_batches`` batches were applied."""
    total = Applied()
    batches = 0
    while max_batches is None or batches < max_batches:
        applied = apply_pending()
        batches += 1
        total.add(applied)
        if progress is not None and applied.rows:
            progress(applied.rows)
        if applied.busy or applied.rows < BATCH:
            break
    return total


def rebuild(progress: Callable[[int], None] | None = None) -> int:
    """Recreate the index from the database into a new generation that replaces
    the live one only when complete; then apply what arrived meanwhile."""
    with _session() as session:
        seen = list(session.scalars(select(SearchOutbox.id)))
        count = search_index.backend().rebuild(search_docs.iter_all(session), progress)
    with _session() as session, session.begin():
        for i in range(0, len(seen), BATCH):
            session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_(seen[i : i + BATCH])))
        now = utcnow()
        _set_state(session, last_rebuild_at=now, last_sync_at=now)
    sync()
    return count


def rebuild_size() -> int:
    with _session() as session:
        return search_docs.count_all(session)


# -- figures ------------------------------------------------------------------------


@dataclass
class Status:
    index: IndexStatus
    backlog: int
    oldest_waiting: datetime | None
    max_attempts: int
    last_sync_at: datetime | None
    last_rebuild_at: datetime | None
    last_error: str
    last_error_at: datetime | None


def status() -> Status:
    """The index's figures and the outbox's backlog, for operators and /healthz."""
    with _session() as session:
        backlog, oldest, attempts = session.execute(
            select(
                func.count(SearchOutbox.id),
                func.min(SearchOutbox.created_at),
                func.max(SearchOutbox.attempts),
            )
        ).one()
        state = session.get(SearchState, 1)
    return Status(
        index=search_index.backend().status(),
        backlog=backlog or 0,
        oldest_waiting=oldest,
        max_attempts=attempts or 0,
        last_sync_at=state.last_sync_at if state else None,
        last_rebuild_at=state.last_rebuild_at if state else None,
        last_error=state.last_error if state else "",
        last_error_at=state.last_error_at if state else None,
    )


def health() -> dict:
    """The index's part of ``/healthz``: reachable or not, documents, backlog."""
    try:
        state = status()
    except Exception as exc:  # noqa: BLE001 - health must report, not raise
        return {"status": "error", "error": f"{type(exc).__name__}: {exc}"[:ERROR_MAX]}
    report = {
        "status": "ok" if state.index.ok else "error",
        "documents": state.index.doc_count,
        "backlog": state.backlog,
        "last_sync": state.last_sync_at.isoformat() + "Z" if state.last_sync_at else None,
    }
    if not state.index.ok:
        report["error"] = state.index.error
    return report
