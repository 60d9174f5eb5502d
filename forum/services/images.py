"""Uploaded images: checked to be real images, resized, stripped, stored by hash.

Every upload goes through :func:`process`: a size limit (``IMAGE_MAX_BYTES``),
Pillow's ``verify()`` and a second open that decodes the pixels (a renamed text
file or a truncated image is refused), a cap on pixels (decompression bombs),
EXIF orientation applied and then every metadata block dropped by re-encoding
(JPEG, or PNG for images with transparency; an animation keeps its first
frame), and a resize to at most ``max_side`` pixels.  Nothing is written until
:func:`save`, so a refused post leaves no files behind.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from flask import current_app
from PIL import Image, ImageOps

from . import storage

FORMATS = frozenset({"JPEG", "PNG", "GIF", "WEBP"})
MAX_PIXELS = 40_000_000
FULL_SIDE = 1600
THUMB_SIDE = 480
JPEG_QUALITY = 85


class ImageRejected(ValueError):
    """The upload is not an image we take: the message says why, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ProcessedImage:
    data: bytes
    ext: str
    width: int
    height: int
    thumb: bytes | None = None

    @property
    def name(self) -> str:
        return storage.content_name(self.data, self.ext)

    @property
    def thumb_name(self) -> str:
        return storage.content_name(self.data, self.ext, ".t") if self.thumb else self.name


def max_bytes() -> int:
    return int(current_app.config.get("IMAGE_MAX_BYTES", 10 * 1024 * 1024))


def size_text(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


def _label(filename: str | None) -> str:
    return f"「{filename}」" if filename else "这个文件"


def read_upload(upload, limit: int | None = None) -> bytes:
    """The bytes of an uploaded file (werkzeug ``FileStorage``), refusing it
    beyond ``limit`` without reading the rest."""
    limit = max_bytes() if limit is None else limit
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise ImageRejected(f"{_label(upload.filename)}超过 {size_text(limit)}，请压缩后再上传")
    if not data:
        raise ImageRejected(f"{_label(upload.filename)}是空文件，请重新选择")
    return data


def _open(data: bytes, filename: str | None) -> Image.Image:
    not_image = ImageRejected(
        f"{_label(filename)}不是有效的图片，请上传 JPG、PNG、GIF 或 WebP 图片"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format
                probe.verify()  # structure and checksums, without decoding
            if kind not in FORMATS:
                raise not_image
            # verify() leaves the image unusable: open again and decode it all.
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                raise ImageRejected(f"{_label(filename)}的尺寸太大了，请缩小后再上传")
            image.load()
        except ImageRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageRejected(f"{_label(filename)}的尺寸太大了，请缩小后再上传") from exc
        except Exception as exc:  # noqa: BLE001 - Pillow's decoders raise many kinds
            raise not_image from exc
    return image


def _encode(image: Image.Image, side: int) -> tuple[bytes, str, int, int]:
    image = image.copy()
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    image.info = {}  # no EXIF, no comments, no ICC: nothing rides along
    out = io.BytesIO()
    if image.mode == "RGBA":
        image.save(out, "PNG", optimize=True)
        ext = "png"
    else:
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        ext = "jpg"
    return out.getvalue(), ext, image.width, image.height


def process(
    upload, max_side: int = FULL_SIDE, thumb_side: int | None = THUMB_SIDE
) -> ProcessedImage:
    """Check and re-encode one upload; raises :class:`ImageRejected`."""
    data = read_upload(upload)
    image = _open(data, upload.filename)
    image.seek(0)  # an animation: its first frame
    transparent = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    image = ImageOps.exif_transpose(image)
    image = image.convert("RGBA" if transparent else "RGB")
    full, ext, width, height = _encode(image, max_side)
    thumb = None
    if thumb_side and max(width, height) > thumb_side:
        thumb = _encode(image, thumb_side)[0]
    return ProcessedImage(full, ext, width, height, thumb)


def save(image: ProcessedImage) -> tuple[str, str]:
    """Store ``image`` (and its thumbnail); returns (name, thumbnail name)."""
    store = storage.current()
    store.save(image.name, image.data)
    if image.thumb:
        store.save(image.thumb_name, image.thumb)
    return image.name, image.thumb_name
