"""Topic pages: every topic by heat, and the posts that carry a ``#话题#``."""

from __future__ import annotations

from flask import Blueprint, abort, request, url_for
from flask_login import current_user, login_required

from .. import pagecache
from ..htmx import redirect_to, render
from ..services import Invalid, NotFound, feeds, heat, pins
from ..services import topics as topic_service
from .main import feed_args

bp = Blueprint("topics", __name__)


@bp.get("/topics")
def index():
    pinned = pins.cached_active()
    pinned_ids = {t["id"] for t in pinned}
    ranked = [t for t in heat.cached_ranking() if t["id"] not in pinned_ids]
    return render("topics.html", pinned=pinned, topics=ranked)


def _load(name: str):
    try:
        return topic_service.with_participants(name)
    except NotFound:
        abort(404)


@bp.get("/t/<name>")
def show(name: str):
    topic, participants = _load(name)

    def build():
        sort, cursor, size = feed_args()
        page = feeds.topic(topic.id, sort, cursor, size, current_user)
        brand = None if cursor else pins.brand_for_topic(topic.id)
        return render(
            "topic.html",
            "feed_page",
            topic=topic,
            page=page,
            participants=participants,
            brand=brand,
            can_describe=topic_service.can_describe(current_user),
            errors={},
        )

    version = (topic.post_count, topic.last_post_at, topic.description)
    return pagecache.for_anonymous(version, build)


@bp.post("/t/<name>/description")
@login_required
def describe(name: str):
    topic, _participants = _load(name)
    try:
        topic_service.describe(current_user, topic, request.form.get("description", ""))
    except Invalid as exc:
        abort(400, "；".join(exc.errors.values()))
    return redirect_to(url_for("topics.show", name=topic.name))
