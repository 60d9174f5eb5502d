"""Small factories for the good-stuff tests: images made with Pillow, brands,
products and 好物分享 posts made through the real services."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

from forum.extensions import db as _db
from forum.models import User
from forum.services import brands, products


def image_bytes(size=(60, 40), color=(220, 60, 50), fmt="PNG", exif: Image.Exif | None = None):
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    options = {"exif": exif.tobytes()} if exif is not None else {}
    image.save(out, fmt, **options)
    return out.getvalue()


def upload(data: bytes, name: str = "photo.png") -> tuple[io.BytesIO, str]:
    """A file for the test client's ``data={...}``."""
    return io.BytesIO(data), name


@dataclass
class BrandSeed:
    id: int
    name: str
    account: User


def make_brand(app, make, name: str, username: str) -> BrandSeed:
    """A brand with one brand account (a member made through registration)."""
    make.member(username, nickname=f"{name}官方")
    with app.app_context():
        brand = brands.create(None, name)
        account = brands.attach_account(None, brand, username)
        _db.session.expunge(account)
        return BrandSeed(brand.id, brand.name, account)


def make_product(app, account: User, name: str = "气泡水", price: str = "5.50", **fields) -> int:
    """A product of the account's brand; returns its id."""
    form = {"name": name, "price": price, "web_url": "https://shop.example.com/item/1"}
    form.update(fields)
    with app.app_context():
        product = products.create(_db.session.get(User, account.id), form)
        return product.id


def share(app, author, circle, body: str, product_ids=(), images=()):
    """A 好物分享 post through the same path as the compose form (no HTTP)."""
    from werkzeug.datastructures import FileStorage

    from forum.models import Circle
    from forum.services import attachments, posts

    with app.test_request_context():
        files = [FileStorage(io.BytesIO(data), f"p{i}.png") for i, data in enumerate(images)]
        draft = attachments.prepare([str(i) for i in product_ids], files)
        assert not draft.errors, draft.errors
        post = posts.create(
            _db.session.get(User, author.id),
            _db.session.get(Circle, circle.id),
            "",
            body,
            attachments=draft,
        )
        _db.session.expunge(post)
        return post
