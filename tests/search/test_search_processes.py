"""An index directory shared by several processes: locks, refresh, rebuilds."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
from whoosh.index import open_dir

from search import IndexBusy, WhooshBackend


def pointer(root: Path) -> str:
    return (root / "CURRENT").read_text().strip()


def generations(root: Path) -> set[str]:
    return {p.name for p in root.glob("gen-*")}


def wait_for_line(proc, prefix: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.startswith(prefix):
            return line.strip()
        if not line and proc.poll() is not None:
            break
    raise AssertionError(f"worker never printed {prefix!r}: {proc.stderr.read()}")


def test_index_lives_in_a_generation_named_by_the_pointer(disk_backend, index_root, post):
    disk_backend.index([post(1, "这款面霜真的好用")])
    name = pointer(index_root)
    assert generations(index_root) == {name}
    assert (index_root / name / "MAIN_WRITELOCK").exists() or any((index_root / name).iterdir())
    status = disk_backend.status()
    assert status.ok and status.generation == name and status.doc_count == 1
    assert not status.rebuilding


def test_rebuild_switches_to_a_new_generation(disk_backend, index_root, post):
    disk_backend.index([post(1, "旧的面霜帖子")])
    old = pointer(index_root)
    progress: list[int] = []
    docs = (post(i, f"新的精华帖子{i}") for i in range(2, 1202))
    count = disk_backend.rebuild(docs, progress.append)
    assert count == 1200 and progress == [1000, 1200]
    assert pointer(index_root) != old
    assert generations(index_root) == {pointer(index_root)}  # the old one is gone
    assert disk_backend.query("面霜").total == 0
    assert disk_backend.query("精华").total == 1200


def test_searches_work_and_writes_wait_during_a_rebuild(disk_backend, index_root, post, analyzer):
    disk_backend.index([post(1, "旧的面霜帖子")])
    other = WhooshBackend(index_root, analyzer=analyzer, lock_timeout=5.0)
    seen = {}

    def docs():
        yield post(2, "新的面霜帖子")
        # Midway: the old generation still answers, in this process and others.
        seen["here"] = [h.id for h in disk_backend.query("面霜").hits]
        seen["there"] = [h.id for h in other.query("面霜").hits]
        started = time.monotonic()
        with pytest.raises(IndexBusy):
            other.index([post(3, "重建期间写的面霜帖子")])
        seen["busy_after"] = time.monotonic() - started
        yield post(4, "又一篇面霜帖子")

    disk_backend.rebuild(docs())
    assert seen["here"] == [1] and seen["there"] == [1]
    assert seen["busy_after"] < 1.0  # no waiting out the timeout during a rebuild
    other.index([post(3, "重建期间写的面霜帖子")])  # the outbox retry, after
    other.close()
    time.sleep(0.25)
    assert {h.id for h in disk_backend.query("面霜").hits} == {2, 3, 4}


def children(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(c) for c in path.read_text().split()} if path.exists() else set()


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("procs", [1, 2])
def test_a_killed_rebuild_leaves_the_old_index_serving(
    disk_backend, index_root, post, worker, procs
):
    disk_backend.index([post(1, "旧的面霜帖子")])
    old = pointer(index_root)
    proc = worker("slow-rebuild", str(index_root), "5000", str(procs))
    try:
        wait_for_line(proc, "progress 450")
        assert (index_root / "REBUILDING").exists()
        assert len(generations(index_root)) == 2  # the half-built one
        helpers = children(proc.pid)
        assert bool(helpers) == (procs > 1)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
    # Parallel writers die with the rebuild instead of lingering.
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in helpers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in helpers)
    assert pointer(index_root) == old
    assert [h.id for h in disk_backend.query("面霜").hits] == [1]
    assert disk_backend.query("重建以后").total == 0
    # Writes go on (the dead rebuild's lock died with it)...
    disk_backend.index([post(2, "之后写的面霜帖子")])
    time.sleep(0.25)
    assert {h.id for h in disk_backend.query("面霜").hits} == {1, 2}
    assert not disk_backend.status().rebuilding
    # ...and the next rebuild clears away the orphan.
    disk_backend.rebuild([post(3, "面霜")])
    assert generations(index_root) == {pointer(index_root)}


def test_a_locked_index_raises_index_busy_and_a_retry_loses_nothing(disk_backend, index_root, post):
    disk_backend.index([post(1, "第一篇面霜帖子")])
    holder = open_dir(str(index_root / pointer(index_root))).writer()  # another writer
    try:
        started = time.monotonic()
        with pytest.raises(IndexBusy):
            disk_backend.index([post(2, "第二篇面霜帖子"), post(3, "第三篇面霜帖子")])
        assert time.monotonic() - started < disk_backend.lock_timeout + 0.5
        with pytest.raises(IndexBusy):
            disk_backend.delete([("post", 1)])
        assert disk_backend.query("面霜").total == 1  # reads go on meanwhile
    finally:
        holder.cancel()
    disk_backend.index([post(2, "第二篇面霜帖子"), post(3, "第三篇面霜帖子")])
    assert {h.id for h in disk_backend.query("面霜").hits} == {1, 2, 3}


def test_two_processes_writing_at_once_lose_nothing(disk_backend, index_root, worker):
    # No index yet: the two workers also race to create the first generation.
    procs = [worker("write", str(index_root), str(first), "60", "4") for first in (1, 1001)]
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert out.startswith("done 60")
    time.sleep(0.25)
    assert disk_backend.doc_count() == 120
    hits, total = disk_backend.query("并发写入测试", per_page=100)
    assert total == 120
    for ident in (1, 60, 1001, 1060):
        assert [h.id for h in disk_backend.query(f"编号{ident}号").hits] == [ident]


def test_another_process_sees_a_new_post_within_a_second(disk_backend, index_root, post, worker):
    reader = WhooshBackend(index_root, analyzer=disk_backend.analyzer)  # default refresh
    disk_backend.index([post(1, "先有一篇帖子")])
    assert reader.query("帖子").total == 1  # its searcher is open and warm
    proc = worker("write-one", str(index_root), "2", "刚刚发布的猫咪帖子")
    wait_for_line(proc, "committed")
    committed = time.monotonic()
    while not reader.query("猫咪").hits:
        assert time.monotonic() - committed < 1.0, "not visible within a second"
        time.sleep(0.02)
    proc.communicate(timeout=10)
    reader.close()


def test_refresh_never_shows_a_post_twice(disk_backend, post):
    # whoosh-reloaded's Searcher.refresh() would: our views reopen segments properly.
    for version in range(12):
        disk_backend.index([post(1, f"面霜第{version}版"), post(100 + version, "别的帖子")])
        hits, total = disk_backend.query("面霜")
        assert total == 1 and [h.id for h in hits] == [1]
        assert f"第{version}版" in hits[0].snippet
    assert disk_backend.doc_count() == 13


def test_user_words_reach_other_processes_through_the_word_file(tmp_path, index_root):
    words = tmp_path / "userdict.txt"
    one = WhooshBackend(index_root, user_dict=words, refresh_interval=0.0)
    two = WhooshBackend(index_root, user_dict=words, refresh_interval=0.0)
    assert one.add_words(["完美日记", "花西子"]) == 2
    assert words.read_text(encoding="utf-8").split() == ["完美日记", "花西子"]
    two.query("x")  # a query is when it looks for changes
    assert {"完美日记", "花西子"} <= two.analyzer.user_words
    one.close()
    two.close()
