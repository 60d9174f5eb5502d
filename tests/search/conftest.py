"""Fixtures for the search library's tests: a shared analyzer, backends, posts."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from search import Analyzer, PostDoc, WhooshBackend

REPO = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("worker.py")
NOW = datetime(2025, 6, 1, 12, 0, 0)


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    # Building jieba's dictionary takes a moment: share one analyzer. Tests
    # that add user words make their own.
    return Analyzer()


@pytest.fixture
def backend(analyzer: Analyzer) -> WhooshBackend:
    """An empty in-memory index."""
    return WhooshBackend.in_memory(analyzer=analyzer)


@pytest.fixture
def index_root(tmp_path: Path) -> Path:
    return tmp_path / "search"


@pytest.fixture
def disk_backend(index_root: Path, analyzer: Analyzer):
    """An empty index in a directory, as the web app uses it."""
    b = WhooshBackend(index_root, analyzer=analyzer, lock_timeout=0.3, refresh_interval=0.2)
    yield b
    b.close()


def _post(
    id: int,
    body: str,
    title: str = "",
    *,
    circle_id: int = 1,
    circle_name: str = "护肤",
    days_ago: float = 0,
    likes: int = 0,
    topics: tuple[str, ...] = (),
) -> PostDoc:
    """A post with sensible defaults; ``days_ago`` sets its creation time."""
    return PostDoc(
        id=id,
        title=title,
        body=body,
        circle_id=circle_id,
        circle_name=circle_name,
        author_id=100 + id,
        author_name=f"会员{id}",
        topics=topics,
        created=NOW - timedelta(days=days_ago),
        like_count=likes,
    )


@pytest.fixture
def post():
    """Factory: ``post(id, body, title="", circle_id=1, days_ago=0, likes=0, ...)``."""
    return _post


@pytest.fixture
def worker():
    """Factory: ``worker("cmd", *args)`` starts ``worker.py`` in another process."""
    return _run_worker


def _run_worker(*args: str, **kwargs) -> subprocess.Popen:
    """Start ``worker.py`` in a new Python process (for multi-process tests)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, str(WORKER), *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )
