"""Where uploaded files live: a small interface with a local implementation.

Names are content-hashed (``ab/abcdef….jpg``), so a file never changes under
its name and can be cached for a year; saving the same bytes twice is one
file.  ``LocalStorage`` keeps them under the instance folder (``UPLOAD_DIR``)
and the site serves them itself (``goods.media``); an object-storage class with
the same three methods (``save``, ``url``, ``delete``) can take its place when
more than one machine serves the site.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from flask import current_app, url_for

NAME_RE = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{32}(?:\.t)?\.(?:jpg|png)$")


class Storage(Protocol):
    def save(self, name: str, data: bytes) -> str: ...

    def url(self, name: str) -> str: ...

    def delete(self, name: str) -> None: ...


def content_name(data: bytes, ext: str, suffix: str = "") -> str:
    """The name bytes are stored under: their hash, so equal bytes share a name."""
    digest = hashlib.sha256(data).hexdigest()[:32]
    return f"{digest[:2]}/{digest}{suffix}.{ext}"


def valid_name(name: str) -> bool:
    return bool(NAME_RE.match(name or ""))


class LocalStorage:
    """Files in a folder on this machine, served at ``/media/<name>``."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def path(self, name: str) -> Path:
        if not valid_name(name):
            raise ValueError(f"not a storage name: {name!r}")
        return self.root / name

    def save(self, name: str, data: bytes) -> str:
        target = self.path(name)
        if target.exists():
            return name  # same name, same bytes
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write aside, then rename: a reader never sees half a file.
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return name

    def exists(self, name: str) -> bool:
        return valid_name(name) and self.path(name).is_file()

    def url(self, name: str) -> str:
        return url_for("goods.media", name=name)

    def delete(self, name: str) -> None:
        self.path(name).unlink(missing_ok=True)


def current() -> LocalStorage:
    """The app's storage (one per app, made on first use)."""
    app = current_app._get_current_object()
    storage = app.extensions.get("forum_storage")
    if storage is None:
        storage = app.extensions["forum_storage"] = LocalStorage(app.config["UPLOAD_DIR"])
    return storage


def media_url(name: str | None) -> str:
    """A template helper: the URL of a stored file, or "" for none."""
    return current().url(name) if name else ""
