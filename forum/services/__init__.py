"""Use cases of the community, one module per area.

Views call these functions; each one validates, applies the business rules
and commits once.  They raise :class:`Invalid` (the user's input is wrong; the
form comes back with messages) or :class:`Forbidden` (this member may not do
this), never HTTP errors.
"""

from __future__ import annotations


class Invalid(Exception):
    """Input that fails validation: ``errors`` maps a form field to a Chinese message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


class Forbidden(Exception):
    """The member is not allowed to do this (the message is shown to them)."""

    def __init__(self, message: str = "你没有权限进行这个操作"):
        super().__init__(message)
        self.message = message


class NotFound(Exception):
    """The thing does not exist or is not visible to this member."""
