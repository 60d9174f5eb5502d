"""A post's page, editing and deleting it, likes and comments."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, request
from flask_login import current_user, login_required

from ..extensions import limiter
from ..htmx import is_htmx, redirect_to, render
from ..services import Forbidden, Invalid, NotFound
from ..services import comments as comment_service
from ..services import likes as like_service
from ..services import posts as post_service
from ..web import member_key, safe_next

bp = Blueprint("posts", __name__)


def comment_limit() -> str:
    return current_app.config.get("RATE_LIMIT_COMMENT", "12 per minute;300 per day")


def like_limit() -> str:
    return current_app.config.get("RATE_LIMIT_LIKE", "60 per minute")


def load(post_id: int):
    try:
        return post_service.get_for_viewer(post_id, current_user)
    except NotFound:
        abort(404)


def page_context(post, form=None, errors=None, reply_to=None) -> dict:
    return {
        "post": post,
        "threads": comment_service.threads(post, current_user),
        "liked": like_service.has_liked(current_user, post.id),
        "can_edit": post_service.can_edit(post, current_user),
        "form": form or {},
        "errors": errors or {},
        "reply_to": reply_to,
    }


@bp.get("/p/<int:post_id>")
def show(post_id: int):
    post = load(post_id)
    reply_to = request.args.get("reply", type=int)
    return render("post.html", **page_context(post, reply_to=reply_to))


@bp.route("/p/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit(post_id: int):
    post = load(post_id)
    if not post_service.can_edit(post, current_user):
        abort(403, "只能编辑自己的帖子")
    form, errors = {"title": post.title, "body": post.body}, {}
    if request.method == "POST":
        form = {k: request.form.get(k, "") for k in ("title", "body")}
        try:
            post_service.edit(current_user, post, form["title"], form["body"])
            return redirect_to(f"/p/{post.id}")
        except Invalid as exc:
            errors = exc.errors
    return render(
        "post_edit.html", "form", status=422 if errors else 200, post=post, form=form, errors=errors
    )


@bp.post("/p/<int:post_id>/delete")
@login_required
def delete(post_id: int):
    post = load(post_id)
    slug = post.circle.slug
    try:
        post_service.delete(current_user, post)
    except Forbidden as exc:
        abort(403, exc.message)
    return redirect_to(f"/c/{slug}")


@bp.post("/p/<int:post_id>/like")
@login_required
@limiter.limit(like_limit, key_func=member_key)
def like(post_id: int):
    post = load(post_id)
    wanted = request.form.get("liked")
    if wanted in ("0", "1"):
        liked, count = like_service.set_like(current_user, post, wanted == "1")
    else:
        liked, count = like_service.toggle(current_user, post)
    if is_htmx():
        return render("_like.html", post_id=post.id, liked=liked, like_count=count)
    return redirect_to(safe_next(request.form.get("next"), f"/p/{post.id}"))


@bp.post("/p/<int:post_id>/comments")
@login_required
@limiter.limit(comment_limit, key_func=member_key)
def comment(post_id: int):
    post = load(post_id)
    form = {"body": request.form.get("body", "")}
    parent_id = request.form.get("parent_id", type=int)
    try:
        comment_service.create(current_user, post, form["body"], parent_id)
    except Forbidden as exc:
        abort(403, exc.message)
    except Invalid as exc:
        context = page_context(post, form, exc.errors, reply_to=parent_id)
        return render("post.html", "comments", status=422, **context)
    if is_htmx():
        post = load(post_id)
        return render("post.html", "comments", **page_context(post))
    return redirect_to(f"/p/{post.id}#comments")


@bp.post("/comments/<int:comment_id>/delete")
@login_required
def delete_comment(comment_id: int):
    try:
        comment = comment_service.get(comment_id)
        post = comment_service.delete(current_user, comment)
    except NotFound:
        abort(404)
    except Forbidden as exc:
        abort(403, exc.message)
    if is_htmx():
        post = load(post.id)
        return render("post.html", "comments", **page_context(post))
    return redirect_to(f"/p/{post.id}#comments")
