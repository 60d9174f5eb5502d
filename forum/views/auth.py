"""Password accounts: register, log in, log out."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from flask_login import current_user, login_user, logout_user

from ..extensions import limiter
from ..htmx import redirect_to, render
from ..services import Invalid, accounts, standing
from ..web import safe_next

bp = Blueprint("auth", __name__)


def login_limit() -> str:
    return current_app.config.get("RATE_LIMIT_LOGIN", "10 per minute;50 per hour")


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def register():
    next_url = safe_next(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect_to(next_url)
    form, errors = {"username": "", "nickname": ""}, {}
    if request.method == "POST":
        form = {k: request.form.get(k, "") for k in ("username", "nickname")}
        try:
            user = accounts.register(
                form["username"], request.form.get("password", ""), form["nickname"]
            )
        except Invalid as exc:
            errors = exc.errors
        else:
            login_user(user, remember=True)
            return redirect_to(next_url)
    return render(
        "auth/register.html",
        "form",
        status=422 if errors else 200,
        form=form,
        errors=errors,
        next=next_url,
    )


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login():
    next_url = safe_next(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect_to(next_url)
    form, errors = {"username": ""}, {}
    if request.method == "POST":
        form = {"username": request.form.get("username", "")}
        user = accounts.authenticate(form["username"], request.form.get("password", ""))
        if user is None:
            errors = {"password": "用户名或密码不对"}
        elif user.is_banned:  # login_user would refuse it too: say why
            errors = {"username": standing.ban_message(user)}
        else:
            login_user(user, remember=bool(request.form.get("remember")))
            return redirect_to(next_url)
    return render(
        "auth/login.html",
        "form",
        status=422 if errors else 200,
        form=form,
        errors=errors,
        next=next_url,
    )


@bp.post("/logout")
def logout():
    logout_user()
    return redirect_to("/")
