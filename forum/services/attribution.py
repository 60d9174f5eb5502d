"""Where members come from: a ``from`` tag on any link, and the mini-program scene.

A visitor's source is kept in their session cookie (the first one wins, per
session), so reading pages never writes to the database.  A member's
``first_source``/``first_scene`` is written once, when they first log in; the
operations dashboard reads it.  ``""`` as ``first_source`` means "came directly".
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models import User

SOURCE_KEY = "first_source"
SCENE_KEY = "first_scene"
# Campaign tags: letters (any script), digits and a little punctuation.
_SOURCE_RE = re.compile(r"^[\w.:\-]{1,64}$")


def clean_source(value: object) -> str | None:
    """A ``from`` tag fit to store, or None."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value if _SOURCE_RE.match(value) else None


def clean_scene(value: object) -> int | None:
    """A mini-program launch scene (a number such as 1047), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and 0 < value < 100000:
        return value
    return None


def remember(session: MutableMapping, source: str | None, scene: int | None) -> None:
    """Keep ``source`` and ``scene`` in the session unless it already has one."""
    if source and SOURCE_KEY not in session:
        session[SOURCE_KEY] = source
    if scene and SCENE_KEY not in session:
        session[SCENE_KEY] = scene


def record_first_visit(member: User, session: MutableMapping) -> bool:
    """Write the session's source onto ``member`` if they have none yet (once
    ever: a single conditional UPDATE).  Does not commit.  True if written."""
    if member.first_source is not None:
        return False
    source = session.get(SOURCE_KEY) or ""
    scene = session.get(SCENE_KEY)
    result = db.session.execute(
        update(User)
        .where(User.id == member.id, User.first_source.is_(None))
        .values(first_source=source, first_scene=scene)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    # Keep the loaded member in step without marking it changed.
    set_committed_value(member, "first_source", source)
    set_committed_value(member, "first_scene", scene)
    return True
