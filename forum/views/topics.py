"""Topic pages: the posts that carry a ``#话题#``."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from ..htmx import render
from ..services import NotFound, feeds
from ..services import topics as topic_service
from .main import feed_args

bp = Blueprint("topics", __name__)


@bp.get("/topics")
def index():
    return render("topics.html", topics=topic_service.popular(100))


@bp.get("/t/<name>")
def show(name: str):
    try:
        topic = topic_service.get(name)
    except NotFound:
        abort(404)
    sort, cursor, size = feed_args()
    page = feeds.topic(topic.id, sort, cursor, size, current_user)
    return render("topic.html", "feed_page", topic=topic, page=page)
