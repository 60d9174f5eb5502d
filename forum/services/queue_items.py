"""Opening moderation queue items (a leaf module: the screen and reports use it).

A target has at most one open item: a second flag on the same post (an edit
screened again, more reports) updates that item, and bumps its version so a
moderator looking at the old reasons cannot decide on them unawares.
"""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import QueueItem

ACTION_RANK = {"allow": 0, "mask": 1, "review": 2, "block": 3}
CATEGORY_WEIGHT = {"政治": 6, "违法": 5, "色情": 5, "辱骂": 4, "广告": 3, "其他": 2}


def severity(findings: list[dict]) -> int:
    """How urgent the findings are: the strictest action first, then the category."""
    return max(
        (
            ACTION_RANK.get(f.get("action", "review"), 2) * 10
            + CATEGORY_WEIGHT.get(f.get("category", "其他"), 1)
            for f in findings
        ),
        default=0,
    )


def find_open(target_kind: str, target_id: int) -> QueueItem | None:
    return db.session.scalar(
        select(QueueItem).where(
            QueueItem.target_kind == target_kind,
            QueueItem.target_id == target_id,
            QueueItem.state == "open",
        )
    )


def open_item(
    target_kind: str,
    target_id: int,
    author_id: int,
    *,
    reasons: list[dict],
    snapshot: dict[str, str],
    spans: dict[str, list] | None = None,
    source: str = "screen",
    detail: dict | None = None,
) -> QueueItem:
    """Open an item for the target, or fold these reasons into its open one (no commit)."""
    item = find_open(target_kind, target_id)
    if item is None:
        item = QueueItem(
            target_kind=target_kind,
            target_id=target_id,
            author_id=author_id,
            severity=severity(reasons),
            reasons=list(reasons),
            snapshot=dict(snapshot),
            spans={k: [list(s) for s in v] for k, v in (spans or {}).items()},
            source=source,
            detail=dict(detail or {}),
            version=1,
        )
        db.session.add(item)
    else:
        known = {(r.get("kind"), r.get("message")) for r in item.reasons}
        fresh = [r for r in reasons if (r.get("kind"), r.get("message")) not in known]
        item.reasons = [*item.reasons, *fresh]
        item.severity = max(item.severity, severity(reasons))
        if spans is not None:
            item.snapshot = dict(snapshot)
            item.spans = {k: [list(s) for s in v] for k, v in spans.items()}
        item.detail = {**item.detail, **(detail or {})}
        item.version = item.version + 1
    db.session.flush()
    return item
