"""One URL, two representations: a full page, or a named block of it for HTMX.

The fragment is a ``{% block %}`` of the very template that renders the page
(jinja2-fragments), so page and fragment cannot drift apart.
"""

from __future__ import annotations

from flask import Response, make_response, render_template, request
from jinja2_fragments.flask import render_block

from .services import Invalid


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


def posted(fields, defaults: dict[str, str]) -> dict[str, str]:
    """A form's values: what was submitted, or ``defaults`` to start from."""
    if request.method == "POST":
        return {name: request.form.get(name, "") for name in fields}
    return defaults


def form_page(template: str, block: str, form: dict, save, more=None, **context) -> Response:
    """The one shape of a form page: a GET shows the form; a POST calls
    ``save()``, which returns where to go next or raises ``Invalid``; then the
    form comes back (in place for HTMX, status 422) with the member's input
    and a Chinese message per field.  ``more()``, if given, supplies context
    read after ``save()`` (lists the save may have changed or rolled back)."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            return redirect_to(save())
        except Invalid as exc:
            errors = exc.errors
    context.update(more() if more else {})
    status = 422 if errors else 200
    return render(template, block, status=status, form=form, errors=errors, **context)
