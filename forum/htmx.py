"""One URL, two representations: a full page, or a named block of it for HTMX.

The fragment is a ``{% block %}`` of the very template that renders the page
(jinja2-fragments), so page and fragment cannot drift apart.
"""

from __future__ import annotations

from flask import Response, make_response, render_template, request
from jinja2_fragments.flask import render_block


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def target() -> str:
    return request.headers.get("HX-Target", "")


def render(template: str, block: str | None = None, status: int = 200, **context) -> Response:
    """Render ``template``; an HTMX request gets only ``block`` when one is named."""
    if block and is_htmx():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    return make_response(body, status)


def redirect_to(location: str) -> Response:
    """After a write: post/redirect/get.  A plain request gets a 303; an HTMX
    request gets ``HX-Redirect``, a full page load, so the new page arrives
    whole (head, title and share data included) rather than as a fragment."""
    if is_htmx():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
        return response
    response = make_response("", 303)
    response.headers["Location"] = location
    return response
