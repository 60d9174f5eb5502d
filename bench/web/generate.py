"""Generate the page-benchmark community through the bulk import path.

10,000 members, 200 circles, 100,000 posts, 500,000 comments (a quarter of
them replies) and 1,000,000 likes (one per member and post) at ``--scale 1``,
streamed as JSON lines into ``forum.services.importer.run`` inside an app
context, exactly as ``flask forum import`` does, but without a file between.

The target database is the app's own configuration: ``FORUM_DATABASE_URL``,
else SQLite in ``FORUM_INSTANCE_PATH`` (default here: ``bench/out/instance``).
Migrations are applied first.  A database that already holds posts is refused
unless ``--reset`` is given (deletes the SQLite file, or drops the PostgreSQL
``public`` schema).

Line order is an export's: members, circles, posts (oldest first), top-level
comments, replies, replies to replies, then likes grouped by post.  The
importer writes queued rows early when a line refers to one still queued, so
this order lets every batch go out as one multi-row insert per table.

    .venv/bin/python bench/web/generate.py            # the full 1.6 M rows
    .venv/bin/python bench/web/generate.py --scale 0.05 --reset   # a quick one
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
OUT = REPO / "bench" / "out"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))
os.environ.setdefault("FORUM_INSTANCE_PATH", str(OUT / "instance"))

import corpus  # noqa: E402

FULL = {"member": 10_000, "circle": 200, "post": 100_000, "comment": 500_000, "like": 1_000_000}
CHINA = timedelta(hours=8)
DAY = 86400


def iso(t: datetime) -> str:
    """Member-facing export times are in China time, with the offset."""
    return (t + CHINA).replace(microsecond=0).isoformat() + "+08:00"


def zipf_weights(n: int, s: float) -> list[float]:
    return [1 / (rank**s) for rank in range(1, n + 1)]


class Plan:
    """Who posts where and when, how many comments and likes each post gets.

    Kept as flat lists (a few MB for 100k posts); the text is made only when a
    line is written.
    """

    def __init__(self, sizes: dict[str, int], seed: int, now: datetime):
        rng = random.Random(seed)
        self.sizes, self.seed, self.now = sizes, seed, now
        n_members, n_posts = sizes["member"], sizes["post"]
        self.circles = corpus.circles(sizes["circle"])
        # Circle size and member activity both follow a power law: one big
        # circle with ~10 % of the posts, most members posting a handful.
        circle_cum = list(itertools.accumulate(zipf_weights(len(self.circles), 1.0)))
        member_order = list(range(n_members))
        rng.shuffle(member_order)
        author_cum = list(itertools.accumulate(zipf_weights(n_members, 0.8)))
        window = 90 * DAY
        posts = []
        for _ in range(n_posts):
            circle = bisect.bisect(circle_cum, rng.random() * circle_cum[-1])
            author = member_order[bisect.bisect(author_cum, rng.random() * author_cum[-1])]
            # More posts in the evening (China time), none in the future.
            age = rng.random() * window
            hour = (now - timedelta(seconds=age) + CHINA).hour
            if hour < 7 and rng.random() < 0.6:
                age = rng.random() * window
            posts.append((age, circle, author))
        posts.sort(key=lambda p: -p[0])  # oldest first, as an export lists them
        self.post_age = [p[0] for p in posts]
        self.post_circle = [p[1] for p in posts]
        self.post_author = [p[2] for p in posts]
        # Engagement: log-normal popularity shared by comments and likes.
        popularity = [rng.lognormvariate(0, 1.1) for _ in range(n_posts)]
        self.comment_count = self._spread(rng, popularity, sizes["comment"], cap=None)
        self.like_count = self._spread(rng, popularity, sizes["like"], cap=n_members)

    @staticmethod
    def _spread(rng: random.Random, weights: list[float], total: int, cap: int | None):
        counts = [0] * len(weights)
        for i, n in Counter(rng.choices(range(len(weights)), weights=weights, k=total)).items():
            counts[i] = n
        if cap is not None:
            spill = sum(max(0, c - cap) for c in counts)
            counts = [min(c, cap) for c in counts]
            while spill:
                i = rng.randrange(len(counts))
                if counts[i] < cap:
                    counts[i] += 1
                    spill -= 1
        return counts

    def post_time(self, i: int) -> datetime:
        return self.now - timedelta(seconds=self.post_age[i])

    def thread(self, i: int) -> list[tuple[int, int | None, float]]:
        """Post ``i``'s comments as (level, parent index, seconds after the post).

        Level 1 is top-level, 2 a reply to a top-level comment, 3 a reply to a
        reply.  Derived from a per-post seed, so each pass sees the same shape.
        """
        rng = random.Random(self.seed * 1_000_003 + i)
        room = max(self.post_age[i] - 60, 1)
        out: list[tuple[int, int | None, float]] = []
        tops: list[int] = []
        replies: list[int] = []
        t = 0.0
        for j in range(self.comment_count[i]):
            t = min(t + rng.expovariate(1 / 7200), room)
            roll = rng.random()
            if j == 0 or roll < 0.72:
                out.append((1, None, t))
                tops.append(j)
            elif roll < 0.94 or not replies:
                out.append((2, rng.choice(tops), t))
                replies.append(j)
            else:
                out.append((3, rng.choice(replies), t))
        return out


def lines(plan: Plan, seed: int, stats: dict) -> Iterator[str]:
    """The import file, one JSON line at a time.  ``stats['gen_seconds']``
    accumulates the time spent here (not in the importer)."""
    rng = random.Random(seed + 1)
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    now, clock = plan.now, time.perf_counter
    stats["gen_seconds"] = 0.0

    def emit(kind: str, objects: Iterator[dict]) -> Iterator[str]:
        started = clock()
        for obj in objects:
            line = dumps(obj)
            stats["gen_seconds"] += clock() - started
            yield line
            started = clock()
        stats["gen_seconds"] += clock() - started

    def members():
        for k in range(plan.sizes["member"]):
            joined = now - timedelta(seconds=rng.uniform(91 * DAY, 720 * DAY))
            yield {
                "type": "member",
                "ref": f"u{k}",
                "username": corpus.username(rng, k),
                "nickname": corpus.nickname(rng, k),
                "bio": "" if rng.random() < 0.6 else "热爱生活，认真分享。",
                "created_at": iso(joined),
            }

    def circles():
        for k, c in enumerate(plan.circles):
            yield {
                "type": "circle",
                "ref": f"c{k}",
                "slug": c["slug"],
                "name": c["name"],
                "description": rng.choice(corpus.CIRCLE_DESCRIPTIONS).format(
                    city=c["city"], theme=c["theme"][1]
                ),
                "announcement": rng.choice(corpus.ANNOUNCEMENTS),
                "owner": f"u{rng.randrange(min(500, plan.sizes['member']))}",
                "created_at": iso(now - timedelta(seconds=rng.uniform(100 * DAY, 700 * DAY))),
            }

    def posts():
        for i in range(plan.sizes["post"]):
            circle = plan.circles[plan.post_circle[i]]
            title, body = corpus.post(rng, circle)
            yield {
                "type": "post",
                "ref": f"p{i}",
                "circle": f"c{plan.post_circle[i]}",
                "author": f"u{plan.post_author[i]}",
                "title": title,
                "body": body,
                "created_at": iso(plan.post_time(i)),
            }

    def comments(level: int):
        n_members = plan.sizes["member"]
        for i in range(plan.sizes["post"]):
            if not plan.comment_count[i]:
                continue
            circle, start = plan.circles[plan.post_circle[i]], plan.post_time(i)
            for j, (lvl, parent, after) in enumerate(plan.thread(i)):
                if lvl != level:
                    continue
                yield {
                    "type": "comment",
                    "ref": f"m{i}.{j}",
                    "post": f"p{i}",
                    "author": f"u{rng.randrange(n_members)}",
                    "body": corpus.comment(rng, circle, reply=level > 1),
                    "parent": None if parent is None else f"m{i}.{parent}",
                    "created_at": iso(start + timedelta(seconds=after)),
                }

    def likes():
        population = range(plan.sizes["member"])
        for i in range(plan.sizes["post"]):
            for member in rng.sample(population, plan.like_count[i]):
                yield {"type": "like", "post": f"p{i}", "member": f"u{member}"}

    yield from emit("member", members())
    yield from emit("circle", circles())
    yield from emit("post", posts())
    for level in (1, 2, 3):
        yield from emit(f"comment{level}", comments(level))
    yield from emit("like", likes())


def time_importer(importer) -> dict[str, float]:
    """Wrap the importer's steps with timers (seconds per step; no change in
    behaviour).  ``write:<kind>`` is validating and queueing a line (members and
    circles are inserted right there); a flush is "forced" when a line refers
    to a row still queued; ``batch end`` is the rest of ``finish_batch``: the
    likes and memberships inserts and the commit."""
    spent: dict[str, float] = Counter()
    clock = time.perf_counter
    in_batch_end = [False]

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            t = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] += clock() - t

        return wrapper

    def flush_timer(name, fn):
        def wrapper(*args, **kwargs):
            t = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                where = "" if in_batch_end[0] else " (forced)"
                spent[name + where] += clock() - t
                if in_batch_end[0]:
                    spent["batch end"] -= clock() - t

        return wrapper

    def batch_end(fn):
        def wrapper(*args, **kwargs):
            t = clock()
            in_batch_end[0] = True
            try:
                return fn(*args, **kwargs)
            finally:
                in_batch_end[0] = False
                spent["batch end"] += clock() - t

        return wrapper

    cls = importer.Importer
    for kind in importer.KINDS:
        setattr(cls, f"_{kind}", timed(f"write:{kind}", getattr(cls, f"_{kind}")))
    for step in ("flush_posts", "flush_comments"):
        setattr(cls, step, flush_timer(step, getattr(cls, step)))
    cls.finish_batch = batch_end(cls.finish_batch)
    importer._recount = flush_timer("recount", importer._recount)
    return spent


def reset_database(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
    elif parsed.get_backend_name() == "postgresql":
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        raise SystemExit(f"--reset: don't know how to empty {parsed.get_backend_name()}")


def table_counts() -> dict[str, int]:
    from sqlalchemy import func, select

    from forum.extensions import db
    from forum.models import Circle, Comment, Like, Membership, Post, PostTopic, Topic, User

    models = {
        "users": User,
        "circles": Circle,
        "posts": Post,
        "comments": Comment,
        "likes": Like,
        "memberships": Membership,
        "topics": Topic,
        "post_topics": PostTopic,
    }
    return {
        name: db.session.scalar(select(func.count()).select_from(m)) for name, m in models.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size")
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--reset", action="store_true", help="empty the target database first")
    parser.add_argument("--jsonl", metavar="FILE", help="only write the lines to FILE, no import")
    parser.add_argument("--profile", metavar="FILE", help="cProfile the import into FILE")
    args = parser.parse_args()

    sizes = {k: max(1, round(v * args.scale)) for k, v in FULL.items()}
    now = datetime.now(UTC).replace(tzinfo=None)
    t0 = time.perf_counter()
    plan = Plan(sizes, args.seed, now)
    plan_seconds = time.perf_counter() - t0
    stats: dict = {}
    total = sum(sizes.values())
    print(f"plan: {sizes} ({total:,} lines) in {plan_seconds:.1f}s", flush=True)

    if args.jsonl:
        t0 = time.perf_counter()
        with open(args.jsonl, "w", encoding="utf-8") as fh:
            for line in lines(plan, args.seed, stats):
                fh.write(line + "\n")
        print(f"wrote {args.jsonl} in {time.perf_counter() - t0:.1f}s")
        return

    from flask_migrate import upgrade
    from sqlalchemy import func, select, text
    from sqlalchemy.engine import make_url

    from forum import create_app
    from forum.extensions import db
    from forum.models import Post
    from forum.services import importer

    app = create_app()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    print(f"database: {url}", flush=True)
    if args.reset:
        reset_database(url)
    with app.app_context():
        upgrade()
        if db.session.scalar(select(func.count()).select_from(Post)):
            raise SystemExit("the database already has posts; pass --reset to start over")
        db.session.remove()

        done = 0
        started, cpu_started = time.perf_counter(), time.process_time()
        last = [started]

        def progress(n: int) -> None:
            nonlocal done
            done += n
            now_ = time.perf_counter()
            if done % 100_000 == 0 or now_ - last[0] > 30:
                last[0] = now_
                el = now_ - started
                print(f"  {done:>9,} lines  {el:7.1f}s  {done / el:8,.0f} lines/s", flush=True)

        spent = time_importer(importer)
        source = lines(plan, args.seed, stats)
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            report = profiler.runcall(importer.run, source, args.batch_size, progress)
            profiler.dump_stats(args.profile)
        else:
            report = importer.run(source, batch_size=args.batch_size, progress=progress)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started

        if db.engine.dialect.name == "sqlite":
            db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        counts = table_counts()
        imported = sum(report.counts.values())

    steps = {k: round(v, 2) for k, v in sorted(spent.items())}
    steps["other (json, refs, importer loop)"] = round(
        elapsed - sum(spent.values()) - stats["gen_seconds"], 2
    )
    result = {
        "sizes": sizes,
        "batch_size": args.batch_size,
        "database": make_url(url).render_as_string(hide_password=True),
        "seconds": round(elapsed, 1),
        # CPU time of this process: less sensitive than wall time to other
        # load on a shared machine (the database work is in-process too).
        "cpu_seconds": round(cpu, 1),
        "loadavg_after": Path("/proc/loadavg").read_text().split()[:3],
        "generator_seconds": round(stats["gen_seconds"], 1),
        "lines_imported": imported,
        "rows_per_second": round(imported / elapsed),
        "rows_per_cpu_second": round(imported / cpu),
        "rows_per_second_without_generator": round(imported / (elapsed - stats["gen_seconds"])),
        "step_seconds": steps,
        "errors": len(report.errors),
        "tables": counts,
    }
    print(report.summary())
    for line_no, message in report.errors[:10]:
        print(f"  line {line_no}: {message}")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "generate.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
