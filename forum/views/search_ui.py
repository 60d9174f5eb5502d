"""The search page: ``/search?q=&circle=&sort=&page=``.

One URL, two representations: a full page, or (for HTMX's as-you-type search,
sort tabs and page links) the ``results`` block of the same template.  A
history restore (HTMX re-fetching a pushed URL) gets the whole page.
"""

from __future__ import annotations

from flask import Blueprint, request, session
from flask_login import current_user

from ..htmx import is_htmx, render
from ..services import search as search_service
from ..services import search_log
from ..services.clicks import READER_KEY
from ..web import after_response

bp = Blueprint("search_ui", __name__)


def _identity() -> str:
    """Who is searching, before hashing (see forum.services.search_log)."""
    if current_user.is_authenticated:
        return f"u:{current_user.id}"
    reader = session.get(READER_KEY)
    if isinstance(reader, str):
        return f"a:{reader}"
    return f"r:{request.remote_addr}|{request.user_agent.string}"


@bp.get("/search")
def index():
    args = request.args
    results = search_service.run(
        args.get("q"), args.get("circle", ""), args.get("sort", ""), args.get("page", 1)
    )
    restoring = request.headers.get("HX-History-Restore-Request") == "true"
    block = None if restoring or not is_htmx() else "results"
    response = render("search.html", block, results=results)
    if results.searched and results.page == 1 and not restoring:
        slug = results.circle.slug if results.circle else ""
        if search_log.record(results.query, results.total, slug, _identity()):
            after_response(response, search_log.flush, "the search log")
    return response
