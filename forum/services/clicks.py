"""Product clicks: a tap on a product card, counted once per reader per minute.

A reader is a member (``u:<id>``) or, for a visitor, an id kept in their
session cookie (``a:<random>``).  The check and the insert are one statement
(``INSERT … SELECT … WHERE NOT EXISTS`` a click by the same reader on the same
product in the last minute), so a double tap is one click.  The redirect that
records a click is a GET that writes, like any tracking link: it writes this
one row and nothing else.
"""

from __future__ import annotations

import secrets
from collections.abc import MutableMapping
from datetime import datetime, timedelta

from sqlalchemy import DateTime, Integer, String, insert, literal, select

from ..extensions import db
from ..models import PostProduct, Product, ProductClick, User, utcnow
from .attribution import SOURCE_KEY, clean_source

WINDOW = timedelta(minutes=1)
READER_KEY = "reader"


def reader_key(user: User | None, session: MutableMapping) -> str:
    """Who is clicking: the member, else a random id kept in the visitor's session."""
    if user is not None and user.is_authenticated:
        return f"u:{user.id}"
    if not isinstance(session.get(READER_KEY), str):
        session[READER_KEY] = secrets.token_urlsafe(12)
    return f"a:{session[READER_KEY]}"


def source_of(value: str | None, session: MutableMapping) -> str:
    """Where the click came from: the request's ``from``/``source`` tag, else the
    session's first source, else ``web``."""
    return clean_source(value) or clean_source(session.get(SOURCE_KEY)) or "web"


def _linked_post(product_id: int, post_id: int | None) -> int | None:
    """``post_id`` if that post shares the product (else the click has no post)."""
    if not post_id or not 0 < post_id < 2**63:
        return None
    linked = db.session.scalar(
        select(PostProduct.post_id).where(
            PostProduct.post_id == post_id, PostProduct.product_id == product_id
        )
    )
    return linked


def record(
    product: Product,
    post_id: int | None,
    user: User | None,
    reader: str,
    source: str = "web",
    now: datetime | None = None,
) -> bool:
    """Count a click on ``product`` (from post ``post_id``); False if the same
    reader clicked it less than a minute ago.  Commits."""
    now = now or utcnow()
    post_id = _linked_post(product.id, post_id)
    user_id = user.id if user is not None and user.is_authenticated else None
    recent = (
        select(ProductClick.id)
        .where(
            ProductClick.product_id == product.id,
            ProductClick.reader_key == reader,
            ProductClick.created_at > now - WINDOW,
        )
        .exists()
    )
    row = select(
        literal(product.id, Integer),
        literal(post_id, Integer),
        literal(user_id, Integer),
        literal(reader, String),
        literal(source[:64], String),
        literal(now, DateTime),
    ).where(~recent)
    columns = ["product_id", "post_id", "user_id", "reader_key", "source", "created_at"]
    result = db.session.execute(insert(ProductClick).from_select(columns, row))
    db.session.commit()
    return result.rowcount == 1
