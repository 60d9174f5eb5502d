"""Moderation for 微社群: text and context in, a ``Verdict`` out.

A pure library: it imports neither Flask nor the forum and knows no database.
The forum compiles its word list into a ``Lexicon`` (and compiles a new one to
reload), builds a ``ScreenContext`` from what it knows about the author, and
calls ``screen()`` before storing a post or comment::

    lexicon = compile_lexicon(parse_word_list(text, default_action="review").entries)
    context = ScreenContext(lexicon=lexicon, allowed_domains=frozenset({"example.com"}))
    verdict = screen(body, context)
    if verdict.action == "block": ...  # verdict.message, highlight(body, verdict.spans)
"""

from moderation.lexicon import Lexicon, WordHit, compile_lexicon
from moderation.normalize import Normalized, normalize
from moderation.screen import ScreenContext, Thresholds, screen
from moderation.verdict import (
    ACTIONS,
    CATEGORIES,
    Action,
    Category,
    Decision,
    Reason,
    ReasonKind,
    Span,
    Verdict,
    highlight,
    mask,
)
from moderation.wordlist import (
    DEFAULT_MAX_WORD_LENGTH,
    EntryAction,
    LoadError,
    LoadResult,
    WordEntry,
    dump_word_list,
    load_word_file,
    parse_word_list,
)

__all__ = [
    "ACTIONS",
    "CATEGORIES",
    "DEFAULT_MAX_WORD_LENGTH",
    "Action",
    "Category",
    "Decision",
    "EntryAction",
    "Lexicon",
    "LoadError",
    "LoadResult",
    "Normalized",
    "Reason",
    "ReasonKind",
    "ScreenContext",
    "Span",
    "Thresholds",
    "Verdict",
    "WordEntry",
    "WordHit",
    "compile_lexicon",
    "dump_word_list",
    "highlight",
    "load_word_file",
    "mask",
    "normalize",
    "parse_word_list",
    "screen",
]
