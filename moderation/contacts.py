"""Contact details and links in a post: the usual payload of spam.

The patterns run on the folded text (styled digits and full-width letters
already plain, separators still present) and tolerate a few separators
between the characters of a number. Chinese numerals count as digits where a
number is expected (``一三八 零零 幺二三四 ...``). Each finder returns spans
of the original text.

Ordinary mentions must pass: ``微信支付``, ``企业微信``, order numbers,
dates, prices and model numbers. That is why a WeChat word only counts when
an ID follows it, a QQ number only next to a QQ word, and a mobile number
only as exactly eleven digits not glued to other digits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from moderation.normalize import Normalized
from moderation.verdict import Span, merge_spans

__all__ = ["ContactKind", "Link", "find_contacts", "find_links"]

ContactKind = Literal["phone", "qq", "wechat", "email"]

_NUMERALS = "〇零洞一幺壹二两贰三叁四肆五伍六陆七柒拐八捌九玖勾"
_D = f"[0-9{_NUMERALS}]"  # a digit, Arabic or Chinese
_GAP = r"[\W_]{0,3}"  # separators people put between digits
_TIGHT = r"[\W_]{0,2}"

# Mobile: 1, then 3-9, then nine more digits; not preceded by a digit (except
# a +86 prefix) and not followed by one, so order numbers and dates pass.
_PHONE = re.compile(
    rf"[1一幺壹](?:(?<!{_D}.)|(?<=86.))"
    rf"{_GAP}[3-9三叁四肆五伍六陆七柒拐八捌九玖勾](?:{_GAP}{_D}){{9}}(?!{_D})"
)

_QQ_WORD = (
    rf"(?:q(?<![a-z]q){_TIGHT}q(?![a-z])|q(?<![a-z]q)(?=[\W_]{{0,2}}[号群:])"
    r"|扣扣|抠抠|蔻蔻|寇寇|口口|企鹅|球球|秋秋)"
)
_QQ_NUMBER = rf"[1-9一二三四五六七八九幺两壹贰叁肆伍陆柒捌玖拐勾](?:{_GAP}{_D}){{4,10}}(?!{_D})"
# Two patterns, word first and number first: each then starts with a literal
# or a class, which lets ``re`` skip ahead quickly instead of trying every position.
_QQ_HINT = re.compile(_QQ_WORD)
_QQ = re.compile(rf"{_QQ_WORD}(?:{_TIGHT}(?:号码|群号|号|群|是|为))*{_GAP}{_QQ_NUMBER}")
_QQ_AFTER = re.compile(
    rf"[1-9一二三四五六七八九幺两壹贰叁肆伍陆柒捌玖拐勾](?<!{_D}.)(?:{_GAP}{_D}){{4,10}}"
    rf"{_GAP}{_QQ_WORD}"
)

_WECHAT_WORD = (
    r"(?:微信|威信|薇信|徽信|维信|卫信|溦信|嶶信|危信|微芯|薇芯|v信|微x|"
    r"v(?<![a-z]v)x(?![a-z])|w(?<![a-z]w)x(?![a-z])|weixin|wechat|"
    rf"加{_TIGHT}(?:v(?![a-z])|微|薇|威|卫|维|徽)|\+{_TIGHT}(?:v(?![a-z])|微|薇|威|卫|维|徽)|"
    r"v(?<![a-z]v)(?=[\W_]{0,2}:))"
)
_WECHAT = re.compile(
    rf"{_WECHAT_WORD}(?P<between>(?:{_TIGHT}(?:号码|号|id|账号|帐号|是|为|搜索|搜))*{_GAP})"
    r"(?P<id>[a-z][-_a-z0-9]{5,19})(?![-_a-z0-9])"
)

_EMAIL = re.compile(
    r"[a-z0-9][a-z0-9._%+-]{0,63}\s{0,2}(?:@|艾特)\s{0,2}[a-z0-9-]+"
    r"(?:\s{0,2}[.。点]\s{0,2}[a-z0-9-]+)*\s{0,2}[.。点]\s{0,2}[a-z]{2,10}(?![a-z])"
)

# Top-level domains seen in spam. Those that are also English words only count
# with a plain dot, so "the end. live" is not a link.
_WORD_TLDS = "io|tv|info|shop|club|site|online|app|link|live|pro|work|fun|ink|cloud|store|tech|ly"
_PLAIN_TLDS = "com|cn|net|org|top|xyz|vip|cc|hk|tw|icu|wang|ltd|biz|mobi|asia"
_TLD = re.compile(rf"[.。点]\s{{0,2}}(?:{_PLAIN_TLDS}|{_WORD_TLDS})(?![a-z0-9])")
_SCHEME = r"h\s?t\s?t\s?p\s?s?\s{0,2}:\s{0,2}/\s?/\s{0,2}"  # "h t t p : //" too
_LINK = re.compile(
    rf"(?P<scheme>{_SCHEME})?"
    r"(?P<host>(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\s{0,2}[.。点]\s{0,2}){1,6}"
    rf"(?P<tld>{_PLAIN_TLDS}|{_WORD_TLDS}))(?![a-z0-9])"
    r"(?P<path>/[-a-z0-9._~%!$&'()*+,;=:@/?#]*)?"
)
_SCHEME_LINK = re.compile(
    rf"{_SCHEME}(?P<host>[a-z0-9][a-z0-9.-]*)(?P<path>/[-a-z0-9._~%!$&'()*+,;=:@/?#]*)?"
)
_WORD_TLD_SET = frozenset(_WORD_TLDS.split("|"))
_LOOSE_DOT = re.compile(r"\s|。|点")


@dataclass(frozen=True, slots=True)
class Link:
    """A link in a post: its span, its host (``www.`` dropped) and whether it was disguised."""

    span: Span
    host: str
    obfuscated: bool

    def is_allowed(self, domains: Iterable[str]) -> bool:
        """Whether the host is one of ``domains`` or a subdomain of one."""
        return any(self.host == d or self.host.endswith("." + d) for d in domains)


def _windows(text: str, needle: str, before: int, after: int) -> list[tuple[int, int]]:
    found, at = [], text.find(needle)
    while at >= 0:
        found.append((max(0, at - before), min(len(text), at + len(needle) + after)))
        at = text.find(needle, at + 1)
    return found


def _emails(norm: Normalized) -> list[tuple[int, int]]:
    folded = norm.folded
    if "@" not in folded and "艾特" not in folded:
        return []
    spans: list[Span] = []
    for needle in ("@", "艾特"):
        for start, end in _windows(folded, needle, 70, 120):
            spans.extend(m.span() for m in _EMAIL.finditer(folded, start, end))
    return list(merge_spans(spans))  # windows overlap: one address, one span


def _looks_like_wechat_id(match: re.Match[str]) -> bool:
    # "微信 wechatpay" is talk about WeChat; an ID has a digit, or is announced
    # with a colon or 号 ("微信号 zhangsan", "vx: zhangsan").
    between = match["between"]
    return any(c.isdigit() for c in match["id"]) or any(
        mark in between for mark in (":", "号", "id")
    )


def find_contacts(norm: Normalized) -> dict[ContactKind, list[Span]]:
    """Phone numbers, QQ numbers, WeChat IDs and e-mail addresses, by kind."""
    folded = norm.folded
    qq = []
    if _QQ_HINT.search(folded) is not None:  # cheap test first: QQ words are rare
        qq = [m.span() for m in _QQ.finditer(folded)]
        qq += [m.span() for m in _QQ_AFTER.finditer(folded)]
    found: dict[ContactKind, list[tuple[int, int]]] = {
        "phone": [m.span() for m in _PHONE.finditer(folded)],
        "qq": qq,
        "wechat": [m.span() for m in _WECHAT.finditer(folded) if _looks_like_wechat_id(m)],
        "email": _emails(norm),
    }
    return {
        kind: [norm.folded_to_original(*span) for span in spans]
        for kind, spans in found.items()
        if spans
    }


def _host(raw: str) -> str:
    host = _LOOSE_DOT.sub(lambda m: "." if m.group() in "。点" else "", raw).strip(".")
    return host.removeprefix("www.")


def find_links(norm: Normalized, *, exclude: Iterable[Span] = ()) -> list[Link]:
    """Links with or without a scheme, including ``x点com`` and ``x 。com`` forms.

    ``exclude`` takes original spans (e-mail addresses) whose domains are not links.
    """
    folded = norm.folded
    found: dict[tuple[int, int], tuple[str, bool]] = {}
    covered_until = -1
    for anchor in _TLD.finditer(folded):
        if anchor.start() < covered_until:
            continue
        window = max(0, anchor.start() - 140)
        for m in _LINK.finditer(folded, window, min(len(folded), anchor.end() + 300)):
            if not m.start() <= anchor.start() < m.end():
                continue
            loose = _LOOSE_DOT.search(m["host"]) is not None
            if loose and (m["tld"] in _WORD_TLD_SET or "\n" in m.group()):
                break
            scheme_loose = m["scheme"] is not None and _LOOSE_DOT.search(m["scheme"]) is not None
            found[m.span()] = (_host(m["host"]), loose or scheme_loose)
            covered_until = m.end()
            break
    if "/" in folded:
        for m in _SCHEME_LINK.finditer(folded):
            if not any(a < m.end() and m.start() < b for a, b in found):
                found[m.span()] = (_host(m["host"]), _LOOSE_DOT.search(m.group()) is not None)
    excluded = list(exclude)
    links = []
    for span, (host, obfuscated) in sorted(found.items()):
        original = norm.folded_to_original(*span)
        if any(a < original[1] and original[0] < b for a, b in excluded):
            continue
        links.append(Link(original, host, obfuscated))
    return links
