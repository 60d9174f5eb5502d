"""Known-item recall on real Chinese text.

Every THUCNews title becomes a post body (followed by two other random titles,
to make posts of a realistic length). For 1,000 random posts we pick a word of
the body as a *different* segmenter sees it (jieba's default precise mode, not
our rjieba search mode): 2-4 CJK characters, occurring in at most 10 posts.
A search for that word should have the post in its top 10.

    .venv/bin/python bench/search/recall.py [--posts N] [--queries N]
"""

from __future__ import annotations

import argparse
import logging
import random
import re
import sys
import tempfile
import time
from collections import defaultdict

from corpus import load_titles, make_posts

from search import WhooshBackend

CJK_WORD = re.compile(r"[\u4e00-\u9fff]{2,4}")
MAX_POSTS_WITH_WORD = 10


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=0, help="posts to index (default: all titles)")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()

    try:
        import jieba  # the independent segmenter; only the bench needs it
    except ImportError:
        print("skipped: needs jieba (pip install jieba), the independent segmenter")
        return 0

    jieba.setLogLevel(logging.WARNING)
    titles = load_titles()
    posts = list(make_posts(titles, args.posts or len(titles), padding=2, titled=False))
    bodies = {p.id: p.body for p in posts}

    # Which posts contain a string: bigram postings, then a substring check.
    by_bigram: dict[str, set[int]] = defaultdict(set)
    for pid, body in bodies.items():
        for i in range(len(body) - 1):
            by_bigram[body[i : i + 2]].add(pid)

    def posts_with(word: str) -> set[int]:
        candidates = set.intersection(*(by_bigram[word[i : i + 2]] for i in range(len(word) - 1)))
        return {pid for pid in candidates if word in bodies[pid]}

    with tempfile.TemporaryDirectory() as tmp:
        backend = WhooshBackend(tmp)
        started = time.perf_counter()
        backend.rebuild(posts)
        print(f"indexed {len(posts)} posts in {time.perf_counter() - started:.1f} s")

        rng = random.Random(args.seed)
        order = list(bodies)
        rng.shuffle(order)
        asked = hits = 0
        misses: list[tuple[int, str, list[int]]] = []
        lengths: dict[int, int] = defaultdict(int)
        for pid in order:
            if asked == args.queries:
                break
            words = [w for w in jieba.lcut(bodies[pid]) if CJK_WORD.fullmatch(w)]
            words = [w for w in dict.fromkeys(words) if len(posts_with(w)) <= MAX_POSTS_WITH_WORD]
            if not words:
                continue
            word = rng.choice(words)
            asked += 1
            lengths[len(word)] += 1
            found = [h.id for h in backend.query(word, per_page=10).hits]
            if pid in found:
                hits += 1
            else:
                misses.append((pid, word, found))
        backend.close()

    recall = hits / asked if asked else 0.0
    print(f"queries: {asked} (word lengths {dict(sorted(lengths.items()))})")
    print(f"known-item recall@10: {recall:.2%} ({hits}/{asked}); target >= 98%")
    for pid, word, found in misses[:10]:
        print(f"  miss: {word!r} for post {pid} ({bodies[pid][:40]}…); got {found}")
    return 0 if recall >= 0.98 else 1


if __name__ == "__main__":
    sys.exit(main())
