"""Turning what members write into HTML: the only path from user text to markup.

Posts and comments are stored raw (what the member typed) and rendered once to
HTML when written: line breaks, clickable links and ``#话题#`` links.  Every
piece of user HTML, at write time and again at display time, goes through
:func:`clean`, a strict nh3 (Ammonia) allowlist; :func:`user_html` is the one
function that turns it into ``Markup`` for templates.  The one other path is
:func:`highlight`, which shows raw text the screen flagged: it writes no HTML
of the member's, only escaped text and its own ``<mark>`` tags.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from urllib.parse import quote

import nh3
from markupsafe import Markup, escape

from moderation import highlight as highlight_segments

ALLOWED_TAGS = {"a", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href", "class"}}
ALLOWED_SCHEMES = {"http", "https"}

# ``#话题#`` (Weibo style, half- or full-width marks, mixed too): 1 to 20
# characters of letters, digits, CJK and a few joining symbols, with at least
# one letter or digit so ``#!!#`` is not a topic.  Marks pair left to right: a
# run of marks opens (``##话题#`` is ``话题``), one mark closes, so ``#甲##乙#``
# names both and ``#外#内#外#`` names ``外``; an unclosed ``#`` or a name with a
# space or over 20 characters is plain text and never swallows a later topic.
TOPIC_RE = re.compile(r"[#＃]+([\w\u00b7\-+&.]{1,20})[#＃]")
TOPIC_MAX = 20
_TOPIC_TRIM = "-+&.\u00b7_"
URL_RE = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
_TRAILING = ".,;:!?)]}'\""


def clean(html: str) -> str:
    """Strip everything outside the allowlist: tags, attributes and link schemes."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow noopener ugc",
        strip_comments=True,
    )


@functools.lru_cache(maxsize=4096)
def _clean_for_display(html: str) -> str:
    # clean() is a pure function of its input, so remembering its result for
    # the stored HTML of the posts on screen is as safe as calling it again.
    return clean(html)


def user_html(html: str | None) -> Markup:
    """The single way user-written HTML reaches a template (cleaned again)."""
    return Markup(_clean_for_display(html or ""))


def snippet_html(html: str | None) -> Markup:
    """A search hit's highlighted title or snippet as ``Markup``.  The search
    library escapes the member's text and adds only ``<mark>``; this cleans it
    again with nh3, allowing ``mark`` and nothing else, before trusting it."""
    return Markup(nh3.clean(html or "", tags={"mark"}, attributes={}, strip_comments=True))


def topic_name(raw: str) -> str | None:
    """``raw`` as a topic name (full-width letters and digits folded to
    half-width, joining symbols trimmed from the ends), or None if it is not one."""
    name = unicodedata.normalize("NFKC", raw or "").strip().strip(_TOPIC_TRIM)
    if not name or len(name) > TOPIC_MAX or TOPIC_RE.fullmatch(f"#{name}#") is None:
        return None
    return name if any(ch.isalnum() for ch in name) else None


def topic_names(text: str) -> list[str]:
    """The distinct ``#话题#`` names in ``text``, in order of first appearance."""
    seen: dict[str, None] = {}
    # A ``#`` inside a link (``https://a.cn/#x#``) is the link's, as on the page.
    for match in TOPIC_RE.finditer(URL_RE.sub(" ", text)):
        name = topic_name(match.group(1))
        if name:
            seen.setdefault(name, None)
    return list(seen)


def topic_path(name: str) -> str:
    return "/t/" + quote(name, safe="")


def _link(url: str) -> tuple[str, str]:
    """Split trailing punctuation off a matched URL (``看这个https://a.cn/x。``)."""
    tail = ""
    while url and url[-1] in _TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        tail = url[-1] + tail
        url = url[:-1]
    return url, tail


def _inline(text: str) -> str:
    """Escape ``text`` and turn links and topics in it into anchors."""
    out: list[str] = []
    pos = 0
    pattern = re.compile(f"(?:{URL_RE.pattern})|(?:{TOPIC_RE.pattern})")
    for match in pattern.finditer(text):
        out.append(str(escape(text[pos : match.start()])))
        token = match.group(0)
        if token.startswith("http"):
            url, tail = _link(token)
            out.append(f'<a href="{escape(url)}">{escape(url)}</a>{escape(tail)}')
        else:
            names = topic_names(token)
            if names:
                out.append(
                    f'<a class="topic" href="{escape(topic_path(names[0]))}">'
                    f"#{escape(names[0])}#</a>"
                )
            else:
                out.append(str(escape(token)))
        pos = match.end()
    out.append(str(escape(text[pos:])))
    return "".join(out)


def render(text: str) -> str:
    """Render plain member text to clean HTML: escaped, links, topics, line breaks."""
    lines = normalize_newlines(text).split("\n")
    return clean("<br>".join(_inline(line) for line in lines))


def normalize_newlines(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # At most one blank line in a row: a wall of empty lines is noise on a phone.
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def highlight(value: str | None, spans) -> Markup:
    """Member text as plain text with ``<mark>`` around ``spans`` (the words a
    screen flagged).  Every segment is escaped, so the only markup in the result
    is the marks this function writes; line breaks become ``<br>``."""
    out: list[str] = []
    for segment, marked in highlight_segments(value or "", [tuple(s) for s in spans or ()]):
        piece = str(escape(segment)).replace("\n", "<br>")
        out.append(f"<mark>{piece}</mark>" if marked else piece)
    return Markup("".join(out))
