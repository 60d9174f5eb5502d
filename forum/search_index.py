"""The search index as the app holds it: one backend per process, the writers' lock,
and the hook that applies the search outbox after every commit that wrote to it.

The backend (``app.extensions["search"]``) is made on first use, in the process
that uses it (a gunicorn worker forked from a preloaded master makes its own:
open files and readers are not shared across a fork), and all backends share one
analyzer per process: loading jieba's dictionary (about a second) is the slow part.

The outbox is applied after commit, in its own session and connection, never
inside the transaction that wrote the rows: :func:`init_app` listens for
``after_commit`` on Flask-SQLAlchemy's session, and only acts when that
transaction recorded outbox rows (``session.info``).  Nothing it does can fail
the request that committed: errors are logged and the rows wait.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import threading
import time
import weakref
from collections.abc import Iterator
from pathlib import Path

from flask import Flask, current_app, has_app_context
from sqlalchemy import event

from search import Analyzer, IndexBusy, SearchBackend, open_backend

from .extensions import db

EXTENSION = "search"
# Set in session.info by forum.services.indexing when a transaction adds outbox rows.
PENDING = "search_outbox_pending"
APPLY_LOCK = ".outbox.lock"
AFTER_COMMIT_BATCHES = 4

_create_lock = threading.Lock()
_listening = False


@functools.cache
def _analyzer() -> Analyzer:
    # Shared by every backend of the process; with ``gunicorn --preload`` workers
    # inherit it from the master (it is read-only memory, and no thread holds
    # its lock before the fork).
    return Analyzer()


def backend(app: Flask | None = None) -> SearchBackend:
    """This process's backend for ``app`` (the current one by default)."""
    app = app or current_app._get_current_object()
    held = app.extensions.get(EXTENSION)
    if held is not None and held[0] == os.getpid():
        return held[1]
    with _create_lock:
        held = app.extensions.get(EXTENSION)
        if held is None or held[0] != os.getpid():
            made = open_backend(
                app.config["SEARCH_DIR"],
                user_dict=app.config.get("SEARCH_USER_DICT") or None,
                analyzer=_analyzer(),
                lock_timeout=app.config.get("SEARCH_LOCK_TIMEOUT", 1.0),
                refresh_interval=app.config.get("SEARCH_REFRESH_INTERVAL", 0.5),
            )
            held = app.extensions[EXTENSION] = (os.getpid(), made)
            # An app that goes away (tests make one per test) closes its readers.
            weakref.finalize(app, made.close)
    return held[1]


def close(app: Flask) -> None:
    """Close ``app``'s backend in this process, if it has one."""
    held = app.extensions.pop(EXTENSION, None)
    if held is not None and held[0] == os.getpid():
        held[1].close()


@contextlib.contextmanager
def apply_lock(app: Flask | None = None) -> Iterator[None]:
    """One outbox apply at a time across processes and threads.

    An apply reads the rows, builds documents from the database and writes them;
    two applies interleaving could let an older document land after a newer one.
    Held for one batch only; raises :class:`IndexBusy` after the lock timeout."""
    app = app or current_app._get_current_object()
    folder = Path(app.config["SEARCH_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + app.config.get("SEARCH_LOCK_TIMEOUT", 1.0)
    # A new open file per attempt: flock locks belong to the open file, so two
    # threads of one process exclude each other too.
    with open(folder / APPLY_LOCK, "a+b") as fh:
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusy("another process is applying the search outbox") from None
                time.sleep(0.02)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _after_commit(session) -> None:
    if not session.info.pop(PENDING, False) or not has_app_context():
        return
    app = current_app._get_current_object()
    try:
        from .services import indexing

        # A bulk import's batch may leave more than one apply's worth of rows;
        # a bounded number of batches keeps a request from working on forever.
        indexing.sync(max_batches=AFTER_COMMIT_BATCHES)
    except Exception:  # noqa: BLE001 - the commit stands; the rows wait for a sync
        app.logger.exception("search outbox not applied; rows kept for the next sync")


def _after_soft_rollback(session, previous_transaction) -> None:
    # The outermost transaction rolled back: its outbox rows are gone with it.
    if previous_transaction.parent is None and not previous_transaction.nested:
        session.info.pop(PENDING, None)


def init_app(app: Flask) -> None:
    global _listening
    with _create_lock:
        if not _listening:
            # Listening on the scoped session reaches every Flask-SQLAlchemy
            # session (all apps), and no other: the apply's own sessions are
            # plain ones and do not trigger it again.
            event.listen(db.session, "after_commit", _after_commit)
            event.listen(db.session, "after_soft_rollback", _after_soft_rollback)
            _listening = True
