"""Reporting a post (举报): a short form, in place with HTMX or as its own page."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, request
from flask_login import current_user, login_required

from ..extensions import limiter
from ..htmx import is_htmx, redirect_to, render
from ..services import Invalid, NotFound
from ..services import posts as post_service
from ..services import reports as report_service
from ..web import member_key

bp = Blueprint("reports", __name__)


def report_limit() -> str:
    return current_app.config.get("RATE_LIMIT_REPORT", "10 per hour;30 per day")


def _page(post, done: bool, errors=None, status: int = 200, form=None):
    return render(
        "report.html",
        "report",
        status=status,
        post=post,
        done=done,
        reasons=report_service.REASONS,
        errors=errors or {},
        form=form or {},
    )


@bp.get("/p/<int:post_id>/report")
@login_required
def form(post_id: int):
    done = report_service.has_reported(current_user, post_id)
    try:
        post = post_service.get_for_viewer(post_id, current_user)
    except NotFound:
        # A post the member's report helped hide: thank them all the same.
        if not done:
            abort(404)
        post = None
    return _page(post, done)


@bp.post("/p/<int:post_id>/report")
@login_required
@limiter.limit(report_limit, key_func=member_key)
def report(post_id: int):
    try:
        post = post_service.get_for_viewer(post_id, current_user)
    except NotFound:
        abort(404)
    form = {"reason": request.form.get("reason", "")}
    try:
        report_service.report(current_user, post, form["reason"])
    except Invalid as exc:
        return _page(post, False, exc.errors, status=422, form=form)
    if is_htmx():
        return _page(post, True)
    return redirect_to(f"/p/{post_id}/report")
