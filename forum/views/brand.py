"""The brand console (/brand): figures and their CSV, the product catalogue,
topic pins; and the admins' page for brands and their accounts.

Brand accounts see and change only their own brand's things; moderators see
every pin and can unpin; members get a 403.  Views parse and authorise, the
services decide (a ``Forbidden`` from them is a 403 page, see forum.guard).
"""

from __future__ import annotations

from flask import Blueprint, abort, make_response, request, url_for
from flask_login import current_user

from ..extensions import login_manager
from ..htmx import form_page, posted, redirect_to, render
from ..services import Forbidden, Invalid, NotFound, brand_stats, brands, pins
from ..services import products as product_service

bp = Blueprint("brand", __name__, url_prefix="/brand")

PIN_FIELDS = ("topic", "label", "starts_at", "ends_at")


@bp.before_request
def _members_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


@bp.context_processor
def _console() -> dict:
    return {"own_brand": brands.brand_of(current_user), "pin_labels": pins.LABELS}


# -- figures --------------------------------------------------------------------------


def _report():
    brand = brands.require_brand(current_user)
    since, until = brand_stats.parse_range(request.args.get("from"), request.args.get("to"))
    return brand_stats.report(brand, since, until)


@bp.get("")
def index():
    report = _report()
    return render("brand/index.html", report=report, post_name=brand_stats.post_name)


@bp.get("/report.csv")
def report_csv():
    report = _report()
    response = make_response(brand_stats.to_csv(report))
    response.mimetype = "text/csv"
    response.charset = "utf-8"
    filename = f"brand-{report.brand.id}-{report.since}-{report.until}.csv"
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    response.headers["Cache-Control"] = "private, no-store"
    return response


# -- products -------------------------------------------------------------------------


def _product_form(product=None) -> dict[str, str]:
    if request.method == "POST" or product is None:
        return posted(product_service.FIELDS, {})
    return {
        "name": product.name,
        "price": product.price_text,
        "web_url": product.web_url or "",
        "mp_appid": product.mp_appid or "",
        "mp_path": product.mp_path or "",
    }


@bp.route("/products", methods=["GET", "POST"])
def products():
    brand = brands.require_brand(current_user)
    form = _product_form()

    def save() -> str:
        product_service.create(current_user, form, request.files.get("image"))
        return url_for("brand.products")

    return form_page(
        "brand/products.html",
        "product_form",
        form,
        save,
        lambda: {"products": product_service.catalogue(brand)},
        brand=brand,
    )


def _own_product(product_id: int):
    try:
        product = product_service.get(product_id)
    except NotFound:
        abort(404)
    product_service.ensure_own(current_user, product)
    return product


@bp.route("/products/<int:product_id>/edit", methods=["GET", "POST"])
def edit_product(product_id: int):
    product = _own_product(product_id)
    form = _product_form(product)

    def save() -> str:
        product_service.update(current_user, product, form, request.files.get("image"))
        return url_for("brand.products")

    return form_page("brand/product_edit.html", "product_form", form, save, product=product)


@bp.post("/products/<int:product_id>/remove")
def remove_product(product_id: int):
    product = _own_product(product_id)
    product_service.remove(current_user, product)
    return redirect_to(url_for("brand.products"))


# -- pins -----------------------------------------------------------------------------


@bp.route("/pins", methods=["GET", "POST"])
def pin_list():
    """A brand's pins and the form to add one; moderators see every brand's."""
    brand = brands.brand_of(current_user)
    if brand is None and not current_user.is_staff:
        raise Forbidden("只有品牌账号和版主可以管理话题置顶")
    form = posted(PIN_FIELDS, {})

    def save() -> str:
        pins.create_from_form(current_user, form)
        return url_for("brand.pin_list")

    return form_page(
        "brand/pins.html",
        "pin_form",
        form,
        save,
        lambda: {"history": pins.history(None if current_user.is_staff else brand)},
        brand=brand,
        state=pins.state,
        local_input=pins.local_input,
    )


@bp.post("/pins/<int:pin_id>/remove")
def remove_pin(pin_id: int):
    pin = pins.get(pin_id)
    if pin is None:
        abort(404)
    pins.remove(current_user, pin, request.form.get("reason", "").strip())
    return redirect_to(url_for("brand.pin_list"))


# -- admins: brands and their accounts ----------------------------------------------


def _admin_page(form=None, errors=None, status=200):
    return render(
        "brand/admin.html",
        status=status,
        brands=brands.all_with_accounts(),
        form=form or {},
        errors=errors or {},
    )


@bp.route("/admin", methods=["GET", "POST"])
def admin():
    if current_user.role != "admin":
        abort(403, "只有管理员可以管理品牌")
    if request.method == "POST":
        form = {"name": request.form.get("name", "")}
        try:
            brands.create(current_user, form["name"], request.files.get("logo"))
        except Invalid as exc:
            return _admin_page(form, exc.errors, 422)
        return redirect_to(url_for("brand.admin"))
    return _admin_page()


@bp.post("/admin/<int:brand_id>/accounts")
def attach_account(brand_id: int):
    if current_user.role != "admin":
        abort(403, "只有管理员可以管理品牌")
    brand = brands.get(brand_id)
    if brand is None:
        abort(404)
    username = request.form.get("username", "")
    try:
        brands.attach_account(current_user, brand, username)
    except Invalid as exc:
        errors = {f"account-{brand.id}": exc.errors["username"]}
        return _admin_page({f"account-{brand.id}": username}, errors, 422)
    return redirect_to(url_for("brand.admin"))
