"""A tiny time-based cache for cheap, slightly stale values (hot topics).

In-process by design: each worker recomputes at most once per TTL, which is
cheap; values are plain data, never ORM objects bound to a session.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from flask import current_app

_lock = threading.Lock()
_store: dict[tuple[int, str], tuple[float, Any]] = {}


def cached(key: str, ttl: float, compute: Callable[[], Any]) -> Any:
    if current_app.config.get("CACHE_DISABLED"):
        return compute()
    slot = (id(current_app._get_current_object()), key)
    now = time.monotonic()
    with _lock:
        hit = _store.get(slot)
    if hit and hit[0] > now:
        return hit[1]
    value = compute()
    with _lock:
        _store[slot] = (now + ttl, value)
    return value


def clear() -> None:
    with _lock:
        _store.clear()
