"""Posts with images and products: uploads checked with Pillow, size limits in
Chinese, EXIF stripped, resized, content-hashed names served for a year."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from goods_helpers import image_bytes, make_brand, make_product, upload
from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from forum.models import Post, PostImage, PostProduct

pytestmark = pytest.mark.usefixtures("fast_hashing")

MULTIPART = "multipart/form-data"


@pytest.fixture
def site(app, make):
    author = make.member("xiaomei", nickname="小美")
    circle = make.circle(author, slug="drinks", name="饮料")
    brand = make_brand(app, make, "元气森林", "yuanqi")
    product_id = make_product(app, brand.account, name="白桃气泡水")
    return author, circle, product_id


@pytest.fixture
def author(site, login_client):
    return login_client(site[0])


def stored(app, name: str) -> Path:
    return Path(app.config["UPLOAD_DIR"]) / name


def test_a_goods_post_with_a_product_and_two_images(app, site, author, rows, client):
    _, _, product_id = site

    response = author.post(
        "/c/drinks/posts",
        data={
            "title": "夏天必备",
            "body": "冰镇后更好喝 #好物推荐#",
            "product": str(product_id),
            "images": [
                upload(image_bytes((800, 600), (10, 120, 200)), "a.png"),
                upload(image_bytes((300, 300), (250, 200, 0)), "b.png"),
            ],
        },
        content_type=MULTIPART,
    )

    assert response.status_code == 303
    post = rows.one(select(Post))
    assert (post.is_goods, post.image_count) == (True, 2)
    assert rows.scalar(select(PostProduct.product_id)) == product_id
    images = rows.all(select(PostImage).order_by(PostImage.position))
    assert [(i.width, i.height) for i in images] == [(800, 600), (300, 300)]
    assert all(stored(app, i.path).is_file() for i in images)
    assert images[0].thumb_path != images[0].path  # 800 px wide: a 480 px thumbnail too
    page = client.get(f"/p/{post.id}").text
    assert "好物分享" in page and "白桃气泡水" in page and "去看看" in page
    assert page.count('class="tile"') == 2 and page.count('class="lightbox"') == 2
    assert f'href="#img-{post.id}-1"' in page and f'id="img-{post.id}-1"' in page
    assert "¥5.50" in page


def test_images_are_served_with_long_cache_headers(app, site, author, rows, client):
    author.post(
        "/c/drinks/posts",
        data={"body": "晒图", "images": [upload(image_bytes(), "a.png")]},
        content_type=MULTIPART,
    )
    image = rows.one(select(PostImage))

    response = client.get(f"/media/{image.path}")
    response.close()  # a file response: close it, as a server does

    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    cache = response.headers["Cache-Control"]
    assert "public" in cache and "max-age=31536000" in cache and "immutable" in cache
    assert client.get("/media/../secret_key").status_code == 404
    assert client.get("/media/ab/nothere.jpg").status_code == 404


def test_a_text_file_renamed_jpg_is_refused(site, author, rows):
    response = author.post(
        "/c/drinks/posts",
        data={"body": "看图", "images": [upload(b"hello, I am text\n" * 50, "cat.jpg")]},
        content_type=MULTIPART,
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 422
    assert "「cat.jpg」不是有效的图片，请上传 JPG、PNG、GIF 或 WebP 图片" in response.text
    assert ">看图</textarea>" in response.text
    assert rows.all(select(Post)) == []


def test_a_truncated_image_is_refused(site, author, rows):
    data = image_bytes((400, 400), fmt="JPEG")

    response = author.post(
        "/c/drinks/posts",
        data={"body": "看图", "images": [upload(data[: len(data) // 2], "half.jpg")]},
        content_type=MULTIPART,
    )

    assert response.status_code == 422
    assert "「half.jpg」不是有效的图片" in response.text


def test_an_oversized_image_is_refused_with_the_limit(app, site, author, rows):
    big = b"\xff\xd8\xff\xe0" + b"0" * (10 * 1024 * 1024)  # just over 10 MB
    # Encoded in memory: the test client would spool a body this big to a temp
    # file that it never closes.
    boundary, body = encode_multipart(
        {"body": "大图", "images": FileStorage(io.BytesIO(big), "huge.jpg")}
    )

    response = author.post(
        "/c/drinks/posts", data=body, content_type=f"{MULTIPART}; boundary={boundary}"
    )

    assert response.status_code == 422
    assert "「huge.jpg」超过 10 MB，请压缩后再上传" in response.text
    assert rows.all(select(Post)) == []


def test_the_size_limit_is_a_setting(app, site, author):
    app.config["IMAGE_MAX_BYTES"] = 1024
    noisy = Image.effect_noise((200, 200), 64).convert("RGB")
    out = io.BytesIO()
    noisy.save(out, "PNG")

    response = author.post(
        "/c/drinks/posts",
        data={"body": "大图", "images": [upload(out.getvalue(), "noise.png")]},
        content_type=MULTIPART,
    )

    assert response.status_code == 422
    assert "「noise.png」超过 1 KB" in response.text


def test_exif_is_stripped_and_the_orientation_applied(app, site, author, rows):
    exif = Image.Exif()
    exif[0x0110] = "SecretPhone 15"  # camera model
    exif[0x0132] = "2026:11:01 08:00:00"  # date taken
    exif[0x0112] = 6  # rotate 90° clockwise to view
    photo = image_bytes((2400, 1200), fmt="JPEG", exif=exif)
    assert b"SecretPhone" in photo

    author.post(
        "/c/drinks/posts",
        data={"body": "原图带位置", "images": [upload(photo, "IMG_0001.JPG")]},
        content_type=MULTIPART,
    )

    image = rows.one(select(PostImage))
    data = stored(app, image.path).read_bytes()
    assert b"SecretPhone" not in data and b"Exif" not in data
    with Image.open(io.BytesIO(data)) as saved:
        assert dict(saved.getexif()) == {}
        assert saved.size == (800, 1600)  # turned upright, then at most 1600 px
    assert (image.width, image.height) == (800, 1600)
    with Image.open(stored(app, image.thumb_path)) as thumb:
        assert max(thumb.size) == 480


def test_transparent_images_stay_png(app, site, author, rows):
    out = io.BytesIO()
    Image.new("RGBA", (50, 50), (0, 0, 0, 0)).save(out, "PNG")

    author.post(
        "/c/drinks/posts",
        data={"body": "透明", "images": [upload(out.getvalue(), "clear.png")]},
        content_type=MULTIPART,
    )

    assert rows.one(select(PostImage)).path.endswith(".png")


def test_at_most_nine_images_and_three_products(app, site, author, rows):
    _, _, product_id = site
    brand_products = [product_id] + [
        make_product(app, site_brand_account(app, rows), name=f"商品{i}") for i in range(3)
    ]

    response = author.post(
        "/c/drinks/posts",
        data={
            "body": "太多了",
            "product": [str(i) for i in brand_products],
            "images": [upload(image_bytes(), f"{i}.png") for i in range(10)],
        },
        content_type=MULTIPART,
    )

    assert response.status_code == 422
    assert "最多上传 9 张图片" in response.text
    assert "一篇帖子最多分享 3 件好物" in response.text
    assert rows.all(select(Post)) == []


def site_brand_account(app, rows):
    from forum.models import BrandAccount, User

    account = rows.one(select(BrandAccount))
    return rows.get(User, account.user_id)


def test_images_come_back_with_a_refused_post(app, site, author, rows):
    refused = author.post(
        "/c/drinks/posts",
        data={"body": "", "images": [upload(image_bytes((100, 80)), "keep.png")]},
        content_type=MULTIPART,
    )
    assert refused.status_code == 422
    assert "内容不能为空" in refused.text
    kept = refused.text.split('name="kept_image" value="')[1].split('"')[0]
    assert stored(app, kept).is_file()

    posted = author.post(
        "/c/drinks/posts",
        data={"body": "补上文字", "kept_image": kept},
        content_type=MULTIPART,
    )

    assert posted.status_code == 303
    image = rows.one(select(PostImage))
    assert (image.path, image.width, image.height) == (kept, 100, 80)


def test_a_kept_image_name_must_be_a_stored_image(site, author, rows):
    posted = author.post(
        "/c/drinks/posts",
        data={"body": "伪造", "kept_image": ["../../secret_key", "ab/" + "0" * 32 + ".jpg"]},
        content_type=MULTIPART,
    )

    assert posted.status_code == 303
    assert rows.all(select(PostImage)) == []
    assert rows.one(select(Post)).image_count == 0


def test_the_compose_page_preselects_a_product_from_a_link(site, author):
    _, _, product_id = site

    page = author.get(f"/c/drinks/compose?product={product_id}").text

    assert 'enctype="multipart/form-data"' in page and 'hx-encoding="multipart/form-data"' in page
    assert f'name="product" value="{product_id}" checked' in page
    assert 'form="product-search"' in page  # the search box searches, it does not publish


def test_a_plain_post_is_not_a_goods_post(site, author, rows, client):
    author.post("/c/drinks/posts", data={"body": "只是文字"})

    post = rows.one(select(Post))
    assert (post.is_goods, post.image_count) == (False, 0)
    assert "好物分享" not in client.get(f"/p/{post.id}").text
