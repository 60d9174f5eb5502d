"""The mini-program's entry points: code → ticket (JSON), ticket → session (web-view),
binding WeChat to a password account, and where visitors come from."""

from __future__ import annotations

import logging
from urllib.parse import quote, urlencode

from flask import Blueprint, current_app, g, jsonify, redirect, request, session, url_for
from flask_login import current_user, login_required, login_user, user_logged_in

from ..errors import error_response
from ..extensions import csrf, db, limiter
from ..htmx import redirect_to, render
from ..services import attribution, wechat, wechat_login
from ..web import member_key, safe_next
from ..wechat_api import WeChatError

log = logging.getLogger(__name__)

bp = Blueprint("api", __name__)

# WeChat's errcodes → (HTTP status, our error code). Anything else: 502.
WECHAT_ERRORS = {
    40029: (400, "invalid_code"),
    40163: (400, "code_used"),
    45011: (429, "rate_limited"),
    40226: (403, "risky_account"),
    -1: (503, "wechat_busy"),
}
TICKET_PROBLEMS = {
    "invalid": (400, "登录链接无效", "这个登录链接不完整或已被改动。"),
    "expired": (410, "登录链接已过期", "登录链接只在打开后一分钟内有效。"),
    "used": (410, "登录链接已用过", "每个登录链接只能使用一次。"),
}


def session_limit() -> str:
    return current_app.config.get("RATE_LIMIT_WECHAT_SESSION", "20 per minute")


def json_error(status: int, error: str, message: str):
    response = jsonify(error=error, message=message)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/api/wechat/session")
@limiter.limit(session_limit)
@csrf.exempt
def wechat_session():
    """``{"code", "scene"?, "from"?}`` → ``{"ticket", "expires_in"}`` (JSON only)."""
    if request.mimetype != "application/json":
        return json_error(415, "unsupported_media_type", "请求格式有误，请使用 JSON")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return json_error(400, "invalid_json", "请求格式有误，请重新进入小程序")
    code = data.get("code")
    if not isinstance(code, str) or not code.isascii() or not 0 < len(code) <= 128:
        return json_error(400, "invalid_code", "缺少登录凭证，请重新进入小程序")
    if not wechat.configured():
        log.error("mini-program login without FORUM_WECHAT_APPID/FORUM_WECHAT_SECRET")
        return json_error(503, "wechat_not_configured", "小程序登录暂未开通，请稍后再试")
    try:
        ticket = wechat_login.start_session(
            code.strip(),
            scene=attribution.clean_scene(data.get("scene")),
            source=attribution.clean_source(data.get("from")),
        )
    except WeChatError as error:
        # WeChat's words and errcode only: never the code, the session_key or secrets.
        log.warning("mini-program login failed: %s", error)
        if error.errcode is None:
            return json_error(503, "wechat_unavailable", error.message)
        status, name = WECHAT_ERRORS.get(error.errcode, (502, "wechat_error"))
        return json_error(status, name, error.message)
    response = jsonify(ticket=ticket, expires_in=wechat_login.TICKET_TTL)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/auth/ticket")
@limiter.limit("60 per minute")
def ticket():
    """The web-view's entry: spend the one-time ticket, log in, go to ``next``.

    A GET that writes, by nature: it spends the ticket and logs in, nothing more."""
    next_url = safe_next(request.args.get("next"))
    try:
        spent = wechat_login.consume_ticket(request.args.get("t", ""))
    except wechat_login.TicketRefused as refused:
        status, title, message = TICKET_PROBLEMS[refused.reason]
        return _notice(title, message, status, reopen=True)
    attribution.remember(
        session,
        spent.source or attribution.clean_source(request.args.get("from")),
        spent.scene or attribution.clean_scene(request.args.get("scene")),
    )
    if request.args.get("bind") == "1" and current_user.is_authenticated:
        return _bind(spent.member, next_url)
    login_user(spent.member, remember=True)
    return _no_store(redirect(next_url, 303))


def _bind(owner, next_url: str):
    if not wechat_login.take_bind_request(session, current_user):
        return _notice(
            "绑定请求已失效",
            "请回到「编辑资料」页面，重新点击「绑定微信」。",
            400,
            back=url_for("main.edit_profile"),
        )
    try:
        wechat_login.bind(current_user._get_current_object(), owner)
    except wechat_login.BindRefused as refused:
        return _notice("无法绑定微信", refused.message, 409, back=url_for("main.edit_profile"))
    return _no_store(redirect(next_url, 303))


@bp.route("/settings/wechat/bind", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per minute", key_func=member_key, methods=["POST"])
def bind_wechat():
    """POST: remember the wish to bind (CSRF-checked), then the page that hands over
    to the mini-program's login with ``bind=1``."""
    if request.method == "POST":
        wechat_login.request_bind(session, current_user)
        return redirect_to(url_for("api.bind_wechat"))
    return render("auth/wechat_bind.html")


def _notice(title: str, message: str, status: int, reopen: bool = False, back: str = ""):
    back = back or url_for("main.home")
    response = render(
        "auth/wechat_notice.html",
        status=status,
        title=title,
        message=message,
        reopen=reopen,
        back=back,
    )
    return _no_store(response)


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(429)
def _too_many(error):
    if request.path.startswith("/api/"):
        return json_error(429, "rate_limited", "请求太频繁，请稍后再试")
    return error_response(429)


# -- every page: the source of a visit, and the web-view -------------------------------


@bp.before_app_request
def _remember_source() -> None:
    """``?from=poster`` on any page: kept in the session cookie, first one wins."""
    source = request.args.get("from")
    if source and request.endpoint not in (None, "static"):
        attribution.remember(session, attribution.clean_source(source), None)


def _record_first_visit(_app, user, **_extra) -> None:
    """On a member's first login: where they came from, written once."""
    if attribution.record_first_visit(user, session):
        db.session.commit()


@bp.record_once
def _connect_signals(state) -> None:
    user_logged_in.connect(_record_first_visit, state.app)


@bp.app_template_global()
def in_miniprogram() -> bool:
    """Is this page shown in the mini-program's web-view? (Decided from the user agent,
    so the top bar is hidden before any script runs.)"""
    g.varies_on_user_agent = True
    return "miniprogram" in (request.user_agent.string or "").lower()


@bp.app_template_global()
def miniprogram_bind_url() -> str:
    """The host's login page, asked to come back with ``bind=1`` to the settings."""
    return f"/pages/index/index?bind=1&next={quote(url_for('main.edit_profile'), safe='')}"


@bp.app_template_global()
def shareable_path() -> str:
    """This page's path for a share card: without the login ticket, the campaign tag
    of whoever shares it, or a feed cursor.  A ticket page shares where it leads."""
    if request.endpoint == "api.ticket":
        return safe_next(request.args.get("next"))
    args = [
        (key, value)
        for key, values in request.args.lists()
        for value in values
        if key not in ("t", "bind", "from", "cursor", "scene")
    ]
    if not args:
        return request.path
    return f"{request.path}?{urlencode(args)}"


@bp.after_app_request
def _vary_on_user_agent(response):
    if g.get("varies_on_user_agent"):
        response.vary.add("User-Agent")
    return response
