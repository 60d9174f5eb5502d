"""Rebuild throughput and query latency at 100,000 posts.

Posts are synthesized from the real THUCNews titles: each has one title as its
title and four other random titles as its body (about 19 + 80 characters).

    .venv/bin/python bench/search/scale.py [--posts 100000] [--procs 2] [--reuse]

Wall-clock figures depend on what else the machine runs; CPU-time figures
(this process, plus the writer sub-processes for the rebuild) much less so.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import re
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from corpus import REPO, load_titles, make_posts

from search import Filters, Sort, WhooshBackend

CJK_WORD = re.compile(r"[\u4e00-\u9fff]{2,4}")


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else 0


def measure(label: str, queries: list[str], run: Callable[[str], object]) -> None:
    wall: list[float] = []
    cpu: list[float] = []
    for q in queries:
        w0, c0 = time.perf_counter(), time.process_time()
        run(q)
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    print(
        f"| {label} | {len(queries)} | {pct(wall, 50):.1f} | {pct(wall, 95):.1f} | "
        f"{pct(cpu, 50):.1f} | {pct(cpu, 95):.1f} | {max(wall):.1f} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--procs", type=int, default=2, help="rebuild writer processes")
    parser.add_argument("--limitmb", type=int, default=256, help="rebuild writer memory, per proc")
    parser.add_argument("--dir", type=Path, default=REPO / "bench" / "out" / "search-100k")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--reuse", action="store_true", help="keep an index already built")
    args = parser.parse_args()

    try:
        import jieba  # picks the query words independently of our analyzer
    except ImportError:
        print("skipped: needs jieba (pip install jieba) to pick query words")
        return 0

    jieba.setLogLevel(logging.WARNING)
    titles = load_titles()
    posts = list(make_posts(titles, args.posts, padding=4))
    print(f"posts: {len(posts)}, mean length {statistics.mean(len(p.body) for p in posts):.0f}")

    if not (args.reuse and (args.dir / "CURRENT").exists()):
        builder = WhooshBackend(args.dir, rebuild_procs=args.procs, rebuild_limitmb=args.limitmb)
        w0, c0 = time.perf_counter(), cpu_seconds()
        builder.rebuild(posts)
        wall, cpu = time.perf_counter() - w0, cpu_seconds() - c0
        builder.close()
        print(
            f"rebuild: {wall:.0f} s wall ({len(posts) / wall:.0f} posts/s), {cpu:.0f} s CPU "
            f"(procs={args.procs}, limitmb={args.limitmb}); index {dir_mb(args.dir):.0f} MB"
        )

    # A worker's first query opens the searcher; later ones reuse it.
    before = rss_mb()
    backend = WhooshBackend(args.dir)
    w0 = time.perf_counter()
    backend.query("新闻")
    print(
        f"first query (opens the searcher): {(time.perf_counter() - w0) * 1000:.0f} ms, "
        f"RSS +{rss_mb() - before:.0f} MB; doc_count {backend.doc_count()}"
    )
    writer = WhooshBackend(args.dir, analyzer=backend.analyzer)
    writer.index(posts[:1])
    time.sleep(backend.refresh_interval)
    w0 = time.perf_counter()
    backend.query("新闻")
    refresh_ms = (time.perf_counter() - w0) * 1000
    print(f"query after another process's commit (refresh): {refresh_ms:.0f} ms")

    rng = random.Random(5)
    one: list[str] = []
    two: list[str] = []
    while len(one) < args.queries or len(two) < args.queries:
        body = rng.choice(posts).body
        words = list(dict.fromkeys(w for w in jieba.lcut(body) if CJK_WORD.fullmatch(w)))
        if words and len(one) < args.queries:
            one.append(rng.choice(words))
        if len(words) > 1 and len(two) < args.queries:
            two.append(" ".join(rng.sample(words, 2)))
    chars = [rng.choice(q) for q in one]
    for q in one[:50]:
        backend.query(q)  # warm up

    print("\n| queries (top 10, highlighted) | n | p50 ms | p95 ms | p50 CPU | p95 CPU | max ms |")
    print("|---|---|---|---|---|---|---|")
    measure("one word, relevance", one, lambda q: backend.query(q, per_page=10))
    measure("two words, relevance", two, lambda q: backend.query(q, per_page=10))
    measure("one word, newest first", one, lambda q: backend.query(q, sort=Sort.TIME, per_page=10))
    measure(
        "one word, in one circle",
        one,
        lambda q: backend.query(q, Filters(circle_id=3), per_page=10),
    )
    measure("one character", chars, lambda q: backend.query(q, per_page=10))
    measure("two words, page 5", two, lambda q: backend.query(q, page=5, per_page=10))
    totals = [backend.query(q, per_page=10).total for q in one]
    print(f"\nmedian total for one-word queries: {statistics.median(totals):.0f}")
    backend.close()
    writer.close()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
