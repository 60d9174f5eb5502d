"""App-wide moderation hooks: banned members are logged out, and every write
they try is refused, whatever the route; a refusal from a service (``Forbidden``)
is answered with a 403 page or toast in Chinese."""

from __future__ import annotations

from flask import Flask, abort, request
from flask_login import current_user, logout_user

from . import text
from .errors import error_response
from .services import Forbidden, standing

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def init_app(app: Flask) -> None:
    app.add_template_global(text.highlight, "highlight")
    app.add_template_global(standing.until_text, "until_text")

    @app.before_request
    def _keep_banned_members_out():
        if request.endpoint == "static":
            return None
        if not getattr(current_user, "is_banned", False):
            return None
        message = standing.ban_message(current_user)
        logout_user()
        if request.method not in SAFE_METHODS:
            abort(403, message)
        return None

    @app.errorhandler(Forbidden)
    def _forbidden(error: Forbidden):
        return error_response(403, error.message)
