"""Good-stuff sharing for readers: product pages (买家秀), the product typeahead,
click-through redirects, and the uploaded images themselves."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_login import current_user

from ..extensions import csrf, limiter
from ..htmx import is_htmx, render, target
from ..services import NotFound, clicks, feeds, images, storage, view_counts
from ..services import attachments as attachment_service
from ..services import products as product_service
from ..web import after_response, member_key

bp = Blueprint("goods", __name__)

ONE_YEAR = 365 * 24 * 3600
# Views whose forms carry images: a post takes up to nine, so its request may be
# larger than MAX_CONTENT_LENGTH (set before the CSRF check reads the form).
UPLOAD_ENDPOINTS = frozenset({"circles.create_post"})


@bp.app_url_value_preprocessor
def _upload_limit(endpoint: str | None, _values) -> None:
    if endpoint in UPLOAD_ENDPOINTS and request.method == "POST":
        per_image = current_app.config.get("IMAGE_MAX_BYTES", 10 * 1024 * 1024)
        request.max_content_length = attachment_service.MAX_IMAGES * per_image + 1024 * 1024


@bp.after_app_request
def _count_post_view(response):
    """A post page served whole is a view; the tally is written after the response."""
    if (
        request.endpoint == "posts.show"
        and request.method == "GET"
        and response.status_code == 200
        and not is_htmx()
        and view_counts.record(request.view_args["post_id"])
    ):
        after_response(response, view_counts.flush, "post views")
    return response


@bp.app_template_global()
def media_url(name: str | None) -> str:
    return storage.media_url(name)


@bp.app_template_global()
def image_limit() -> str:
    """The size limit of one image, for forms: "10 MB"."""
    return images.size_text(images.max_bytes())


def _product(product_id: int):
    try:
        return product_service.get(product_id)
    except NotFound:
        abort(404)


@bp.get("/product/<int:product_id>")
def product(product_id: int):
    product = _product(product_id)
    size = current_app.config["FEED_PAGE_SIZE"]
    page = feeds.product(product.id, request.args.get("cursor"), size, current_user)
    return render("goods/product.html", "feed_page", product=product, page=page)


@bp.get("/products/search")
def search():
    """Active search: a full page, the results on the page (HTMX), or the choices
    in the compose form's picker (HTMX with ``HX-Target: product-results``)."""
    q = request.args.get("q", "").strip()
    picked = attachment_service.picked(request.args.getlist("product")).products
    results = product_service.search(q, exclude=tuple(p.id for p in picked))
    block = "picker" if target() == "product-results" else "results"
    response = render("goods/search.html", block, q=q, results=results, picked=picked)
    response.vary.add("HX-Target")
    return response


@bp.get("/go/product/<int:product_id>")
@limiter.limit("120 per minute", key_func=member_key)
def go(product_id: int):
    """去看看 from a product card: count the click, then go to the product's own
    web page (only ever the stored URL), or its page here when it has none."""
    product = _product(product_id)
    here = url_for("goods.product", product_id=product.id)
    if product.is_removed:
        return redirect(here)
    clicks.record(
        product,
        request.args.get("post", type=int),
        current_user,
        clicks.reader_key(current_user, session),
        clicks.source_of(request.args.get("from"), session),
    )
    response = redirect(product.web_url or here, 302)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/go/product/<int:product_id>/click")
@csrf.exempt
@limiter.limit("120 per minute", key_func=member_key)
def click(product_id: int):
    """The mini-program path: webview.js records the click here, then asks the
    host to open the shop's mini-program.  No CSRF token: it records exactly
    what the GET redirect above records, and feed pages cached for anonymous
    readers carry no token to send."""
    product = _product(product_id)
    if not product.is_removed:
        clicks.record(
            product,
            request.args.get("post", type=int),
            current_user,
            clicks.reader_key(current_user, session),
            clicks.source_of(request.form.get("source"), session),
        )
    return make_response("", 204)


@bp.get("/media/<path:name>")
def media(name: str):
    """An uploaded image: content-hashed names never change, so cache for a year."""
    if not storage.valid_name(name):
        abort(404)
    response = send_from_directory(storage.current().root, name, max_age=ONE_YEAR)
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response
