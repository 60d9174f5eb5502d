"""Benchmark ``moderation.screen()`` on real text against 20,000 real words.

Words: the first 20,000 usable lines of the shared sensitive lexicon; texts:
2,500-character posts made of news titles. Both are read from
``../shared/data/`` at run time (never copied into the project); without them
the benchmark says so and exits.

For comparison it also times a naive loop (``for w in words: if w in text``)
and one regex alternation over the same words. Neither normalises, so they
do less work than ``screen()`` and miss every evasion it catches.

Run from the repository root::

    .venv/bin/python bench/moderation/bench_screen.py [--rounds 5] [--data DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import opencc

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run from a checkout, installed or not

from moderation import ScreenContext, compile_lexicon, parse_word_list, screen  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data"
WORDS = 20_000
POST_CHARS = 2_500
POSTS = 200


def load_words(data: Path) -> list[str]:
    """The first 20,000 words that load (long lines and repeats are skipped)."""
    result = parse_word_list(
        (data / "sensitive-lexicon" / "all.txt").read_text(encoding="utf-8"),
        fmt="text",
        default_action="review",
    )
    return [entry.word for entry in result.entries[:WORDS]]


def build_posts(data: Path) -> list[str]:
    """Posts of 2,500 characters, each made of consecutive news titles."""
    lines = (data / "thucnews-titles" / "titles.tsv").read_text(encoding="utf-8").splitlines()
    titles = [line.split("\t", 1)[1] for line in lines if "\t" in line]
    posts, i = [], 0
    while len(posts) < POSTS:
        text = ""
        while len(text) < POST_CHARS:
            text += titles[i % len(titles)] + "。"
            i += 1
        posts.append(text[:POST_CHARS])
    return posts


def measure(run: Callable[[str], object], posts: list[str], rounds: int) -> dict[str, float]:
    """Percentiles of ``run`` over ``posts`` in ms, and MB/s.

    Wall-clock and CPU time (``time.thread_time``, which leaves out waiting
    for a core) over every call; and "best": each post's fastest CPU time
    over the rounds, which also leaves out most of the slowdown that
    neighbours on a shared machine cause by evicting the caches.
    """
    for post in posts[:20]:  # warm up caches and lazy tables
        run(post)
    wall, cpu = [], []
    best = [float("inf")] * len(posts)
    for _ in range(rounds):
        for i, post in enumerate(posts):
            start, start_cpu = time.perf_counter(), time.thread_time()
            run(post)
            spent = time.thread_time() - start_cpu
            wall.append(time.perf_counter() - start)
            cpu.append(spent)
            best[i] = min(best[i], spent)
    size = statistics.fmean(len(p.encode("utf-8")) for p in posts)

    def at(values: list[float], q: float) -> float:
        values = sorted(values)
        return values[min(len(values) - 1, int(len(values) * q))] * 1e3

    return {
        "p50": at(wall, 0.5),
        "p95": at(wall, 0.95),
        "p99": at(wall, 0.99),
        "cpu50": at(cpu, 0.5),
        "cpu95": at(cpu, 0.95),
        "best95": at(best, 0.95),
        "mb_s": size / statistics.fmean(wall) / 1e6,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="skip the slow comparisons")
    args = parser.parse_args()
    if not (args.data / "sensitive-lexicon" / "all.txt").is_file():
        print(f"skipped: shared data not found at {args.data}")
        return 0

    words = load_words(args.data)
    posts = build_posts(args.data)
    traditional = [opencc.OpenCC("s2t").convert(p) for p in posts]

    start = time.perf_counter()
    lexicon = compile_lexicon(parse_word_list("\n".join(words), fmt="text").entries)
    compile_s = time.perf_counter() - start
    context = ScreenContext(lexicon=lexicon)
    # The same words with a character no post contains: the cost of a post
    # without word hits (normalisation, automaton, contact and link patterns).
    unmatched = compile_lexicon(parse_word_list("\n".join(w + "龘" for w in words)).entries)
    quiet = ScreenContext(lexicon=unmatched)
    hits = statistics.fmean(len(lexicon.find(p)) for p in posts)
    print(f"{len(lexicon)} words compiled in {compile_s:.3f} s")
    print(f"{POSTS} posts of {POST_CHARS} characters, {hits:.1f} word hits a post on average")

    rows: list[tuple[str, Callable[[str], object], list[str], int]] = [
        ("screen(), simplified", lambda t: screen(t, context), posts, args.rounds),
        ("screen(), traditional", lambda t: screen(t, context), traditional, args.rounds),
        ("screen(), no word hits", lambda t: screen(t, quiet), posts, args.rounds),
    ]
    if not args.quick:
        start = time.perf_counter()
        alternation = re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))
        print(f"regex alternation compiled in {time.perf_counter() - start:.3f} s")

        def naive(text: str) -> list[str]:
            return [w for w in words if w in text]

        rows += [
            ("naive loop (w in text)", naive, posts, 1),
            ("regex alternation", alternation.findall, posts, 1),
        ]

    print(f"load average before timing: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    header = ("", "p50 ms", "p95 ms", "p99 ms", "cpu p50", "cpu p95", "best p95", "MB/s")
    print("{:24} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>7}".format(*header))
    for name, run, texts, rounds in rows:
        m = measure(run, texts, rounds)
        figures = [m[k] for k in ("p50", "p95", "p99", "cpu50", "cpu95", "best95", "mb_s")]
        print(
            "{:24} {:8.3f} {:8.3f} {:8.3f} {:8.3f} {:8.3f} {:8.3f} {:7.2f}".format(name, *figures)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
