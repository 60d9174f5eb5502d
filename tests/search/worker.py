"""A second process for the multi-process search tests (run by the ``worker`` fixture).

Commands (each prints progress lines the test reads on stdout):

- ``write ROOT FIRST COUNT BATCH``: index posts FIRST..FIRST+COUNT-1 in batches,
  retrying on IndexBusy as the web app's outbox would; prints ``done N retries``.
- ``write-one ROOT ID BODY``: index one post; prints ``committed``.
- ``slow-rebuild ROOT COUNT PROCS``: rebuild with COUNT posts, slowly, with
  PROCS writer processes, printing ``progress N``: the test kills it midway.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator

from search import IndexBusy, PostDoc, WhooshBackend


def _post(i: int, body: str) -> PostDoc:
    return PostDoc(id=i, title=f"帖子{i}", body=body, circle_id=1, circle_name="测试")


def write(root: str, first: int, count: int, batch: int) -> None:
    backend = WhooshBackend(root, lock_timeout=0.2)
    retries = 0
    pending = [_post(i, f"并发写入测试编号{i}号的帖子") for i in range(first, first + count)]
    while pending:
        chunk = pending[:batch]
        try:
            backend.index(chunk)
        except IndexBusy:
            retries += 1  # the outbox rows stay; try again shortly
            time.sleep(0.01)
            continue
        del pending[:batch]
    print(f"done {count} {retries}", flush=True)


def write_one(root: str, ident: int, body: str) -> None:
    backend = WhooshBackend(root, lock_timeout=5.0)
    backend.index([_post(ident, body)])
    print("committed", flush=True)


def slow_rebuild(root: str, count: int, procs: int) -> None:
    backend = WhooshBackend(root, lock_timeout=5.0, rebuild_procs=procs)

    def docs() -> Iterator[PostDoc]:
        for i in range(1, count + 1):
            if i % 50 == 0:
                print(f"progress {i}", flush=True)
                time.sleep(0.05)
            yield _post(10_000 + i, f"重建以后才有的新帖子{i}")

    backend.rebuild(docs())
    print("finished", flush=True)


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "write":
        write(args[0], int(args[1]), int(args[2]), int(args[3]))
    elif command == "write-one":
        write_one(args[0], int(args[1]), args[2])
    elif command == "slow-rebuild":
        slow_rebuild(args[0], int(args[1]), int(args[2]))
    else:
        raise SystemExit(f"unknown command {command!r}")
