"""The screen every piece of member text passes before it is stored.

Posts, comments, circle names and descriptions, nicknames and profile text all
come through :func:`screen`, which returns one :class:`Decision`:
``allow`` (store as is), ``mask`` (store the masked text), ``review`` (store as
pending and queue it for moderators) or ``block`` (store nothing; the form
comes back with the words highlighted).  The screening stages live behind this
one function so services never care which stages run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import User
from . import Invalid

ACTIONS = ("allow", "mask", "review", "block")


@dataclass
class Decision:
    action: str = "allow"
    # The fields to store: the member's text, or its masked form.
    fields: dict[str, str] = field(default_factory=dict)
    # Chinese reasons for the member (block) and the moderator (review).
    reasons: list[str] = field(default_factory=list)
    # Matched spans of the original text, per field, for highlighting.
    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    severity: int = 0
    detail: dict = field(default_factory=dict)

    @property
    def pending(self) -> bool:
        return self.action == "review"


class Blocked(Invalid):
    """Text refused by the screen: nothing is stored, the form shows why."""

    def __init__(self, errors: dict[str, str], decision: Decision):
        super().__init__(errors)
        self.decision = decision


def screen(author: User, kind: str, fields: dict[str, str]) -> Decision:
    """Screen ``fields`` written by ``author`` as a ``kind`` (post, comment,
    circle, profile).  Raises :class:`Blocked` for ``block``."""
    return Decision(action="allow", fields=dict(fields))


def record(decision: Decision, author: User, kind: str, target_id: int) -> None:
    """After the row exists: open a moderation queue item for ``review``."""
