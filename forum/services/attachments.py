"""What a post carries besides its text: shared products (好物分享, up to 3) and
images (up to 9).

The compose view calls :func:`prepare` with the form's product ids, uploaded
files and images kept from a refused attempt; ``forum.services.posts.create``
validates the post and the attachments together (one set of messages) and calls
:meth:`Attachments.attach` in its transaction, so a post and its attachments
commit once.  Images are written to storage just before that commit (a file
without a row is harmless: names are content hashes, reused next time).
Feeds load a page's products and images with one query each
(:func:`for_posts`), skipped when no post on the page has any.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from ..extensions import db
from ..models import Post, PostImage, PostProduct, Product
from . import images, storage
from . import products as product_service

MAX_PRODUCTS = 3
MAX_IMAGES = 9


@dataclass(frozen=True)
class KeptImage:
    """An image already processed and stored by an earlier, refused attempt."""

    name: str
    thumb_name: str
    width: int
    height: int


@dataclass
class Attachments:
    products: list[Product] = field(default_factory=list)
    images: list[images.ProcessedImage] = field(default_factory=list)
    kept: list[KeptImage] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def image_count(self) -> int:
        return len(self.kept) + len(self.images)

    def keep(self) -> list[KeptImage]:
        """After a refusal: store the new images so the form can carry them back."""
        for image in self.images:
            name, thumb = images.save(image)
            self.kept.append(KeptImage(name, thumb, image.width, image.height))
        self.images = []
        return self.kept

    def attach(self, post: Post) -> None:
        """Link the products and images to ``post`` (flushed, not committed)."""
        self.keep()
        for position, product in enumerate(self.products):
            db.session.add(PostProduct(post_id=post.id, product_id=product.id, position=position))
        for position, image in enumerate(self.kept):
            db.session.add(
                PostImage(
                    post_id=post.id,
                    position=position,
                    path=image.name,
                    thumb_path=image.thumb_name,
                    width=image.width,
                    height=image.height,
                )
            )
        post.is_goods, post.image_count = bool(self.products), len(self.kept)
        db.session.flush()


def _ids(values: list[str]) -> list[int]:
    seen: dict[int, None] = {}
    for value in values:
        value = (value or "").strip()
        if value.isdigit() and len(value) < 10:
            seen.setdefault(int(value), None)
    return list(seen)


def _kept(names: list[str]) -> list[KeptImage]:
    """Images named by the form that really are in storage (anything else is dropped)."""
    store = storage.current()
    kept: list[KeptImage] = []
    for name in dict.fromkeys(names):
        if not store.exists(name) or ".t." in name:
            continue
        thumb = name.replace(".", ".t.", 1)
        with Image.open(store.path(name)) as image:
            width, height = image.size
        kept.append(KeptImage(name, thumb if store.exists(thumb) else name, width, height))
    return kept


def picked(product_ids: list[str]) -> Attachments:
    """A draft with the products named in a link (``?product=ID``) already chosen."""
    return Attachments(products=product_service.on_sale(_ids(product_ids))[:MAX_PRODUCTS])


def prepare(product_ids: list[str], uploads: list, kept_names: list[str] = ()) -> Attachments:
    """Check the attachments of a post being written; problems go to ``errors``."""
    result = Attachments()
    wanted = _ids(product_ids)
    if len(wanted) > MAX_PRODUCTS:
        result.errors["products"] = f"一篇帖子最多分享 {MAX_PRODUCTS} 件好物"
    result.products = product_service.on_sale(wanted)[:MAX_PRODUCTS]
    if len(result.products) < min(len(wanted), MAX_PRODUCTS):
        result.errors.setdefault("products", "有商品已下架或不存在，已从帖子中移除，请确认后再发布")
    result.kept = _kept(list(kept_names))[:MAX_IMAGES]
    files = [upload for upload in uploads if upload is not None and upload.filename]
    if result.image_count + len(files) > MAX_IMAGES:
        result.errors["images"] = f"最多上传 {MAX_IMAGES} 张图片"
        files = files[: max(MAX_IMAGES - result.image_count, 0)]
    problems = []
    for upload in files:
        try:
            result.images.append(images.process(upload))
        except images.ImageRejected as exc:
            problems.append(exc.message)
    if problems:
        result.errors["images"] = "；".join(problems)
    return result


def for_posts(posts: list[Post]) -> tuple[dict[int, list[Product]], dict[int, list[PostImage]]]:
    """The products and images of ``posts`` by post id: one query each, and none
    when no post has any."""
    goods = [p.id for p in posts if p.is_goods]
    pictured = [p.id for p in posts if p.image_count]
    products: dict[int, list[Product]] = {}
    pictures: dict[int, list[PostImage]] = {}
    if goods:
        rows = db.session.execute(
            select(PostProduct.post_id, Product)
            .join(Product, Product.id == PostProduct.product_id)
            .join(Product.brand)
            .options(contains_eager(Product.brand))
            .where(PostProduct.post_id.in_(goods))
            .order_by(PostProduct.post_id, PostProduct.position)
        )
        for post_id, product in rows:
            products.setdefault(post_id, []).append(product)
    if pictured:
        for image in db.session.scalars(
            select(PostImage)
            .where(PostImage.post_id.in_(pictured))
            .order_by(PostImage.post_id, PostImage.position)
        ):
            pictures.setdefault(image.post_id, []).append(image)
    return products, pictures
