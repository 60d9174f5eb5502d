"""Bulk import from JSON lines: how a community moves in from another platform.

One JSON object a line, with a ``type`` of ``member``, ``circle``, ``post``,
``comment`` or ``like``; ``ref`` values link objects within the file (and may
name existing usernames and circle slugs).  Lines are validated one by one (a
bad line is reported with its number and skipped) and written in batches with
multi-row inserts, so a million rows take minutes, not hours.  Counters are
recomputed from the rows for everything a batch touched.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from .. import text
from ..extensions import db
from ..models import Circle, Comment, Like, Membership, Post, PostTopic, Topic, User, utcnow
from . import accounts, circles, comments, indexing, screening
from . import posts as post_service
from .sql import insert_ignore

KINDS = ("member", "circle", "post", "comment", "like")


class BadLine(Exception):
    pass


@dataclass
class Report:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    errors: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> str:
        done = ", ".join(f"{n} {kind}s" for kind, n in self.counts.items() if n)
        return f"imported {done or 'nothing'}"


def _time(value, line_field: str) -> datetime:
    if value in (None, ""):
        return utcnow()
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise BadLine(f"{line_field}: not an ISO 8601 time: {value!r}") from exc
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def _text(obj: dict, key: str, required: bool = True, limit: int | None = None) -> str:
    value = obj.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise BadLine(f"{key}: must be a string")
    value = value.strip()
    if required and not value:
        raise BadLine(f"{key}: missing")
    if limit and len(value) > limit:
        raise BadLine(f"{key}: longer than {limit} characters")
    return value


class Importer:
    """Resolves refs and writes rows; keeps ref → id maps across batches.

    Members and circles (few) are inserted as they come; posts, comments and
    likes are queued and written with one multi-row insert each when the batch
    ends or when a later line needs their ids.
    """

    def __init__(self, report: Report):
        self.report = report
        self.refs: dict[str, dict[str, int]] = {k: {} for k in KINDS}
        self.journal: list[tuple[str, str]] = []
        self.comment_threads: dict[int, tuple[int, int]] = {}
        self.next_member_no = accounts.next_member_no()
        self._reset_batch()

    def _reset_batch(self) -> None:
        self.posts: list[tuple[str | None, dict, list[str], object]] = []
        self.comments: list[tuple[str | None, dict, str | None]] = []
        self.likes: list[dict] = []
        self.pending_posts: set[str] = set()
        self.pending_comments: set[str] = set()
        self.memberships: set[tuple[int, int]] = set()
        self.touched_circles: set[int] = set()
        self.touched_posts: set[int] = set()
        self.touched_topics: set[int] = set()

    def _remember(self, kind: str, ref: str | None, row_id: int) -> None:
        if ref and ref not in self.refs[kind]:
            self.refs[kind][ref] = row_id
            self.journal.append((kind, ref))

    def undo_batch(self) -> None:
        """Forget refs made by a batch that was rolled back."""
        for kind, ref in self.journal:
            self.refs[kind].pop(ref, None)
        self.journal.clear()
        self.next_member_no = accounts.next_member_no()
        self._reset_batch()

    # -- resolving references ------------------------------------------------
    def _lookup(self, kind: str, ref, column, model) -> int:
        if not isinstance(ref, str) or not ref:
            raise BadLine(f"{kind} reference missing")
        if ref in self.refs[kind]:
            return self.refs[kind][ref]
        found = db.session.scalar(select(model.id).where(column == ref))
        if found is None:
            raise BadLine(f"unknown {kind} {ref!r}")
        self.refs[kind][ref] = found
        return found

    def member_id(self, ref) -> int:
        return self._lookup("member", ref, User.username, User)

    def circle_id(self, ref) -> int:
        return self._lookup("circle", ref, Circle.slug, Circle)

    def post_id(self, ref) -> int:
        if not isinstance(ref, str) or ref not in self.refs["post"]:
            raise BadLine(f"unknown post {ref!r}")
        return self.refs["post"][ref]

    def comment_id(self, ref) -> int:
        if not isinstance(ref, str) or ref not in self.refs["comment"]:
            raise BadLine(f"unknown comment {ref!r}")
        return self.refs["comment"][ref]

    # -- one line at a time ---------------------------------------------------
    def write(self, obj: dict) -> None:
        if not isinstance(obj, dict):
            raise BadLine("not a JSON object")
        kind = obj.get("type")
        if kind not in KINDS:
            raise BadLine(f"type must be one of {', '.join(KINDS)}")
        # Queued rows a line refers to are written first, outside the line's
        # savepoint, so a bad line cannot take them down with it.
        if obj.get("post") in self.pending_posts:
            self.flush_posts()
        if obj.get("parent") in self.pending_comments:
            self.flush_comments()
        if kind in ("member", "circle"):
            with db.session.begin_nested():
                getattr(self, f"_{kind}")(obj)
        else:
            # Queued kinds only read until their row is queued: nothing to undo.
            getattr(self, f"_{kind}")(obj)
        self.report.counts[kind] += 1

    def _member(self, obj: dict) -> None:
        username = _text(obj, "username", limit=32)
        if not accounts.USERNAME_RE.match(username):
            raise BadLine("username: 3–20 letters, digits or underscores")
        if username in self.refs["member"] or db.session.scalar(
            select(User.id).where(func.lower(User.username) == username.lower())
        ):
            raise BadLine(f"username {username!r} already exists")
        row = {
            "member_no": self.next_member_no,
            "username": username,
            "nickname": _text(obj, "nickname", required=False, limit=20) or username,
            "bio": _text(obj, "bio", required=False, limit=200),
            "role": "user",
            "created_at": _time(obj.get("created_at"), "created_at"),
        }
        user_id = db.session.execute(insert(User).returning(User.id), [row]).scalar_one()
        self.next_member_no += 1
        self._remember("member", username, user_id)
        self._remember("member", obj.get("ref"), user_id)

    def _circle(self, obj: dict) -> None:
        slug, name = _text(obj, "slug").lower(), _text(obj, "name")
        description = _text(obj, "description", required=False)
        errors = circles.validate(name, slug, description)
        if errors:
            raise BadLine("; ".join(errors.values()))
        if db.session.scalar(
            select(Circle.id).where((Circle.slug == slug) | (Circle.name == name))
        ):
            raise BadLine(f"circle {slug!r} or {name!r} already exists")
        owner = self.member_id(obj.get("owner"))
        created = _time(obj.get("created_at"), "created_at")
        row = {
            "slug": slug,
            "name": name,
            "description": description,
            "announcement": _text(obj, "announcement", required=False, limit=1000),
            "owner_id": owner,
            "created_at": created,
            "last_activity_at": created,
        }
        circle_id = db.session.execute(insert(Circle).returning(Circle.id), [row]).scalar_one()
        self._remember("circle", slug, circle_id)
        self._remember("circle", obj.get("ref"), circle_id)
        self.memberships.add((circle_id, owner))
        self.touched_circles.add(circle_id)

    def _post(self, obj: dict) -> None:
        circle_id = self.circle_id(obj.get("circle"))
        author = self.member_id(obj.get("author"))
        title = _text(obj, "title", required=False)
        body = text.normalize_newlines(_text(obj, "body"))
        errors = post_service.validate(title, body)
        if errors:
            raise BadLine("; ".join(errors.values()))
        created = _time(obj.get("created_at"), "created_at")
        decision = _screen({"title": title, "body": body})
        title, body = decision.fields["title"], decision.fields["body"]
        row = {
            "circle_id": circle_id,
            "author_id": author,
            "title": title,
            "body": body,
            "body_html": text.render(body),
            "status": "pending" if decision.pending else "published",
            "created_at": created,
            "hot_score": post_service.hot_score(0, 0, created),
        }
        ref = obj.get("ref") if isinstance(obj.get("ref"), str) else None
        if ref and (ref in self.refs["post"] or ref in self.pending_posts):
            raise BadLine(f"post ref {ref!r} used twice")
        self.posts.append((ref, row, text.topic_names(f"{title}\n{body}"), decision))
        if ref:
            self.pending_posts.add(ref)
        self.memberships.add((circle_id, author))
        self.touched_circles.add(circle_id)

    def _comment(self, obj: dict) -> None:
        post_id = self.post_id(obj.get("post"))
        author = self.member_id(obj.get("author"))
        body = text.normalize_newlines(_text(obj, "body"))
        if len(body) > comments.BODY_MAX:
            raise BadLine(f"body: longer than {comments.BODY_MAX} characters")
        parent = obj.get("parent")
        parent_id = self.comment_id(parent) if parent else None
        decision = _screen({"body": body})
        body = decision.fields["body"]
        row = {
            "post_id": post_id,
            "author_id": author,
            "parent_id": parent_id,
            "body": body,
            "body_html": text.render(body),
            "status": "pending" if decision.pending else "published",
            "created_at": _time(obj.get("created_at"), "created_at"),
        }
        ref = obj.get("ref") if isinstance(obj.get("ref"), str) else None
        self.comments.append((ref, row, decision))
        if ref:
            self.pending_comments.add(ref)
        self.touched_posts.add(post_id)

    def _like(self, obj: dict) -> None:
        post_id = self.post_id(obj.get("post"))
        self.likes.append({"user_id": self.member_id(obj.get("member")), "post_id": post_id})
        self.touched_posts.add(post_id)

    # -- writing queued rows --------------------------------------------------
    def flush_posts(self) -> None:
        if not self.posts:
            return
        ids = _insert_returning_ids(Post, [row for _, row, _, _ in self.posts])
        indexing.posts_saved(ids)  # pending ones stay out: the apply reads their status
        names = {name for _, _, topic_names, _ in self.posts for name in topic_names}
        topic_ids = self._topic_ids(names)
        links = []
        for post_id, (ref, row, topic_names, decision) in zip(ids, self.posts, strict=True):
            self._remember("post", ref, post_id)
            screening.record(decision, row["author_id"], "post", post_id)
            links += [{"post_id": post_id, "topic_id": topic_ids[n]} for n in topic_names]
        if links:
            db.session.execute(insert(PostTopic), links)
            self.touched_topics.update(link["topic_id"] for link in links)
        self.posts, self.pending_posts = [], set()

    def _topic_ids(self, names: set[str]) -> dict[str, int]:
        if not names:
            return {}
        query = select(Topic.name, Topic.id).where(Topic.name.in_(names))
        found = {name: topic_id for name, topic_id in db.session.execute(query)}
        missing = [{"name": n} for n in sorted(names - found.keys())]
        if missing:
            db.session.execute(insert(Topic), missing)
            found = {name: topic_id for name, topic_id in db.session.execute(query)}
        return found

    def flush_comments(self) -> None:
        if not self.comments:
            return
        for _, row, _ in self.comments:
            # Replies stay one level deep: a reply to a reply joins its thread.
            parent = row["parent_id"]
            if parent is not None:
                row["parent_id"], row["reply_to_id"] = self.comment_threads[parent]
            else:
                row["reply_to_id"] = None
        ids = _insert_returning_ids(Comment, [row for _, row, _ in self.comments])
        for comment_id, (ref, row, decision) in zip(ids, self.comments, strict=True):
            screening.record(decision, row["author_id"], "comment", comment_id)
            thread = row["parent_id"] or comment_id
            self.comment_threads[comment_id] = (thread, row["author_id"])
            self._remember("comment", ref, comment_id)
        self.comments, self.pending_comments = [], set()

    def finish_batch(self) -> None:
        """Write what is queued and recompute every counter the batch touched."""
        self.flush_posts()
        self.flush_comments()
        if self.likes:
            db.session.execute(insert_ignore(Like), self.likes)
        if self.memberships:
            db.session.execute(
                insert_ignore(Membership),
                [{"circle_id": c, "user_id": u} for c, u in self.memberships],
            )
        _recount(self.touched_circles, self.touched_posts, self.touched_topics)
        indexing.circles_saved(self.touched_circles)
        db.session.commit()
        self.journal.clear()
        self._reset_batch()


def _screen(fields: dict[str, str]):
    """Imported history meets the word list like any post: a blocked line is
    skipped, a review line is imported as pending and queued, a mask line is
    stored masked.  Signals that judge live behaviour do not apply to history."""
    decision = screening.screen_content(fields)
    if decision.action == "block":
        raise BadLine("blocked by the word list: " + "; ".join(decision.reasons))
    return decision


def _insert_returning_ids(model, rows: list[dict]) -> list[int]:
    """Insert ``rows`` and return their new ids, in the order of ``rows``.

    SQLite cannot promise the order of a multi-row ``INSERT … RETURNING``, so
    there SQLAlchemy would send one statement per row.  Instead the ids are
    given explicitly, max(id)+1 onwards, and the rows go out as one
    executemany.  They cannot be mismatched: if another writer took one first,
    the insert fails with an IntegrityError and the batch is redone line by
    line like any refused batch.
    """
    if db.session.get_bind().dialect.name != "sqlite":
        returning = insert(model).returning(model.id, sort_by_parameter_order=True)
        return list(db.session.scalars(returning, rows))
    start = (db.session.scalar(select(func.max(model.id))) or 0) + 1
    ids = list(range(start, start + len(rows)))
    db.session.execute(insert(model), [{**row, "id": i} for row, i in zip(rows, ids, strict=True)])
    return ids


def _recount(circle_ids: set[int], post_ids: set[int], topic_ids: set[int]) -> None:
    """Counters from the rows themselves, for what a batch touched."""
    visible = (Post.status == "published") & Post.deleted_at.is_(None)
    for chunk in _chunks(sorted(post_ids)):
        likes = select(func.count()).where(Like.post_id == Post.id).scalar_subquery()
        replies = (
            select(func.count())
            .where(
                Comment.post_id == Post.id,
                Comment.status == "published",
                Comment.deleted_at.is_(None),
            )
            .scalar_subquery()
        )
        db.session.execute(
            update(Post).where(Post.id.in_(chunk)).values(like_count=likes, comment_count=replies)
        )
        rows = db.session.execute(
            select(Post.id, Post.like_count, Post.comment_count, Post.created_at).where(
                Post.id.in_(chunk)
            )
        ).all()
        db.session.execute(
            update(Post),
            [{"id": i, "hot_score": post_service.hot_score(lc, cc, ca)} for i, lc, cc, ca in rows],
        )
    for chunk in _chunks(sorted(circle_ids)):
        members = select(func.count()).where(Membership.circle_id == Circle.id).scalar_subquery()
        posts = select(func.count()).where(Post.circle_id == Circle.id, visible).scalar_subquery()
        latest = (
            select(func.max(Post.created_at)).where(Post.circle_id == Circle.id).scalar_subquery()
        )
        db.session.execute(
            update(Circle)
            .where(Circle.id.in_(chunk))
            .values(
                member_count=members,
                post_count=posts,
                last_activity_at=func.coalesce(latest, Circle.last_activity_at),
            )
        )
    for chunk in _chunks(sorted(topic_ids)):
        count = (
            select(func.count())
            .select_from(PostTopic)
            .join(Post, Post.id == PostTopic.post_id)
            .join(Circle, Circle.id == Post.circle_id)
            .where(PostTopic.topic_id == Topic.id, visible, Circle.deleted_at.is_(None))
            .scalar_subquery()
        )
        latest = (
            select(func.max(Post.created_at))
            .join(PostTopic, PostTopic.post_id == Post.id)
            .where(PostTopic.topic_id == Topic.id)
            .scalar_subquery()
        )
        db.session.execute(
            update(Topic)
            .where(Topic.id.in_(chunk))
            .values(post_count=count, last_post_at=func.coalesce(latest, Topic.last_post_at))
        )


def _chunks(items: list[int], size: int = 500):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def run(
    lines: Iterable[str],
    batch_size: int = 500,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Import JSON lines; returns counts and the (line number, reason) of skipped lines."""
    report = Report()
    importer = Importer(report)
    batch: list[tuple[int, str]] = []

    def apply(chunk: list[tuple[int, str]]) -> None:
        for line_no, raw in chunk:
            try:
                importer.write(json.loads(raw))
            except json.JSONDecodeError as exc:
                report.errors.append((line_no, f"not valid JSON: {exc.msg}"))
            except BadLine as exc:
                report.errors.append((line_no, str(exc)))
        importer.finish_batch()

    for line_no, raw in enumerate(lines, start=1):
        if raw.strip():
            batch.append((line_no, raw))
        if len(batch) >= batch_size:
            _apply_safely(apply, importer, report, batch)
            batch = []
        if progress:
            progress(1)
    if batch:
        _apply_safely(apply, importer, report, batch)
    return report


def _apply_safely(apply, importer: Importer, report: Report, batch) -> None:
    """Apply a batch; if the database refuses it, redo it line by line so only
    the offending lines are skipped."""
    counts = dict(report.counts)
    try:
        apply(batch)
    except IntegrityError:
        db.session.rollback()
        importer.undo_batch()
        report.counts.update(counts)
        for item in batch:
            try:
                apply([item])
            except IntegrityError as exc:
                db.session.rollback()
                importer.undo_batch()
                report.errors.append((item[0], f"rejected by the database: {exc.orig}"))
