"""A short-lived cache of whole feed pages for anonymous readers.

Rendering twenty post cards is most of what a feed page costs, and anonymous
readers all see the same page.  Their pages (and HTMX fragments) are kept for
a few seconds, keyed by the URL and by a *version* the view passes in: values
it has already loaded (a circle's post count and last activity, say), so a
new or deleted post shows at once in every worker, while like counts may lag
by the TTL.  Cached pages carry no CSRF token: anonymous readers have nothing
to submit there (like buttons become links to the login page), and forms that
need one (login, register) are never cached.  The cache is per process and
bounded (least recently used pages go first).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import Response, current_app, g, make_response, request
from flask_login import current_user

from .cache import now as cache_now
from .htmx import is_htmx, target

MAX_PAGES = 512
_lock = threading.Lock()
_pages: OrderedDict[tuple, tuple[float, bytes, dict[str, str]]] = OrderedDict()


def for_anonymous(version: Hashable, build: Callable[[], Response]) -> Response:
    """``build()``'s response, from the cache when the reader is anonymous."""
    ttl = current_app.config.get("PAGE_CACHE_SECONDS", 5)
    if current_user.is_authenticated or not ttl or current_app.config.get("CACHE_DISABLED"):
        return build()
    g.page_cacheable = True
    agent = (request.user_agent.string or "").lower()
    key = (
        id(current_app._get_current_object()),
        request.full_path,
        is_htmx(),
        target(),
        "miniprogram" in agent,
        version,
    )
    now = cache_now()
    with _lock:
        hit = _pages.get(key)
        if hit and hit[0] > now:
            _pages.move_to_end(key)
            response = make_response(hit[1], 200)
            response.headers.update(hit[2])
            return response
    response = build()
    if response.status_code == 200 and not response.direct_passthrough:
        headers = {"Content-Type": response.content_type}
        with _lock:
            _pages[key] = (now + ttl, response.get_data(), headers)
            while len(_pages) > MAX_PAGES:
                _pages.popitem(last=False)
    return response


def clear() -> None:
    with _lock:
        _pages.clear()
