"""A tiny time-based cache for cheap, slightly stale values (hot topics).

In-process by design: each worker recomputes at most once per TTL, which is
cheap; values are plain data, never ORM objects bound to a session.  The clock
is ``time.monotonic`` unless the app's ``CACHE_CLOCK`` setting names another
callable (tests move time by hand).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from flask import current_app

_lock = threading.Lock()
_store: dict[tuple[int, str], tuple[float, Any]] = {}


def now() -> float:
    """The cache clock (``CACHE_CLOCK`` in tests, else ``time.monotonic``)."""
    clock = current_app.config.get("CACHE_CLOCK") or time.monotonic
    return clock()


def cached(key: str, ttl: float, compute: Callable[[], Any]) -> Any:
    if current_app.config.get("CACHE_DISABLED"):
        return compute()
    slot = (id(current_app._get_current_object()), key)
    moment = now()
    with _lock:
        hit = _store.get(slot)
    if hit and hit[0] > moment:
        return hit[1]
    value = compute()
    with _lock:
        _store[slot] = (moment + ttl, value)
    return value


def forget(key: str) -> None:
    """Drop ``key`` for this app (in this process: other workers wait out the TTL)."""
    with _lock:
        _store.pop((id(current_app._get_current_object()), key), None)


def clear() -> None:
    with _lock:
        _store.clear()
