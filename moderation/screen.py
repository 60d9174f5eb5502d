"""``screen()``: one text and its context in, one ``Verdict`` out.

Every check runs and reports; the strictest action wins
(block > review > mask > allow). Default actions for signals:

* contact details (mobile, QQ, WeChat ID, e-mail): review;
* links: a disguised link (``x点com``, ``x 。com``, spaced) to a domain not
  on the allowlist: review; ``foreign_links_review`` (3) or more links to
  such domains: review; fewer plain ones pass;
* the same or nearly the same text (bigram Jaccard >= 0.7 on the collapsed
  form, at least 10 characters) from the same author within
  ``duplicate_window`` (24 h): review; copies in ``spray_circles`` (3)
  circles or more, this one included: block;
* ``burst_posts`` (5) or more posts within ``burst_window`` (60 s) before
  this one: review;
* an account younger than ``new_account_age`` (1 day) posting contact
  details: block; posting any link to a domain not on the allowlist: review.

Signals about live behaviour only run when the context carries their data,
so imports of old posts (no post times, no account age) skip them.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import cast

from moderation.activity import count_recent, find_repeats
from moderation.contacts import ContactKind, find_contacts, find_links
from moderation.lexicon import Lexicon
from moderation.normalize import normalize
from moderation.verdict import SEVERITY, Action, Category, Reason, Span, Verdict, mask
from moderation.wordlist import WordEntry

__all__ = ["ScreenContext", "Thresholds", "screen"]

_WORD_MESSAGES: dict[Category, str] = {
    "广告": "含有广告词语",
    "色情": "含有色情词语",
    "辱骂": "含有辱骂词语",
    "违法": "含有违法违规词语",
    "政治": "含有政治敏感词语",
    "其他": "含有敏感词语",
}
_CONTACT_MESSAGES: dict[ContactKind, str] = {
    "phone": "含有手机号码",
    "qq": "含有QQ号",
    "wechat": "含有微信号",
    "email": "含有电子邮箱",
}


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Settings for the spam signals; the defaults are the documented policy."""

    contact_action: Action = "review"
    foreign_links_review: int = 3
    duplicate_window: timedelta = timedelta(hours=24)
    duplicate_similarity: float = 0.7
    duplicate_min_length: int = 10
    spray_circles: int = 3
    burst_window: timedelta = timedelta(seconds=60)
    burst_posts: int = 5
    new_account_age: timedelta = timedelta(days=1)
    new_account_contact_action: Action = "block"
    new_account_link_action: Action = "review"


@dataclass(frozen=True, slots=True)
class ScreenContext:
    """What the forum knows around a text, as plain values.

    * ``lexicon``: the compiled word list (None: no word checks).
    * ``allowed_domains``: link domains that are not foreign (subdomains too).
    * ``now``: the time of the post; defaults to the current UTC time (naive
      if the other datetimes are naive: pass ``now`` yourself in that case).
    * ``account_created_at``: when the author registered (None: skip the
      new-account signal).
    * ``circle_id``: the circle the text is posted in.
    * ``recent_texts``: the author's recent posts and comments as
      ``(text, created_at, circle_id)``, for the duplicate signal.
    * ``recent_post_times``: when the author posted recently, for bursts.
    * ``thresholds``: signal settings.
    """

    lexicon: Lexicon | None = None
    allowed_domains: frozenset[str] = frozenset()
    now: datetime | None = None
    account_created_at: datetime | None = None
    circle_id: Hashable = None
    recent_texts: Sequence[tuple[str, datetime, Hashable]] = ()
    recent_post_times: Sequence[datetime] = ()
    thresholds: Thresholds = field(default_factory=Thresholds)

    def current_time(self) -> datetime:
        """``now``, or the current time in the same style (aware or naive) as the data."""
        if self.now is not None:
            return self.now
        sample = self.account_created_at or next(
            iter([*self.recent_post_times, *(t for _, t, _ in self.recent_texts)]), None
        )
        current = datetime.now(UTC)
        return current.replace(tzinfo=None) if sample and sample.tzinfo is None else current


def _domains(domains: frozenset[str]) -> tuple[str, ...]:
    return tuple(d.strip().lower().removeprefix("www.") for d in domains if d.strip())


def _word_reasons(groups: Iterable[tuple[WordEntry, list[Span]]]) -> list[Reason]:
    return [
        Reason(
            "word",
            entry.category,
            cast(Action, entry.action),  # allow entries never hit
            _WORD_MESSAGES[entry.category],
            tuple(spans),
            entry.word,
        )
        for entry, spans in groups
    ]


def screen(text: str, context: ScreenContext | None = None) -> Verdict:
    """Screen ``text``: the words, contacts, links and activity signals, one verdict."""
    ctx = context if context is not None else ScreenContext()
    limits = ctx.thresholds
    norm = normalize(text)
    reasons: list[Reason] = []

    if ctx.lexicon is not None:
        reasons.extend(_word_reasons(ctx.lexicon.find_by_entry(norm)))

    contacts = find_contacts(norm)
    for kind, spans in contacts.items():
        message = _CONTACT_MESSAGES[kind]
        reasons.append(Reason("contact", "广告", limits.contact_action, message, tuple(spans)))

    allowed = _domains(ctx.allowed_domains)
    links = find_links(norm, exclude=contacts.get("email", ()))
    foreign = [link for link in links if not link.is_allowed(allowed)]
    disguised = tuple(link.span for link in foreign if link.obfuscated)
    if disguised:
        reasons.append(Reason("link", "广告", "review", "含有变形网址", disguised))
    if len(foreign) >= limits.foreign_links_review:
        spans = tuple(link.span for link in foreign)
        reasons.append(Reason("link", "广告", "review", f"含有 {len(foreign)} 个站外链接", spans))

    needs_time = ctx.account_created_at is not None or ctx.recent_texts or ctx.recent_post_times
    now = ctx.current_time() if needs_time else None
    created = ctx.account_created_at
    if now is not None and created is not None and now - created < limits.new_account_age:
        if contacts:
            action, message = limits.new_account_contact_action, "新注册账号发布联系方式"
        else:
            action, message = limits.new_account_link_action, "新注册账号发布站外链接"
        spans = tuple(s for group in contacts.values() for s in group)
        spans += tuple(link.span for link in foreign)
        if spans:
            reasons.append(Reason("new_account", "广告", action, message, spans))

    if now is not None and ctx.recent_texts:
        repeats = find_repeats(
            norm.collapsed,
            ctx.recent_texts,
            circle_id=ctx.circle_id,
            now=now,
            window=limits.duplicate_window,
            min_similarity=limits.duplicate_similarity,
            min_length=limits.duplicate_min_length,
        )
        if repeats.circles >= limits.spray_circles:
            message = f"在 {repeats.circles} 个圈子重复发布相同内容"
            reasons.append(Reason("duplicate", "广告", "block", message))
        elif repeats.copies:
            reasons.append(Reason("duplicate", "广告", "review", "与近期发布的内容重复"))

    if now is not None and ctx.recent_post_times:
        recent = count_recent(ctx.recent_post_times, now=now, window=limits.burst_window)
        if recent >= limits.burst_posts:
            reasons.append(Reason("burst", "其他", "review", "发帖过于频繁"))

    reasons.sort(key=lambda r: -SEVERITY[r.action])
    decision = max((r.action for r in reasons), key=SEVERITY.__getitem__, default="allow")
    to_mask = [s for r in reasons if r.action == "mask" for s in r.spans]
    masked = mask(text, to_mask) if to_mask else None
    return Verdict(decision, tuple(reasons), masked)
