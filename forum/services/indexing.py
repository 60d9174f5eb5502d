"""Keeping the search index in step with the database (the search outbox).

Services call these functions inside the transaction that changes content;
the changes reach the index after commit.
"""

from __future__ import annotations

from ..models import Circle, Post


def post_saved(post: Post) -> None:
    """``post`` was created, edited, approved or restored."""


def post_removed(post: Post) -> None:
    """``post`` was deleted, hidden or rejected."""


def circle_saved(circle: Circle) -> None:
    """``circle`` was created or edited."""


def circle_removed(circle: Circle) -> None:
    """``circle`` was deleted (its posts are removed one by one by the caller)."""
