"""A post's page, editing and deleting it, likes and comments."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, request
from flask_login import current_user, login_required

from ..errors import error_response
from ..extensions import limiter
from ..htmx import form_page, is_htmx, posted, redirect_to, render
from ..services import Forbidden, Invalid, NotFound, deletions
from ..services import attachments as attachment_service
from ..services import comments as comment_service
from ..services import likes as like_service
from ..services import posts as post_service
from ..web import member_key, new_member, safe_next

bp = Blueprint("posts", __name__)


def comment_limit() -> str:
    if new_member():
        return current_app.config.get("RATE_LIMIT_COMMENT_NEW_MEMBER", "4 per minute;40 per day")
    return current_app.config.get("RATE_LIMIT_COMMENT", "12 per minute;300 per day")


def like_limit() -> str:
    return current_app.config.get("RATE_LIMIT_LIKE", "60 per minute")


def load(post_id: int):
    try:
        return post_service.get_for_viewer(post_id, current_user)
    except NotFound:
        abort(404)


def moderates(circle) -> bool:
    """Moderators anywhere, a circle's owner in their circle (no query: the
    circle came with the post)."""
    return current_user.is_authenticated and (
        current_user.is_staff or circle.owner_id == current_user.id
    )


def page_context(post, form=None, errors=None, reply_to=None) -> dict:
    products, images = attachment_service.for_posts([post])
    return {
        "post": post,
        "products": products.get(post.id, []),
        "images": images.get(post.id, []),
        "threads": comment_service.threads(post, current_user),
        "liked": like_service.has_liked(current_user, post.id),
        "can_edit": post_service.can_edit(post, current_user),
        "can_moderate": moderates(post.circle),
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
    form = posted(("title", "body"), {"title": post.title, "body": post.body})

    def save() -> str:
        post_service.edit(current_user, post, form["title"], form["body"])
        return f"/p/{post.id}"

    return form_page("post_edit.html", "form", form, save, post=post)


@bp.post("/p/<int:post_id>/delete")
@login_required
def delete(post_id: int):
    post = load(post_id)
    slug = post.circle.slug
    try:
        if post_service.can_edit(post, current_user) or not moderates(post.circle):
            post_service.delete(current_user, post)
        else:  # a moderator or the circle's owner, with a reason
            deletions.delete_post(current_user, post, request.form.get("reason", ""))
    except Forbidden as exc:
        abort(403, exc.message)
    except Invalid as exc:
        return error_response(400, "；".join(exc.errors.values()))
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
        # A reply to a comment that is gone has no form to come back in: the
        # message and the member's text go to the main comment form instead.
        shown = {
            c.id for t in context["threads"] for c in (t.comment, *t.replies) if not c.deleted_at
        }
        if parent_id not in shown:
            context["reply_to"] = None
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
        if comment.author_id == current_user.id or not deletions.can_moderate_comments(
            current_user
        ):
            post = comment_service.delete(current_user, comment)
        else:  # a moderator or the circle's owner, with a reason
            reason = request.form.get("reason", "")
            post = deletions.delete_comment(current_user, comment, reason)
    except NotFound:
        abort(404)
    except Forbidden as exc:
        abort(403, exc.message)
    except Invalid as exc:
        return error_response(400, "；".join(exc.errors.values()))
    if is_htmx():
        post = load(post.id)
        return render("post.html", "comments", **page_context(post))
    return redirect_to(f"/p/{post.id}#comments")
