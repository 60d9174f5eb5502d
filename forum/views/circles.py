"""Circles: the list, creating one, a circle's page, joining, posting in it."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, request
from flask_login import current_user, login_required

from .. import pagecache
from ..extensions import limiter
from ..htmx import form_page, is_htmx, posted, redirect_to, render, target
from ..services import Forbidden, Invalid, NotFound, feeds
from ..services import attachments as attachment_service
from ..services import circles as circle_service
from ..services import posts as post_service
from ..web import member_key, new_member, safe_next
from .main import feed_args

bp = Blueprint("circles", __name__)


def write_limit() -> str:
    if new_member():
        return current_app.config.get("RATE_LIMIT_POST_NEW_MEMBER", "2 per minute;10 per day")
    return current_app.config.get("RATE_LIMIT_POST", "6 per minute;100 per day")


def load(slug: str):
    try:
        return circle_service.get(slug)
    except NotFound:
        abort(404)


@bp.get("/circles")
def index():
    return render(
        "circles.html",
        circles=circle_service.list_by_activity(),
        joined=circle_service.joined_ids(current_user),
    )


@bp.route("/circles/new", methods=["GET"])
@login_required
def new():
    return render("circle_new.html", form={}, errors={})


@bp.post("/circles")
@login_required
@limiter.limit("10 per day", key_func=member_key)
def create():
    form = {k: request.form.get(k, "") for k in ("name", "slug", "description")}
    try:
        circle = circle_service.create(
            current_user, form["name"], form["slug"], form["description"]
        )
    except Invalid as exc:
        return render("circle_new.html", "form", status=422, form=form, errors=exc.errors)
    return redirect_to(f"/c/{circle.slug}")


@bp.get("/c/<slug>")
def show(slug: str):
    circle = load(slug)

    def build():
        sort, cursor, size = feed_args()
        page = feeds.circle(circle.id, sort, cursor, size, current_user)
        member = circle_service.is_member(current_user, circle)
        return render(
            "circle.html",
            "feed_page",
            circle=circle,
            page=page,
            is_member=member,
            form={},
            errors={},
        )

    version = (circle.post_count, circle.member_count, circle.last_activity_at)
    return pagecache.for_anonymous(version, build)


def _membership_reply(circle, member: bool):
    if is_htmx():
        return render("circle.html", "join_button", circle=circle, is_member=member)
    return redirect_to(safe_next(request.form.get("next"), f"/c/{circle.slug}"))


@bp.post("/c/<slug>/join")
@login_required
@limiter.limit("30 per minute", key_func=member_key)
def join(slug: str):
    circle = load(slug)
    circle_service.join(current_user, circle)
    return _membership_reply(circle, True)


@bp.post("/c/<slug>/leave")
@login_required
@limiter.limit("30 per minute", key_func=member_key)
def leave(slug: str):
    circle = load(slug)
    try:
        circle_service.leave(current_user, circle)
    except Forbidden as exc:
        abort(403, exc.message)
    return _membership_reply(circle, False)


@bp.route("/c/<slug>/announcement", methods=["GET", "POST"])
@login_required
def announcement(slug: str):
    circle = load(slug)
    if circle.owner_id != current_user.id and current_user.role != "admin":
        abort(403, "只有圈主可以编辑公告")
    form = posted(("announcement",), {"announcement": circle.announcement})

    def save() -> str:
        circle_service.update_announcement(current_user, circle, form["announcement"])
        return f"/c/{circle.slug}"

    return form_page("circle_announcement.html", "form", form, save, circle=circle)


@bp.get("/c/<slug>/compose")
@login_required
def compose(slug: str):
    circle = load(slug)
    member = circle_service.is_member(current_user, circle)
    # ?product=ID: a product chosen on its page or in search, to share here.
    draft = attachment_service.picked(request.args.getlist("product"))
    return render("compose.html", circle=circle, is_member=member, form={}, errors={}, draft=draft)


@bp.post("/c/<slug>/posts")
@login_required
@limiter.limit(write_limit, key_func=member_key)
def create_post(slug: str):
    circle = load(slug)
    form = {k: request.form.get(k, "") for k in ("title", "body")}
    # The inline composer on the circle page and the compose page post here.
    inline = is_htmx() and target() == "composer"
    draft = attachment_service.prepare(
        request.form.getlist("product"),
        request.files.getlist("images"),
        request.form.getlist("kept_image"),
    )
    try:
        post = post_service.create(
            current_user, circle, form["title"], form["body"], attachments=draft
        )
    except Forbidden as exc:
        abort(403, exc.message)
    except Invalid as exc:
        # Same form, in place, with the member's text (and images, products) kept.
        draft.keep()
        template, block = ("circle.html", "composer") if inline else ("compose.html", "form")
        return render(
            template,
            block,
            status=422,
            circle=circle,
            is_member=True,
            form=form,
            errors=exc.errors,
            draft=draft,
        )
    if inline:
        # Inline composer on the circle page: new card on top, a fresh form.
        post.author, post.circle = current_user, circle
        return render(
            "circle.html", "composed", circle=circle, post=post, form={}, errors={}, is_member=True
        )
    return redirect_to(f"/p/{post.id}")
