"""Where a Whoosh index lives: generations, the ``CURRENT`` pointer, locks.

On disk the index root looks like this::

    instance/search/
        CURRENT                    # one line: the live generation's name
        gen-20250101T120000-1a2b3c/ # a complete Whoosh index (TOC, segments,
                                    #   MAIN_WRITELOCK)
        REBUILDING                  # present while a rebuild runs (pid, name)
        .init.lock                  # serializes creating the first generation

A rebuild fills a new ``gen-…`` directory and only when it is committed
replaces ``CURRENT`` with ``os.replace`` (atomic), so a reader sees either the
old index or the new one, never a half-built one; a rebuild killed midway
leaves ``CURRENT`` on the old generation and an orphan directory that the next
rebuild removes. Writers follow the pointer too, and re-read it once they hold
a generation's write lock, so nothing is written into an index just replaced.

:class:`MemoryStore` keeps the same shape in memory, for tests.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage, RamStorage
from whoosh.index import Index

__all__ = ["DirectoryStore", "MemoryStore", "Store", "WRITELOCK"]

POINTER = "CURRENT"
REBUILDING = "REBUILDING"
_INIT_LOCK = ".init.lock"
_PREFIX = "gen-"
# FileIndex.lock(WRITELOCK) is the lock Whoosh's own writers take.
WRITELOCK = "WRITELOCK"


def _generation_name() -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    return f"{_PREFIX}{stamp}-{secrets.token_hex(3)}"


class Store:
    """The interface both stores share (see the module docstring)."""

    location: str

    def current_name(self) -> str | None:
        raise NotImplementedError

    def open(self, name: str) -> Index:
        raise NotImplementedError

    def ensure_current(self) -> str:
        """The live generation's name, creating an empty first one if there is none."""
        raise NotImplementedError

    def new_generation(self) -> tuple[str, Index]:
        raise NotImplementedError

    def publish(self, name: str) -> None:
        """Make ``name`` the live generation (atomically)."""
        raise NotImplementedError

    def drop(self, name: str) -> None:
        raise NotImplementedError

    def drop_orphans(self) -> list[str]:
        """Remove generations that are neither live nor being written; returns their names."""
        raise NotImplementedError

    @contextlib.contextmanager
    def rebuilding(self, name: str) -> Iterator[None]:
        yield

    def rebuild_marked(self) -> bool:
        return False

    def clear_rebuild_mark(self) -> None:
        """Called by a writer that holds the live lock: no rebuild can be running."""


class DirectoryStore(Store):
    """Generations as directories under ``root``; safe across processes."""

    def __init__(self, root: str | Path, schema: Schema, mmap: bool = True) -> None:
        self.root = Path(root)
        self.location = str(self.root)
        self._schema = schema
        self._mmap = mmap

    def _storage(self, name: str) -> FileStorage:
        return FileStorage(str(self.root / name), supports_mmap=self._mmap)

    def current_name(self) -> str | None:
        try:
            name = (self.root / POINTER).read_text(encoding="ascii").strip()
        except (FileNotFoundError, NotADirectoryError, UnicodeDecodeError):
            return None
        # Never follow a pointer out of the root.
        if not name.startswith(_PREFIX) or "/" in name or not (self.root / name).is_dir():
            return None
        return name

    def open(self, name: str) -> Index:
        return self._storage(name).open_index()

    def ensure_current(self) -> str:
        name = self.current_name()
        if name is not None:
            return name
        self.root.mkdir(parents=True, exist_ok=True)
        with _flock(self.root / _INIT_LOCK):
            # Another process may have created it while we waited.
            name = self.current_name()
            if name is None:
                name, _ix = self.new_generation()
                self.publish(name)
            return name

    def new_generation(self) -> tuple[str, Index]:
        self.root.mkdir(parents=True, exist_ok=True)
        name = _generation_name()
        storage = self._storage(name)
        storage.create()
        return name, storage.create_index(self._schema)

    def publish(self, name: str) -> None:
        tmp = self.root / f".{POINTER}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="ascii") as fh:
            fh.write(name + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.root / POINTER)
        _fsync_dir(self.root)

    def drop(self, name: str) -> None:
        # Readers in other processes may still hold the old files open; on
        # POSIX they keep reading them until they refresh to the new pointer.
        shutil.rmtree(self.root / name, ignore_errors=True)

    def drop_orphans(self) -> list[str]:
        current = self.current_name()
        dropped = []
        for path in sorted(self.root.glob(f"{_PREFIX}*")):
            if path.name == current or not path.is_dir():
                continue
            lock = FileStorage(str(path)).lock(f"MAIN_{WRITELOCK}")
            if not lock.acquire(blocking=False):
                continue  # someone is still writing it
            try:
                self.drop(path.name)
            finally:
                with contextlib.suppress(OSError):
                    lock.release()
            dropped.append(path.name)
        return dropped

    @contextlib.contextmanager
    def rebuilding(self, name: str) -> Iterator[None]:
        marker = self.root / REBUILDING
        marker.write_text(f"pid={os.getpid()} generation={name}\n", encoding="ascii")
        try:
            yield
        finally:
            marker.unlink(missing_ok=True)

    def rebuild_marked(self) -> bool:
        return (self.root / REBUILDING).exists()

    def clear_rebuild_mark(self) -> None:
        (self.root / REBUILDING).unlink(missing_ok=True)


class MemoryStore(Store):
    """Generations in RAM (Whoosh ``RamStorage``), for tests and throwaway use."""

    def __init__(self, schema: Schema) -> None:
        self.location = ":memory:"
        self._schema = schema
        self._indexes: dict[str, Index] = {}
        self._current: str | None = None
        self._guard = threading.Lock()
        self._marked = False

    def current_name(self) -> str | None:
        return self._current

    def open(self, name: str) -> Index:
        return self._indexes[name]

    def ensure_current(self) -> str:
        with self._guard:
            if self._current is None:
                name, _ix = self.new_generation()
                self._current = name
            return self._current

    def new_generation(self) -> tuple[str, Index]:
        name = _generation_name()
        ix = RamStorage().create_index(self._schema)
        self._indexes[name] = ix
        return name, ix

    def publish(self, name: str) -> None:
        self._current = name

    def drop(self, name: str) -> None:
        self._indexes.pop(name, None)

    def drop_orphans(self) -> list[str]:
        orphans = [n for n in self._indexes if n != self._current]
        for name in orphans:
            self.drop(name)
        return orphans

    @contextlib.contextmanager
    def rebuilding(self, name: str) -> Iterator[None]:
        self._marked = True
        try:
            yield
        finally:
            self._marked = False

    def rebuild_marked(self) -> bool:
        return self._marked


@contextlib.contextmanager
def _flock(path: Path) -> Iterator[None]:
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    # Make the rename itself durable, so a crash can't bring back the old pointer.
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
