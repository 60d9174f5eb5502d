"""The screen every piece of member text passes before it is stored.

Posts, comments, circle names and descriptions, nicknames and profile text all
come through :func:`screen`, which returns one :class:`Decision`:
``allow`` (store as is), ``mask`` (store the masked text), ``review`` (store as
pending and queue it for moderators) or ``block`` (store nothing; the form
comes back with the words highlighted).  The screening stages live behind this
one function so services never care which stages run:

1. our own screen (:mod:`moderation`): the live word list, contact details,
   disguised links and, for live behaviour, the author's recent activity;
2. WeChat's content security check (``forum.services.seccheck``), when that
   module is there.  The strictest answer wins.

The fields are screened as one text (so a phone number split between title
and body is still one phone number); the spans found are cut back per field.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, has_request_context, request
from sqlalchemy import select

from moderation import ScreenContext, Thresholds, Verdict
from moderation import screen as screen_text

from ..extensions import db
from ..models import Comment, Post, User, utcnow
from . import Invalid, queue_items, seccheck, wordlist

ACTIONS = ("allow", "mask", "review", "block")
RANK = {action: rank for rank, action in enumerate(ACTIONS)}
ACTION_NAMES = {"allow": "通过", "mask": "打码后发布", "review": "待审核", "block": "拦截"}
# Kinds that cannot wait for a moderator: a review verdict refuses them too.
NO_PENDING = frozenset({"circle", "profile"})
# Where a message goes when no word in particular is to blame.
PRIMARY_FIELD = {"post": "body", "comment": "body", "circle": "name", "profile": "nickname"}
REFUSAL = {
    "post": "无法发布",
    "comment": "无法发布",
    "circle": "不能用作圈子名称或简介",
    "profile": "不能用作昵称或简介",
}
RECENT_LIMIT = 20
SEPARATOR = "\n"


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
    # The text as the member wrote it (what the spans point into).
    original: dict[str, str] = field(default_factory=dict)
    # The reasons as data, for the queue: kind, category, action, message, term.
    findings: list[dict] = field(default_factory=list)
    # Which stage decided: screen | wechat.
    source: str = "screen"

    @property
    def pending(self) -> bool:
        return self.action == "review"

    @property
    def categories(self) -> list[str]:
        ordered = sorted(self.findings, key=lambda f: -RANK.get(f.get("action", "review"), 2))
        return list(dict.fromkeys(f.get("category", "其他") for f in ordered))


class Blocked(Invalid):
    """Text refused by the screen: nothing is stored, the form shows why."""

    def __init__(self, errors: dict[str, str], decision: Decision):
        super().__init__(errors)
        self.decision = decision


class FieldError(str):
    """A form message that also carries the field's text and the spans to mark,
    so the form can show the member which words are the problem."""

    text: str
    spans: tuple[tuple[int, int], ...]

    def __new__(cls, message: str, text: str = "", spans=()) -> FieldError:
        error = super().__new__(cls, message)
        error.text = text
        error.spans = tuple((int(s), int(e)) for s, e in spans)
        return error


# -- the screen ---------------------------------------------------------------------


def screen(
    author: User | None,
    kind: str,
    fields: dict[str, str],
    *,
    circle_id: int | None = None,
    target_id: int | None = None,
) -> Decision:
    """Screen ``fields`` written by ``author`` as a ``kind`` (post, comment,
    circle, profile) in circle ``circle_id``; ``target_id`` names the post being
    edited, so it is not compared with itself.  ``author`` is None for a member
    not yet registered (their nickname).  Raises :class:`Blocked` for
    ``block`` (and for ``review`` where nothing can wait: circles, profiles)."""
    context = _context(author, kind, circle_id, target_id)
    decision = _judge(dict(fields), context)
    _refuse_if_needed(decision, kind)
    if author is not None:  # WeChat's check needs the author's OpenID
        answer = seccheck.check(author, kind, dict(fields))
        if answer is not None:
            decision = merge(decision, answer)
            _refuse_if_needed(decision, kind)
    return decision


def screen_content(fields: dict[str, str]) -> Decision:
    """What the live word list and content signals make of ``fields``, without
    signals about live behaviour: for the console's test box and for imported
    history (``block`` is returned, not raised)."""
    context = ScreenContext(lexicon=wordlist.current_lexicon(), allowed_domains=allowed_domains())
    return _judge(dict(fields), context)


def preview(text: str) -> Decision:
    """What the live word list and content signals make of ``text`` (the console's test)."""
    return screen_content({"text": text})


def record(decision: Decision, author: User | int, kind: str, target_id: int) -> None:
    """After the row exists: open a moderation queue item for ``review``."""
    if not decision.pending:
        return
    queue_items.open_item(
        kind,
        target_id,
        author if isinstance(author, int) else author.id,
        reasons=decision.findings,
        snapshot=decision.original,
        spans=decision.spans,
        source=decision.source,
        detail=decision.detail,
    )


def merge(first: Decision, second: Decision) -> Decision:
    """Both stages' findings; the strictest action (and its stage) decides."""
    findings = second.findings or [
        {"kind": "wechat", "category": "其他", "action": second.action, "message": reason}
        for reason in second.reasons
    ]
    spans = {name: list(first.spans.get(name, [])) for name in first.original}
    for name, extra in second.spans.items():
        spans.setdefault(name, []).extend(extra)
    stricter = RANK.get(second.action, 0) > RANK[first.action]
    return Decision(
        action=second.action if stricter else first.action,
        fields=first.fields,
        reasons=[*first.reasons, *second.reasons],
        spans={name: sorted(set(map(tuple, s))) for name, s in spans.items() if s},
        severity=max(first.severity, second.severity, queue_items.severity(findings)),
        detail={**first.detail, **second.detail},
        original=first.original,
        findings=[*first.findings, *findings],
        source="wechat" if stricter else first.source,
    )


# -- the parts ------------------------------------------------------------------------


def _judge(fields: dict[str, str], context: ScreenContext) -> Decision:
    joined, bounds = _join(fields)
    verdict = screen_text(joined, context)
    return _decision(verdict, fields, bounds)


def _join(fields: dict[str, str]) -> tuple[str, dict[str, tuple[int, int]]]:
    bounds: dict[str, tuple[int, int]] = {}
    position = 0
    for name, value in fields.items():
        bounds[name] = (position, position + len(value))
        position += len(value) + len(SEPARATOR)
    return SEPARATOR.join(fields.values()), bounds


def _cut(span: tuple[int, int], bounds: dict[str, tuple[int, int]]):
    """The parts of a span of the joined text, per field, in field offsets."""
    start, end = span
    for name, (low, high) in bounds.items():
        a, b = max(start, low), min(end, high)
        if a < b:
            yield name, (a - low, b - low)


def _decision(verdict: Verdict, fields: dict[str, str], bounds) -> Decision:
    spans: dict[str, list[tuple[int, int]]] = {}
    findings: list[dict] = []
    for reason in verdict.reasons:
        named: list[str] = []
        for span in reason.spans:
            for name, part in _cut(span, bounds):
                spans.setdefault(name, []).append(part)
                named.append(name)
        message = reason.message + (f"「{reason.term}」" if reason.term else "")
        findings.append(
            {
                "kind": reason.kind,
                "category": reason.category,
                "action": reason.action,
                "message": message,
                "term": reason.term,
                "fields": list(dict.fromkeys(named)),
            }
        )
    stored = dict(fields)
    if verdict.masked_text is not None:
        stored = {name: verdict.masked_text[a:b] for name, (a, b) in bounds.items()}
    return Decision(
        action=verdict.action,
        fields=stored,
        reasons=[f"{f['category']}：{f['message']}" for f in findings],
        spans={name: sorted(set(s)) for name, s in spans.items()},
        severity=queue_items.severity(findings),
        original=dict(fields),
        findings=findings,
    )


def _refuse_if_needed(decision: Decision, kind: str) -> None:
    if decision.action == "block" or (decision.pending and kind in NO_PENDING):
        raise Blocked(_errors(decision, kind), decision)


def _errors(decision: Decision, kind: str) -> dict[str, str]:
    """One message per field with marked words; else one on the field that matters."""
    categories = "、".join(decision.categories) or "不当内容"
    refusal = REFUSAL.get(kind, "无法保存")
    errors: dict[str, str] = {}
    for name, spans in decision.spans.items():
        if spans:
            message = f"内容涉及{categories}，{refusal}，请修改标出的部分"
            errors[name] = FieldError(message, decision.original.get(name, ""), spans)
    if not errors:
        primary = PRIMARY_FIELD.get(kind) or next(iter(decision.original), "body")
        why = "；".join(f["message"] for f in decision.findings) or "内容未通过安全检查"
        errors[primary] = FieldError(f"内容涉及{categories}（{why}），{refusal}")
    return errors


def behaviour_signals() -> bool:
    """Whether signals about live behaviour (account age, bursts, repeats) run.

    ``SCREEN_BEHAVIOUR_SIGNALS``; unset, they follow ``RATELIMIT_ENABLED``: both
    judge how fast members act, and both are off for load tests and scripted runs.
    """
    value = current_app.config.get("SCREEN_BEHAVIOUR_SIGNALS")
    if value is None:
        value = current_app.config.get("RATELIMIT_ENABLED", True)
    return bool(value)


def allowed_domains() -> frozenset[str]:
    """``LINK_ALLOWLIST`` (comma-separated) plus this site's own host."""
    raw = current_app.config.get("LINK_ALLOWLIST") or ""
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    domains = {d.strip().lower() for d in items if d.strip()}
    if has_request_context():
        domains.add(request.host.split(":")[0].lower())
    if current_app.config.get("SERVER_NAME"):
        domains.add(current_app.config["SERVER_NAME"].split(":")[0].lower())
    return frozenset(domains)


def _context(author: User | None, kind: str, circle_id, target_id) -> ScreenContext:
    now = utcnow()
    base = {
        "lexicon": wordlist.current_lexicon(),
        "allowed_domains": allowed_domains(),
        "now": now,
        "circle_id": circle_id,
    }
    if not behaviour_signals() or author is None or author.id is None:
        return ScreenContext(**base)
    limits = Thresholds()
    base["account_created_at"] = author.created_at
    if kind not in ("post", "comment"):
        return ScreenContext(**base)
    since = now - limits.duplicate_window
    posts = db.session.execute(
        select(Post.id, Post.title, Post.body, Post.created_at, Post.circle_id)
        .where(Post.author_id == author.id, Post.created_at >= since, Post.deleted_at.is_(None))
        .order_by(Post.created_at.desc())
        .limit(RECENT_LIMIT)
    ).all()
    comments = db.session.execute(
        select(Comment.body, Comment.created_at, Post.circle_id)
        .join(Post, Post.id == Comment.post_id)
        .where(
            Comment.author_id == author.id,
            Comment.created_at >= since,
            Comment.deleted_at.is_(None),
        )
        .order_by(Comment.created_at.desc())
        .limit(RECENT_LIMIT)
    ).all()
    posts = [p for p in posts if p.id != target_id] if kind == "post" else posts
    texts = [(SEPARATOR.join((p.title, p.body)), p.created_at, p.circle_id) for p in posts]
    texts += [(c.body, c.created_at, c.circle_id) for c in comments]
    base["recent_texts"] = texts
    if target_id is None:  # an edit is not a new post: no burst
        times = [p.created_at for p in posts] if kind == "post" else [c[1] for c in comments]
        base["recent_post_times"] = [t for t in times if now - t <= limits.burst_window]
    return ScreenContext(**base)
