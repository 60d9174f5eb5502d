"""The live word list: moderators' words in the database, compiled once per process.

The screen asks :func:`current_lexicon` for every write.  The compiled
``Lexicon`` is kept per app and per process; at most every
``WORDLIST_REFRESH_SECONDS`` (default 5) it checks one cheap version key,
``(max(updated_at), count(*))``, and recompiles when the list changed in any
process.  A change made here invalidates this process's copy at once.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import Literal, cast

from flask import current_app
from sqlalchemy import func, select

from moderation import (
    CATEGORIES,
    Category,
    EntryAction,
    Lexicon,
    LoadError,
    compile_lexicon,
    dump_word_list,
    parse_word_list,
)
from moderation import WordEntry as LexiconEntry

from ..extensions import db
from ..models import User, WordEntry, utcnow
from . import Invalid, NotFound, audit

ENTRY_ACTIONS = ("block", "review", "mask", "allow")
ACTION_NAMES = {"block": "拦截", "review": "审核", "mask": "打码", "allow": "放行"}
WORD_MAX = 32
PAGE_SIZE = 100


@dataclass
class _Cache:
    lock: threading.Lock = field(default_factory=threading.Lock)
    lexicon: Lexicon | None = None
    version: tuple | None = None
    checked_at: float = -math.inf


def _cache() -> _Cache:
    return current_app.extensions.setdefault("moderation_lexicon", _Cache())


def current_lexicon() -> Lexicon:
    """The compiled live word list (recompiled when it changed)."""
    cache = _cache()
    interval = float(current_app.config.get("WORDLIST_REFRESH_SECONDS", 5))
    if cache.lexicon is not None and time.monotonic() - cache.checked_at < interval:
        return cache.lexicon
    with cache.lock:
        if cache.lexicon is not None and time.monotonic() - cache.checked_at < interval:
            return cache.lexicon
        version = tuple(
            db.session.execute(select(func.max(WordEntry.updated_at), func.count())).one()
        )
        if cache.lexicon is None or version != cache.version:
            rows = db.session.execute(
                select(WordEntry.word, WordEntry.action, WordEntry.category).order_by(WordEntry.id)
            )
            cache.lexicon = compile_lexicon(
                LexiconEntry(word, action, category) for word, action, category in rows
            )
            cache.version = version
        cache.checked_at = time.monotonic()
        return cache.lexicon


def invalidate() -> None:
    """Make the next screen in this process check the list again (after a commit)."""
    _cache().checked_at = -math.inf


# -- reading --------------------------------------------------------------------


def get(entry_id: int) -> WordEntry:
    entry = db.session.get(WordEntry, entry_id)
    if entry is None:
        raise NotFound(entry_id)
    return entry


def entries(q: str = "", before: int | None = None, limit: int = PAGE_SIZE) -> list[WordEntry]:
    """Newest first; ``q`` filters by a part of the word, ``before`` pages by id."""
    query = select(WordEntry).order_by(WordEntry.id.desc())
    if q.strip():
        query = query.where(WordEntry.word.contains(q.strip(), autoescape=True))
    if before:
        query = query.where(WordEntry.id < before)
    return list(db.session.scalars(query.limit(limit)))


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(WordEntry)) or 0


def export(fmt: Literal["csv", "text"] = "csv") -> str:
    """The whole list as CSV (``word,action,category``) or one word a line."""
    rows = db.session.execute(
        select(WordEntry.word, WordEntry.action, WordEntry.category).order_by(WordEntry.id)
    )
    return dump_word_list((LexiconEntry(w, a, c) for w, a, c in rows), fmt)


# -- changing ---------------------------------------------------------------------


def _clean(word: str, action: str, category: str) -> tuple[str, str, str]:
    word = word.strip()
    errors: dict[str, str] = {}
    if action not in ENTRY_ACTIONS:
        errors["action"] = "请选择动作"
    if category not in CATEGORIES:
        errors["category"] = "请选择分类"
    parsed = parse_word_list(word, fmt="text", max_word_length=WORD_MAX)
    if parsed.errors:
        errors["word"] = parsed.errors[0].reason
    elif len(parsed.entries) != 1:
        errors["word"] = "请填写一个词语"
    if errors:
        raise Invalid(errors)
    return word, action, category


def add(actor: User, word: str, action: str, category: str) -> WordEntry:
    word, action, category = _clean(word, action, category)
    if db.session.scalar(select(WordEntry.id).where(WordEntry.word == word)):
        raise Invalid({"word": "这个词语已在词库中"})
    entry = WordEntry(word=word, action=action, category=category, created_by_id=actor.id)
    db.session.add(entry)
    db.session.flush()
    audit.log(actor, "word.add", "word", entry.id, word=word, action=action, category=category)
    db.session.commit()
    invalidate()
    return entry


def update(actor: User, entry: WordEntry, word: str, action: str, category: str) -> WordEntry:
    word, action, category = _clean(word, action, category)
    clash = db.session.scalar(
        select(WordEntry.id).where(WordEntry.word == word, WordEntry.id != entry.id)
    )
    if clash:
        raise Invalid({"word": "这个词语已在词库中"})
    before = {"word": entry.word, "action": entry.action, "category": entry.category}
    entry.word, entry.action, entry.category = word, action, category
    entry.updated_at = utcnow()
    after = {"word": word, "action": action, "category": category}
    audit.log(actor, "word.update", "word", entry.id, before=before, after=after)
    db.session.commit()
    invalidate()
    return entry


def delete(actor: User, entry: WordEntry) -> None:
    audit.log(actor, "word.delete", "word", entry.id, word=entry.word, action=entry.action)
    db.session.delete(entry)
    db.session.commit()
    invalidate()


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[LoadError] = field(default_factory=list)

    def summary(self) -> str:
        text = f"新增 {self.added} 个，更新 {self.updated} 个，未变 {self.unchanged} 个"
        return text + (f"，{len(self.errors)} 行有误" if self.errors else "")


def import_words(
    actor: User | None,
    text: str,
    *,
    fmt: Literal["auto", "text", "csv"] = "auto",
    default_action: str = "review",
    default_category: str = "其他",
) -> ImportReport:
    """Load a word list (one word a line, or CSV ``word,action,category``).

    New words are added, listed words take the file's action and category; a
    bad line is reported with its number and skipped.  One commit, one audit row.
    """
    if default_action not in ENTRY_ACTIONS:
        raise Invalid({"action": "未知的动作"})
    if default_category not in CATEGORIES:
        raise Invalid({"category": "未知的分类"})
    parsed = parse_word_list(
        text,
        fmt=fmt,
        default_action=cast(EntryAction, default_action),
        default_category=cast(Category, default_category),
        max_word_length=WORD_MAX,
    )
    report = ImportReport(errors=list(parsed.errors))
    words = [e.word for e in parsed.entries]
    existing = {
        e.word: e
        for chunk in range(0, len(words), 500)
        for e in db.session.scalars(
            select(WordEntry).where(WordEntry.word.in_(words[chunk : chunk + 500]))
        )
    }
    now = utcnow()
    for item in parsed.entries:
        entry = existing.get(item.word)
        if entry is None:
            db.session.add(
                WordEntry(
                    word=item.word,
                    action=item.action,
                    category=item.category,
                    created_by_id=actor.id if actor else None,
                    created_at=now,
                    updated_at=now,
                )
            )
            report.added += 1
        elif (entry.action, entry.category) != (item.action, item.category):
            entry.action, entry.category, entry.updated_at = item.action, item.category, now
            report.updated += 1
        else:
            report.unchanged += 1
    audit.log(
        actor,
        "word.import",
        "word",
        None,
        added=report.added,
        updated=report.updated,
        unchanged=report.unchanged,
        errors=len(report.errors),
    )
    db.session.commit()
    invalidate()
    return report
