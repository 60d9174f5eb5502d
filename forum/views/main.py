"""Home feed, member profiles and the health check."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, request
from flask_login import current_user, login_required
from sqlalchemy import text as sql

from .. import pagecache
from ..extensions import db
from ..htmx import form_page, posted, render
from ..services import accounts, feeds, heat, indexing
from ..services import circles as circle_service

bp = Blueprint("main", __name__)


def feed_args() -> tuple[str, str | None, int]:
    sort = request.args.get("sort", "new")
    return (
        (sort if sort in feeds.SORTS else "new"),
        request.args.get("cursor"),
        current_app.config["FEED_PAGE_SIZE"],
    )


@bp.get("/")
def home():
    def build():
        sort, cursor, size = feed_args()
        page = feeds.home(sort, cursor, size, current_user)
        hot = [] if cursor else heat.home_topics(3)
        return render("home.html", "feed_page", page=page, hot_topics=hot)

    if current_user.is_authenticated:
        return build()
    return pagecache.for_anonymous(feeds.home_version(), build)


@bp.get("/u/<int:member_no>")
def profile(member_no: int):
    member = accounts.get_by_member_no(member_no)
    if member is None:
        abort(404)
    sort, cursor, size = feed_args()
    page = feeds.profile(member, sort, cursor, size, current_user)
    return render("profile.html", "feed_page", member=member, page=page)


@bp.route("/settings/profile", methods=["GET", "POST"])
@login_required
def edit_profile():
    form = posted(("nickname", "bio"), {"nickname": current_user.nickname, "bio": current_user.bio})

    def save() -> str:
        accounts.update_profile(current_user, form["nickname"], form["bio"])
        return f"/u/{current_user.member_no}"

    return form_page("settings.html", "form", form, save)


@bp.get("/compose")
@login_required
def compose():
    """Where the compose button leads outside a circle: pick one of your circles."""
    mine = circle_service.member_circles(current_user)
    return render("compose_pick.html", circles=mine)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(sql("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        return {"status": "error", "database": "unreachable"}, 503
    # The index is reported, but a broken one does not make the host unhealthy:
    # the site works without search (the page says so), a restart would not mend
    # it, and ``flask search rebuild`` does; so 200, with "degraded" to alert on.
    search = indexing.health()
    status = "ok" if search["status"] == "ok" else "degraded"
    return {"status": status, "database": "ok", "search": search}
