"""Posts made of real Chinese news titles (THUCNews), for the search benches.

The titles are read at run time from ``../shared/data/thucnews-titles/`` next
to the repository (or ``$SEARCH_BENCH_TITLES``); they are never copied into the
project. Everything random is seeded, so two runs index the same posts.
"""

from __future__ import annotations

import os
import random
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TITLES = Path(
    os.environ.get(
        "SEARCH_BENCH_TITLES", REPO.parent / "shared" / "data" / "thucnews-titles" / "titles.tsv"
    )
)

# Make ``import search`` work when a bench is run as a plain script.
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from search import PostDoc  # noqa: E402


def load_titles() -> list[tuple[str, str]]:
    """``(category, title)`` pairs, or exit with a message when the data is absent."""
    if not TITLES.is_file():
        print(f"skipped: {TITLES} not found (the shared data folder is absent)")
        raise SystemExit(0)
    rows = []
    for line in TITLES.read_text(encoding="utf-8").splitlines():
        category, _, title = line.partition("\t")
        if title.strip():
            rows.append((category, title.strip()))
    return rows


CATEGORY_NAMES = {
    "education": "教育",
    "entertainment": "娱乐",
    "finance": "财经",
    "game": "游戏",
    "politics": "时政",
    "realty": "房产",
    "science": "科技",
    "society": "社会",
    "sports": "体育",
    "stocks": "股票",
}
NOW = datetime(2025, 6, 1, tzinfo=UTC)


def make_posts(
    titles: list[tuple[str, str]],
    count: int,
    padding: int,
    *,
    titled: bool = True,
    seed: int = 7,
) -> Iterator[PostDoc]:
    """``count`` posts built from real titles.

    Post ``i`` takes title ``i`` (cycling through them), as its title when
    ``titled`` and always as the start of its body, followed by ``padding``
    other random titles. Beyond the number of titles they repeat, with other
    padding, so every post's text is still a new combination.
    """
    rng = random.Random(seed)
    circles = sorted(CATEGORY_NAMES)
    n = len(titles)
    for i in range(count):
        category, title = titles[i % n]
        extra = [titles[rng.randrange(n)][1] for _ in range(padding)]
        yield PostDoc(
            id=i + 1,
            title=title if titled else "",
            body="。".join([title, *extra]) if not titled else "。".join(extra) or title,
            circle_id=circles.index(category) + 1 if category in CATEGORY_NAMES else 0,
            circle_name=CATEGORY_NAMES.get(category, category),
            author_id=rng.randrange(1, 5000),
            author_name=f"用户{rng.randrange(1, 5000)}",
            created=NOW - timedelta(seconds=rng.randrange(0, 365 * 86400)),
            like_count=int(rng.paretovariate(1.5)) - 1,
        )
